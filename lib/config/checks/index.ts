/**
 * The deployment checks, one small pure function of the model per concern, run in a fixed order so
 * that the problem lines (and their order) are stable. The order follows the file: zones, identity
 * providers, groups, policies, apps, Pages gating and sessions, routes, sites, the owners of public
 * hostnames (buckets, tenants, Pages, Workers), tokens, account members, buckets, tenants, adoptions, limits, secret expiry; files
 * on disk last, and only once the document itself is sound; warnings about identities at the very end.
 */
import { ProblemCollector } from '../../core/errors';
import type { DeploymentModel } from '../../deployment/model';
import { accessGroups } from './access-groups';
import { adoptedOnce, adoptedTargets } from './adopt';
import { accountMembers } from './account-members';
import { accessPolicies, policySessionAgreement } from './access-policies';
import { apiTokens } from './api-tokens';
import { apps } from './apps';
import { bucketDomains, buckets } from './buckets';
import type { CheckOptions, DeploymentCheck, Finding } from './check';
import { secretExpiries, secretVariables } from './identity-providers';
import { reachableIdentities } from './identities';
import { limits } from './limits';
import { pagesGating, pagesSites } from './pages';
import { routes } from './routes';
import { sites } from './sites';
import { tenantOwners, tenants } from './tenants';
import { moduleFiles, workers } from './workers';
import { zoneDeclarations, zoneHoldsTheHostnames } from './zones';

export type { CheckOptions, DeploymentCheck, Finding } from './check';

/** The checks of a deployment, in the order their findings are reported. */
export const DEPLOYMENT_CHECKS: readonly DeploymentCheck[] = [
  zoneDeclarations,
  zoneHoldsTheHostnames,
  secretVariables,
  accessGroups,
  accessPolicies,
  apps,
  pagesGating,
  policySessionAgreement,
  routes,
  sites,
  bucketDomains,
  tenantOwners,
  pagesSites,
  workers,
  apiTokens,
  accountMembers,
  buckets,
  tenants,
  adoptedTargets,
  adoptedOnce,
  limits,
  secretExpiries,
];

/** Checks that look outside the document (files), run only when the document itself has no error. */
export const FILE_CHECKS: readonly DeploymentCheck[] = [moduleFiles];

/** Checks that only warn, reported after everything else. */
export const LAST_CHECKS: readonly DeploymentCheck[] = [reachableIdentities];

/** Every problem of a deployment: errors (which refuse it) and warnings (risky but legal), each in order. */
export interface CheckResult {
  /** The errors: any one refuses the deployment. */
  readonly errors: ProblemCollector;
  /** The warnings: printed, the deployment is still accepted. */
  readonly warnings: ProblemCollector;
}

/**
 * A name that is not declared, referenced from several places (a group renamed under the policies
 * that use it), is one mistake: one line, at its first reference, naming the others.
 */
function namedOnce(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding) => (!f.warning && f.message.startsWith('names no ') && 'value' in f ? `${f.message}\u0000${JSON.stringify(f.value)}` : undefined);
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = key(f);
    if (k !== undefined) groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  return findings.flatMap((f) => {
    const group = groups.get(key(f) ?? '');
    if (!group || group.length < 2) return [f];
    if (group[0] !== f) return [];
    const others = group.slice(1).map((g) => g.path);
    const shown = others.length > 3 ? `${others.slice(0, 3).join(', ')} and ${others.length - 3} more` : others.join(', ');
    return [{ ...f, message: `${f.message}; also named at ${shown}` }];
  });
}

/** Run every check on a resolved deployment. */
export function checkDeployment(m: DeploymentModel, options: CheckOptions = {}): CheckResult {
  const errors = new ProblemCollector();
  const warnings = new ProblemCollector();
  const report = (findings: readonly Finding[]) => {
    for (const { warning, ...p } of findings) (warning ? warnings : errors).add(p.path, p.message, ...('value' in p ? [p.value] : []));
  };
  report(namedOnce(DEPLOYMENT_CHECKS.flatMap((check) => check(m, options))));
  if (errors.problems.length === 0) for (const check of FILE_CHECKS) report(check(m, options));
  for (const check of LAST_CHECKS) report(check(m, options));
  return { errors, warnings };
}

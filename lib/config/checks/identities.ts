/**
 * Reachable identities (a warning): an allow policy that admits an address or a domain that no
 * identity provider allowed by an app using it can sign in (an outside address where a Google
 * Workspace IdP is the only one) matches no one there. Apps without `idps` allow every IdP of the
 * account, which is not known here.
 */
import { declared } from '../../core/names';
import type { AccessRuleInput, Deployment, IdentityProviderSpec } from '../../config/schema';
import type { DeploymentModel, ModelApp } from '../../deployment/model';
import { Finding, warning } from './check';

/** Whether an identity provider can sign in an address (or every address of a domain); undefined when unknown. */
function canSignIn(idp: IdentityProviderSpec, domain: string): boolean | undefined {
  if (idp.type === 'google-workspace') return domain === idp.apps_domain || domain.endsWith(`.${idp.apps_domain}`);
  if (idp.type === 'one-time-pin') return true;
  return undefined; // entra and existing providers: their directories are not known here
}

function describeIdp(name: string, idp: IdentityProviderSpec): string {
  return idp.type === 'google-workspace' ? `${name} (google workspace, ${idp.apps_domain} accounts only)` : `${name} (${idp.type})`;
}

interface Identity {
  readonly path: string;
  readonly value: string;
  readonly domain: string;
}

/** The addresses and domains an app's allow policies admit, with where each is written. */
function admittedIdentities(d: Deployment, app: ModelApp): Identity[] {
  const identities: Identity[] = [];
  const fromRules = (at: string, rules: readonly AccessRuleInput[]) =>
    rules.forEach((r, i) => {
      if ('email' in r) identities.push({ path: `${at}[${i}].email`, value: r.email, domain: r.email.split('@')[1] });
      if ('email_domain' in r) identities.push({ path: `${at}[${i}].email_domain`, value: r.email_domain, domain: r.email_domain });
      const groupName = 'group' in r ? r.group : undefined;
      const group = groupName ? declared(d.access_groups, groupName) : undefined;
      if (group) {
        group.emails.forEach((e, j) => identities.push({ path: `access_groups.${groupName}.emails[${j}]`, value: e, domain: e.split('@')[1] }));
        group.email_domains.forEach((e, j) => identities.push({ path: `access_groups.${groupName}.email_domains[${j}]`, value: e, domain: e }));
      }
    });
  for (const p of new Set(app.policies)) {
    // an app may name a policy the file does not declare (reported by the apps check)
    const policy = declared(d.access_policies, p);
    if (policy?.decision === 'allow') fromRules(`access_policies.${p}.include`, policy.include);
  }
  return identities;
}

/**
 * The reachable-identities check (warnings only): an address or domain an allow policy admits that
 * none of the app's identity providers can sign in. Runs last (LAST_CHECKS), once the rest is sound.
 */
export function reachableIdentities(m: DeploymentModel): Finding[] {
  const d = m.deployment;
  const unreachable = new Map<string, { value: string; apps: string[]; idps: string[] }>();
  for (const app of m.apps.values()) {
    // an app may name a provider the file does not declare (reported by the apps check)
    const idps = app.idps.map((n) => [n, declared(d.identity_providers, n)] as const);
    if (idps.length === 0) continue;
    const known = idps.flatMap(([n, idp]) => (idp ? [[n, idp] as const] : []));
    if (known.length !== idps.length) continue;
    for (const id of admittedIdentities(d, app)) {
      if (known.some(([, idp]) => canSignIn(idp, id.domain) !== false)) continue;
      const entry = unreachable.get(id.path) ?? { value: id.value, apps: [], idps: [] };
      if (!entry.apps.includes(app.name)) entry.apps.push(app.name);
      for (const [n, idp] of known) if (!entry.idps.includes(describeIdp(n, idp))) entry.idps.push(describeIdp(n, idp));
      unreachable.set(id.path, entry);
    }
  }
  return [...unreachable].map(([at, u]) =>
    warning(
      at,
      `admits ${u.value}, but no identity provider of app${u.apps.length > 1 ? 's' : ''} ${u.apps.join(', ')} can sign it in ` +
        `(allowed: ${u.idps.join(', ')}); add one that can (e.g. one-time-pin) to the app's idps, or remove the rule`,
      u.value,
    ),
  );
}

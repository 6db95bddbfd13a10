/**
 * Composition: the stacks a deployment synthesizes into. Importing this module runs nothing.
 *
 *   pages    (Pages projects, their custom domains and CNAMEs; only with pages)
 *   -> access   (Zero Trust: identity providers, groups, policies, apps)
 *     -> standby    (standby tunnel, ingress, host; no public record; only with sites.standby)
 *       -> production (primary tunnel, ingress, host, the routes' DNS records, Pages, Workers, tokens, buckets)
 *   access -> tenants-<n> (one shard of the managed tenant fleet each; only when tenants exist)
 */
import { App, TerraformResource, TerraformStack } from 'cdktf';
import { AccessStack } from '../stacks/access';
import { PagesStack } from '../stacks/pages';
import { ProductionStack } from '../stacks/production';
import { StandbyStack } from '../stacks/standby';
import { TenantShardStack } from '../stacks/tenants';
import { applyPolicyPack, GatehousePackOptions } from './checks/pack';
import type { ComplianceReport } from './checks/report';
import type { Deployment } from './config/schema';
import { GatehouseError } from './core/errors';
import { PROJECT_ROOT } from './core/paths';
import { adoptExisting } from './deployment/adopt';
import { legacyStateProblems, movedStateProblems } from './deployment/backend';
import { DeploymentModel, modelOf } from './deployment/model';

/** The stacks `buildStacks` added to the app, and the compliance report the policy pack fills. */
export interface GatehouseStacks {
  /** Present when the deployment declares Pages sites; `access` depends on it. */
  readonly pages?: PagesStack;
  /** Stack `access`: the Zero Trust objects (identity providers, groups, policies, apps, service tokens, account members). */
  readonly access: AccessStack;
  /** Present when the deployment declares `sites.standby`. */
  readonly standby?: StandbyStack;
  /** Stack `production`: the primary tunnel and host, the routes' DNS records, Workers, API tokens and buckets. */
  readonly production: ProductionStack;
  /** Tenant shards (`tenants-<n>`), by stack id. */
  readonly tenantShards: ReadonlyMap<string, TenantShardStack>;
  /** Filled by the policy pack during synth. */
  readonly report: ComplianceReport;
}

/** How `buildStacks` builds: the policy pack's options, where Worker modules are read from, and the state check. */
export interface BuildOptions extends GatehousePackOptions {
  /**
   * Directory of the deployment file; Worker module files are resolved against it.
   * @default - the project root
   */
  readonly deploymentDir?: string;
  /**
   * Refuse to synthesize while local state sits where this synth would not read it: at the path used
   * before state was kept per deployment, or Pages resources still in `production`'s state. Each
   * problem prints the exact command that moves it. The state lives beside the app's output directory.
   * @default true
   */
  readonly checkState?: boolean;
}

/**
 * Build the stacks of a deployment and apply the policy pack to each. Pass the model that
 * `loadDeployment` resolved (`LoadedDeployment.model`); a raw `Deployment` is resolved here, once.
 */
export function buildStacks(app: App, input: Deployment | DeploymentModel, options: BuildOptions = {}): GatehouseStacks {
  const m = modelOf(input, options.today !== undefined ? { today: options.today } : {});
  const pages = m.pages.size ? new PagesStack(app, 'pages', { model: m }) : undefined;
  const access = new AccessStack(app, 'access', { model: m, ...(pages ? { pagesSites: pages.sites } : {}) });
  // A custom domain already behind Access cannot be added to a Pages project: the sites come first.
  if (pages) access.addDependency(pages);
  const tunnelApps = [...access.apps.values(), ...access.publicPaths.values()];
  const standby = m.sites?.standby ? new StandbyStack(app, 'standby', { model: m, accessApps: tunnelApps }) : undefined;
  const production = new ProductionStack(app, 'production', {
    model: m,
    deploymentDir: options.deploymentDir ?? PROJECT_ROOT,
    accessApps: access.apps,
    publicPaths: [...access.publicPaths.values()],
    ...(standby ? { standbyTunnel: standby.tunnel } : {}),
    ...(standby?.hostServiceAccountMember ? { standbyHostMember: standby.hostServiceAccountMember } : {}),
  });
  const tenantShards = buildTenantShards(app, m, access);
  // What already exists is imported, not created (`adopt:`, docs/adopt.md): one place, before the checks.
  adoptExisting(new Map<string, TerraformStack>([...(pages ? [['pages', pages] as const] : []), ['access', access], ...(standby ? [['standby', standby] as const] : []), ['production', production]]), m);
  if (options.checkState ?? true) {
    const problems = [
      ...legacyStateProblems(m.deployment, app.outdir),
      ...movedStateProblems(m.deployment, app.outdir, { from: 'production', to: 'pages', addresses: pages ? resourceAddresses(pages) : [] }),
    ];
    if (problems.length) throw new GatehouseError(problems);
  }
  const stacks = [...(pages ? [pages] : []), access, ...(standby ? [standby] : []), production, ...tenantShards.values()];
  const report = applyPolicyPack(stacks, { ...options, today: options.today ?? m.today });
  for (const session of m.appSessions) report.addSession(session);
  return { pages, access, standby, production, tenantShards, report };
}

/**
 * The tenant shard stacks (`tenants-<n>`) of a deployment, reading the policies and identity
 * providers of `access`: every planned shard, or only those named in `only` (a job of a split
 * synth builds `access` and its own shards, nothing else; lib/synth-jobs.ts).
 */
export function buildTenantShards(app: App, m: DeploymentModel, access: AccessStack, only?: ReadonlySet<string>): Map<string, TenantShardStack> {
  const tenantShards = new Map<string, TenantShardStack>();
  for (const shard of m.shards) {
    if (only && !only.has(shard.stackId)) continue;
    tenantShards.set(
      shard.stackId,
      new TenantShardStack(app, shard.stackId, { model: m, tenants: shard.tenants, policies: access.policies, identityProviders: access.identityProviders }),
    );
  }
  return tenantShards;
}

/** The terraform addresses (`type.name`) of a stack's resources. */
function resourceAddresses(stack: PagesStack): string[] {
  return stack.node
    .findAll()
    .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c))
    .map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`);
}

/**
 * Composition: the stacks a deployment synthesizes into. Importing this module runs nothing.
 *
 *   access   (Zero Trust: identity providers, groups, policies, apps)
 *     -> standby    (standby tunnel, ingress, host; no public record; only with sites.standby)
 *       -> production (primary tunnel, ingress, host, the routes' DNS records, Pages, Workers, tokens, buckets)
 *   access -> tenants-<n> (one shard of the managed tenant fleet each; only when tenants exist)
 */
import type { App } from 'cdktf';
import { AccessStack } from '../stacks/access';
import { ProductionStack } from '../stacks/production';
import { StandbyStack } from '../stacks/standby';
import { TenantShardStack } from '../stacks/tenants';
import { applyPolicyPack, GatehousePackOptions } from './checks/pack';
import type { ComplianceReport } from './checks/report';
import type { Deployment } from './config/schema';
import { PROJECT_ROOT } from './core/paths';
import { planShards } from './tenants/plan';

export interface GatehouseStacks {
  readonly access: AccessStack;
  /** Present when the deployment declares `sites.standby`. */
  readonly standby?: StandbyStack;
  readonly production: ProductionStack;
  /** Tenant shards (`tenants-<n>`), by stack id. */
  readonly tenantShards: ReadonlyMap<string, TenantShardStack>;
  /** Filled by the policy pack during synth. */
  readonly report: ComplianceReport;
}

export interface BuildOptions extends GatehousePackOptions {
  /**
   * Directory of the deployment file; Worker module files are resolved against it.
   * @default - the project root
   */
  readonly deploymentDir?: string;
}

/** Build the stacks of a deployment and apply the policy pack to each. */
export function buildStacks(app: App, deployment: Deployment, options: BuildOptions = {}): GatehouseStacks {
  const access = new AccessStack(app, 'access', { deployment });
  const accessApps = [...access.apps.values()];
  const standbySite = deployment.sites?.standby;
  const standby = standbySite ? new StandbyStack(app, 'standby', { deployment, site: standbySite, accessApps }) : undefined;
  const production = new ProductionStack(app, 'production', {
    deployment,
    deploymentDir: options.deploymentDir ?? PROJECT_ROOT,
    accessApps: access.apps,
    ...(standby ? { standbyTunnel: standby.tunnel } : {}),
    ...(standby?.hostServiceAccountMember ? { standbyHostMember: standby.hostServiceAccountMember } : {}),
  });
  const tenantShards = buildTenantShards(app, deployment, access);
  const stacks = [access, ...(standby ? [standby] : []), production, ...tenantShards.values()];
  const report = applyPolicyPack(stacks, options);
  return { access, standby, production, tenantShards, report };
}

/**
 * The tenant shard stacks (`tenants-<n>`) of a deployment, reading the policies and identity
 * providers of `access`: every planned shard, or only those named in `only` (a job of a split
 * synth builds `access` and its own shards, nothing else; lib/synth-jobs.ts).
 */
export function buildTenantShards(app: App, deployment: Deployment, access: AccessStack, only?: ReadonlySet<string>): Map<string, TenantShardStack> {
  const tenantShards = new Map<string, TenantShardStack>();
  for (const shard of planShards(deployment)) {
    if (only && !only.has(shard.stackId)) continue;
    tenantShards.set(
      shard.stackId,
      new TenantShardStack(app, shard.stackId, {
        deployment,
        tenants: shard.tenants,
        policies: access.policies,
        identityProviders: access.identityProviders,
      }),
    );
  }
  return tenantShards;
}

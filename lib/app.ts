/**
 * Composition: the stacks a deployment synthesizes into. Importing this module runs nothing.
 *
 *   access   (Zero Trust: identity providers, groups, policies, apps)
 *     -> standby    (standby tunnel, ingress, host; no public record)
 *       -> production (primary tunnel, ingress, host, every public DNS record, buckets)
 *   access -> tenants-<n> (one shard of the managed tenant fleet each; only when tenants exist)
 */
import type { App } from 'cdktf';
import { applyPolicyPack, GatehousePackOptions } from './checks/pack';
import type { ComplianceReport } from './checks/report';
import type { Deployment } from './config/schema';
import { AccessStack } from '../stacks/access';
import { ProductionStack } from '../stacks/production';
import { StandbyStack } from '../stacks/standby';
import { TenantShardStack } from '../stacks/tenants';
import { planShards } from './tenants/plan';

export interface GatehouseStacks {
  readonly access: AccessStack;
  readonly standby: StandbyStack;
  readonly production: ProductionStack;
  /** Tenant shards (`tenants-<n>`), by stack id. */
  readonly tenantShards: ReadonlyMap<string, TenantShardStack>;
  /** Filled by the policy pack during synth. */
  readonly report: ComplianceReport;
}

export interface BuildOptions extends GatehousePackOptions {}

/** Build the stacks of a deployment and apply the policy pack to each. */
export function buildStacks(app: App, deployment: Deployment, options: BuildOptions = {}): GatehouseStacks {
  const access = new AccessStack(app, 'access', { deployment });
  const accessApps = [...access.apps.values()];
  const standby = new StandbyStack(app, 'standby', { deployment, accessApps });
  const production = new ProductionStack(app, 'production', {
    deployment,
    accessApps,
    standbyTunnel: standby.tunnel,
    standbyHostMember: standby.hostServiceAccountMember,
  });
  const tenantShards = new Map<string, TenantShardStack>();
  for (const shard of planShards(deployment)) {
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
  const report = applyPolicyPack([access, standby, production, ...tenantShards.values()], options);
  return { access, standby, production, tenantShards, report };
}

/**
 * Pure planning for the tenant fleet: names, stable shard assignment and the refresh-cost estimate
 * that keeps each shard stack inside Cloudflare's API rate limit.
 */
import { createHash } from 'crypto';
import type { Deployment, TenantSpec } from '../config/schema';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The tenant's subdomain: the requested one, or `t-<10 hex of sha256(id)>`, stable for the tenant's life. */
export function tenantSubdomain(tenant: Pick<TenantSpec, 'id' | 'subdomain'>): string {
  return tenant.subdomain ?? `t-${sha256(tenant.id).slice(0, 10)}`;
}

/** The tenant's public hostname: `<tenantSubdomain>.<zone>`. */
export function tenantHostname(tenant: Pick<TenantSpec, 'id' | 'subdomain'>, zone: string): string {
  return `${tenantSubdomain(tenant)}.${zone}`;
}

/** The tenant's bucket: `<deployment>-t-<id>`. */
export function tenantBucketName(deploymentName: string, tenantId: string): string {
  return `${deploymentName}-t-${tenantId}`;
}

/**
 * The shard a tenant lives in: its pin, or sha256(id) mod shard_count. It depends on nothing but the
 * tenant itself, so adding or removing other tenants never moves it (moving means destroy and
 * re-create). `shard_count` is fixed once tenants are deployed; grow by pinning new tenants to new shards.
 */
export function shardOf(tenant: Pick<TenantSpec, 'id' | 'shard'>, shardCount: number): number {
  return tenant.shard ?? parseInt(sha256(tenant.id).slice(0, 8), 16) % shardCount;
}

/** The stack id of a shard. */
export function shardStackId(shard: number): string {
  return `tenants-${shard}`;
}

/**
 * Cloudflare API calls one tenant costs on a refresh. Enabled: tunnel, tunnel config, token data
 * source, one DNS record per hostname (its own and each extra hostname), bucket, lifecycle, r2.dev
 * setting, account token (+ the access app). Disabled: the retired bucket, its lifecycle and its r2.dev
 * setting. A test checks this against the synthesized resources.
 */
export function tenantRefreshCost(tenant: Pick<TenantSpec, 'enabled' | 'access'> & { readonly extra_hostnames?: readonly string[] }): number {
  if (!tenant.enabled) return 3;
  return 8 + (tenant.access ? 1 : 0) + (tenant.extra_hostnames?.length ?? 0);
}

/** One shard of the tenant fleet, as `planShards` plans it: one `tenants-<n>` stack. */
export interface ShardPlan {
  /** The shard number, 0-based. */
  readonly shard: number;
  /** The shard's stack id, `tenants-<shard>`. */
  readonly stackId: string;
  /** The tenants in the shard, in file order; empty for a shard with no tenants left. */
  readonly tenants: readonly TenantSpec[];
  /** Estimated refresh API calls of the shard stack. */
  readonly refreshCost: number;
}

/**
 * Tenants grouped by shard, shards in ascending order, tenants in file order. Once there are tenants,
 * every shard below `shard_count` (and every pinned shard) is planned, even when empty, so removing
 * the last tenant of a shard still plans its removal instead of silently orphaning its resources.
 */
export function planShards(d: Pick<Deployment, 'tenants'>): ShardPlan[] {
  const byShard = new Map<number, TenantSpec[]>();
  if (d.tenants.members.length > 0) for (let s = 0; s < d.tenants.shard_count; s++) byShard.set(s, []);
  for (const t of d.tenants.members) {
    const s = shardOf(t, d.tenants.shard_count);
    byShard.set(s, [...(byShard.get(s) ?? []), t]);
  }
  return [...byShard.entries()]
    .sort(([a], [b]) => a - b)
    .map(([shard, tenants]) => ({
      shard,
      stackId: shardStackId(shard),
      tenants,
      refreshCost: tenants.reduce((sum, t) => sum + tenantRefreshCost(t), 0),
    }));
}

import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import type { IIdentityProvider } from '../lib/cloudflare/access/identity-provider';
import type { IAccessPolicy } from '../lib/cloudflare/access/policy';
import type { Deployment, TenantSpec } from '../lib/config/schema';
import { configureBackend } from '../lib/deployment/backend';
import { tenantBucketName, tenantHostname } from '../lib/tenants/plan';
import { ManagedTenant } from '../lib/tenants/tenant';

export interface TenantShardStackProps {
  readonly deployment: Deployment;
  /** The tenants of this shard, in file order. */
  readonly tenants: readonly TenantSpec[];
  /** Policies and identity providers of the `access` stack, for tenants with an Access app. */
  readonly policies: ReadonlyMap<string, IAccessPolicy>;
  readonly identityProviders: ReadonlyMap<string, IIdentityProvider>;
  /**
   * Today (YYYY-MM-DD), for the deletion dates of disabled tenants.
   * @default - the current date
   */
  readonly today?: string;
}

/**
 * One shard of the managed tenant fleet (`tenants-<n>`): each tenant's tunnel, hostname, bucket and
 * scoped keys, plus per-tenant status outputs. Shards keep each state small enough that a refresh
 * fits in one Cloudflare API rate-limit window, and plan in parallel on a remote backend.
 */
export class TenantShardStack extends TerraformStack {
  public readonly tenants: ReadonlyMap<string, ManagedTenant>;

  constructor(scope: Construct, id: string, props: TenantShardStackProps) {
    super(scope, id);
    const d = props.deployment;
    new CloudflareProvider(this, 'cloudflare', {});
    new NullProvider(this, 'null', {});
    configureBackend(this, d);

    const tenants = new Map<string, ManagedTenant>();
    for (const spec of props.tenants) {
      const tenant = new ManagedTenant(this, `tenant-${spec.id}`, {
        accountId: d.cloudflare.account_id,
        zoneId: d.cloudflare.zone_id,
        teamName: d.cloudflare.team_name,
        tenantId: spec.id,
        tunnelPrefix: d.name,
        hostname: tenantHostname(spec, d.cloudflare.zone),
        service: spec.service ?? d.tenants.service,
        bucketName: tenantBucketName(d.name, spec.id),
        enabled: spec.enabled,
        rotation: spec.rotation,
        retainDays: spec.retain_days,
        ...(spec.disabled_on ? { disabledOn: spec.disabled_on } : {}),
        ...(spec.confirm_delete !== undefined ? { confirmDelete: spec.confirm_delete } : {}),
        ...(props.today ? { today: props.today } : {}),
        ...(spec.access
          ? {
              access: {
                policies: spec.access.policies.map((p) => props.policies.get(p)!),
                ...(spec.access.idps.length ? { identityProviders: spec.access.idps.map((i) => props.identityProviders.get(i)!) } : {}),
              },
            }
          : {}),
        ...(d.tenants.public_reason ? { publicReason: d.tenants.public_reason } : {}),
        ...(d.tenants.key_expires ? { keyExpires: d.tenants.key_expires } : {}),
      });
      tenants.set(spec.id, tenant);

      // Status, per tenant: what the seed's status endpoint returned.
      const out = `tenant_${spec.id.replace(/-/g, '_')}`;
      new TerraformOutput(this, `${out}_enabled`, { value: spec.enabled });
      new TerraformOutput(this, `${out}_bucket`, { value: tenant.bucket.bucketName });
      new TerraformOutput(this, `${out}_endpoint`, { value: tenant.bucket.s3Endpoint });
      if (tenant.site && tenant.credentials) {
        new TerraformOutput(this, `${out}_hostname`, { value: tenant.hostname });
        new TerraformOutput(this, `${out}_tunnel_id`, { value: tenant.site.tunnelId });
        new TerraformOutput(this, `${out}_tunnel_token`, { value: tenant.site.connectorToken, sensitive: true });
        new TerraformOutput(this, `${out}_access_key_id`, { value: tenant.credentials.accessKeyId, sensitive: true });
        new TerraformOutput(this, `${out}_secret_access_key`, { value: tenant.credentials.secretAccessKey, sensitive: true });
      }
    }
    this.tenants = tenants;
  }
}

import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import type { IIdentityProvider } from '../lib/cloudflare/access/identity-provider';
import type { IAccessPolicy } from '../lib/cloudflare/access/policy';
import { lookup } from '../lib/core/errors';
import { outputId } from '../lib/core/terraform';
import { configureBackend } from '../lib/deployment/backend';
import { JURISDICTIONS } from '../lib/deployment/enums';
import type { DeploymentModel, ModelTenant } from '../lib/deployment/model';
import { ManagedTenant } from '../lib/tenants/tenant';
import { originOptions } from '../lib/deployment/site';

/** What a tenant shard stack is built from: the model, its tenants, and what it references in `access`. */
export interface TenantShardStackProps {
  /** The resolved deployment (lib/deployment/model.ts). */
  readonly model: DeploymentModel;
  /** The tenants of this shard (`model.shards`), in file order. */
  readonly tenants: readonly ModelTenant[];
  /** Policies and identity providers of the `access` stack, for tenants with an Access app. */
  readonly policies: ReadonlyMap<string, IAccessPolicy>;
  /** Identity providers of the `access` stack, by name, for tenants whose `access.idps` names some. */
  readonly identityProviders: ReadonlyMap<string, IIdentityProvider>;
}

/**
 * One shard of the managed tenant fleet (`tenants-<n>`): each tenant's tunnel, hostname, bucket and
 * scoped keys, plus per-tenant status outputs. Shards keep each state small enough that a refresh
 * fits in one Cloudflare API rate-limit window, and plan in parallel on a remote backend.
 *
 * @example
 * const app = new App();
 * const { model } = loadDeployment('deployment.yaml');
 * const access = new AccessStack(app, 'access', { model });
 * for (const shard of model.shards) {
 *   new TenantShardStack(app, shard.stackId, {
 *     model,
 *     tenants: shard.tenants,
 *     policies: access.policies,
 *     identityProviders: access.identityProviders,
 *   });
 * }
 */
export class TenantShardStack extends TerraformStack {
  /** The shard's tenants, by tenant id (construct ids `tenant-<id>`). */
  public readonly tenants: ReadonlyMap<string, ManagedTenant>;

  constructor(scope: Construct, id: string, props: TenantShardStackProps) {
    super(scope, id);
    const m = props.model;
    const d = m.deployment;
    new CloudflareProvider(this, 'cloudflare', {});
    new NullProvider(this, 'null', {});
    configureBackend(this, d);

    const tenants = new Map<string, ManagedTenant>();
    for (const { spec, hostname, bucketName, extraHostnames, origin } of props.tenants) {
      const tenant = new ManagedTenant(this, `tenant-${spec.id}`, {
        accountId: m.accountId,
        zone: m.primaryZone,
        teamName: m.teamName,
        tenantId: spec.id,
        tunnelPrefix: m.name,
        hostname,
        service: spec.service ?? d.tenants.service,
        bucketName,
        enabled: spec.enabled,
        rotation: spec.rotation,
        retainDays: spec.retain_days,
        deleteBucket: spec.delete_bucket,
        ...(spec.disabled_on ? { disabledOn: spec.disabled_on } : {}),
        ...(spec.confirm_delete !== undefined ? { confirmDelete: spec.confirm_delete } : {}),
        today: m.today,
        ...(spec.access
          ? {
              access: {
                policies: spec.access.policies.map((p) => lookup(props.policies, p, 'access policy')),
                ...(spec.access.idps.length ? { identityProviders: spec.access.idps.map((i) => lookup(props.identityProviders, i, 'identity provider')) } : {}),
              },
            }
          : {}),
        ...(d.tenants.public_reason ? { publicReason: d.tenants.public_reason } : {}),
        ...(d.tenants.key_expires ? { keyExpires: d.tenants.key_expires } : {}),
        ...(extraHostnames.length ? { extraHostnames: extraHostnames.map((x) => x.hostname) } : {}),
        ...(origin ? { origin: originOptions(origin) } : {}),
        ...(d.tenants.bucket_location ? { bucketLocation: d.tenants.bucket_location } : {}),
        jurisdiction: JURISDICTIONS[d.tenants.jurisdiction],
      });
      tenants.set(spec.id, tenant);

      // Status, per tenant: what the seed's status endpoint returned.
      const out = (what: string) => outputId('tenant', spec.id, what);
      new TerraformOutput(this, out('enabled'), { value: spec.enabled });
      new TerraformOutput(this, out('bucket'), { value: tenant.bucket.bucketName });
      new TerraformOutput(this, out('endpoint'), { value: tenant.bucket.s3Endpoint });
      if (tenant.site && tenant.credentials) {
        new TerraformOutput(this, out('hostname'), { value: tenant.hostname });
        new TerraformOutput(this, out('tunnel_id'), { value: tenant.site.tunnelId });
        new TerraformOutput(this, out('tunnel_token'), { value: tenant.site.connectorToken, sensitive: true });
        new TerraformOutput(this, out('access_key_id'), { value: tenant.credentials.accessKeyId, sensitive: true });
        new TerraformOutput(this, out('secret_access_key'), { value: tenant.credentials.secretAccessKey, sensitive: true });
      }
    }
    this.tenants = tenants;
  }
}

import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import type { IAccessGatedApp } from '../lib/cloudflare/access/app';
import type { TunnelCnames } from '../lib/cloudflare/dns';
import type { ManagedBucket } from '../lib/cloudflare/r2/bucket';
import type { ITunnel, TunnelHost } from '../lib/cloudflare/tunnel';
import { outputId } from '../lib/core/terraform';
import { configureBackend } from '../lib/deployment/backend';
import { managedBuckets } from '../lib/deployment/buckets';
import { primarySite } from '../lib/deployment/cutover';
import type { DeploymentModel } from '../lib/deployment/model';
import { recordTargets } from '../lib/deployment/records';
import { siteUserDataValue } from '../lib/deployment/site';
import { scopedTokens } from '../lib/deployment/tokens';
import { workerEndpoints } from '../lib/deployment/workers';

/** What the `production` stack is built from: the model and the references it takes from `access` and `standby`. */
export interface ProductionStackProps {
  /** The resolved deployment (lib/deployment/model.ts). */
  readonly model: DeploymentModel;
  /** Directory of the deployment file: Worker module files are relative to it. */
  readonly deploymentDir: string;
  /** Access apps by deployment name, from the `access` stack. */
  readonly accessApps: ReadonlyMap<string, IAccessGatedApp>;
  /**
   * The bypass apps of public paths under gated hosts (`access` stack `publicPaths`): the primary
   * tunnel's public path rules need them.
   * @default - none
   */
  readonly publicPaths?: readonly IAccessGatedApp[];
  /**
   * The standby tunnel (typed cross-stack reference from the `standby` stack).
   * @default - a single site: no cutover
   */
  readonly standbyTunnel?: ITunnel;
  /**
   * The standby host's service account member, for credentials delivered to the standby.
   * @default - no credentials are delivered to the standby
   */
  readonly standbyHostMember?: string;
}

/**
 * The production site: the primary tunnel and host, every public DNS record of the routes, the
 * Workers, scoped API tokens and buckets. (The Pages sites live in the `pages` stack.)
 *
 * With a standby, `activate_dns` (bool, default `sites.active == standby`) picks the CNAME target of
 * every routed hostname: the primary tunnel (false) or the standby tunnel (true). It is an in-place
 * `content` update; a record that moves is gated on its new tunnel being healthy, and the primary
 * connector never stops while a live record points at it (lib/cutover/guards.ts, docs/cutover.md).
 *
 * @example
 * const app = new App();
 * const file = 'deployment.yaml';
 * const { model } = loadDeployment(file);
 * const access = new AccessStack(app, 'access', { model });
 * const accessApps = [...access.apps.values(), ...access.publicPaths.values()];
 * const standby = model.sites?.standby ? new StandbyStack(app, 'standby', { model, accessApps }) : undefined;
 * new ProductionStack(app, 'production', {
 *   model,
 *   deploymentDir: path.dirname(path.resolve(file)),
 *   accessApps: access.apps,
 *   publicPaths: [...access.publicPaths.values()],
 *   ...(standby ? { standbyTunnel: standby.tunnel } : {}),
 *   ...(standby?.hostServiceAccountMember ? { standbyHostMember: standby.hostServiceAccountMember } : {}),
 * });
 */
export class ProductionStack extends TerraformStack {
  /** The primary site's tunnel, ingress and (GCE) host; absent when the deployment has no `sites`. */
  public readonly primary?: TunnelHost;
  /** The routed hostnames' records, one construct per zone (`dns` for the primary zone). */
  public readonly dns: readonly TunnelCnames[];
  /** The R2 buckets, by key (construct ids `bucket-<key>`); the Workers bind them from here. */
  public readonly buckets: ReadonlyMap<string, ManagedBucket>;

  constructor(scope: Construct, id: string, props: ProductionStackProps) {
    super(scope, id);
    const m = props.model;
    new CloudflareProvider(this, 'cloudflare', {});
    const delivers = [...m.buckets.values()].some((b) => Object.values(b.spec.credentials).some((c) => c.deliver_to));
    if (m.sites?.primary.gce || delivers) new GoogleProvider(this, 'google', {});
    new NullProvider(this, 'null', {});
    configureBackend(this, m.deployment);

    const primary = primarySite(this, m, { accessApps: [...props.accessApps.values(), ...(props.publicPaths ?? [])], ...(props.standbyTunnel ? { standbyTunnel: props.standbyTunnel } : {}) });
    if (primary) {
      const { site } = primary;
      new TerraformOutput(this, 'primary_tunnel_id', { value: site.tunnelId });
      new TerraformOutput(this, 'connector_token', { value: site.connectorToken, sensitive: true });
      new TerraformOutput(this, 'user_data', { value: siteUserDataValue(m, primary.model, site.host), sensitive: true });
      new TerraformOutput(this, 'dns_target', { value: primary.target });
      // What every public record points at after this apply (terraform output public_record_targets).
      new TerraformOutput(this, 'public_record_targets', { value: recordTargets(primary.records) });
      this.primary = site;
    }
    this.dns = primary?.records ?? [];


    const buckets = managedBuckets(this, m, {
      ...(this.primary?.host ? { primary: this.primary.host.serviceAccount.member } : {}),
      ...(props.standbyHostMember ? { standby: props.standbyHostMember } : {}),
    });
    for (const [key, { bucket, credentials }] of buckets) {
      new TerraformOutput(this, outputId('bucket', key, 'name'), { value: bucket.bucketName });
      new TerraformOutput(this, outputId('bucket', key, 'endpoint'), { value: bucket.s3Endpoint });
      for (const [consumer, creds] of credentials) {
        new TerraformOutput(this, outputId('bucket', key, consumer, 'access_key_id'), { value: creds.accessKeyId, sensitive: true });
        new TerraformOutput(this, outputId('bucket', key, consumer, 'secret_access_key'), { value: creds.secretAccessKey, sensitive: true });
      }
    }
    this.buckets = new Map([...buckets].map(([key, b]) => [key, b.bucket]));

    for (const [name, worker] of workerEndpoints(this, m, { ...props, buckets: this.buckets })) {
      if (worker.database) new TerraformOutput(this, outputId('worker', name, 'd1_id'), { value: worker.database.uuid });
    }
    for (const [name, token] of scopedTokens(this, m)) new TerraformOutput(this, outputId('api_token', name), { value: token.value, sensitive: true });
  }
}

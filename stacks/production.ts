import { Fn, Op, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { DataCloudflareZeroTrustTunnelCloudflared } from '@cdktf/provider-cloudflare/lib/data-cloudflare-zero-trust-tunnel-cloudflared';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import type { IAccessGatedApp } from '../lib/cloudflare/access/app';
import { TunnelCnames } from '../lib/cloudflare/dns';
import { Jurisdiction, ManagedBucket, StorageClass } from '../lib/cloudflare/r2/bucket';
import { ITunnel, TunnelHost } from '../lib/cloudflare/tunnel';
import type { Deployment } from '../lib/config/schema';
import { configureBackend } from '../lib/deployment/backend';
import { deploymentRoutes, siteHostOptions, tunnelName } from '../lib/deployment/site';
import { activateDnsVariable, PRIMARY_CONNECTOR_ON, SKIP_HEALTH_GATE } from '../lib/deployment/variables';
import { ConnectorActivation } from '../lib/google/connector-host';

export interface ProductionStackProps {
  readonly deployment: Deployment;
  /** Access apps whose AUD the gated ingress rules enforce. */
  readonly accessApps: readonly IAccessGatedApp[];
  /** The standby tunnel (typed cross-stack reference from the `standby` stack). */
  readonly standbyTunnel: ITunnel;
  /** The standby host's service account member, for credentials delivered to the standby. */
  readonly standbyHostMember?: string;
}

/** Tunnel statuses that can serve traffic. */
export const SERVING_STATUSES = ['healthy', 'degraded'];

/**
 * The production site: the primary tunnel and host, every public DNS record, and the buckets.
 *
 * `activate_dns` (bool, default false) picks the CNAME target of every public record: the primary
 * tunnel (false) or the standby tunnel (true). It is an in-place `content` update, gated on the
 * target tunnel being healthy.
 */
export class ProductionStack extends TerraformStack {
  public readonly primary: TunnelHost;
  public readonly dns: TunnelCnames;
  public readonly buckets: ReadonlyMap<string, ManagedBucket>;

  constructor(scope: Construct, id: string, props: ProductionStackProps) {
    super(scope, id);
    const d = props.deployment;
    const accountId = d.cloudflare.account_id;
    new CloudflareProvider(this, 'cloudflare', {});
    new GoogleProvider(this, 'google', {});
    new NullProvider(this, 'null', {});
    configureBackend(this, d.backend);

    const activateDns = activateDnsVariable(this);
    const skipGate = new TerraformVariable(this, SKIP_HEALTH_GATE, {
      type: 'bool',
      default: false,
      nullable: false,
      description: 'Disaster override: point DNS at the target tunnel even if its connector is not healthy.',
    });

    // The primary keeps its connector after a cutover (instant rollback) unless the file says otherwise.
    // Then `primary_connector_on` restarts it before a rollback moves DNS back (docs/cutover.md).
    let primaryActivation: string = ConnectorActivation.ACTIVE;
    if (!d.sites.keep_primary_connector_on_cutover) {
      const primaryOn = new TerraformVariable(this, PRIMARY_CONNECTOR_ON, {
        type: 'bool',
        default: false,
        nullable: false,
        description: 'Run the primary connector even while activate_dns is true (first step of a rollback).',
      });
      primaryActivation = Fn.conditional(
        Op.and(activateDns.booleanValue, Op.not(primaryOn.booleanValue)),
        ConnectorActivation.STANDBY,
        ConnectorActivation.ACTIVE,
      );
    }
    this.primary = new TunnelHost(this, 'site', {
      accountId,
      tunnelName: tunnelName(d, 'primary'),
      routes: deploymentRoutes(d),
      accessApps: props.accessApps,
      host: siteHostOptions(d, d.sites.primary, primaryActivation),
    });

    // Health gate: read both tunnels' status; the record refuses to point at one that cannot serve.
    const primaryStatus = new DataCloudflareZeroTrustTunnelCloudflared(this, 'primary-status', {
      accountId,
      tunnelId: this.primary.tunnelId,
    });
    const standbyStatus = new DataCloudflareZeroTrustTunnelCloudflared(this, 'standby-status', {
      accountId,
      tunnelId: props.standbyTunnel.tunnelId,
    });
    const target = Fn.conditional(activateDns.booleanValue, props.standbyTunnel.tunnelCname, this.primary.tunnelCname);
    const targetName = Fn.conditional(activateDns.booleanValue, tunnelName(d, 'standby'), tunnelName(d, 'primary'));
    const targetStatus = Fn.conditional(activateDns.booleanValue, standbyStatus.status, primaryStatus.status);
    // A primary that has never run ("inactive") is allowed while activate_dns is false, so the first deploy works.
    const condition = Op.or(
      skipGate.booleanValue,
      Op.or(
        Fn.contains(SERVING_STATUSES, targetStatus),
        Op.and(Op.not(activateDns.booleanValue), Op.eq(primaryStatus.status, 'inactive')),
      ),
    );
    this.dns = new TunnelCnames(this, 'dns', {
      zoneId: d.cloudflare.zone_id,
      hostnames: d.routes.map((r) => r.hostname),
      target,
      preconditions: [
        {
          condition,
          errorMessage:
            `Refusing to point DNS at tunnel ${targetName}: its status is "${targetStatus}", not healthy. ` +
            `Start its connector first (see docs/cutover.md), or set TF_VAR_${SKIP_HEALTH_GATE}=true in a disaster.`,
        },
      ],
    });

    const buckets = new Map<string, ManagedBucket>();
    for (const [key, spec] of Object.entries(d.buckets)) {
      const bucket = new ManagedBucket(this, `bucket-${key}`, {
        accountId,
        bucketName: spec.name ?? key,
        jurisdiction: spec.jurisdiction as Jurisdiction,
        storageClass: spec.storage_class as StorageClass,
        ...(spec.location ? { location: spec.location } : {}),
        lifecycle: {
          abortMultipartAfterDays: spec.lifecycle.abort_multipart_after_days,
          ...(spec.lifecycle.delete_after_days !== undefined ? { deleteAfterDays: spec.lifecycle.delete_after_days } : {}),
          ...(spec.lifecycle.transition_to_ia_after_days !== undefined
            ? { transitionToInfrequentAccessAfterDays: spec.lifecycle.transition_to_ia_after_days }
            : {}),
        },
        ...(spec.lock ? { lockRetainDays: spec.lock.retain_days } : {}),
        cors: spec.cors.map((c) => ({
          allowedOrigins: c.allowed_origins,
          allowedMethods: c.allowed_methods,
          allowedHeaders: c.allowed_headers,
          ...(c.max_age_seconds !== undefined ? { maxAgeSeconds: c.max_age_seconds } : {}),
        })),
        ...(spec.public
          ? {
              public: {
                reason: spec.public.reason,
                ...(spec.public.custom_domain
                  ? { customDomain: { domain: spec.public.custom_domain, zoneId: d.cloudflare.zone_id } }
                  : {}),
              },
            }
          : {}),
        ...(spec.retired ? { retired: { retainDays: spec.retired.retain_days } } : {}),
      });
      buckets.set(key, bucket);
      const out = key.replace(/-/g, '_');
      new TerraformOutput(this, `bucket_${out}_name`, { value: bucket.bucketName });
      new TerraformOutput(this, `bucket_${out}_endpoint`, { value: bucket.s3Endpoint });
      if (spec.retired) continue; // retired: credentials revoked
      for (const [consumer, cred] of Object.entries(spec.credentials)) {
        const site = cred.deliver_to === 'primary' ? d.sites.primary : cred.deliver_to === 'standby' ? d.sites.standby : undefined;
        const member =
          cred.deliver_to === 'primary' ? this.primary.host!.serviceAccount.member : cred.deliver_to === 'standby' ? props.standbyHostMember : undefined;
        const options = {
          rotation: cred.rotation,
          twoSlot: cred.two_slot,
          ...(cred.expires ? { expires: cred.expires } : {}),
          ...(site && member ? { deliverTo: { project: site.project, secretId: `${bucket.bucketName}-${consumer}-s3`, member } } : {}),
        };
        const creds = cred.access === 'read' ? bucket.grantRead(consumer, options) : bucket.grantReadWrite(consumer, options);
        const name = `bucket_${out}_${consumer.replace(/-/g, '_')}`;
        new TerraformOutput(this, `${name}_access_key_id`, { value: creds.accessKeyId, sensitive: true });
        new TerraformOutput(this, `${name}_secret_access_key`, { value: creds.secretAccessKey, sensitive: true });
      }
    }
    this.buckets = buckets;

    new TerraformOutput(this, 'primary_tunnel_id', { value: this.primary.tunnelId });
    new TerraformOutput(this, 'connector_token', { value: this.primary.connectorToken, sensitive: true });
    new TerraformOutput(this, 'user_data', { value: this.primary.host!.userDataValue, sensitive: true });
    new TerraformOutput(this, 'dns_target', { value: target });
  }
}

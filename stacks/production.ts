import * as path from 'path';
import { Fn, Op, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { DataCloudflareZeroTrustTunnelCloudflared } from '@cdktf/provider-cloudflare/lib/data-cloudflare-zero-trust-tunnel-cloudflared';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import type { IAccessGatedApp } from '../lib/cloudflare/access/app';
import { ScopedApiToken, TokenPreset } from '../lib/cloudflare/api-token';
import { TunnelCnames } from '../lib/cloudflare/dns';
import { Jurisdiction, ManagedBucket, StorageClass } from '../lib/cloudflare/r2/bucket';
import { ITunnel, TunnelHost } from '../lib/cloudflare/tunnel';
import { WorkerEndpoint } from '../lib/cloudflare/worker';
import type { Deployment } from '../lib/config/schema';
import { declaredZones } from '../lib/config/cross-checks';
import { configureBackend } from '../lib/deployment/backend';
import { byZone, deploymentRoutes, isGceSite, siteHostOptions, siteTokenRotation, siteUserDataValue, tunnelName, zoneIdOf } from '../lib/deployment/site';
import { activateDnsVariable, PRIMARY_CONNECTOR_ON, SKIP_HEALTH_GATE } from '../lib/deployment/variables';
import { ConnectorActivation } from '../lib/google/connector-host';

export interface ProductionStackProps {
  readonly deployment: Deployment;
  /** Directory of the deployment file: Worker module files are relative to it. */
  readonly deploymentDir: string;
  /** Access apps by deployment name, from the `access` stack. */
  readonly accessApps: ReadonlyMap<string, IAccessGatedApp>;
  /**
   * The standby tunnel (typed cross-stack reference from the `standby` stack).
   * @default - a single site: no cutover
   */
  readonly standbyTunnel?: ITunnel;
  /** The standby host's service account member, for credentials delivered to the standby. */
  readonly standbyHostMember?: string;
  /**
   * Today (YYYY-MM-DD), for the deletion dates of retired buckets.
   * @default - the current date
   */
  readonly today?: string;
}

/** Tunnel statuses that can serve traffic. */
export const SERVING_STATUSES = ['healthy', 'degraded'];

/**
 * The production site: the primary tunnel and host, every public DNS record of the routes, the
 * Workers, scoped API tokens and buckets. (The Pages sites live in the `pages` stack.)
 *
 * With a standby, `activate_dns` (bool, default false) picks the CNAME target of every routed
 * hostname: the primary tunnel (false) or the standby tunnel (true). It is an in-place `content`
 * update, gated on the target tunnel being healthy.
 */
export class ProductionStack extends TerraformStack {
  public readonly primary?: TunnelHost;
  /** The routed hostnames' records, one construct per zone (`dns` for the primary zone). */
  public readonly dns: readonly TunnelCnames[];
  public readonly buckets: ReadonlyMap<string, ManagedBucket>;

  constructor(scope: Construct, id: string, props: ProductionStackProps) {
    super(scope, id);
    const d = props.deployment;
    const accountId = d.cloudflare.account_id;
    const site = d.sites?.primary;
    const gce = site && isGceSite(site) ? site : undefined;
    new CloudflareProvider(this, 'cloudflare', {});
    if (gce || Object.values(d.buckets).some((b) => Object.values(b.credentials).some((c) => c.deliver_to))) {
      new GoogleProvider(this, 'google', {});
    }
    new NullProvider(this, 'null', {});
    configureBackend(this, d);
    const accessApps = [...props.accessApps.values()];

    const dns: TunnelCnames[] = [];
    if (site) {
      const activateDns = props.standbyTunnel ? activateDnsVariable(this) : undefined;
      // The primary keeps its connector after a cutover (instant rollback) unless the file says otherwise.
      // Then `primary_connector_on` restarts it before a rollback moves DNS back (docs/cutover.md).
      let primaryActivation: string = ConnectorActivation.ACTIVE;
      if (activateDns && !d.sites!.keep_primary_connector_on_cutover) {
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
      const primary = new TunnelHost(this, 'site', {
        accountId,
        tunnelName: tunnelName(d, 'primary'),
        routes: deploymentRoutes(d),
        accessApps,
        tokenRotation: siteTokenRotation(site),
        ...(gce ? { host: siteHostOptions(d, gce, primaryActivation) } : {}),
      });
      this.primary = primary;

      let target = primary.tunnelCname;
      const preconditions = [];
      if (activateDns && props.standbyTunnel) {
        const skipGate = new TerraformVariable(this, SKIP_HEALTH_GATE, {
          type: 'bool',
          default: false,
          nullable: false,
          description: 'Disaster override: point DNS at the target tunnel even if its connector is not healthy.',
        });
        // Health gate: read both tunnels' status; a record refuses to point at one that cannot serve.
        const primaryStatus = new DataCloudflareZeroTrustTunnelCloudflared(this, 'primary-status', { accountId, tunnelId: primary.tunnelId });
        const standbyStatus = new DataCloudflareZeroTrustTunnelCloudflared(this, 'standby-status', {
          accountId,
          tunnelId: props.standbyTunnel.tunnelId,
        });
        target = Fn.conditional(activateDns.booleanValue, props.standbyTunnel.tunnelCname, primary.tunnelCname);
        const targetName = Fn.conditional(activateDns.booleanValue, tunnelName(d, 'standby'), tunnelName(d, 'primary'));
        const targetStatus = Fn.conditional(activateDns.booleanValue, standbyStatus.status, primaryStatus.status);
        // A primary that has never run ("inactive") is allowed while activate_dns is false, so the first deploy works.
        preconditions.push({
          condition: Op.or(
            skipGate.booleanValue,
            Op.or(
              Fn.contains(SERVING_STATUSES, targetStatus),
              Op.and(Op.not(activateDns.booleanValue), Op.eq(primaryStatus.status, 'inactive')),
            ),
          ),
          errorMessage:
            `Refusing to point DNS at tunnel ${targetName}: its status is "${targetStatus}", not healthy. ` +
            `Start its connector first (see docs/cutover.md), or set TF_VAR_${SKIP_HEALTH_GATE}=true in a disaster.`,
        });
      }
      for (const group of byZone(d, d.routes.map((r) => r.hostname))) {
        dns.push(
          new TunnelCnames(this, group.zone === d.cloudflare.zone ? 'dns' : `dns-${group.zone}`, {
            zoneId: group.zoneId,
            hostnames: group.hostnames,
            target,
            preconditions,
          }),
        );
      }

      // When the primary stops on cutover, its metadata changes only after every record has moved, so DNS
      // never points at a tunnel whose connector was stopped first.
      if (primary.host && activateDns && !d.sites!.keep_primary_connector_on_cutover) {
        // Bare addresses: an fqn token would render as "${...}", which terraform rejects in depends_on.
        const records = dns.flatMap((g) => [...g.records.values()].map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`));
        primary.host.instance.dependsOn = [...(primary.host.instance.dependsOn ?? []), ...records];
      }

      new TerraformOutput(this, 'primary_tunnel_id', { value: primary.tunnelId });
      new TerraformOutput(this, 'connector_token', { value: primary.connectorToken, sensitive: true });
      new TerraformOutput(this, 'user_data', { value: siteUserDataValue(d, site, primary.host), sensitive: true });
      new TerraformOutput(this, 'dns_target', { value: target });
    }
    this.dns = dns;

    for (const [name, spec] of Object.entries(d.workers)) {
      const worker = new WorkerEndpoint(this, `worker-${name}`, {
        accountId,
        zoneId: zoneIdOf(d, spec.hostname),
        scriptName: spec.script ?? name,
        hostname: spec.hostname,
        ...(spec.module_file
          ? { module: { file: path.resolve(props.deploymentDir, spec.module_file), compatibilityDate: spec.compatibility_date } }
          : {}),
        ...(spec.d1 ? { d1DatabaseName: spec.d1.database } : {}),
        ...(spec.access_app ? { access: props.accessApps.get(spec.access_app)! } : {}),
      });
      if (worker.database) new TerraformOutput(this, `worker_${name.replace(/-/g, '_')}_d1_id`, { value: worker.database.uuid });
    }

    const zoneIds = new Map([[d.cloudflare.zone, d.cloudflare.zone_id], ...d.cloudflare.extra_zones.map((z) => [z.zone, z.zone_id] as const)]);
    for (const [name, spec] of Object.entries(d.api_tokens)) {
      const preset = TokenPreset.fromName(spec.preset);
      const token = new ScopedApiToken(this, `token-${name}`, {
        accountId,
        name,
        permissions: preset,
        ...(preset.permissions.zone?.length ? { zoneIds: (spec.zones ?? declaredZones(d)).map((z) => zoneIds.get(z)!) } : {}),
        ...(spec.expires ? { expires: spec.expires } : {}),
      });
      new TerraformOutput(this, `api_token_${name.replace(/-/g, '_')}`, { value: token.value, sensitive: true });
    }

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
                  ? { customDomain: { domain: spec.public.custom_domain, zoneId: zoneIdOf(d, spec.public.custom_domain) } }
                  : {}),
              },
            }
          : {}),
        ...(spec.retired
          ? {
              retired: {
                since: spec.retired.since,
                retainDays: spec.retired.retain_days,
                ...(spec.retired.confirm_delete !== undefined ? { confirmDelete: spec.retired.confirm_delete } : {}),
              },
            }
          : {}),
        ...(props.today ? { today: props.today } : {}),
      });
      buckets.set(key, bucket);
      const out = key.replace(/-/g, '_');
      new TerraformOutput(this, `bucket_${out}_name`, { value: bucket.bucketName });
      new TerraformOutput(this, `bucket_${out}_endpoint`, { value: bucket.s3Endpoint });
      if (spec.retired) continue; // retired: credentials revoked
      for (const [consumer, cred] of Object.entries(spec.credentials)) {
        const target = cred.deliver_to ? d.sites?.[cred.deliver_to] : undefined;
        const member =
          cred.deliver_to === 'primary' ? this.primary?.host?.serviceAccount.member : cred.deliver_to === 'standby' ? props.standbyHostMember : undefined;
        const options = {
          rotation: cred.rotation,
          twoSlot: cred.two_slot,
          ...(cred.expires ? { expires: cred.expires } : {}),
          ...(target && isGceSite(target) && member
            ? { deliverTo: { project: target.project, secretId: `${bucket.bucketName}-${consumer}-s3`, member } }
            : {}),
        };
        const creds = cred.access === 'read' ? bucket.grantRead(consumer, options) : bucket.grantReadWrite(consumer, options);
        const name = `bucket_${out}_${consumer.replace(/-/g, '_')}`;
        new TerraformOutput(this, `${name}_access_key_id`, { value: creds.accessKeyId, sensitive: true });
        new TerraformOutput(this, `${name}_secret_access_key`, { value: creds.secretAccessKey, sensitive: true });
      }
    }
    this.buckets = buckets;
  }
}

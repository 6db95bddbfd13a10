import * as path from 'path';
import { Fn, Op, TerraformOutput, TerraformStack } from 'cdktf';
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
import { activateDnsVariable, primaryConnectorOnVariable, skipHealthGateVariable } from '../lib/deployment/variables';
import { ActivationRecord, activationRecordName } from '../lib/cutover/activation';
import { addPrecondition, guardConnectorStop, healthGate, LiveTunnelCnames } from '../lib/cutover/guards';
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

/**
 * The production site: the primary tunnel and host, every public DNS record of the routes, the
 * Workers, scoped API tokens and buckets. (The Pages sites live in the `pages` stack.)
 *
 * With a standby, `activate_dns` (bool, default `sites.active == standby`) picks the CNAME target of
 * every routed hostname: the primary tunnel (false) or the standby tunnel (true). It is an in-place
 * `content` update; a record that moves is gated on its new tunnel being healthy, and the primary
 * connector never stops while a live record points at it (lib/cutover/guards.ts, docs/cutover.md).
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
      const standbyTunnel = props.standbyTunnel;
      const activateDns = standbyTunnel ? activateDnsVariable(this, d) : undefined;
      const stopsOnCutover = activateDns !== undefined && !d.sites!.keep_primary_connector_on_cutover;
      // The primary keeps its connector after a cutover (instant rollback) unless the file says otherwise.
      // Then `primary_connector_on` keeps it running while DNS moves, and restarts it before a rollback moves DNS back.
      let primaryActivation: string = ConnectorActivation.ACTIVE;
      if (activateDns && stopsOnCutover) {
        const primaryOn = primaryConnectorOnVariable(this);
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
      // An external primary gets its activation as a TXT record (GCE hosts read instance metadata).
      const activationRecord = gce
        ? undefined
        : new ActivationRecord(this, 'activation', {
            zoneId: d.cloudflare.zone_id,
            name: activationRecordName(d, 'primary'),
            activation: primaryActivation,
            role: 'primary',
          }).record;

      const zones = byZone(d, d.routes.map((r) => r.hostname));
      const target =
        activateDns && standbyTunnel ? Fn.conditional(activateDns.booleanValue, standbyTunnel.tunnelCname, primary.tunnelCname) : primary.tunnelCname;
      for (const group of zones) {
        dns.push(
          new TunnelCnames(this, group.zone === d.cloudflare.zone ? 'dns' : `dns-${group.zone}`, {
            zoneId: group.zoneId,
            hostnames: group.hostnames,
            target,
          }),
        );
      }

      if (activateDns && standbyTunnel) {
        // Where DNS points now (live, read at plan time), and both tunnels' status.
        const onPrimary = new LiveTunnelCnames(this, 'live-primary', { zones, tunnelCname: primary.tunnelCname });
        const onStandby = new LiveTunnelCnames(this, 'live-standby', { zones, tunnelCname: standbyTunnel.tunnelCname });
        const skipGate = skipHealthGateVariable(this);
        const primaryStatus = new DataCloudflareZeroTrustTunnelCloudflared(this, 'primary-status', { accountId, tunnelId: primary.tunnelId });
        const standbyStatus = new DataCloudflareZeroTrustTunnelCloudflared(this, 'standby-status', { accountId, tunnelId: standbyTunnel.tunnelId });
        // Health gate: a record that moves refuses to point at a tunnel that cannot serve (per record, only when it moves).
        for (const group of dns) {
          for (const [hostname, record] of group.records) {
            addPrecondition(
              record,
              healthGate({
                hostname,
                activateDns,
                skipGate,
                primaryStatus: primaryStatus.status,
                standbyStatus: standbyStatus.status,
                onPrimary,
                onStandby,
                primaryName: tunnelName(d, 'primary'),
                standbyName: tunnelName(d, 'standby'),
              }),
            );
          }
        }
        const carrier = primary.host?.instance ?? activationRecord;
        if (stopsOnCutover && carrier) {
          // The primary connector stops only when no live record points at it and this plan points none there.
          guardConnectorStop(carrier, {
            activation: primaryActivation,
            live: onPrimary,
            role: 'primary',
            tunnelName: tunnelName(d, 'primary'),
            targeted: Op.not(activateDns.booleanValue),
          });
          // And its activation changes only after every record has moved (defence in depth for a one-step override).
          // Bare addresses: an fqn token would render as "${...}", which terraform rejects in depends_on.
          const records = dns.flatMap((g) => [...g.records.values()].map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`));
          carrier.dependsOn = [...(carrier.dependsOn ?? []), ...records];
        }
      }

      new TerraformOutput(this, 'primary_tunnel_id', { value: primary.tunnelId });
      new TerraformOutput(this, 'connector_token', { value: primary.connectorToken, sensitive: true });
      new TerraformOutput(this, 'user_data', { value: siteUserDataValue(d, site, 'primary', primary.host), sensitive: true });
      new TerraformOutput(this, 'dns_target', { value: target });
      // What every public record points at after this apply (terraform output public_record_targets).
      new TerraformOutput(this, 'public_record_targets', {
        value: Object.fromEntries(dns.flatMap((g) => [...g.records].map(([hostname, r]) => [hostname, r.content]))),
      });
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

/**
 * The cutover target and its guards in `production`: which tunnel the public records point at
 * (`activate_dns`), the primary's activation, and the plan-time guards of lib/cutover/guards.ts.
 */
import { Fn, Op, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { DataCloudflareZeroTrustTunnelCloudflared } from '@cdktf/provider-cloudflare/lib/data-cloudflare-zero-trust-tunnel-cloudflared';
import type { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import type { IAccessGatedApp } from '../cloudflare/access/app';
import type { TunnelCnames } from '../cloudflare/dns';
import type { ITunnel, TunnelHost } from '../cloudflare/tunnel';
import { GatehouseError } from '../core/errors';
import { ActivationRecord } from '../cutover/activation';
import { addPrecondition, guardConnectorStop, healthGates, LiveTunnelCnames } from '../cutover/guards';
import { ConnectorActivation } from '../google/connector-host';
import { DeploymentModel, ModelSite, tunnelName } from './model';
import { publicRecords } from './records';
import { siteTunnel } from './site';
import { activateDnsVariable, primaryConnectorOnVariable, skipHealthGateVariable } from './variables';

/** The primary site and the records that point at the active site. */
export interface PrimarySite {
  /** The primary's tunnel, its ingress and, for a GCE site, its host (construct id `site`). */
  readonly site: TunnelHost;
  /** The primary site of the model (`sites.primary`). */
  readonly model: ModelSite;
  /** The CNAME target of every public record: the primary tunnel, or an expression choosing between the tunnels. */
  readonly target: string;
  /** The public records, one `TunnelCnames` per zone. */
  readonly records: readonly TunnelCnames[];
}

/** The primary's activation: active, unless the file stops it on a cutover (then `primary_connector_on` keeps it during one). */
function primaryActivation(scope: Construct, activateDns: TerraformVariable | undefined, stopsOnCutover: boolean): string {
  if (!activateDns || !stopsOnCutover) return ConnectorActivation.ACTIVE;
  const primaryOn = primaryConnectorOnVariable(scope);
  // Fn.conditional is declared `any`: it is a string token here (either branch is a string)
  return Fn.conditional(Op.and(activateDns.booleanValue, Op.not(primaryOn.booleanValue)), ConnectorActivation.STANDBY, ConnectorActivation.ACTIVE) as string;
}

/** An external site's activation record (`activation`); a GCE host reads instance metadata instead. */
export function activationRecord(scope: Construct, m: DeploymentModel, site: ModelSite, activation: string): DnsRecord | undefined {
  const name = site.activationRecord;
  if (site.gce || name === undefined) return undefined;
  return new ActivationRecord(scope, 'activation', { zone: m.primaryZone, name, activation, role: site.role }).record;
}

/**
 * The primary site (its tunnel, host or activation record), the public records of the routes, and,
 * with a standby, the cutover target and guards.
 */
export function primarySite(scope: Construct, m: DeploymentModel, o: { accessApps: readonly IAccessGatedApp[]; standbyTunnel?: ITunnel }): PrimarySite | undefined {
  const sites = m.sites;
  if (!sites) return undefined;
  const standby = o.standbyTunnel;
  const activateDns = standby ? activateDnsVariable(scope, m.deployment) : undefined;
  // The primary keeps its connector after a cutover (instant rollback) unless the file says otherwise.
  const stopsOnCutover = activateDns !== undefined && !sites.keepPrimaryConnector;
  const activation = primaryActivation(scope, activateDns, stopsOnCutover);
  const site = siteTunnel(scope, m, sites.primary, { accessApps: o.accessApps, activation });
  const record = activationRecord(scope, m, sites.primary, activation);
  const target = activateDns && standby ? (Fn.conditional(activateDns.booleanValue, standby.tunnelCname, site.tunnelCname) as string) : site.tunnelCname;
  const records = publicRecords(scope, m, target);
  if (activateDns && standby) {
    cutoverGuards(scope, m, { primary: site, standby, activateDns, records, activation, stopsOnCutover, ...(record ? { activationRecord: record } : {}) });
  }
  return { site, model: sites.primary, target, records };
}

/** What the cutover guards of `production` need. */
interface CutoverGuardOptions {
  readonly primary: TunnelHost;
  readonly standby: ITunnel;
  readonly activateDns: TerraformVariable;
  readonly records: readonly TunnelCnames[];
  readonly activation: string;
  readonly stopsOnCutover: boolean;
  readonly activationRecord?: DnsRecord;
}

/**
 * The health gate on every record (a record that moves lands on a tunnel that can serve) and, when
 * the primary stops on a cutover, the stop guard on whatever carries its activation.
 */
function cutoverGuards(scope: Construct, m: DeploymentModel, o: CutoverGuardOptions): void {
  const zones = m.routeZones.map((g) => g.zone);
  // Where DNS points now (live, read at plan time), and both tunnels' status.
  const onPrimary = new LiveTunnelCnames(scope, 'live-primary', { zones, tunnelCname: o.primary.tunnelCname });
  const onStandby = new LiveTunnelCnames(scope, 'live-standby', { zones, tunnelCname: o.standby.tunnelCname });
  const skipGate = skipHealthGateVariable(scope);
  const primaryStatus = new DataCloudflareZeroTrustTunnelCloudflared(scope, 'primary-status', { accountId: m.accountId, tunnelId: o.primary.tunnelId });
  const standbyStatus = new DataCloudflareZeroTrustTunnelCloudflared(scope, 'standby-status', { accountId: m.accountId, tunnelId: o.standby.tunnelId });
  const [primaryName, standbyName] = [tunnelName(m.name, 'primary'), tunnelName(m.name, 'standby')];
  // Health gate: a record that moves refuses to point at a tunnel that cannot serve (per record, only when it moves).
  const gateOf = healthGates(scope, {
    activateDns: o.activateDns,
    skipGate,
    primaryStatus: primaryStatus.status,
    standbyStatus: standbyStatus.status,
    onPrimary,
    onStandby,
    primaryName,
    standbyName,
  });
  for (const group of o.records) {
    for (const [hostname, record] of group.records) addPrecondition(record, gateOf(hostname));
  }
  const carrier = o.primary.host?.instance ?? o.activationRecord;
  if (!o.stopsOnCutover || !carrier) return;
  // The primary connector stops only when no live record points at it and this plan points none there.
  guardConnectorStop(carrier, { activation: o.activation, live: onPrimary, role: 'primary', tunnelName: primaryName, targeted: Op.not(o.activateDns.booleanValue) });
  // And its activation changes only after every record has moved (defence in depth for a one-step override).
  // Bare addresses: an fqn token would render as "${...}", which terraform rejects in depends_on.
  const records = o.records.flatMap((g) => [...g.records.values()].map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`));
  carrier.dependsOn = [...(carrier.dependsOn ?? []), ...records];
}

/** A site that must exist, or a `GatehouseError` naming it. */
export function requiredSite(m: DeploymentModel, role: 'primary' | 'standby'): ModelSite {
  const site = m.sites?.[role];
  if (!site) throw new GatehouseError([{ path: `sites.${role}`, message: 'is required here' }]);
  return site;
}

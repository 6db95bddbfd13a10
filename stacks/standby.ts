import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { IAccessGatedApp } from '../lib/cloudflare/access/app';
import { ITunnel, TunnelHost } from '../lib/cloudflare/tunnel';
import type { Deployment, SiteSpec } from '../lib/config/schema';
import { ActivationRecord, activationRecordName } from '../lib/cutover/activation';
import { guardConnectorStop, LiveTunnelCnames } from '../lib/cutover/guards';
import { configureBackend } from '../lib/deployment/backend';
import { byZone, deploymentRoutes, isGceSite, siteHostOptions, siteTokenRotation, siteUserDataValue, tunnelName } from '../lib/deployment/site';
import { activateDnsVariable } from '../lib/deployment/variables';
import { ConnectorActivation } from '../lib/google/connector-host';

export interface StandbyStackProps {
  readonly deployment: Deployment;
  /** The standby site (`sites.standby`). */
  readonly site: SiteSpec;
  /** Access apps whose AUD the gated ingress rules enforce. */
  readonly accessApps: readonly IAccessGatedApp[];
}

/**
 * The warm standby: its tunnel, identical ingress, and its host. It creates no public record and
 * can be deployed at any time without moving traffic. Its connector runs only while `activate_dns`
 * is true (the same variable name as in `production`, default `sites.active == standby`): through the
 * `gatehouse-connector` metadata of a GCE host, or the TXT record `_gatehouse-<name>-standby.<zone>`
 * that a host gatehouse does not create reads. It refuses to stop the connector while a live public
 * record points at the standby tunnel.
 */
export class StandbyStack extends TerraformStack {
  /** The standby tunnel, handed to `production` as a typed cross-stack reference. */
  public readonly tunnel: ITunnel;
  /** The standby host's service account member (for credentials delivered to the standby), if it is a GCE host. */
  public readonly hostServiceAccountMember?: string;

  constructor(scope: Construct, id: string, props: StandbyStackProps) {
    super(scope, id);
    const d = props.deployment;
    new CloudflareProvider(this, 'cloudflare', {});
    configureBackend(this, d);

    const activateDns = activateDnsVariable(this, d);
    const activation = Fn.conditional(activateDns.booleanValue, ConnectorActivation.ACTIVE, ConnectorActivation.STANDBY);
    const gce = isGceSite(props.site) ? props.site : undefined;
    if (gce) new GoogleProvider(this, 'google', {});
    const site = new TunnelHost(this, 'site', {
      accountId: d.cloudflare.account_id,
      tunnelName: tunnelName(d, 'standby'),
      routes: deploymentRoutes(d),
      accessApps: props.accessApps,
      tokenRotation: siteTokenRotation(props.site),
      ...(gce ? { host: siteHostOptions(d, gce, activation) } : {}),
    });
    this.tunnel = site;
    if (site.host) this.hostServiceAccountMember = site.host.serviceAccount.member;
    const carrier =
      site.host?.instance ??
      new ActivationRecord(this, 'activation', {
        zoneId: d.cloudflare.zone_id,
        name: activationRecordName(d, 'standby'),
        activation,
        role: 'standby',
      }).record;
    // Where DNS points now, read live: production owns the records and depends on this stack.
    const zones = byZone(d, d.routes.map((r) => r.hostname));
    const onStandby = new LiveTunnelCnames(this, 'live-standby', { zones, tunnelCname: site.tunnelCname });
    guardConnectorStop(carrier, { activation, live: onStandby, role: 'standby', tunnelName: tunnelName(d, 'standby') });

    new TerraformOutput(this, 'tunnel_id', { value: site.tunnelId });
    new TerraformOutput(this, 'connector_token', { value: site.connectorToken, sensitive: true });
    new TerraformOutput(this, 'user_data', { value: siteUserDataValue(d, props.site, 'standby', site.host), sensitive: true });
  }
}

import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { IAccessGatedApp } from '../lib/cloudflare/access/app';
import type { ITunnel } from '../lib/cloudflare/tunnel';
import { guardConnectorStop, LiveTunnelCnames } from '../lib/cutover/guards';
import { configureBackend } from '../lib/deployment/backend';
import { activationRecord, requiredSite } from '../lib/deployment/cutover';
import type { DeploymentModel } from '../lib/deployment/model';
import { siteTunnel, siteUserDataValue } from '../lib/deployment/site';
import { activateDnsVariable } from '../lib/deployment/variables';
import { ConnectorActivation } from '../lib/google/connector-host';

/** What the `standby` stack is built from. */
export interface StandbyStackProps {
  /** The resolved deployment (lib/deployment/model.ts); its `sites.standby` is this stack's site. */
  readonly model: DeploymentModel;
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
 *
 * @example
 * const app = new App();
 * const { model } = loadDeployment('deployment.yaml'); // with sites.standby
 * const access = new AccessStack(app, 'access', { model });
 * const standby = new StandbyStack(app, 'standby', {
 *   model,
 *   accessApps: [...access.apps.values(), ...access.publicPaths.values()],
 * });
 */
export class StandbyStack extends TerraformStack {
  /** The standby tunnel, handed to `production` as a typed cross-stack reference. */
  public readonly tunnel: ITunnel;
  /** The standby host's service account member (for credentials delivered to the standby), if it is a GCE host. */
  public readonly hostServiceAccountMember?: string;

  constructor(scope: Construct, id: string, props: StandbyStackProps) {
    super(scope, id);
    const m = props.model;
    const standby = requiredSite(m, 'standby');
    new CloudflareProvider(this, 'cloudflare', {});
    configureBackend(this, m.deployment);

    const activateDns = activateDnsVariable(this, m.deployment);
    const activation = Fn.conditional(activateDns.booleanValue, ConnectorActivation.ACTIVE, ConnectorActivation.STANDBY) as string;
    if (standby.gce) new GoogleProvider(this, 'google', {});
    const site = siteTunnel(this, m, standby, { accessApps: props.accessApps, activation });
    this.tunnel = site;
    if (site.host) this.hostServiceAccountMember = site.host.serviceAccount.member;
    const carrier = site.host?.instance ?? activationRecord(this, m, standby, activation);
    // Where DNS points now, read live: production owns the records and depends on this stack.
    const onStandby = new LiveTunnelCnames(this, 'live-standby', { zones: m.routeZones.map((g) => g.zone), tunnelCname: site.tunnelCname });
    if (carrier) guardConnectorStop(carrier, { activation, live: onStandby, role: 'standby', tunnelName: standby.tunnelName });

    new TerraformOutput(this, 'tunnel_id', { value: site.tunnelId });
    new TerraformOutput(this, 'connector_token', { value: site.connectorToken, sensitive: true });
    new TerraformOutput(this, 'user_data', { value: siteUserDataValue(m, standby, site.host), sensitive: true });
  }
}

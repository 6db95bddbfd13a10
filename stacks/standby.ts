import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { IAccessGatedApp } from '../lib/cloudflare/access/app';
import { ITunnel, TunnelHost } from '../lib/cloudflare/tunnel';
import type { Deployment, SiteSpec } from '../lib/config/schema';
import { configureBackend } from '../lib/deployment/backend';
import { deploymentRoutes, isGceSite, siteHostOptions, siteTokenRotation, siteUserDataValue, tunnelName } from '../lib/deployment/site';
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
 * can be deployed at any time without moving traffic. A GCE standby runs its connector only while
 * `activate_dns` is true (the same variable name as in `production`); a host gatehouse does not
 * create keeps its connector running, which moves no traffic (DNS decides).
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

    const activateDns = activateDnsVariable(this);
    const gce = isGceSite(props.site) ? props.site : undefined;
    if (gce) new GoogleProvider(this, 'google', {});
    const site = new TunnelHost(this, 'site', {
      accountId: d.cloudflare.account_id,
      tunnelName: tunnelName(d, 'standby'),
      routes: deploymentRoutes(d),
      accessApps: props.accessApps,
      tokenRotation: siteTokenRotation(props.site),
      ...(gce
        ? {
            host: siteHostOptions(
              d,
              gce,
              Fn.conditional(activateDns.booleanValue, ConnectorActivation.ACTIVE, ConnectorActivation.STANDBY),
            ),
          }
        : {}),
    });
    this.tunnel = site;
    if (site.host) this.hostServiceAccountMember = site.host.serviceAccount.member;

    new TerraformOutput(this, 'tunnel_id', { value: site.tunnelId });
    new TerraformOutput(this, 'connector_token', { value: site.connectorToken, sensitive: true });
    new TerraformOutput(this, 'user_data', { value: siteUserDataValue(d, props.site, site.host), sensitive: true });
  }
}

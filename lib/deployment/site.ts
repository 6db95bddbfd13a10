/** The deployment -> site mapping: the routes both tunnels carry, a GCE host's options, an external host's user-data. */
import type { Construct } from 'constructs';
import type { IAccessGatedApp } from '../cloudflare/access/app';
import type { OriginOptions, TunnelRoute } from '../cloudflare/ingress';
import { TunnelHost } from '../cloudflare/tunnel';
import { GatehouseError } from '../core/errors';
import { escapeTemplate } from '../core/terraform';
import type { GceConnectorHostOptions } from '../google/connector-host';
import { DEFAULT_CLOUDFLARED_VERSION } from '../google/connector-host';
import { renderConnectorUserData } from '../google/user-data';
import { HOST_EGRESSES } from './enums';
import type { DeploymentModel, ModelRoute, ModelSite, OriginSpec } from './model';

/** The origin options of a route or a tenant, as the file writes them, for the ingress rule. */
export function originOptions(o: OriginSpec): OriginOptions {
  return {
    ...(o.no_tls_verify !== undefined ? { noTlsVerify: o.no_tls_verify } : {}),
    ...(o.http_host_header !== undefined ? { httpHostHeader: o.http_host_header } : {}),
    ...(o.origin_server_name !== undefined ? { originServerName: o.origin_server_name } : {}),
    ...(o.connect_timeout_seconds !== undefined ? { connectTimeoutSeconds: o.connect_timeout_seconds } : {}),
  };
}

/** One route as a tunnel carries it. */
function tunnelRoute(r: ModelRoute): TunnelRoute {
  const o = r.spec.origin;
  return {
    hostname: r.hostname,
    service: r.spec.service,
    ...(r.path !== undefined ? { path: r.path } : {}),
    ...(r.publicReason !== undefined ? { public: { reason: r.publicReason } } : {}),
    ...(o ? { origin: originOptions(o) } : {}),
  };
}

/** The tunnel routes of a deployment; both sites get exactly these. */
export function tunnelRoutes(m: DeploymentModel): TunnelRoute[] {
  return m.routes.map(tunnelRoute);
}

/** GCE host options for a GCE site. `activation` is an expression yielding "active" or "standby". */
export function siteHostOptions(m: DeploymentModel, site: ModelSite, activation: string): GceConnectorHostOptions {
  const gce = site.gce;
  if (!gce) throw new GatehouseError([{ path: site.at, message: 'is not a GCE site; it has no host options' }]);
  return {
    project: gce.project,
    region: gce.region,
    zone: gce.zone,
    name: gce.name,
    machineType: gce.machine_type,
    image: gce.image,
    network: gce.network,
    sshViaIap: gce.ssh_via_iap,
    egress: HOST_EGRESSES[gce.egress],
    deletionProtection: gce.deletion_protection,
    allowStoppingForUpdate: gce.allow_stopping_for_update,
    cloudflaredVersion: m.sites?.cloudflaredVersion ?? DEFAULT_CLOUDFLARED_VERSION,
    activation,
  };
}

/**
 * User-data for a site gatehouse does not create: the token comes from a file the operator places, and
 * the connector follows the site's TXT activation record, which the site's stack owns (lib/cutover/activation.ts).
 */
export function externalUserData(m: DeploymentModel, site: ModelSite): string {
  if (!site.external || !site.activationRecord) throw new GatehouseError([{ path: site.at, message: 'is not an external site; its host renders its own user-data' }]);
  return renderConnectorUserData({
    cloudflaredVersion: m.sites?.cloudflaredVersion ?? DEFAULT_CLOUDFLARED_VERSION,
    tokenSource: { kind: 'file', path: site.external.token_file },
    activation: { kind: 'dns-txt', record: site.activationRecord },
  });
}

/**
 * The user-data a site's host boots with, escaped for a terraform string: the GCE host's own, or the
 * rendered user-data for a host gatehouse does not create.
 */
export function siteUserDataValue(m: DeploymentModel, site: ModelSite, host: { readonly userDataValue: string } | undefined): string {
  if (host) return host.userDataValue;
  return escapeTemplate(externalUserData(m, site));
}

/** Props of a site's tunnel beyond the deployment's own facts. */
export interface SiteTunnelOptions {
  /** Access apps whose AUD the gated ingress rules enforce. */
  readonly accessApps: readonly IAccessGatedApp[];
  /** The activation expression of a GCE host (`active` / `standby`). */
  readonly activation: string;
}

/** A site's tunnel (construct id `site`), its ingress and, for a GCE site, its host. */
export function siteTunnel(scope: Construct, m: DeploymentModel, site: ModelSite, o: SiteTunnelOptions): TunnelHost {
  return new TunnelHost(scope, 'site', {
    accountId: m.accountId,
    tunnelName: site.tunnelName,
    routes: tunnelRoutes(m),
    accessApps: o.accessApps,
    tokenRotation: site.tokenRotation,
    ...(site.gce ? { host: siteHostOptions(m, site, o.activation) } : {}),
  });
}

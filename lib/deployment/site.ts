import type { Deployment, SiteSpec } from '../config/schema';
import type { TunnelRoute } from '../cloudflare/ingress';
import type { GceConnectorHostOptions } from '../google/connector-host';

/** The tunnel routes of a deployment; both sites get exactly these. */
export function deploymentRoutes(d: Deployment): TunnelRoute[] {
  return d.routes.map((r) => ({
    hostname: r.hostname,
    service: r.service,
    ...(r.path !== undefined ? { path: r.path } : {}),
    ...(r.public ? { public: { reason: r.public.reason } } : {}),
    ...(r.origin
      ? {
          origin: {
            ...(r.origin.no_tls_verify !== undefined ? { noTlsVerify: r.origin.no_tls_verify } : {}),
            ...(r.origin.http_host_header !== undefined ? { httpHostHeader: r.origin.http_host_header } : {}),
            ...(r.origin.origin_server_name !== undefined ? { originServerName: r.origin.origin_server_name } : {}),
            ...(r.origin.connect_timeout_seconds !== undefined ? { connectTimeoutSeconds: r.origin.connect_timeout_seconds } : {}),
          },
        }
      : {}),
  }));
}

/** GCE host options for one site. `activation` is an expression yielding "active" or "standby". */
export function siteHostOptions(d: Deployment, site: SiteSpec, activation: string): GceConnectorHostOptions {
  return {
    project: site.project,
    region: site.region,
    zone: site.zone,
    name: site.name,
    machineType: site.machine_type,
    image: site.image,
    network: site.network,
    sshViaIap: site.ssh_via_iap,
    cloudflaredVersion: d.sites.cloudflared_version,
    activation,
  };
}

/** Tunnel names are unique per account: `<deployment>-<role>`. */
export function tunnelName(d: Deployment, role: 'primary' | 'standby'): string {
  return `${d.name}-${role}`;
}

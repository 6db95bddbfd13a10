import type { Deployment, ExternalSiteSpec, GceSiteSpec, SiteSpec } from '../config/schema';
import { zoneOf } from '../config/cross-checks';
import type { TunnelRoute } from '../cloudflare/ingress';
import type { GceConnectorHostOptions } from '../google/connector-host';
import { DEFAULT_CLOUDFLARED_VERSION, HostEgress } from '../google/connector-host';
import { escapeTemplate } from '../core/terraform';
import { renderConnectorUserData } from '../google/user-data';
import { activationRecordName, SiteRole } from '../cutover/activation-names';

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

export function isGceSite(site: SiteSpec): site is GceSiteSpec {
  return !('external' in site);
}

/** GCE host options for one site. `activation` is an expression yielding "active" or "standby". */
export function siteHostOptions(d: Deployment, site: GceSiteSpec, activation: string): GceConnectorHostOptions {
  return {
    project: site.project,
    region: site.region,
    zone: site.zone,
    name: site.name,
    machineType: site.machine_type,
    image: site.image,
    network: site.network,
    sshViaIap: site.ssh_via_iap,
    egress: site.egress as HostEgress,
    deletionProtection: site.deletion_protection,
    allowStoppingForUpdate: site.allow_stopping_for_update,
    cloudflaredVersion: d.sites?.cloudflared_version ?? DEFAULT_CLOUDFLARED_VERSION,
    activation,
  };
}

/**
 * User-data for a site gatehouse does not create: the token comes from a file the operator places, and
 * the connector follows the site's TXT activation record `activationRecordName(d, role)`, which the
 * site's stack owns (lib/cutover/activation.ts).
 */
export function externalUserData(d: Deployment, site: ExternalSiteSpec, role: SiteRole): string {
  return renderConnectorUserData({
    cloudflaredVersion: d.sites?.cloudflared_version ?? DEFAULT_CLOUDFLARED_VERSION,
    tokenSource: { kind: 'file', path: site.external.token_file },
    activation: { kind: 'dns-txt', record: activationRecordName(d, role) },
  });
}

/** The site's tunnel token rotation generation (`token_rotation`, 0 = never rotated): `TunnelHost.tokenRotation`. */
export function siteTokenRotation(site: SiteSpec): number {
  return (isGceSite(site) ? site.token_rotation : site.external.token_rotation) ?? 0;
}

/**
 * The user-data a site's host boots with, escaped for a terraform string: the GCE host's own, or
 * the rendered user-data for a host gatehouse does not create.
 */
export function siteUserDataValue(
  d: Deployment,
  site: SiteSpec,
  role: SiteRole,
  host: { readonly userDataValue: string } | undefined,
): string {
  if (host) return host.userDataValue;
  if (isGceSite(site)) throw new Error('a GCE site always has a host');
  return escapeTemplate(externalUserData(d, site, role));
}

/** Tunnel names are unique per account: `<deployment>-<role>`. */
export function tunnelName(d: Deployment, role: 'primary' | 'standby'): string {
  return `${d.name}-${role}`;
}

/** The zone id that holds a hostname (the primary zone or an extra zone). */
export function zoneIdOf(d: Deployment, hostname: string): string {
  const zone = zoneOf(d, hostname);
  if (zone === d.cloudflare.zone || zone === undefined) return d.cloudflare.zone_id;
  return d.cloudflare.extra_zones.find((z) => z.zone === zone)!.zone_id;
}

/** Hostnames grouped by the zone that holds them, primary zone first. */
export function byZone(d: Deployment, hostnames: readonly string[]): Array<{ zone: string; zoneId: string; hostnames: string[] }> {
  const zones = [d.cloudflare.zone, ...d.cloudflare.extra_zones.map((z) => z.zone)];
  return zones
    .map((zone) => ({
      zone,
      zoneId: zone === d.cloudflare.zone ? d.cloudflare.zone_id : d.cloudflare.extra_zones.find((z) => z.zone === zone)!.zone_id,
      hostnames: [...new Set(hostnames)].filter((h) => (zoneOf(d, h) ?? d.cloudflare.zone) === zone),
    }))
    .filter((g) => g.hostnames.length > 0);
}

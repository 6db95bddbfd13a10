/** Routes -> DNS: the proxied CNAMEs of every routed hostname, one `TunnelCnames` per zone. */
import type { Construct } from 'constructs';
import { TunnelCnames } from '../cloudflare/dns';
import { recordsConstructId } from './adoptions';
import type { DeploymentModel } from './model';

/**
 * The public records of the routes (`production` owns them all): one `TunnelCnames` per zone that
 * holds routed hostnames (`dns` for the primary zone, `dns-<zone>` for another), all pointing at
 * `target`, the expression that picks the active site's tunnel.
 */
export function publicRecords(scope: Construct, m: DeploymentModel, target: string): TunnelCnames[] {
  return m.routeZones.map(
    (group) => new TunnelCnames(scope, recordsConstructId(group.zone), { zone: group.zone, hostnames: group.hostnames, target }),
  );
}

/** What every public record points at after an apply, by hostname (`terraform output public_record_targets`). */
export function recordTargets(records: readonly TunnelCnames[]): Record<string, string> {
  return Object.fromEntries(records.flatMap((g) => [...g.records].map(([hostname, r]) => [hostname, r.content])));
}

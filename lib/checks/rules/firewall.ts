/** Shared reading of google_compute_firewall rules for the GCE rules. */
import type { FirewallRule } from '../../google/firewall-model';
import { hasExpression, isList, stringsIn } from '../json';
import type { FirewallEntryJson, FirewallJson } from '../resources';

const WORLD = new Set(['0.0.0.0/0', '::/0']);
/** Protocols whose rules have ports; without a port list they cover every port. */
const PORTED = new Set(['tcp', 'udp', 'sctp', 'all', '6', '17', '132']);
const TCP = new Set(['tcp', 'all', '6']);

/** Where an INGRESS rule admits traffic from: the whole internet, not known (an expression), or these ranges. */
export type Sources = 'world' | 'unknown' | readonly string[];

/**
 * Where an INGRESS rule admits traffic from. GCP treats an ingress rule with no source ranges, tags or
 * service accounts as open to 0.0.0.0/0.
 */
export function ingressSources(config: FirewallJson): Sources {
  const ranges = config.source_ranges;
  if (ranges !== undefined && !isList(ranges)) return 'unknown';
  if (hasExpression(config.source_tags) || hasExpression(config.source_service_accounts)) return 'unknown';
  const hasOther = (config.source_tags ?? []).length > 0 || (config.source_service_accounts ?? []).length > 0;
  const list = ranges ?? [];
  if (list.length === 0 && !hasOther) return 'world';
  if (list.some((r) => hasExpression(r))) return 'unknown';
  return list.some((r) => WORLD.has(r)) ? 'world' : list;
}

/**
 * The port entry of an allow rule that covers `port` ("all" when the rule lists no ports), or
 * undefined when it does not cover it (for its protocol family).
 */
export function coveringPort(allow: FirewallEntryJson, port: number, tcpOnly = false): string | undefined {
  const protocol = allow.protocol.toLowerCase();
  if (tcpOnly ? !TCP.has(protocol) : !PORTED.has(protocol)) return undefined;
  const ports = allow.ports;
  if (!isList(ports) || ports.length === 0) return 'all';
  return ports.map(String).find((p) => {
    const bounds = p.split('-').map(Number);
    const lo = bounds[0];
    return port >= lo && port <= (bounds.at(1) ?? lo);
  });
}

/**
 * Whether a firewall holds literal values only (no expression in any attribute but the lifecycle and
 * meta-arguments), so that the firewall model ({@link FirewallRule}) can read it as it is.
 */
export function isLiteralFirewall(config: FirewallJson): config is FirewallJson & FirewallRule {
  const { lifecycle: _lifecycle, depends_on: _dependsOn, provider: _provider, ...attributes } = config;
  return !stringsIn(attributes).some(([, v]) => hasExpression(v));
}

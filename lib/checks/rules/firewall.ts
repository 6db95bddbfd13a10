/** Shared reading of google_compute_firewall rules for the GCE rules. */
import { hasExpression } from '../json';

const WORLD = new Set(['0.0.0.0/0', '::/0']);
/** Protocols whose rules have ports; without a port list they cover every port. */
const PORTED = new Set(['tcp', 'udp', 'sctp', 'all', '6', '17', '132']);
const TCP = new Set(['tcp', 'all', '6']);

export type Sources = 'world' | 'unknown' | string[];

/**
 * Where an INGRESS rule admits traffic from. GCP treats an ingress rule with no source ranges, tags or
 * service accounts as open to 0.0.0.0/0.
 */
export function ingressSources(config: Record<string, any>): Sources {
  const ranges = config.source_ranges;
  if (ranges !== undefined && !Array.isArray(ranges)) return 'unknown';
  if (hasExpression(config.source_tags) || hasExpression(config.source_service_accounts)) return 'unknown';
  const hasOther = (config.source_tags ?? []).length > 0 || (config.source_service_accounts ?? []).length > 0;
  const list: string[] = ranges ?? [];
  if (list.length === 0 && !hasOther) return 'world';
  if (list.some((r) => hasExpression(r))) return 'unknown';
  return list.some((r) => WORLD.has(r)) ? 'world' : list;
}

/**
 * The port entry of an allow rule that covers `port` ("all" when the rule lists no ports), or
 * undefined when it does not cover it (for its protocol family).
 */
export function coveringPort(allow: Record<string, any>, port: number, tcpOnly = false): string | undefined {
  const protocol = String(allow.protocol ?? '').toLowerCase();
  if (tcpOnly ? !TCP.has(protocol) : !PORTED.has(protocol)) return undefined;
  const ports: unknown = allow.ports;
  if (!Array.isArray(ports) || ports.length === 0) return 'all';
  return ports.map(String).find((p) => {
    const [lo, hi] = p.split('-').map(Number);
    return port >= lo && port <= (hi ?? lo);
  });
}

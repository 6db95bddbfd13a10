/**
 * A small model of GCP VPC firewall rules, to decide what a set of rules admits (used by the
 * policy pack and by tests). It follows the documented semantics
 * (https://cloud.google.com/firewall/docs/firewalls, the provider's `priority` description):
 * - the matching rule with the lowest priority number decides; at equal priority a deny beats an allow;
 * - every network has an implied allow-all egress and deny-all ingress rule at 65535;
 * - traffic to the metadata server 169.254.169.254 is always allowed;
 * - an INGRESS rule without sources applies to 0.0.0.0/0, an EGRESS rule without destinations too;
 * - a rule without target tags applies to every instance of its network;
 * - the `default` network ships `default-allow-internal`, `-ssh`, `-rdp` and `-icmp` at 65534
 *   (`defaultNetworkRules`), and any network may have been given the same rules.
 * IPv4 only. Rules that use service accounts as sources or targets are outside the model: they make
 * `evaluateFirewall` throw `FirewallModelError`, so a caller can say "could not validate".
 */

/** One `allow` or `deny` entry: a protocol (name or number) and optional ports ("22", "1000-2000"). */
export interface FirewallEntry {
  /** `tcp`, `udp`, `icmp`, `sctp`, `all`, or a protocol number. */
  readonly protocol: string;
  /** Ports or ranges; none means every port of the protocol. */
  readonly ports?: readonly string[];
}

/** A `google_compute_firewall` as synthesized (snake_case attributes), literal values only. */
export interface FirewallRule {
  /** The rule name. */
  readonly name: string;
  /** The network the rule belongs to (a name or a self link); none matches every network. */
  readonly network?: string;
  /** @default "INGRESS" */
  readonly direction?: string;
  /** @default 1000 */
  readonly priority?: number;
  /** What the rule allows (an allow rule). */
  readonly allow?: readonly FirewallEntry[];
  /** What the rule denies (a deny rule). */
  readonly deny?: readonly FirewallEntry[];
  /** INGRESS: the source IPv4 ranges. */
  readonly source_ranges?: readonly string[];
  /** INGRESS: the network tags of source instances (not modelled: never match an address). */
  readonly source_tags?: readonly string[];
  /** Sources by service account: outside the model (evaluateFirewall throws). */
  readonly source_service_accounts?: readonly string[];
  /** EGRESS: the destination IPv4 ranges. */
  readonly destination_ranges?: readonly string[];
  /** The instances the rule applies to, by network tag; none means every instance. */
  readonly target_tags?: readonly string[];
  /** Targets by service account: outside the model (evaluateFirewall throws). */
  readonly target_service_accounts?: readonly string[];
  /** A disabled rule applies to nothing. */
  readonly disabled?: boolean;
}

/** A connection to decide, seen from the instance. */
export interface Connection {
  /** INGRESS (to the instance) or EGRESS (from it). */
  readonly direction: 'INGRESS' | 'EGRESS';
  /** `tcp`, `udp`, `icmp`, `sctp`, or a protocol number. */
  readonly protocol: string;
  /** Destination port (tcp, udp, sctp). */
  readonly port?: number;
  /** The other end, an IPv4 address: the source of ingress, the destination of egress. */
  readonly remote: string;
  /** The instance's network tags. */
  readonly tags: readonly string[];
  /**
   * The instance's network; rules of another network do not apply.
   * @default - rules of every network apply
   */
  readonly network?: string;
}

/** What the rules decide for a connection, and which rule decided it. */
export interface FirewallDecision {
  /** Whether the connection is allowed. */
  readonly action: 'allow' | 'deny';
  /** The rule that decided (an implied rule has its documented name, e.g. `implied-deny-ingress`). */
  readonly rule: string;
  /** That rule's priority. */
  readonly priority: number;
}

/** A rule uses a feature outside the model (service accounts, a malformed range). */
export class FirewallModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FirewallModelError';
  }
}

/** The metadata server, always reachable from an instance. */
export const METADATA_SERVER = '169.254.169.254';
/** Priority of the implied rules (allow all egress, deny all ingress). */
export const IMPLIED_PRIORITY = 65535;
/** Priority of the default network's pre-populated rules. */
export const DEFAULT_RULES_PRIORITY = 65534;

const PROTOCOL_NUMBERS: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '132': 'sctp' };
const PORTED = new Set(['tcp', 'udp', 'sctp']);

/** The rules GCP pre-populates in the `default` network (all at 65534). */
export function defaultNetworkRules(network = 'default'): FirewallRule[] {
  const base = { network, direction: 'INGRESS', priority: DEFAULT_RULES_PRIORITY };
  return [
    {
      ...base,
      name: 'default-allow-internal',
      source_ranges: ['10.128.0.0/9'],
      allow: [{ protocol: 'tcp', ports: ['0-65535'] }, { protocol: 'udp', ports: ['0-65535'] }, { protocol: 'icmp' }],
    },
    { ...base, name: 'default-allow-ssh', source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] },
    { ...base, name: 'default-allow-rdp', source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['3389'] }] },
    { ...base, name: 'default-allow-icmp', source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'icmp' }] },
  ];
}

/** Decide a connection: the deciding rule among `rules` plus the implied ones. */
export function evaluateFirewall(rules: readonly FirewallRule[], connection: Connection): FirewallDecision {
  const remote = ipv4(connection.remote);
  if (remote === undefined) throw new FirewallModelError(`the remote address ${connection.remote} is not an IPv4 address`);
  if (connection.direction === 'EGRESS' && connection.remote === METADATA_SERVER) {
    return { action: 'allow', rule: 'always allowed (metadata server)', priority: -1 };
  }

  const candidates: FirewallDecision[] = [];
  for (const rule of rules) {
    if (rule.source_service_accounts?.length || rule.target_service_accounts?.length) {
      throw new FirewallModelError(`rule ${rule.name} uses service accounts, which this model does not cover`);
    }
    if (rule.disabled) continue;
    if ((rule.direction ?? 'INGRESS') !== connection.direction) continue;
    if (connection.network !== undefined && rule.network !== undefined && rule.network !== connection.network) continue;
    if (rule.target_tags?.length && !rule.target_tags.some((t) => connection.tags.includes(t))) continue;
    if (!rangesMatch(rule, connection.direction, remote)) continue;
    const priority = rule.priority ?? 1000;
    if ((rule.deny ?? []).some((e) => entryMatches(e, connection))) candidates.push({ action: 'deny', rule: rule.name, priority });
    if ((rule.allow ?? []).some((e) => entryMatches(e, connection))) candidates.push({ action: 'allow', rule: rule.name, priority });
  }
  candidates.push(
    connection.direction === 'EGRESS'
      ? { action: 'allow', rule: 'implied allow egress', priority: IMPLIED_PRIORITY }
      : { action: 'deny', rule: 'implied deny ingress', priority: IMPLIED_PRIORITY },
  );
  // Lowest number first; at equal priority a deny first. The sort is stable, so the first listed rule wins a full tie.
  return [...candidates].sort((a, b) => a.priority - b.priority || rank(a) - rank(b))[0];
}

function rank(d: FirewallDecision): number {
  return d.action === 'deny' ? 0 : 1;
}

function rangesMatch(rule: FirewallRule, direction: 'INGRESS' | 'EGRESS', remote: number): boolean {
  if (direction === 'EGRESS') {
    const ranges = rule.destination_ranges?.length ? rule.destination_ranges : ['0.0.0.0/0'];
    return ranges.some((r) => inRange(r, remote, rule.name));
  }
  const ranges = rule.source_ranges ?? [];
  // Source tags name instances of the network; traffic from an address outside it never matches them.
  if (ranges.length === 0) return !rule.source_tags?.length && inRange('0.0.0.0/0', remote, rule.name);
  return ranges.some((r) => inRange(r, remote, rule.name));
}

function entryMatches(entry: FirewallEntry, connection: Connection): boolean {
  const wanted = normalProtocol(connection.protocol);
  const protocol = normalProtocol(entry.protocol);
  if (protocol !== 'all' && protocol !== wanted) return false;
  const ports = entry.ports ?? [];
  if (ports.length === 0) return true;
  const port = connection.port;
  if (!PORTED.has(wanted) || port === undefined) return false;
  return ports.some((p) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(p);
    if (!m) throw new FirewallModelError(`port ${p} is not a port or a range`);
    const lo = Number(m[1]);
    const hi = Number(m.at(2) ?? m[1]);
    return port >= lo && port <= hi;
  });
}

/** A protocol name in lower case, or a protocol number as its name where it has one (JSON may hold either). */
function normalProtocol(protocol: string | number): string {
  const p = String(protocol).toLowerCase();
  return PROTOCOL_NUMBERS[p] ?? p;
}

function ipv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** Whether an IPv4 address is in a CIDR range (a bare address is a /32). IPv6 ranges never match. */
function inRange(range: string, address: number, ruleName: string): boolean {
  if (range.includes(':')) return false;
  const [base, bitsText] = range.split('/') as [string, string?];
  const network = ipv4(base);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (network === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) {
    throw new FirewallModelError(`rule ${ruleName} has a range ${range} that is not an IPv4 CIDR range`);
  }
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return (address & mask) >>> 0 === (network & mask) >>> 0;
}

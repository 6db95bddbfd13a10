/**
 * The GCP firewall model used by the policy pack and the host tests: priority order, deny beats allow
 * at a tie, the implied rules at 65535, the default network's rules at 65534, the metadata server,
 * ranges, tags, protocols and ports, and what it refuses to judge.
 */
import {
  Connection,
  defaultNetworkRules,
  evaluateFirewall,
  FirewallModelError,
  FirewallRule,
  IMPLIED_PRIORITY,
} from '../../../lib/google/firewall-model';

const INTERNET = '203.0.113.9';
const TAGS = ['edge'];
const ingress = (protocol: string, port: number | undefined, remote = INTERNET, tags = TAGS): Connection => ({
  direction: 'INGRESS',
  protocol,
  ...(port === undefined ? {} : { port }),
  remote,
  tags,
  network: 'default',
});
const egress = (protocol: string, port: number | undefined, remote = INTERNET): Connection => ({ ...ingress(protocol, port, remote), direction: 'EGRESS' });
const rule = (name: string, config: Omit<FirewallRule, 'name'>): FirewallRule => ({ name, network: 'default', ...config });

describe('implied rules', () => {
  test('with no rules, egress is allowed and ingress denied, at 65535', () => {
    expect(evaluateFirewall([], egress('tcp', 25))).toEqual({ action: 'allow', rule: 'implied allow egress', priority: IMPLIED_PRIORITY });
    expect(evaluateFirewall([], ingress('tcp', 22))).toEqual({ action: 'deny', rule: 'implied deny ingress', priority: IMPLIED_PRIORITY });
  });

  test('the metadata server is always reachable, whatever denies egress', () => {
    const denyAll = rule('deny-all', { direction: 'EGRESS', priority: 0, deny: [{ protocol: 'all' }] });
    expect(evaluateFirewall([denyAll], egress('udp', 53, '169.254.169.254')).action).toBe('allow');
    expect(evaluateFirewall([denyAll], egress('udp', 53, '169.254.169.253')).action).toBe('deny');
  });
});

describe('the default network', () => {
  const defaults = defaultNetworkRules();

  test('has default-allow-internal, -ssh, -rdp and -icmp at 65534', () => {
    expect(defaults.map((r) => [r.name, r.priority])).toEqual([
      ['default-allow-internal', 65534],
      ['default-allow-ssh', 65534],
      ['default-allow-rdp', 65534],
      ['default-allow-icmp', 65534],
    ]);
  });

  test('admits SSH, RDP and ICMP from anywhere, and internal traffic, to every instance', () => {
    expect(evaluateFirewall(defaults, ingress('tcp', 22))).toEqual({ action: 'allow', rule: 'default-allow-ssh', priority: 65534 });
    expect(evaluateFirewall(defaults, ingress('tcp', 3389, INTERNET, []))).toMatchObject({ action: 'allow', rule: 'default-allow-rdp' });
    expect(evaluateFirewall(defaults, ingress('icmp', undefined))).toMatchObject({ action: 'allow', rule: 'default-allow-icmp' });
    expect(evaluateFirewall(defaults, ingress('udp', 5000, '10.132.0.7'))).toMatchObject({ action: 'allow', rule: 'default-allow-internal' });
    expect(evaluateFirewall(defaults, ingress('tcp', 443))).toMatchObject({ action: 'deny', rule: 'implied deny ingress' });
  });

  test('a deny below 65534 beats them; one at 65535 does not', () => {
    const deny = (priority: number) => rule('deny-ssh', { priority, deny: [{ protocol: 'tcp', ports: ['22'] }], source_ranges: ['0.0.0.0/0'] });
    expect(evaluateFirewall([...defaults, deny(65533)], ingress('tcp', 22))).toMatchObject({ action: 'deny', rule: 'deny-ssh' });
    expect(evaluateFirewall([...defaults, deny(65534)], ingress('tcp', 22))).toMatchObject({ action: 'deny', rule: 'deny-ssh' });
    expect(evaluateFirewall([...defaults, deny(65535)], ingress('tcp', 22))).toMatchObject({ action: 'allow', rule: 'default-allow-ssh' });
  });
});

describe('priority', () => {
  const allow = (priority?: number) => rule('allow', { ...(priority === undefined ? {} : { priority }), allow: [{ protocol: 'tcp', ports: ['22'] }], source_ranges: ['0.0.0.0/0'] });
  const deny = (priority?: number) => rule('deny', { ...(priority === undefined ? {} : { priority }), deny: [{ protocol: 'tcp', ports: ['22'] }], source_ranges: ['0.0.0.0/0'] });

  test('the lowest number wins', () => {
    expect(evaluateFirewall([deny(900), allow(800)], ingress('tcp', 22)).rule).toBe('allow');
    expect(evaluateFirewall([allow(800), deny(700)], ingress('tcp', 22)).rule).toBe('deny');
  });

  test('at equal priority a deny wins, in any order', () => {
    expect(evaluateFirewall([allow(1000), deny(1000)], ingress('tcp', 22)).action).toBe('deny');
    expect(evaluateFirewall([deny(1000), allow(1000)], ingress('tcp', 22)).action).toBe('deny');
  });

  test('the default priority is 1000', () => {
    expect(evaluateFirewall([allow(), deny(1001)], ingress('tcp', 22))).toEqual({ action: 'allow', rule: 'allow', priority: 1000 });
    expect(evaluateFirewall([allow(999), deny()], ingress('tcp', 22)).rule).toBe('allow');
  });
});

describe('matching', () => {
  test('a rule applies only in its direction', () => {
    const denyEgress = rule('deny-egress', { direction: 'EGRESS', deny: [{ protocol: 'all' }] });
    expect(evaluateFirewall([denyEgress], egress('tcp', 25)).rule).toBe('deny-egress');
    expect(evaluateFirewall([rule('in', { allow: [{ protocol: 'all' }], source_ranges: ['0.0.0.0/0'] })], egress('tcp', 25)).rule).toBe('implied allow egress');
  });

  test('target tags: a rule with tags applies to instances with one of them; without tags to all', () => {
    const tagged = rule('tagged', { allow: [{ protocol: 'tcp' }], source_ranges: ['0.0.0.0/0'], target_tags: ['other', 'edge'] });
    expect(evaluateFirewall([tagged], ingress('tcp', 1)).rule).toBe('tagged');
    expect(evaluateFirewall([tagged], ingress('tcp', 1, INTERNET, ['web'])).rule).toBe('implied deny ingress');
    expect(evaluateFirewall([{ ...tagged, target_tags: [] }], ingress('tcp', 1, INTERNET, ['web'])).rule).toBe('tagged');
  });

  test('source ranges are CIDR blocks; no source at all means 0.0.0.0/0; source tags never match an internet address', () => {
    const from = (ranges?: string[], tags?: string[]) =>
      evaluateFirewall([rule('r', { allow: [{ protocol: 'tcp' }], ...(ranges ? { source_ranges: ranges } : {}), ...(tags ? { source_tags: tags } : {}) })], ingress('tcp', 1, '35.235.241.5')).action;
    expect(from(['35.235.240.0/20'])).toBe('allow');
    expect(from(['35.235.240.0/24'])).toBe('deny');
    expect(from(['35.235.241.5'])).toBe('allow');
    expect(from(['::/0'])).toBe('deny');
    expect(from()).toBe('allow');
    expect(from(undefined, ['web'])).toBe('deny');
    expect(from(['35.235.240.0/20'], ['web'])).toBe('allow');
  });

  test('destination ranges for egress; none means 0.0.0.0/0', () => {
    const to = (ranges?: string[]) =>
      evaluateFirewall([rule('r', { direction: 'EGRESS', priority: 10, deny: [{ protocol: 'all' }], ...(ranges ? { destination_ranges: ranges } : {}) })], egress('tcp', 1, '198.51.100.1')).action;
    expect(to(['198.51.100.0/24'])).toBe('deny');
    expect(to(['198.51.101.0/24'])).toBe('allow');
    expect(to()).toBe('deny');
  });

  test('protocols by name or number, "all", ports and port ranges', () => {
    const allows = (entry: { protocol: string; ports?: string[] }, connection: Connection) =>
      evaluateFirewall([rule('r', { allow: [entry], source_ranges: ['0.0.0.0/0'] })], connection).action === 'allow';
    expect(allows({ protocol: 'tcp', ports: ['22'] }, ingress('tcp', 22))).toBe(true);
    expect(allows({ protocol: 'TCP', ports: ['22'] }, ingress('tcp', 22))).toBe(true);
    expect(allows({ protocol: '6', ports: ['22'] }, ingress('tcp', 22))).toBe(true);
    expect(allows({ protocol: '17', ports: ['22'] }, ingress('tcp', 22))).toBe(false);
    expect(allows({ protocol: 'tcp', ports: ['20-30'] }, ingress('tcp', 22))).toBe(true);
    expect(allows({ protocol: 'tcp', ports: ['23-30'] }, ingress('tcp', 22))).toBe(false);
    expect(allows({ protocol: 'tcp' }, ingress('tcp', 65000))).toBe(true);
    expect(allows({ protocol: 'all' }, ingress('udp', 53))).toBe(true);
    expect(allows({ protocol: 'icmp' }, ingress('icmp', undefined))).toBe(true);
    expect(allows({ protocol: 'tcp', ports: ['22'] }, ingress('icmp', undefined))).toBe(false);
  });

  test('disabled rules and rules of another network do not apply', () => {
    const deny = rule('deny', { priority: 1, deny: [{ protocol: 'all' }], source_ranges: ['0.0.0.0/0'] });
    const defaults = defaultNetworkRules();
    expect(evaluateFirewall([...defaults, { ...deny, disabled: true }], ingress('tcp', 22)).rule).toBe('default-allow-ssh');
    expect(evaluateFirewall([...defaults, { ...deny, network: 'other' }], ingress('tcp', 22)).rule).toBe('default-allow-ssh');
    expect(evaluateFirewall([...defaults, deny], ingress('tcp', 22)).rule).toBe('deny');
  });
});

describe('outside the model', () => {
  test.each<[string, FirewallRule[], Connection, string]>([
    ['service account targets', [rule('sa', { allow: [{ protocol: 'all' }], target_service_accounts: ['sa@example.iam.gserviceaccount.com'] })], ingress('tcp', 22), 'rule sa uses service accounts'],
    ['a malformed range', [rule('bad', { allow: [{ protocol: 'all' }], source_ranges: ['10.0.0.0/40'] })], ingress('tcp', 22), 'rule bad has a range 10.0.0.0/40'],
    ['a malformed port', [rule('bad', { allow: [{ protocol: 'tcp', ports: ['ssh'] }], source_ranges: ['0.0.0.0/0'] })], ingress('tcp', 22), 'port ssh is not a port'],
    ['an IPv6 remote', [], ingress('tcp', 22, '2001:db8::1'), 'not an IPv4 address'],
  ])('%s: throws FirewallModelError instead of guessing', (_what, rules, connection, message) => {
    expect(() => evaluateFirewall(rules, connection)).toThrow(FirewallModelError);
    expect(() => evaluateFirewall(rules, connection)).toThrow(message);
  });
});

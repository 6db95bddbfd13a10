/**
 * GceConnectorHost: the outbound-only GCE host of a tunnel connector. Every default and branch of the
 * instance, its service account, the Secret Manager token and its single IAM grant, the firewall
 * rules and the egress modes; the user-data it carries; and every validation.
 */
import { escapeTemplate } from '../../../lib/core/terraform';
import { Fn, Op, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { ACCOUNT_ID, expectProblem, Json, newStack, problemsOf, Synthesized, synth } from '../cloudflare/access/support';
import { TunnelHost } from '../../../lib/cloudflare/tunnel';
import {
  ConnectorActivation,
  DEFAULT_CLOUDFLARED_VERSION,
  DEFAULT_IMAGE,
  GceConnectorHost,
  GceConnectorHostProps,
  HostEgress,
  serviceAccountId,
} from '../../../lib/google/connector-host';
import { defaultNetworkRules, evaluateFirewall, FirewallRule } from '../../../lib/google/firewall-model';

const INSTANCE = 'google_compute_instance';
const FIREWALL = 'google_compute_firewall';
const ROUTER = 'google_compute_router';
const NAT = 'google_compute_router_nat';
const SA = 'google_service_account';
const SECRET = 'google_secret_manager_secret';
const VERSION = 'google_secret_manager_secret_version';
const IAM = 'google_secret_manager_secret_iam_member';
/** A fake connector token (base64 of a JSON object, like a real one). */
const FAKE_TOKEN = 'eyJhIjoiZXhhbXBsZS1hY2NvdW50IiwidCI6ImZha2UtdHVubmVsIiwicyI6ImZha2Utc2VjcmV0In0=';
const SA_ID = /^[a-z]([-a-z0-9]*[a-z0-9])$/;
/** The firewall rules of every host (`allow-iap-ssh` comes after `allow-tunnel-egress` when enabled). */
const FIREWALL_IDS = ['deny-web', 'allow-tunnel-egress', 'allow-apt-egress', 'allow-metadata-egress', 'deny-remote-admin', 'deny-other-egress'];

function baseProps(overrides: Partial<GceConnectorHostProps> = {}): GceConnectorHostProps {
  return {
    project: 'example-prod',
    region: 'europe-west1',
    zone: 'europe-west1-b',
    name: 'edge-primary',
    activation: ConnectorActivation.ACTIVE,
    connectorToken: FAKE_TOKEN,
    ...overrides,
  };
}

function build(overrides: Partial<GceConnectorHostProps> = {}, scope: Construct = newStack()): GceConnectorHost {
  return new GceConnectorHost(scope, 'host', baseProps(overrides));
}

function synthHost(overrides: Partial<GceConnectorHostProps> = {}): { out: Synthesized; host: GceConnectorHost } {
  let host!: GceConnectorHost;
  const out = synth((scope) => {
    host = build(overrides, scope);
  });
  return { out, host };
}

const instanceOf = (overrides: Partial<GceConnectorHostProps> = {}): Json => synthHost(overrides).out.at(INSTANCE, 'host/instance');
const ref = (out: Synthesized, type: string, path: string, attribute: string) => `\${${type}.${out.logicalId(path)}.${attribute}}`;

/** Every firewall of the stack. */
const firewalls = (out: Synthesized): Json[] => out.resources(FIREWALL).map(([, f]) => f);

describe('GceConnectorHost: instance defaults', () => {
  // GIVEN the required props only
  // WHEN synthesized
  const { out, host } = synthHost();
  const instance = out.at(INSTANCE, 'host/instance');

  test('is named after the host, in the project and zone', () => {
    // THEN
    expect(instance.name).toBe('edge-primary');
    expect(instance.project).toBe('example-prod');
    expect(instance.zone).toBe('europe-west1-b');
  });

  test('machine type defaults to e2-small', () => {
    expect(instance.machine_type).toBe('e2-small');
  });

  test('boot disk: the Ubuntu 24.04 LTS image, 20 GB pd-balanced', () => {
    expect(DEFAULT_IMAGE).toBe('ubuntu-os-cloud/ubuntu-2404-lts-amd64');
    expect(instance.boot_disk).toEqual({ initialize_params: { image: 'ubuntu-os-cloud/ubuntu-2404-lts-amd64', size: 20, type: 'pd-balanced' } });
  });

  test('one network interface on the default network, without access_config (no external IP)', () => {
    expect(instance.network_interface).toEqual([{ network: 'default' }]);
    expect(instance.network_interface[0]).not.toHaveProperty('access_config');
  });

  test('deletion protection is on and the host is never stopped for an update', () => {
    expect(instance.deletion_protection).toBe(true);
    expect(instance.allow_stopping_for_update).toBe(false);
  });

  test('shielded VM: secure boot, vTPM and integrity monitoring', () => {
    expect(instance.shielded_instance_config).toEqual({ enable_secure_boot: true, enable_vtpm: true, enable_integrity_monitoring: true });
  });

  test('runs as its own service account with the cloud-platform scope', () => {
    expect(instance.service_account).toEqual({ email: ref(out, SA, 'host/service-account', 'email'), scopes: ['cloud-platform'] });
  });

  test('carries the connector network tag and the gatehouse labels', () => {
    expect(instance.tags).toEqual(['edge-primary-connector']);
    expect(host.networkTag).toBe('edge-primary-connector');
    expect(instance.labels).toEqual({ 'managed-by': 'gatehouse', role: 'cloudflared-connector' });
  });

  test('metadata keys are exactly user-data, gatehouse-connector, enable-oslogin, block-project-ssh-keys and enable-guest-attributes', () => {
    expect(Object.keys(instance.metadata).sort()).toEqual([
      'block-project-ssh-keys',
      'enable-guest-attributes',
      'enable-oslogin',
      'gatehouse-connector',
      'user-data',
    ]);
    // the host publishes its state (gatehouse/bootstrap, connector, ...) as guest attributes
    expect(instance.metadata['enable-guest-attributes']).toBe('TRUE');
    expect(instance.metadata['enable-oslogin']).toBe('TRUE');
    expect(instance.metadata['block-project-ssh-keys']).toBe('TRUE');
    expect(instance.metadata['gatehouse-connector']).toBe('active');
  });

  test('has no metadata_startup_script (it would force replacement on change)', () => {
    expect(instance).not.toHaveProperty('metadata_startup_script');
    expect(instance.metadata).not.toHaveProperty('startup-script');
  });

  test('user-data is the #cloud-config that the construct exposes', () => {
    expect(instance.metadata['user-data'].startsWith('#cloud-config\n')).toBe(true);
    // escaped for terraform ($${, %%{); terraform evaluates it back to the text (see stacks tests)
    expect(instance.metadata['user-data']).toBe(host.userDataValue);
    expect(host.userDataValue).toBe(escapeTemplate(host.userData));
  });

  test('depends on the IAM grant, the token, its Cloud Router and NAT and its egress allows, so the first boot has them', () => {
    expect(instance.depends_on).toEqual([
      `${IAM}.${out.logicalId('host/token-access')}`,
      `google_secret_manager_secret_version.${out.logicalId('host/token-version')}`,
      `${ROUTER}.${out.logicalId('host/router')}`,
      `${NAT}.${out.logicalId('host/nat')}`,
      `${FIREWALL}.${out.logicalId('host/allow-tunnel-egress')}`,
      `${FIREWALL}.${out.logicalId('host/allow-apt-egress')}`,
      `${FIREWALL}.${out.logicalId('host/allow-metadata-egress')}`,
    ]);
  });

  test('exposes its resources', () => {
    expect(host.instance.node.id).toBe('instance');
    expect(host.serviceAccount.node.id).toBe('service-account');
    expect(host.tokenSecret.node.id).toBe('token-secret');
    expect(host.firewalls.map((f) => f.node.id)).toEqual(FIREWALL_IDS);
  });
});

describe('GceConnectorHost: instance options', () => {
  test('machineType', () => {
    expect(instanceOf({ machineType: 'e2-medium' }).machine_type).toBe('e2-medium');
  });

  test('image', () => {
    expect(instanceOf({ image: 'ubuntu-os-cloud/ubuntu-2204-lts' }).boot_disk.initialize_params.image).toBe('ubuntu-os-cloud/ubuntu-2204-lts');
  });

  test('deletionProtection false', () => {
    expect(instanceOf({ deletionProtection: false }).deletion_protection).toBe(false);
  });

  test('network reaches the instance, every firewall and the router', () => {
    // GIVEN a custom network and IAP SSH
    const { out } = synthHost({ network: 'edge-vpc', sshViaIap: true });
    // THEN
    expect(out.at(INSTANCE, 'host/instance').network_interface).toEqual([{ network: 'edge-vpc' }]);
    expect(firewalls(out).map((f) => f.network)).toEqual(Array(FIREWALL_IDS.length + 1).fill('edge-vpc'));
    expect(out.at(ROUTER, 'host/router').network).toBe('edge-vpc');
  });

  test('activation standby', () => {
    expect(instanceOf({ activation: ConnectorActivation.STANDBY }).metadata['gatehouse-connector']).toBe('standby');
  });

  test('activation can be an expression token', () => {
    // GIVEN activation chosen by a variable at plan time
    const out = synth((scope) => {
      const primary = new TerraformVariable(scope, 'primary', { type: 'bool' });
      build({ activation: Fn.conditional(primary.booleanValue, 'active', 'standby') }, scope);
    });
    // THEN
    expect(out.at(INSTANCE, 'host/instance').metadata['gatehouse-connector']).toBe('${var.primary ? "active" : "standby"}');
  });

  test('activation can be a plain variable', () => {
    const out = synth((scope) => {
      build({ activation: new TerraformVariable(scope, 'activation', { type: 'string' }).stringValue }, scope);
    });
    expect(out.at(INSTANCE, 'host/instance').metadata['gatehouse-connector']).toBe('${var.activation}');
  });
});

describe('GceConnectorHost: service account', () => {
  test('is in the project, with an id derived from the name and a description', () => {
    // GIVEN / WHEN
    const { out } = synthHost();
    // THEN
    expect(out.at(SA, 'host/service-account')).toEqual({
      project: 'example-prod',
      account_id: 'edge-primary-connector',
      display_name: 'cloudflared connector on edge-primary',
      description: 'gatehouse: reads only its own tunnel token from Secret Manager',
    });
  });

  test.each<[string, string]>([
    ['a', 'a-connector'],
    ['edge', 'edge-connector'],
    ['edge-primary', 'edge-primary-connector'],
    // exactly 20 characters: `-connector` still fits in 30
    ['edge-primary-europe1', 'edge-primary-europe1-connector'],
    // longer: the first 23 characters (a trailing hyphen dropped) plus 6 hex of sha256(name)
    ['edge-primary-europe-west1', 'edge-primary-europe-wes-a21a44'],
    ['edge-gateway-production-site-a-west1-b01', 'edge-gateway-production-ccf21d'],
    ['edge-gateway-production-sites-west1', 'edge-gateway-production-d82d78'],
    ['edge-gateway-production-sites--west1', 'edge-gateway-production-67628d'],
  ])('name %s gives account id %s', (name, expected) => {
    const account = synthHost({ name }).out.at(SA, 'host/service-account').account_id;
    expect(account).toBe(expected);
    expect(account.length).toBeGreaterThanOrEqual(6);
    expect(account.length).toBeLessThanOrEqual(30);
    expect(account).toMatch(SA_ID);
  });

  test('long names that share a prefix get distinct account ids (a primary/standby pair in one project)', () => {
    const a = serviceAccountId('edge-gateway-production-sites-west1');
    const b = serviceAccountId('edge-gateway-production-sites-east1');
    expect(a).not.toBe(b);
  });

  test('every name length from 1 to 40 gives a valid account id (6-30 characters)', () => {
    const stack = newStack();
    for (let n = 1; n <= 40; n++) {
      // names with hyphens in every position that a cut can hit
      const name = `e${'-x'.repeat(20)}`.slice(0, n).replace(/-$/, 'y');
      const account = build({ name }, new Construct(stack, `h${n}`)).serviceAccount.accountIdInput as string;
      expect(account.length).toBeGreaterThanOrEqual(6);
      expect(account.length).toBeLessThanOrEqual(30);
      expect(account).toMatch(SA_ID);
    }
  });
});

describe('GceConnectorHost: token secret', () => {
  // GIVEN the required props
  // WHEN synthesized
  const { out } = synthHost();

  test('is <name>-tunnel-token with automatic replication', () => {
    // THEN
    expect(out.at(SECRET, 'host/token-secret')).toEqual({
      project: 'example-prod',
      secret_id: 'edge-primary-tunnel-token',
      replication: { auto: {} },
      labels: { 'managed-by': 'gatehouse' },
    });
  });

  test('its version holds the connector token', () => {
    expect(out.at(VERSION, 'host/token-version')).toEqual({
      secret: ref(out, SECRET, 'host/token-secret', 'id'),
      secret_data: FAKE_TOKEN,
      // a rotated token is a new version, created before the old one goes: versions/latest always resolves
      lifecycle: { create_before_destroy: true },
    });
  });

  test('the token appears nowhere else in the stack', () => {
    expect(JSON.stringify(out.json).split(FAKE_TOKEN)).toHaveLength(2);
  });

  test('exactly one IAM member: secretAccessor for this service account on this secret', () => {
    expect(out.resources(IAM)).toHaveLength(1);
    expect(out.at(IAM, 'host/token-access')).toEqual({
      project: 'example-prod',
      secret_id: ref(out, SECRET, 'host/token-secret', 'secret_id'),
      role: 'roles/secretmanager.secretAccessor',
      member: ref(out, SA, 'host/service-account', 'member'),
    });
  });

  test('grants nothing at project level', () => {
    const types = Object.keys(out.json.resource);
    expect(types.filter((t) => t.includes('project_iam'))).toEqual([]);
    expect(types.filter((t) => t.includes('iam')).sort()).toEqual([IAM]);
  });
});

describe('GceConnectorHost: firewall', () => {
  // GIVEN the defaults, and IAP SSH
  const plain = synthHost();
  const iap = synthHost({ sshViaIap: true });

  test('denies tcp 80/443 from the internet to the host, at priority 900', () => {
    // THEN
    expect(plain.out.at(FIREWALL, 'host/deny-web')).toEqual({
      project: 'example-prod',
      name: 'edge-primary-deny-web',
      network: 'default',
      direction: 'INGRESS',
      priority: 900,
      deny: [{ protocol: 'tcp', ports: ['80', '443'] }],
      source_ranges: ['0.0.0.0/0'],
      target_tags: ['edge-primary-connector'],
      description: 'gatehouse: the tunnel is the only way in; no web port is open to the internet',
    });
  });

  test('denies tcp 22/3389 from the internet at 900: beats the default network 65534 rules and ties with any allow', () => {
    expect(plain.out.at(FIREWALL, 'host/deny-remote-admin')).toEqual({
      project: 'example-prod',
      name: 'edge-primary-deny-remote-admin',
      network: 'default',
      direction: 'INGRESS',
      priority: 900,
      deny: [{ protocol: 'tcp', ports: ['22', '3389'] }],
      source_ranges: ['0.0.0.0/0'],
      target_tags: ['edge-primary-connector'],
      description: "gatehouse: no SSH or RDP from the internet, whatever the network's own rules say (IAP SSH is allowed above this)",
    });
  });

  test('egress: allows tcp 7844+443 and udp 7844, tcp 80, and the metadata server at 1000; denies everything else at 65000', () => {
    const egress = (id: string) => plain.out.at(FIREWALL, `host/${id}`);
    expect(egress('allow-tunnel-egress')).toEqual({
      project: 'example-prod',
      name: 'edge-primary-tunnel-egress',
      network: 'default',
      direction: 'EGRESS',
      priority: 1000,
      allow: [
        { protocol: 'tcp', ports: ['7844', '443'] },
        { protocol: 'udp', ports: ['7844'] },
      ],
      destination_ranges: ['0.0.0.0/0'],
      target_tags: ['edge-primary-connector'],
      description: 'gatehouse: cloudflared dials out on 7844 (QUIC/HTTP2); 443 for apt and Secret Manager',
    });
    expect(egress('allow-apt-egress')).toMatchObject({
      name: 'edge-primary-apt-egress',
      direction: 'EGRESS',
      priority: 1000,
      allow: [{ protocol: 'tcp', ports: ['80'] }],
      destination_ranges: ['0.0.0.0/0'],
      target_tags: ['edge-primary-connector'],
    });
    expect(egress('allow-metadata-egress')).toMatchObject({
      name: 'edge-primary-metadata-egress',
      direction: 'EGRESS',
      priority: 1000,
      allow: [
        { protocol: 'tcp', ports: ['53', '80'] },
        { protocol: 'udp', ports: ['53', '123'] },
      ],
      destination_ranges: ['169.254.169.254/32'],
      target_tags: ['edge-primary-connector'],
    });
    expect(egress('deny-other-egress')).toEqual({
      project: 'example-prod',
      name: 'edge-primary-deny-other-egress',
      network: 'default',
      direction: 'EGRESS',
      priority: 65000,
      deny: [{ protocol: 'all' }],
      destination_ranges: ['0.0.0.0/0'],
      target_tags: ['edge-primary-connector'],
      description: 'gatehouse: no other egress (the allows above are the whole list)',
      // created after the allows, destroyed before them
      depends_on: ['allow-tunnel-egress', 'allow-apt-egress', 'allow-metadata-egress'].map((id) => `${FIREWALL}.${plain.out.logicalId(`host/${id}`)}`),
    });
    for (const id of ['allow-tunnel-egress', 'allow-apt-egress', 'allow-metadata-egress']) {
      expect(egress(id)).not.toHaveProperty('source_ranges');
      expect(egress(id)).not.toHaveProperty('deny');
    }
  });

  test('by default: these six rules, and no SSH allowed', () => {
    expect(firewalls(plain.out).map((f) => f.name).sort()).toEqual(
      ['apt-egress', 'deny-other-egress', 'deny-remote-admin', 'deny-web', 'metadata-egress', 'tunnel-egress'].map((n) => `edge-primary-${n}`),
    );
    expect(firewalls(plain.out).flatMap((f) => f.allow ?? []).flatMap((a: Json) => a.ports)).not.toContain('22');
  });

  test('sshViaIap adds tcp 22 from the IAP range only, at 800 (above the 22 deny), created before the deny', () => {
    expect(iap.out.at(FIREWALL, 'host/allow-iap-ssh')).toEqual({
      project: 'example-prod',
      name: 'edge-primary-iap-ssh',
      network: 'default',
      direction: 'INGRESS',
      priority: 800,
      allow: [{ protocol: 'tcp', ports: ['22'] }],
      source_ranges: ['35.235.240.0/20'],
      target_tags: ['edge-primary-connector'],
      description: 'gatehouse: SSH only through Identity-Aware Proxy',
    });
    expect(iap.out.at(FIREWALL, 'host/deny-remote-admin').depends_on).toEqual([`${FIREWALL}.${iap.out.logicalId('host/allow-iap-ssh')}`]);
    expect(firewalls(iap.out)).toHaveLength(7);
    expect(iap.host.firewalls.map((f) => f.node.id)).toEqual(['deny-web', 'allow-tunnel-egress', 'allow-iap-ssh', ...FIREWALL_IDS.slice(2)]);
  });

  test('sshViaIap false is the default', () => {
    expect(firewalls(synthHost({ sshViaIap: false }).out)).toHaveLength(6);
  });

  test.each<[string, Partial<GceConnectorHostProps>, number]>([
    ['defaults', {}, 0],
    ['sshViaIap', { sshViaIap: true }, 1],
    ['external IP', { egress: HostEgress.EXTERNAL_IP }, 0],
    ['external IP with sshViaIap', { egress: HostEgress.EXTERNAL_IP, sshViaIap: true }, 1],
    ['existing egress with sshViaIap', { egress: HostEgress.EXISTING, sshViaIap: true }, 1],
  ])('%s: no ingress allow rule is open to 0.0.0.0/0 (%p ingress allow rules, IAP only)', (_name, overrides, count) => {
    // GIVEN a host variant
    // WHEN its ingress allow rules are collected
    const ingressAllows = firewalls(synthHost(overrides).out).filter((f) => f.direction !== 'EGRESS' && f.allow);
    // THEN only the IAP SSH rule, if any, and never from the internet
    expect(ingressAllows).toHaveLength(count);
    for (const rule of ingressAllows) {
      expect(rule.source_ranges).not.toContain('0.0.0.0/0');
      expect(rule.source_ranges).toEqual(['35.235.240.0/20']);
    }
  });

  describe('what the rules admit (GCP firewall semantics, with the default network rules present)', () => {
    const TAGS = ['edge-primary-connector'];
    const decide = (out: Synthesized, direction: 'INGRESS' | 'EGRESS', protocol: string, port: number | undefined, remote: string) =>
      evaluateFirewall([...(firewalls(out) as FirewallRule[]), ...defaultNetworkRules()], {
        direction,
        protocol,
        ...(port === undefined ? {} : { port }),
        remote,
        tags: TAGS,
        network: 'default',
      });

    test.each<[string, string, number | undefined, string, string]>([
      ['Secret Manager and the token endpoint (https)', 'tcp', 443, '142.250.74.10', 'edge-primary-tunnel-egress'],
      ['pkg.cloudflare.com (https)', 'tcp', 443, '203.0.113.10', 'edge-primary-tunnel-egress'],
      ['the Ubuntu GCE mirror (http)', 'tcp', 80, '198.51.100.20', 'edge-primary-apt-egress'],
      ['the connector over http2', 'tcp', 7844, '198.41.192.7', 'edge-primary-tunnel-egress'],
      ['the connector over QUIC', 'udp', 7844, '198.41.200.13', 'edge-primary-tunnel-egress'],
      ['the metadata server (metadata and guest attributes)', 'tcp', 80, '169.254.169.254', 'always allowed (metadata server)'],
      ['DNS through the metadata server', 'udp', 53, '169.254.169.254', 'always allowed (metadata server)'],
      ['NTP through the metadata server', 'udp', 123, '169.254.169.254', 'always allowed (metadata server)'],
    ])('egress admitted: %s', (_what, protocol, port, remote, rule) => {
      for (const out of [plain.out, iap.out]) expect(decide(out, 'EGRESS', protocol, port, remote)).toMatchObject({ action: 'allow', rule });
    });

    test.each<[string, string, number | undefined, string]>([
      ['mail (tcp 25)', 'tcp', 25, '203.0.113.25'],
      ['NTP to the internet (udp 123)', 'udp', 123, '203.0.113.123'],
      ['DNS to a public resolver (udp 53)', 'udp', 53, '8.8.8.8'],
      ['SSH out (tcp 22)', 'tcp', 22, '203.0.113.22'],
      ['ICMP', 'icmp', undefined, '203.0.113.1'],
    ])('egress denied: %s', (_what, protocol, port, remote) => {
      expect(decide(plain.out, 'EGRESS', protocol, port, remote)).toEqual({ action: 'deny', rule: 'edge-primary-deny-other-egress', priority: 65000 });
    });

    test.each<[string, number, string]>([
      ['SSH', 22, 'edge-primary-deny-remote-admin'],
      ['RDP', 3389, 'edge-primary-deny-remote-admin'],
      ['http', 80, 'edge-primary-deny-web'],
      ['https', 443, 'edge-primary-deny-web'],
    ])('ingress %s from the internet is denied, even with default-allow-ssh/rdp at 65534', (_what, port, rule) => {
      for (const out of [plain.out, iap.out]) expect(decide(out, 'INGRESS', 'tcp', port, '203.0.113.9')).toEqual({ action: 'deny', rule, priority: 900 });
    });

    test('SSH from the IAP range is admitted if and only if sshViaIap', () => {
      expect(decide(iap.out, 'INGRESS', 'tcp', 22, '35.235.240.10')).toEqual({ action: 'allow', rule: 'edge-primary-iap-ssh', priority: 800 });
      expect(decide(plain.out, 'INGRESS', 'tcp', 22, '35.235.240.10')).toEqual({ action: 'deny', rule: 'edge-primary-deny-remote-admin', priority: 900 });
      // RDP from the IAP range is never admitted
      expect(decide(iap.out, 'INGRESS', 'tcp', 3389, '35.235.240.10').action).toBe('deny');
    });
  });
});

describe('GceConnectorHost: egress', () => {
  test('default (Cloud NAT): a router and a NAT in the region, no external IP', () => {
    // GIVEN / WHEN
    const { out } = synthHost();
    // THEN
    expect(out.at(ROUTER, 'host/router')).toEqual({ project: 'example-prod', name: 'edge-primary-router', region: 'europe-west1', network: 'default' });
    expect(out.at(NAT, 'host/nat')).toEqual({
      project: 'example-prod',
      name: 'edge-primary-nat',
      router: ref(out, ROUTER, 'host/router', 'name'),
      region: 'europe-west1',
      nat_ip_allocate_option: 'AUTO_ONLY',
      source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
    });
    expect(out.at(INSTANCE, 'host/instance').network_interface[0]).not.toHaveProperty('access_config');
  });

  test('CLOUD_NAT given explicitly is the same as the default', () => {
    const { out } = synthHost({ egress: HostEgress.CLOUD_NAT });
    expect(out.resources(ROUTER)).toHaveLength(1);
    expect(out.resources(NAT)).toHaveLength(1);
  });

  test('EXTERNAL_IP: an ephemeral external IP (access_config [{}]) and no router or NAT', () => {
    const { out } = synthHost({ egress: HostEgress.EXTERNAL_IP });
    expect(out.at(INSTANCE, 'host/instance').network_interface).toEqual([{ network: 'default', access_config: [{}] }]);
    expect(out.json.resource[ROUTER]).toBeUndefined();
    expect(out.json.resource[NAT]).toBeUndefined();
    // and so nothing of the kind to wait for
    expect(out.at(INSTANCE, 'host/instance').depends_on.filter((d: string) => d.startsWith('google_compute_router'))).toEqual([]);
  });

  test('EXISTING: neither an external IP nor a router or NAT', () => {
    const { out } = synthHost({ egress: HostEgress.EXISTING });
    expect(out.at(INSTANCE, 'host/instance').network_interface).toEqual([{ network: 'default' }]);
    expect(out.json.resource[ROUTER]).toBeUndefined();
    expect(out.json.resource[NAT]).toBeUndefined();
  });

  test('the deny-web rule is there whatever the egress', () => {
    for (const egress of [HostEgress.CLOUD_NAT, HostEgress.EXTERNAL_IP, HostEgress.EXISTING]) {
      expect(synthHost({ egress }).out.at(FIREWALL, 'host/deny-web').deny).toEqual([{ protocol: 'tcp', ports: ['80', '443'] }]);
    }
  });
});

describe('GceConnectorHost: user-data', () => {
  interface CloudConfig {
    write_files: Array<{ path: string; content: string }>;
  }
  const userData = (overrides: Partial<GceConnectorHostProps> = {}): string => instanceOf(overrides).metadata['user-data'];
  const envFile = (text: string): string => (parse(text) as CloudConfig).write_files.find((f) => f.path === '/etc/gatehouse/connector.env')!.content;

  test('starts with #cloud-config and parses as YAML', () => {
    const text = userData();
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    expect(parse(text)).toHaveProperty('write_files');
  });

  test('contains no token and no token reference', () => {
    const text = userData();
    expect(text).not.toContain(FAKE_TOKEN);
    expect(text).not.toContain('TfToken');
    expect(text).not.toContain('sensitive(');
    expect(text).not.toContain('cloudflared_token');
    expect(text).not.toMatch(/\$\{\s*(data|var|local|module)\./);
  });

  test('reads the token from <name>-tunnel-token in the project, activated by the gatehouse-connector attribute', () => {
    const env = envFile(userData());
    expect(env).toContain('GATEHOUSE_TOKEN_SOURCE=secret-manager\n');
    expect(env).toContain('GATEHOUSE_SECRET_VERSION=projects/example-prod/secrets/edge-primary-tunnel-token/versions/latest\n');
    expect(env).toContain('GATEHOUSE_TOKEN_FILE=\n');
    expect(env).toContain('GATEHOUSE_ACTIVATION=gce-metadata\n');
    expect(env).toContain('GATEHOUSE_ATTRIBUTE=gatehouse-connector\n');
  });

  test('pins the default cloudflared version', () => {
    expect(DEFAULT_CLOUDFLARED_VERSION).toBe('2026.7.2');
    expect(envFile(userData())).toContain(`GATEHOUSE_CLOUDFLARED_VERSION=${DEFAULT_CLOUDFLARED_VERSION}\n`);
  });

  test('cloudflaredVersion reaches the user-data', () => {
    const env = envFile(userData({ cloudflaredVersion: '2026.9.0' }));
    expect(env).toContain('GATEHOUSE_CLOUDFLARED_VERSION=2026.9.0\n');
    expect(env).not.toContain(`GATEHOUSE_CLOUDFLARED_VERSION=${DEFAULT_CLOUDFLARED_VERSION}\n`);
  });

  test('publishes guest attributes (a GCE host has a metadata server)', () => {
    expect(envFile(userData())).toContain('GATEHOUSE_GUEST_ATTRIBUTES=true\n');
  });

  test('does not depend on the activation (changing it never changes the user-data)', () => {
    expect(userData({ activation: ConnectorActivation.STANDBY })).toBe(userData({ activation: ConnectorActivation.ACTIVE }));
  });

  test.each([ConnectorActivation.ACTIVE, ConnectorActivation.STANDBY])(
    '%s: no --token, no service install, and every ExecStart runs without a token argument',
    (activation) => {
      // GIVEN the user-data of a host
      const text = userData({ activation });
      // THEN no token-on-argv form anywhere
      expect(text).not.toMatch(/--token\b/);
      expect(text).not.toMatch(/service\s+install/);
      // AND every ExecStart line is token-free; the one that runs cloudflared runs `tunnel run` alone
      const execStarts = text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('ExecStart'));
      expect(execStarts.length).toBeGreaterThan(0);
      for (const line of execStarts) expect(line).not.toMatch(/token/i);
      const cloudflared = execStarts.filter((l) => /\bcloudflared\b/.test(l.split(/\s+/)[0]));
      expect(cloudflared).toEqual(['ExecStart=/usr/bin/cloudflared --no-autoupdate tunnel run']);
      // AND no command line anywhere starts cloudflared with an argument after `run`
      for (const line of text.split('\n').filter((l) => /cloudflared\b.*\btunnel\s+run\b/.test(l))) {
        expect(line.trim()).toMatch(/tunnel\s+run$/);
      }
    },
  );
});

describe('GceConnectorHost inside a TunnelHost', () => {
  test('the secret version holds the sensitive tunnel token, and the user-data no reference to it', () => {
    // GIVEN a tunnel with a host
    const out = synth((scope) => {
      new TunnelHost(scope, 'primary', {
        accountId: ACCOUNT_ID,
        tunnelName: 'example-primary',
        routes: [{ hostname: 'app.example.com', service: 'http://localhost:8080' }],
        host: { project: 'example-prod', region: 'europe-west1', zone: 'europe-west1-b', name: 'edge-primary', activation: 'active' },
      });
    });
    // THEN
    const token = `\${sensitive(data.cloudflare_zero_trust_tunnel_cloudflared_token.${out.logicalId('primary/token')}.token)}`;
    expect(out.at(VERSION, 'primary/host/token-version').secret_data).toBe(token);
    const metadata = out.at(INSTANCE, 'primary/host/instance').metadata;
    expect(metadata['user-data']).not.toMatch(/\$\{\s*(data|var|local|module)\./);
    expect(metadata['user-data']).not.toContain('sensitive(');
    expect(JSON.stringify(metadata)).not.toContain('cloudflared_token');
  });
});

describe('GceConnectorHost: values that must pass', () => {
  test('a 40-character name', () => {
    const name = `e${'x'.repeat(39)}`;
    expect(build({ name }).instance.nameInput).toBe(name);
  });

  test('unresolved name, project, region, zone and activation are not validated', () => {
    const stack = newStack();
    const v = (id: string) => new TerraformVariable(stack, id, { type: 'string' }).stringValue;
    expect(() => build({ name: v('name'), project: v('project'), region: v('region'), zone: v('zone'), activation: v('activation') }, stack)).not.toThrow();
  });

  test('a zone given with a region token is not checked against it', () => {
    const stack = newStack();
    const region = new TerraformVariable(stack, 'region', { type: 'string' }).stringValue;
    expect(() => build({ region, zone: 'us-central1-a' }, stack)).not.toThrow();
  });

  test('an activation expression built with Op', () => {
    const stack = newStack();
    const site = new TerraformVariable(stack, 'site', { type: 'string' }).stringValue;
    expect(() => build({ activation: Fn.conditional(Op.eq(site, 'primary'), 'active', 'standby') }, stack)).not.toThrow();
  });
});

describe('GceConnectorHost: fails if', () => {
  const fails = (overrides: Partial<GceConnectorHostProps>, path: string, message: string, value: unknown) => {
    const problem = expectProblem(() => build(overrides), path, message);
    expect(problem.value).toEqual(value);
  };

  test('the name is not a GCE name (upper case, underscore)', () => {
    fails({ name: 'Edge_Primary' }, 'host.name', 'must be 1-63 characters of lower-case letters, digits and hyphens', 'Edge_Primary');
  });

  test('the name starts with a digit', () => {
    fails({ name: '1edge' }, 'host.name', 'starting with a letter', '1edge');
  });

  test('the name ends with a hyphen', () => {
    fails({ name: 'edge-' }, 'host.name', 'not ending with a hyphen', 'edge-');
  });

  test('the name is longer than 40 characters', () => {
    const name = `e${'x'.repeat(40)}`;
    fails({ name }, 'host.name', 'must be at most 40 characters, so that derived firewall and secret names fit', name);
    expect(problemsOf(() => build({ name }))).toHaveLength(1);
  });

  test('the project is not a project id', () => {
    fails({ project: 'Example_Prod' }, 'host.project', 'must be a project id of 6-30 lower-case letters', 'Example_Prod');
  });

  test('the project id is too short', () => {
    fails({ project: 'ex' }, 'host.project', 'must be a project id', 'ex');
  });

  test('the zone is not in the region', () => {
    fails({ zone: 'us-central1-a' }, 'host.zone', 'must be a zone of region europe-west1', 'us-central1-a');
  });

  test('the zone is in a region that only shares a prefix (europe-west10)', () => {
    fails({ zone: 'europe-west10-a' }, 'host.zone', 'must be a zone of region europe-west1', 'europe-west10-a');
  });

  test.each(['on', 'ACTIVE', 'Standby', ''])('the activation is %p', (activation) => {
    fails({ activation }, 'host.activation', 'must be "active" or "standby" (or an expression that yields one)', activation);
  });

  test('several props are bad: all problems at once, and nothing is created', () => {
    const stack = newStack();
    const problems = problemsOf(() => build({ name: 'Bad_Name', project: 'x', zone: 'us-east1-b', activation: 'on' }, stack));
    expect(problems.map((p) => p.path)).toEqual(['host.name', 'host.project', 'host.zone', 'host.activation']);
    expect(stack.node.findChild('host').node.children).toHaveLength(0);
  });

  test('the cloudflared version is not a release version', () => {
    // GIVEN a version that is not YYYY.M.P
    const problems = problemsOf(() => build({ cloudflaredVersion: 'latest' }));
    // THEN (reported by the user-data renderer)
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain('must be a cloudflared release version');
    expect(problems[0].value).toBe('latest');
  });
});

/** ManagedTenant: a disabled tenant's deletion date follows the same rule as the deployment file; origin options, extra hostnames, bucket placement. */
import { AccessDecision } from '../../../lib/cloudflare/access/rules';
import { Jurisdiction } from '../../../lib/cloudflare/r2/bucket';
import { ManagedTenant, ManagedTenantProps } from '../../../lib/tenants/tenant';
import { ACCOUNT_ID, expectProblem, newStack, synth } from '../cloudflare/access/support';
import { Zone } from '../../../lib/cloudflare/zone';

const TODAY = '2026-11-22';

function props(overrides: Partial<ManagedTenantProps> = {}): ManagedTenantProps {
  return {
    accountId: ACCOUNT_ID,
    zone: Zone.fromZoneId('fedcba9876543210fedcba9876543210'),
    teamName: 'example',
    tenantId: 'acme',
    tunnelPrefix: 'example',
    hostname: 'acme.example.com',
    service: 'http://localhost:80',
    bucketName: 'example-t-acme',
    publicReason: 'the hub authenticates its own users',
    today: TODAY,
    ...overrides,
  };
}

const build = (overrides: Partial<ManagedTenantProps>) => new ManagedTenant(newStack(), 'tenant-acme', props(overrides));

describe('ManagedTenant disabled', () => {
  test('fails if disabledOn is back-dated so that the retention has ended, naming the bucket and the deletion date', () => {
    const p = expectProblem(() => build({ enabled: false, disabledOn: '2025-01-01' }), 'tenant-acme.disabledOn', 'deletes every object of bucket example-t-acme on 2025-01-31');
    expect(p.message).toContain('confirmDelete: example-t-acme');
  });

  test('fails if disabledOn is missing', () => {
    expectProblem(() => build({ enabled: false }), 'tenant-acme.disabledOn', 'is required when enabled is false');
  });

  test('a deletion date after tomorrow is fine, and the confirmation lets an ended retention stand', () => {
    expect(() => build({ enabled: false, disabledOn: '2026-11-22', retainDays: 30 })).not.toThrow();
    const s = synth((scope) => new ManagedTenant(scope, 'tenant-acme', props({ enabled: false, disabledOn: '2025-01-01', confirmDelete: 'example-t-acme' })));
    const [[, lifecycle]] = s.resources('cloudflare_r2_bucket_lifecycle');
    expect(lifecycle.rules[1].delete_objects_transition.condition.date).toBe('2025-01-31T00:00:00Z');
  });

  test('fails if the confirmation is not the bucket name', () => {
    expectProblem(() => build({ enabled: false, disabledOn: '2025-01-01', confirmDelete: 'acme' }), 'tenant-acme.confirmDelete', 'example-t-acme');
  });
  test('deleteBucket: false keeps the bucket and its objects: no deletion date, no disabledOn needed; tunnel, record and keys go', () => {
    // GIVEN a tenant disabled with its data kept (the managed offering's delete_bucket: false)
    const kept = synth((scope) => new ManagedTenant(scope, 'tenant-acme', props({ enabled: false, deleteBucket: false })));
    const enabled = synth((scope) => new ManagedTenant(scope, 'tenant-acme', props()));
    // THEN the bucket and its lifecycle are those of the enabled tenant (no date rule expires anything)
    expect(kept.resources('cloudflare_r2_bucket')).toEqual(enabled.resources('cloudflare_r2_bucket'));
    expect(kept.resources('cloudflare_r2_bucket_lifecycle')).toEqual(enabled.resources('cloudflare_r2_bucket_lifecycle'));
    expect(JSON.stringify(kept.resources('cloudflare_r2_bucket_lifecycle'))).not.toContain('"date"');
    // AND what serves the tenant and reaches its data is gone
    for (const type of ['cloudflare_zero_trust_tunnel_cloudflared', 'cloudflare_dns_record', 'cloudflare_account_token']) {
      expect([type, kept.resources(type)]).toEqual([type, []]);
      expect(enabled.resources(type).length).toBeGreaterThan(0);
    }
  });

  test('fails if confirmDelete is given with deleteBucket: false (nothing is deleted to confirm)', () => {
    expectProblem(() => build({ enabled: false, deleteBucket: false, confirmDelete: 'example-t-acme' }), 'tenant-acme.confirmDelete', 'deleteBucket is false');
  });
});

describe('ManagedTenant origin, extra hostnames and bucket placement', () => {
  // GIVEN a tenant whose hub serves HTTPS with a self-signed certificate, with two workspace hosts, gated, its bucket in the EU
  const policy = { policyId: '11111111-1111-4111-8111-111111111111', decision: AccessDecision.ALLOW };
  const s = synth((scope) =>
    new ManagedTenant(scope, 'tenant-acme', props({
      service: 'https://localhost:443',
      origin: { noTlsVerify: true, originServerName: 'hub.internal' },
      extraHostnames: ['ws1.acme.example.com', '*.ws.acme.example.com'],
      access: { policies: [policy] },
      bucketLocation: 'weur',
      jurisdiction: Jurisdiction.EU,
    })),
  );
  const ingress = s.only('cloudflare_zero_trust_tunnel_cloudflared_config').config.ingress;

  test('every hostname of the tenant gets an ingress rule with the origin options (no_tls_verify) and the app AUD', () => {
    expect(ingress.map((r: Record<string, unknown>) => r.hostname)).toEqual(['acme.example.com', 'ws1.acme.example.com', '*.ws.acme.example.com', undefined]);
    for (const rule of ingress.slice(0, 3)) {
      expect(rule.service).toBe('https://localhost:443');
      expect(rule.origin_request).toMatchObject({ no_tls_verify: true, origin_server_name: 'hub.internal', access: { required: true } });
    }
  });

  test('each extra hostname gets a proxied CNAME to the tenant tunnel, and the app gates it', () => {
    const names = s.resources('cloudflare_dns_record').map(([, r]) => [r.name, r.proxied]);
    expect(names).toEqual([['acme.example.com', true], ['ws1.acme.example.com', true], ['*.ws.acme.example.com', true]]);
    expect(s.only('cloudflare_zero_trust_access_application').destinations.map((d: Record<string, unknown>) => d.uri)).toEqual([
      'acme.example.com',
      'ws1.acme.example.com',
      '*.ws.acme.example.com',
    ]);
  });

  test('the bucket takes the fleet location and jurisdiction (pinned by ManagedBucket)', () => {
    expect(s.only('cloudflare_r2_bucket')).toMatchObject({ location: 'weur', jurisdiction: 'eu' });
  });

  test('a public tenant (no app) declares every hostname public', () => {
    const pub = synth((scope) => new ManagedTenant(scope, 'tenant-acme', props({ extraHostnames: ['ws1.acme.example.com'] })));
    const config = pub.stack.node.findAll().find((c) => c.node.path.endsWith('site/config'))!;
    expect(config.node.metadata.find((m) => m.type === 'gatehouse:public-routes')?.data).toEqual({
      'acme.example.com': 'the hub authenticates its own users',
      'ws1.acme.example.com': 'the hub authenticates its own users',
    });
  });

  test('fails if an extra hostname is not a hostname, or repeats one of the tenant', () => {
    expectProblem(() => build({ extraHostnames: ['WS.example.com'] }), 'tenant-acme.extraHostnames[0]', 'must be lower case');
    const p = expectProblem(() => build({ extraHostnames: ['ws.example.com', 'acme.example.com'] }), 'tenant-acme.extraHostnames[1]', 'repeats a hostname of the tenant');
    expect(p.value).toBe('acme.example.com');
  });
});

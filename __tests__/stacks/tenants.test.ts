/**
 * The managed tenant fleet: lifecycle (enroll, rotate, disable) changes exactly the expected
 * resources, shard assignment is stable, limits fire, a 1,000-tenant fleet plans into shards that
 * are each within budget, and a synthesized fleet holds exactly its plan. (Whole 1,000- and
 * 5,000-tenant synths run in `npm run bench`.)
 */
import { stringify } from 'yaml';
import { GatehouseError } from '../../lib/core/errors';
import { parseDeployment } from '../../lib/config/load';
import { planShards, shardOf, tenantBucketName, tenantHostname, tenantRefreshCost, tenantSubdomain } from '../../lib/tenants/plan';
import { deploymentFrom, fleetInput, synthAll, SynthJson, TODAY } from '../helpers';

/** Every resource, data source and output of every stack, by `stack|kind.type.id` address. */
function addresses(stacks: Record<string, SynthJson>): Map<string, { path: string; body: string }> {
  const all = new Map<string, { path: string; body: string }>();
  for (const [stack, json] of Object.entries(stacks)) {
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byId] of Object.entries<SynthJson>(json[kind] ?? {})) {
        for (const [id, body] of Object.entries<SynthJson>(byId)) {
          all.set(`${stack}|${kind}.${type}.${id}`, { path: body['//']?.metadata?.path ?? '', body: JSON.stringify(body) });
        }
      }
    }
    for (const [id, body] of Object.entries<SynthJson>(json.output ?? {})) all.set(`${stack}|output.${id}`, { path: `${stack}/${id}`, body: JSON.stringify(body) });
  }
  return all;
}

/** Addresses added, removed and changed between two synths. */
function diff(before: Record<string, SynthJson>, after: Record<string, SynthJson>) {
  const a = addresses(before);
  const b = addresses(after);
  return {
    added: [...b.keys()].filter((k) => !a.has(k)).sort(),
    removed: [...a.keys()].filter((k) => !b.has(k)).sort(),
    changed: [...a.keys()].filter((k) => b.has(k) && a.get(k)!.body !== b.get(k)!.body).sort(),
    paths: (keys: string[], side: 'before' | 'after') => keys.map((k) => (side === 'before' ? a : b).get(k)!.path),
  };
}

const small = () => fleetInput(30, 3);
const TENANT = 'tenant-00007';
const shardOfTenant = (input: Record<string, any>) => `tenants-${shardOf({ id: TENANT }, input.tenants.shard_count)}`;
/** An address belongs to the tenant when its construct path or output name says so. */
const ofTenant = (path: string) => path.includes(`/tenant-${TENANT}/`) || path.includes(`/tenant_${TENANT.replace(/-/g, '_')}_`);

/** The small fleet, synthesized once for every test that only reads it. */
const base = synthAll(deploymentFrom(small()));

describe('tenant lifecycle', () => {

  test('each tenant gets a tunnel, a proxied hostname, a bucket and bucket-scoped keys', () => {
    const shard = base[shardOfTenant(small())];
    const records = Object.values<SynthJson>(shard.resource.cloudflare_dns_record);
    const hostname = tenantHostname({ id: TENANT }, 'example.com');
    expect(records.filter((r) => r.name === hostname)).toEqual([
      expect.objectContaining({ type: 'CNAME', proxied: true, ttl: 1, content: expect.stringContaining('.cfargotunnel.com') }),
    ]);
    const tunnels = Object.values<SynthJson>(shard.resource.cloudflare_zero_trust_tunnel_cloudflared).filter((t) => t.name === `example-t-${TENANT}`);
    expect(tunnels).toEqual([expect.objectContaining({ config_src: 'cloudflare' })]);
    const buckets = Object.values<SynthJson>(shard.resource.cloudflare_r2_bucket).filter((b) => b.name === tenantBucketName('example', TENANT));
    expect(buckets).toEqual([expect.objectContaining({ lifecycle: expect.objectContaining({ prevent_destroy: true }) })]);
    const tokens = Object.values<SynthJson>(shard.resource.cloudflare_account_token).filter((t) => t.name === `r2-example-t-${TENANT}-hub`);
    expect(tokens).toHaveLength(1);
    expect(tokens[0].policies[0].resources).toContain(`com.cloudflare.edge.r2.bucket.0123456789abcdef0123456789abcdef_default_example-t-${TENANT}`);
    expect(tokens[0].expires_on).toBe('2030-06-30T00:00:00Z');
    const out = `tenant_${TENANT.replace(/-/g, '_')}`;
    expect(shard.output[`${out}_hostname`].value).toBe(hostname);
    for (const secret of ['tunnel_token', 'access_key_id', 'secret_access_key']) expect(shard.output[`${out}_${secret}`].sensitive).toBe(true);
  });

  test('enroll: adding a tenant only adds its own resources', () => {
    const input = small();
    input.tenants.members.push({ id: 'tenant-newcomer' });
    const d = diff(base, synthAll(deploymentFrom(input)));
    expect(d.removed).toEqual([]);
    // the only changes are the cross-stack outputs a new stack would read; none here
    expect(d.changed).toEqual([]);
    expect(d.added.length).toBeGreaterThan(0);
    for (const p of d.paths(d.added, 'after')) expect(p).toMatch(/tenant-tenant-newcomer\/|tenant_tenant_newcomer_/);
  });

  test('rotate: bumping one tenant rotation re-mints only that tenant key', () => {
    const input = small();
    input.tenants.members[7].rotation = 2;
    const d = diff(base, synthAll(deploymentFrom(input)));
    expect([d.added, d.removed]).toEqual([[], []]);
    expect(d.paths(d.changed, 'after')).toEqual([`${shardOfTenant(input)}/tenant-${TENANT}/bucket/credentials-hub/token-rotation`]);
  });

  test('disable: removes the tunnel, DNS record and keys, retires the bucket, and touches no other tenant', () => {
    const input = small();
    input.tenants.members[7].enabled = false;
    input.tenants.members[7].disabled_on = '2026-11-22';
    const after = synthAll(deploymentFrom(input));
    const d = diff(base, after);
    for (const p of [...d.paths(d.removed, 'before'), ...d.paths(d.changed, 'after'), ...d.paths(d.added, 'after')]) expect([p, ofTenant(p)]).toEqual([p, true]);
    const removedTypes = d.removed.map((k) => k.split('|')[1].split('.').slice(0, 2).join('.')).sort();
    expect(new Set(removedTypes)).toEqual(
      new Set([
        'resource.cloudflare_zero_trust_tunnel_cloudflared',
        'resource.cloudflare_zero_trust_tunnel_cloudflared_config',
        'data.cloudflare_zero_trust_tunnel_cloudflared_token',
        'resource.cloudflare_dns_record',
        'resource.cloudflare_account_token',
        'resource.null_resource',
        'output.tenant_tenant_00007_hostname',
        'output.tenant_tenant_00007_tunnel_id',
        'output.tenant_tenant_00007_tunnel_token',
        'output.tenant_tenant_00007_access_key_id',
        'output.tenant_tenant_00007_secret_access_key',
      ]),
    );
    // the bucket stays (same address) and its lifecycle expires everything retain_days after disabled_on
    const shard = after[shardOfTenant(input)];
    const lifecycle = Object.values<SynthJson>(shard.resource.cloudflare_r2_bucket_lifecycle).find((l) =>
      String(l['//'].metadata.path).includes(`tenant-${TENANT}/`),
    )!;
    expect(lifecycle.rules.map((r: SynthJson) => r.id)).toEqual(['abort-multipart', 'retired-expire-all']);
    // a date (disabled_on + retain_days), so objects older than the retention are not deleted at once
    expect(lifecycle.rules[1].delete_objects_transition.condition).toEqual({ type: 'Date', date: '2026-12-22T00:00:00Z' });
    expect(shard.output.tenant_tenant_00007_enabled.value).toBe(false);
  });
});

describe('sharding', () => {
  const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: `tenant-${String(from + i).padStart(5, '0')}` }));

  test('adding 100 tenants moves no existing tenant, removing 100 moves none of the rest', () => {
    const count = 12;
    const before = new Map(ids(1000).map((t) => [t.id, shardOf(t, count)]));
    const grown = ids(1100);
    for (const t of grown.slice(0, 1000)) expect(shardOf(t, count)).toBe(before.get(t.id));
    const shrunk = ids(1000).filter((_, i) => i % 10 !== 3);
    for (const t of shrunk) expect(shardOf(t, count)).toBe(before.get(t.id));
  });

  test('on synthesized output: adding tenants leaves every existing tenant in its stack at the same addresses', () => {
    // GIVEN 60 tenants in 4 shards, synthesized
    const where = (stacks: Record<string, SynthJson>) => {
      const at = new Map<string, string>();
      for (const [stack, json] of Object.entries(stacks)) {
        for (const byId of Object.values<SynthJson>(json.resource ?? {})) {
          for (const [id, r] of Object.entries<SynthJson>(byId)) {
            const m = /\/tenant-(tenant-\d+)\//.exec(String(r['//']?.metadata?.path));
            if (m) at.set(`${m[1]}|${id}`, stack);
          }
        }
      }
      return at;
    };
    const before = where(synthAll(deploymentFrom(fleetInput(60, 4))));
    // WHEN 10 more are enrolled and 5 removed
    const grown = fleetInput(70, 4);
    grown.tenants.members = grown.tenants.members.filter((_: unknown, i: number) => i % 12 !== 5);
    const after = where(synthAll(deploymentFrom(grown)));
    // THEN every remaining tenant keeps its stack and its resource addresses
    const kept = [...before.entries()].filter(([key]) => grown.tenants.members.some((m: { id: string }) => key.startsWith(`${m.id}|`)));
    expect(kept.length).toBeGreaterThan(400);
    for (const [key, stack] of kept) expect([key, after.get(key)]).toEqual([key, stack]);
  });

  test('every shard below shard_count is planned, even empty, so removing its last tenant still plans the removal', () => {
    const plan = planShards(deploymentFrom({ ...fleetInput(1, 4) }));
    expect(plan.map((s) => [s.stackId, s.tenants.length])).toEqual([
      ['tenants-0', shardOf({ id: 'tenant-00000' }, 4) === 0 ? 1 : 0],
      ['tenants-1', shardOf({ id: 'tenant-00000' }, 4) === 1 ? 1 : 0],
      ['tenants-2', shardOf({ id: 'tenant-00000' }, 4) === 2 ? 1 : 0],
      ['tenants-3', shardOf({ id: 'tenant-00000' }, 4) === 3 ? 1 : 0],
    ]);
    expect(planShards(deploymentFrom(fleetInput(0, 4)))).toEqual([]);
  });

  test('a pin places a tenant in a new shard without moving anyone (growth path)', () => {
    expect(shardOf({ id: 'tenant-x', shard: 12 }, 12)).toBe(12);
    const plan = planShards({ tenants: { shard_count: 2, shard_budget: 1000, service: 'http://localhost:80', members: [...ids(4), { ...ids(1, 9)[0], shard: 5 }] } as never });
    expect(plan.map((s) => s.stackId)).toContain('tenants-5');
  });

  test('generated subdomains are stable and distinct', () => {
    expect(tenantSubdomain({ id: 'acme' })).toBe(tenantSubdomain({ id: 'acme' }));
    expect(tenantSubdomain({ id: 'acme' })).toMatch(/^t-[0-9a-f]{10}$/);
    expect(tenantSubdomain({ id: 'acme', subdomain: 'acme-hub' })).toBe('acme-hub');
    expect(new Set(ids(1000).map(tenantSubdomain)).size).toBe(1000);
  });

  test('the refresh-cost estimate equals the synthesized cloudflare resources and data sources', () => {
    const input = small();
    input.tenants.members[1].enabled = false;
    input.tenants.members[1].disabled_on = '2026-11-22';
    input.tenants.members[2].access = { policies: ['allow-staff'] };
    // extra hostnames: one record each, with and without an app
    input.tenants.members[2].extra_hostnames = ['ws1.t2.example.com', 'ws2.t2.example.com'];
    input.tenants.members[3].extra_hostnames = ['ws.t3.example.com'];
    input.tenants.origin = { no_tls_verify: true };
    const stacks = synthAll(deploymentFrom(input));
    for (const shard of planShards(deploymentFrom(input))) {
      const json = stacks[shard.stackId];
      const count = (kind: string) =>
        Object.entries<SynthJson>(json[kind] ?? {})
          .filter(([type]) => type.startsWith('cloudflare_'))
          .reduce((n, [, byId]) => n + Object.keys(byId).length, 0);
      expect([shard.stackId, count('resource') + count('data')]).toEqual([shard.stackId, shard.refreshCost]);
    }
    expect(tenantRefreshCost({ enabled: true, access: undefined })).toBe(8);
    expect(tenantRefreshCost({ enabled: true, access: undefined, extra_hostnames: ['a.example.com', 'b.example.com'] })).toBe(10);
  });
});

describe('limits', () => {
  const problems = (input: Record<string, any>) => {
    try {
      parseDeployment(stringify(input), 'fleet.yaml', { today: TODAY });
      return [];
    } catch (e) {
      return (e as GatehouseError).lines();
    }
  };

  test('fails if the tunnels exceed the account limit (1,000 by default)', () => {
    const input = fleetInput(999);
    delete input.cloudflare.limits.tunnels;
    expect(problems(input)).toContain(
      'fleet.yaml: cloudflare.limits.tunnels: the deployment needs 1001 tunnels; the limit is 1000; disable tenants, use another account, or record a limit cloudflare raised for the account here (got 1001)',
    );
    input.tenants.members.pop();
    expect(problems(input).filter((l) => l.includes('limits.tunnels'))).toEqual([]);
  });

  test('fails if the account tokens exceed 500', () => {
    const input = fleetInput(497);
    delete input.cloudflare.limits.account_tokens;
    // the example already has 3 tokens (two restic slots and one deploy key)
    expect(problems(input).filter((l) => l.includes('limits.account_tokens'))).toEqual([]);
    input.api_tokens = { dns: { preset: 'dns-admin', expires: '2030-01-01' } };
    expect(problems(input)).toContain(
      'fleet.yaml: cloudflare.limits.account_tokens: the deployment needs 501 account api tokens; the limit is 500; share credentials, disable tenants, or record a limit cloudflare raised for the account here (got 501)',
    );
  });

  test('fails if the zone holds more DNS records than its plan allows', () => {
    const input = fleetInput(200);
    delete input.cloudflare.limits.dns_records;
    input.cloudflare.plan = 'free';
    expect(problems(input)).toContain(
      'fleet.yaml: cloudflare.limits.dns_records: the deployment needs 205 dns records in example.com; the limit is 200; the free plan allows 200; move to a paid plan (cloudflare.plan), or record a limit cloudflare raised for the account here (got 205)',
    );
  });

  test('fails if the access apps exceed 500', () => {
    const input = fleetInput(500);
    for (const m of input.tenants.members) m.access = { policies: ['allow-staff'] };
    expect(problems(input)).toContain(
      'fleet.yaml: cloudflare.limits.access_apps: the deployment needs 501 access applications; the limit is 500; share apps across hostnames (5 each), or record a limit cloudflare raised for the account here (got 501)',
    );
  });

  test('fails if a shard would exceed its refresh budget', () => {
    const input = fleetInput(130, 1);
    expect(problems(input)).toContain(
      'fleet.yaml: tenants.shard_budget: shard tenants-0 needs about 1040 api calls per refresh (130 tenants), over the budget of 1000; pin new tenants to a new shard with shard: <n> (changing shard_count moves tenants) (got 1040)',
    );
  });
});

/**
 * The 1,000-tenant fleet at the function level: the shard plan and the names are what scale; the
 * resources each tenant and shard synthesize into are checked on the small fleets above (the
 * estimate equals the synthesized resources, every tenant of a synthesized fleet is complete).
 * Whole-fleet synth (1,000 and 5,000 tenants, every tenant present) runs in `npm run bench`.
 */
describe('a 1,000-tenant fleet', () => {
  const input = fleetInput(1000, 12);
  const deployment = deploymentFrom(input);
  const plan = planShards(deployment);

  test('plans 12 shards that are each within budget, and every tenant in exactly one', () => {
    expect(plan.map((s) => s.stackId)).toEqual(Array.from({ length: 12 }, (_, i) => `tenants-${i}`));
    for (const s of plan) expect([s.stackId, s.refreshCost <= deployment.tenants.shard_budget]).toEqual([s.stackId, true]);
    const placed = plan.flatMap((s) => s.tenants.map((t) => t.id));
    expect(placed.length).toBe(1000);
    expect(new Set(placed)).toEqual(new Set(deployment.tenants.members.map((t) => t.id)));
  });

  test('every tenant gets its own tunnel, hostname, bucket and key names (no two collide)', () => {
    const members = deployment.tenants.members;
    for (const names of [
      members.map((t) => `example-t-${t.id}`),
      members.map((t) => tenantHostname(t, 'example.com')),
      members.map((t) => tenantBucketName('example', t.id)),
      members.map((t) => `r2-example-t-${t.id}-hub`),
    ]) {
      expect(new Set(names).size).toBe(1000);
    }
  });
});

describe('a synthesized fleet (30 tenants, 3 shards)', () => {
  const stacks = base;
  const deployment = deploymentFrom(small());
  const plan = planShards(deployment);

  test('synthesizes exactly the planned shards, each within budget', () => {
    const shards = Object.keys(stacks).filter((s) => s.startsWith('tenants-'));
    expect(shards.sort()).toEqual(plan.map((s) => s.stackId).sort());
    for (const s of shards) {
      const json = stacks[s];
      const calls = ['resource', 'data']
        .flatMap((k) => Object.entries<SynthJson>(json[k] ?? {}))
        .filter(([type]) => type.startsWith('cloudflare_'))
        .reduce((n, [, byId]) => n + Object.keys(byId).length, 0);
      expect([s, calls <= deployment.tenants.shard_budget]).toEqual([s, true]);
    }
  });

  test('every tenant has its tunnel, hostname, bucket and scoped keys, in its planned shard', () => {
    for (const shard of plan) {
      const names = (type: string) => new Set(Object.values<SynthJson>(stacks[shard.stackId].resource?.[type] ?? {}).map((r) => r.name));
      const tunnels = names('cloudflare_zero_trust_tunnel_cloudflared');
      const records = names('cloudflare_dns_record');
      const buckets = names('cloudflare_r2_bucket');
      const tokens = names('cloudflare_account_token');
      for (const t of shard.tenants) {
        expect(tunnels.has(`example-t-${t.id}`)).toBe(true);
        expect(records.has(tenantHostname(t, 'example.com'))).toBe(true);
        expect(buckets.has(tenantBucketName('example', t.id))).toBe(true);
        expect(tokens.has(`r2-example-t-${t.id}-hub`)).toBe(true);
      }
    }
  });
});

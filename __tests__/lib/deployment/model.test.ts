/**
 * The resolved model (lib/deployment/model.ts): each fact derived once from a shape-valid deployment,
 * tolerant of broken references (the checks report them), and the one behaviour change of issue 16:
 * a wildcard app gates the routes it covers in validation as it always did at the connector.
 * Pure-function tests: no app synth.
 */
import { stringify } from 'yaml';
import type { IAccessGatedApp } from '../../../lib/cloudflare/access/app';
import { parseDeployment } from '../../../lib/config/load';
import { DeploymentSchema } from '../../../lib/config/schema';
import { GatehouseError } from '../../../lib/core/errors';
import { DeploymentModel, modelOf, resolveModel } from '../../../lib/deployment/model';
import { siteTunnel } from '../../../lib/deployment/site';
import { synth } from '../cloudflare/access/support';
import { deploymentFrom, exampleInput, TODAY } from '../../helpers';

/** The model of a shape-valid (zod only) input: what the checks see, broken references included. */
function shapeModel(input: Record<string, any>): DeploymentModel {
  return resolveModel(DeploymentSchema.parse(input), { today: TODAY });
}

/** The problem lines of an input ([] when it is accepted). */
function problems(input: Record<string, any>): string[] {
  try {
    parseDeployment(stringify(input), 'deploy.yaml', { today: TODAY });
    return [];
  } catch (e) {
    if (e instanceof GatehouseError) return e.lines();
    throw e;
  }
}

describe('zones', () => {
  const input = exampleInput();
  input.cloudflare.extra_zones = [
    { zone: 'example.net', zone_id: 'ab'.repeat(16) },
    { zone: 'shop.example.com', zone_id: 'cd'.repeat(16) },
  ];
  const m = resolveModel(deploymentFrom(input), { today: TODAY });

  test('each declared zone once, the primary first, with its id', () => {
    expect(m.zones.map((z) => [z.zoneName, z.zoneId, z.primary])).toEqual([
      ['example.com', 'fedcba9876543210fedcba9876543210', true],
      ['example.net', 'ab'.repeat(16), false],
      ['shop.example.com', 'cd'.repeat(16), false],
    ]);
    expect(m.primaryZone.zoneName).toBe('example.com');
  });

  test('zoneOf is the longest match; recordZone falls back to the primary zone; zoneNamed refuses an undeclared zone', () => {
    expect(m.zoneOf('www.shop.example.com')?.zoneName).toBe('shop.example.com');
    expect(m.zoneOf('www.example.com')?.zoneName).toBe('example.com');
    expect(m.zoneOf('www.example.org')).toBeUndefined();
    expect(m.recordZone('www.example.org')).toBe(m.primaryZone);
    expect(m.zoneNamed('example.net').zoneId).toBe('ab'.repeat(16));
    expect(() => m.zoneNamed('www.example.net')).toThrow('www.example.net: is not a declared zone (declared: example.com, example.net, shop.example.com)');
  });

  test('a zone name declared twice keeps its first declaration (the checks report the second)', () => {
    const twice = exampleInput();
    twice.cloudflare.extra_zones = [{ zone: 'example.com', zone_id: 'ee'.repeat(16) }];
    expect(shapeModel(twice).zones.map((z) => z.zoneId)).toEqual(['fedcba9876543210fedcba9876543210']);
  });
});

describe('routes', () => {
  const m = resolveModel(deploymentFrom(exampleInput()), { today: TODAY });

  test('each route with hostname, zone, gating apps, public reason and owner stack', () => {
    expect(m.routes.map((r) => [r.at, r.hostname, r.zone?.zoneName, r.gatingApps, r.publicReason ?? null, r.ownerStack])).toEqual([
      ['routes[0]', 'admin.example.com', 'example.com', ['internal'], null, 'production'],
      ['routes[1]', 'api.example.com', 'example.com', ['internal'], null, 'production'],
      ['routes[2]', 'labs.example.com', 'example.com', ['internal'], null, 'production'],
      ['routes[3]', 'www.example.com', 'example.com', [], 'the public marketing site is meant for everyone', 'production'],
    ]);
  });

  test('the routed hostnames by zone: what production owns and the cutover reads', () => {
    expect(m.routeZones.map((g) => [g.zone.zoneName, g.hostnames])).toEqual([
      ['example.com', ['admin.example.com', 'api.example.com', 'labs.example.com', 'www.example.com']],
    ]);
  });

  test('a route outside every zone has no zone (the checks report it)', () => {
    const input = exampleInput();
    input.routes.push({ hostname: 'far.example.org', service: 'http://localhost:1', public: { reason: 'a route outside the zone' } });
    const route = shapeModel(input).routes[4];
    expect(route.zone).toBeUndefined();
    expect(route.key).toBe('far.example.org');
  });
});

describe('wildcard apps gate the routes they cover (the one hostname matcher, issue 16)', () => {
  const wildcard = () => {
    const input = exampleInput();
    input.apps.wild = { hostnames: ['*.example.com'], policies: ['allow-staff'], idps: ['workspace'] };
    // www is public, and a wildcard app over it would gate it: a bypass never covers a whole host (below);
    // so would the public bucket domain assets.example.com (a public domain under an app is refused)
    input.routes.splice(3, 1);
    delete input.buckets['example-assets'].public;
    input.routes.push({ hostname: 'grafana.example.com', service: 'http://localhost:3001' });
    return input;
  };

  test('a public route the wildcard app covers is refused: a bypass never covers a whole host', () => {
    const input = wildcard();
    input.routes.push({ hostname: 'www.example.com', service: 'http://localhost:80', public: { reason: 'the public marketing site' } });
    expect(problems(input)).toEqual([
      'deploy.yaml: routes[4].public: contradicts app wild, which gates www.example.com; a bypass never covers a whole host: remove one of them, or make a path public with path ^/<prefix>(/|$) (got {"reason":"the public marketing site"})',
    ]);
  });

  test('validation accepts a route that only a wildcard app covers (it used to refuse it as ungated)', () => {
    expect(problems(wildcard())).toEqual([]);
    const m = resolveModel(deploymentFrom(wildcard()), { today: TODAY });
    expect(m.routes[3].gatingApps).toEqual(['wild']);
    // an exact app and a wildcard app both gate a route they both cover, in file order
    expect(m.routes[0].gatingApps).toEqual(['internal', 'wild']);
  });

  test("and the site's tunnel enforces the wildcard app's AUD on that route: validation and TunnelHost agree", () => {
    // GIVEN the model of the file and stand-ins for the access stack's apps (their destinations)
    const m = resolveModel(deploymentFrom(wildcard()), { today: TODAY });
    const apps: IAccessGatedApp[] = [...m.apps.values()].map((a) => ({ applicationId: a.name, aud: `aud-${a.name}`, hostnames: a.destinations, teamName: m.teamName }));
    // WHEN the primary's tunnel is built from the model
    const out = synth((scope) => siteTunnel(scope, m, m.sites!.primary, { accessApps: apps, activation: 'active' }));
    // THEN every route the model says is gated carries exactly its gating apps' AUDs
    const ingress = out.at('cloudflare_zero_trust_tunnel_cloudflared_config', 'site/config').config.ingress as Array<Record<string, any>>;
    for (const route of m.routes) {
      const rule = ingress.find((r) => r.hostname === route.hostname);
      expect([route.hostname, rule?.origin_request?.access?.aud_tag ?? []]).toEqual([route.hostname, route.gatingApps.map((a) => `aud-${a}`)]);
    }
  });

  test('a two-label hostname or the apex is not covered by the wildcard, so it is still refused as ungated', () => {
    const input = wildcard();
    input.routes[3].hostname = 'a.b.example.com';
    expect(problems(input)).toEqual([
      'deploy.yaml: routes[3].hostname: is routed through the tunnel but no access app gates it; add it to an app, or declare `public: {reason: ...}` (got "a.b.example.com")',
    ]);
  });

  test('a Worker whose access_app gates its hostname by a wildcard is accepted; one the app does not cover is refused', () => {
    const input = wildcard();
    input.workers = { api: { hostname: 'worker.example.com', module_file: 'worker.js', access_app: 'wild' } };
    expect(problems(input)).toEqual([]);
    input.workers.api.access_app = 'internal';
    expect(problems(input)).toEqual([
      'deploy.yaml: workers.api.access_app: does not gate worker.example.com; add the hostname to the app (got "internal")',
    ]);
  });
});

describe('apps, Pages and owners', () => {
  const input = exampleInput();
  input.pages = { docs: { project: 'example-docs', domains: ['docs.example.com'] } };
  input.apps.docs = { hostnames: ['docs.example.com'], policies: ['allow-staff'], idps: ['workspace'] };
  const m = resolveModel(deploymentFrom(input), { today: TODAY });

  test("an app's destinations are its hostnames then the pages.dev hosts of the Pages site it gates", () => {
    const app = m.apps.get('docs')!;
    expect(app.destinations).toEqual(['docs.example.com', 'example-docs.pages.dev', '*.example-docs.pages.dev']);
    expect(m.apps.get('internal')!.destinations).toEqual(['admin.example.com', 'api.example.com', 'labs.example.com']);
    expect(app.pagesSites).toEqual(['docs']);
    expect(app.pagesDev).toEqual([{ site: 'docs', hosts: ['example-docs.pages.dev', '*.example-docs.pages.dev'] }]);
    expect(app.session.effective).toBe('24h');
    expect(m.pages.get('docs')!.gating).toEqual({ app: 'docs', first: 0, splitDomains: [], foreignPagesDev: [], adds: app.pagesDev[0].hosts, pathOnly: [] });
  });

  test('a wildcard app that covers a Pages custom domain gates its pages.dev hosts too (it left them open)', () => {
    // GIVEN a Pages site on www.example.net and an app over *.example.net that does not list the domain
    const wild = exampleInput();
    wild.cloudflare.extra_zones = [{ zone: 'example.net', zone_id: 'ab'.repeat(16) }];
    wild.pages = { net: { project: 'example-net', domains: ['www.example.net'] } };
    wild.apps.net = { hostnames: ['*.example.net'], policies: ['allow-staff'], idps: ['workspace'] };
    // WHEN it is resolved THEN the wildcard app gates the site, pages.dev hosts included
    const app = resolveModel(deploymentFrom(wild), { today: TODAY }).apps.get('net')!;
    expect(app.pagesSites).toEqual(['net']);
    expect(app.destinations).toEqual(['*.example.net', 'example-net.pages.dev', '*.example-net.pages.dev']);
  });

  test('every public hostname has one owner: routes, bucket domains, Pages domains (by stack)', () => {
    expect(Object.fromEntries([...m.owners].map(([h, o]) => [h, `${o.label} (${o.stack})`]))).toEqual({
      'admin.example.com': 'a tunnel route (production)',
      'api.example.com': 'a tunnel route (production)',
      'labs.example.com': 'a tunnel route (production)',
      'www.example.com': 'a tunnel route (production)',
      'assets.example.com': 'buckets.example-assets.public.custom_domain (production)',
      'docs.example.com': 'pages.docs.domains[0] (pages)',
    });
    expect(m.ownerConflicts.size).toBe(0);
  });

  test('a second claim on a hostname is a conflict at its own field, naming the first owner', () => {
    const clash = exampleInput();
    clash.workers = { api: { hostname: 'www.example.com' } };
    expect([...shapeModel(clash).ownerConflicts]).toEqual([['workers.api.hostname', 'a tunnel route']]);
  });
});

describe('sites, buckets, tenants and tokens', () => {
  test('sites: roles, tunnel names, stacks and the activation record of an external site', () => {
    const input = exampleInput();
    input.sites.standby = { external: { name: 'edge-standby', token_rotation: 2 } };
    input.sites.active = 'standby';
    input.sites.keep_primary_connector_on_cutover = false;
    const s = resolveModel(deploymentFrom(input), { today: TODAY }).sites!;
    expect([s.primary.role, s.primary.name, s.primary.tunnelName, s.primary.stack, s.primary.gce?.zone, s.primary.activationRecord]).toEqual([
      'primary', 'edge-primary', 'example-primary', 'production', 'europe-west1-b', undefined,
    ]);
    expect([s.standby?.name, s.standby?.tunnelName, s.standby?.stack, s.standby?.gce, s.standby?.activationRecord, s.standby?.tokenRotation]).toEqual([
      'edge-standby', 'example-standby', 'standby', undefined, '_gatehouse-example-standby.example.com', 2,
    ]);
    expect([s.active, s.keepPrimaryConnector, s.cloudflaredVersion]).toEqual(['standby', false, '2026.7.2']);
  });

  test('buckets: name, retirement and custom domain with its zone', () => {
    const m = resolveModel(deploymentFrom(exampleInput()), { today: TODAY });
    const assets = m.buckets.get('example-assets')!;
    expect([assets.bucketName, assets.retired, assets.customDomain?.hostname, assets.customDomain?.zone?.zoneName]).toEqual([
      'example-assets', false, 'assets.example.com', 'example.com',
    ]);
  });

  test('tenants: hostname, bucket name and shard stack, in file order; shards list their tenants', () => {
    const input = exampleInput();
    input.tenants = { shard_count: 2, public_reason: 'each hub signs its users in', members: [{ id: 'acme', subdomain: 'acme' }, { id: 'globex', shard: 1 }] };
    const m = resolveModel(deploymentFrom(input), { today: TODAY });
    expect(m.tenants.map((t) => [t.at, t.hostname, t.bucketName, t.stackId])).toEqual([
      ['tenants.members[0]', 'acme.example.com', 'example-t-acme', expect.stringMatching(/^tenants-[01]$/)],
      ['tenants.members[1]', expect.stringMatching(/^t-[0-9a-f]{10}\.example\.com$/), 'example-t-globex', 'tenants-1'],
    ]);
    expect(m.shards.map((s) => [s.stackId, s.tenants.map((t) => t.spec.id)]).flatMap(([, ids]) => ids)).toEqual(expect.arrayContaining(['acme', 'globex']));
  });

  test('api tokens cover every declared zone unless they name theirs', () => {
    const input = exampleInput();
    input.api_tokens = { dns: { preset: 'dns-admin', expires: '2030-01-01' }, one: { preset: 'dns-admin', zones: ['example.com'], expires: '2030-01-01' } };
    const m = resolveModel(deploymentFrom(input), { today: TODAY });
    expect([m.apiTokens.get('dns')!.zoneNames, m.apiTokens.get('one')!.zoneNames]).toEqual([['example.com'], ['example.com']]);
  });
});

describe('resolving', () => {
  test('tolerates broken references: an app naming no policy and a worker naming no app resolve; the checks report them', () => {
    const input = exampleInput();
    input.apps.internal.policies = ['nobody'];
    input.workers = { api: { hostname: 'w.example.com', access_app: 'ghost' } };
    const m = shapeModel(input);
    expect(m.apps.get('internal')!.policies).toEqual(['nobody']);
    expect(m.workers.get('api')!.spec.access_app).toBe('ghost');
  });

  test('today: the pinned day, refused with one line when it is not a date; modelOf resolves a deployment once and passes a model through', () => {
    const d = deploymentFrom(exampleInput());
    expect(resolveModel(d, { today: '2027-01-02' }).today).toBe('2027-01-02');
    expect(() => resolveModel(d, { today: '2027-02-30' })).toThrow('GATEHOUSE_TODAY: must be a real calendar date (YYYY-MM-DD) (got "2027-02-30")');
    const m = modelOf(d, { today: TODAY });
    expect(modelOf(m)).toBe(m);
    expect(DeploymentModel.isModel(d)).toBe(false);
  });
});

describe('paths, bypasses and companions (issue 17), derived once in the model', () => {
  test('a public path under a gated host gets one generated bypass app, named from hostname and path; its route targets the Access path', () => {
    const input = exampleInput();
    input.routes.unshift({ hostname: 'admin.example.com', path: '^/docs(/|$)', service: 'http://localhost:3000', public: { reason: 'the user manual is public' } });
    const m = resolveModel(deploymentFrom(input), { today: TODAY });
    expect(m.bypasses).toEqual([
      { id: 'public-path-admin.example.com%2Fdocs', at: 'routes[0]', hostname: 'admin.example.com', path: '/docs', destination: 'admin.example.com/docs', reason: 'the user manual is public' },
    ]);
    expect(m.routes[0].target).toEqual({ target: 'admin.example.com/docs', accessPath: '/docs', approximate: false });
    expect(m.routes[0].bypass?.id).toBe('public-path-admin.example.com%2Fdocs');
    expect(m.routes[0].gating.connectorApps).toEqual([]);
    // the host-wide route after it is gated by the host's app only (a bypass issues no token)
    expect(m.routes[1].gating.connectorApps.map((a) => a.name)).toEqual(['internal']);
  });

  test('a public path on a host no app gates needs no bypass', () => {
    const input = exampleInput();
    input.routes.push({ hostname: 'status.example.com', path: '^/health(/|$)', service: 'http://localhost:1', public: { reason: 'uptime checks of the site' } });
    expect(resolveModel(deploymentFrom(input), { today: TODAY }).bypasses).toEqual([]);
  });

  test('the pages.dev hosts go to a companion when they do not fit beside the hostnames, and stay in the app when they do', () => {
    const input = exampleInput();
    input.pages = { docs: { project: 'example-docs', domains: ['docs.example.com'] } };
    input.apps.internal.hostnames = ['admin.example.com', 'api.example.com', 'labs.example.com', 'docs.example.com', 'wiki.example.com'];
    expect(resolveModel(deploymentFrom(input), { today: TODAY }).apps.get('internal')!.companion).toEqual(['example-docs.pages.dev', '*.example-docs.pages.dev']);
    input.apps.internal.hostnames = ['admin.example.com', 'api.example.com', 'docs.example.com'];
    input.routes.splice(2, 1);
    expect(resolveModel(deploymentFrom(input), { today: TODAY }).apps.get('internal')!.companion).toEqual([]);
  });
});

/**
 * TunnelHost: the remotely-managed tunnel, its ingress (routes in order, then the one catch-all), the
 * connector token, connector-side Access enforcement, the optional CNAMEs and the optional GCE host;
 * and every route rule, which must match what cloudflared itself accepts.
 */
import { TerraformOutput, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AccessGatedApp, IAccessGatedApp } from '../../../lib/cloudflare/access/app';
import { AccessPolicy } from '../../../lib/cloudflare/access/policy';
import { AccessDecision } from '../../../lib/cloudflare/access/rules';
import { TunnelRoute } from '../../../lib/cloudflare/ingress';
import { TunnelHost, TunnelHostProps } from '../../../lib/cloudflare/tunnel';
import { GceConnectorHost } from '../../../lib/google/connector-host';
import { ACCOUNT_ID, expectProblem, Json, newStack, problemsOf, Synthesized, synth } from './access/support';
import { FORCES_REPLACEMENT } from '../../replacement';
import { Zone } from '../../../lib/cloudflare/zone';

const TUNNEL = 'cloudflare_zero_trust_tunnel_cloudflared';
const CONFIG = 'cloudflare_zero_trust_tunnel_cloudflared_config';
const TOKEN = 'cloudflare_zero_trust_tunnel_cloudflared_token';
const DNS = 'cloudflare_dns_record';
const ZONE_ID = 'fedcba9876543210fedcba9876543210';
const CATCH_ALL = { service: 'http_status:404' };

function baseProps(overrides: Partial<TunnelHostProps> = {}): TunnelHostProps {
  return {
    accountId: ACCOUNT_ID,
    tunnelName: 'example-primary',
    routes: [{ hostname: 'app.example.com', service: 'http://localhost:8080' }],
    ...overrides,
  };
}

function build(overrides: Partial<TunnelHostProps> = {}, scope: Construct = newStack()): TunnelHost {
  return new TunnelHost(scope, 'primary', baseProps(overrides));
}

/** Synthesize one TunnelHost `primary` (plus outputs for its public attributes). */
function synthTunnel(overrides: Partial<TunnelHostProps> = {}): { out: Synthesized; host: TunnelHost } {
  let host!: TunnelHost;
  const out = synth((scope) => {
    host = build(overrides, scope);
    new TerraformOutput(scope, 'tunnel-id', { value: host.tunnelId });
    new TerraformOutput(scope, 'tunnel-cname', { value: host.tunnelCname });
    new TerraformOutput(scope, 'connector-token', { value: host.connectorToken, sensitive: true });
  });
  return { out, host };
}

/** The ingress list of the tunnel config. */
function ingressOf(overrides: Partial<TunnelHostProps> = {}): Json[] {
  return synthTunnel(overrides).out.at(CONFIG, 'primary/config').config.ingress;
}

/** A stand-in Access application (the interface TunnelHost reads). */
function fakeApp(aud: string, hostnames: string[], teamName = 'example', bypass = false): IAccessGatedApp {
  return { applicationId: `app-${aud}`, aud, hostnames, teamName, ...(bypass ? { bypass } : {}) };
}

function routes(n: number): TunnelRoute[] {
  return Array.from({ length: n }, (_, i) => ({ hostname: `app${i}.example.com`, service: `http://localhost:${8000 + i}` }));
}

describe('TunnelHost: the tunnel', () => {
  // GIVEN the required props only
  // WHEN it is synthesized
  const { out } = synthTunnel();
  const tunnel = out.at(TUNNEL, 'primary/tunnel');

  test('is remotely managed (config_src cloudflare), in the account, with the given name', () => {
    // THEN
    expect(tunnel).toEqual({ account_id: ACCOUNT_ID, name: 'example-primary', config_src: 'cloudflare' });
  });

  test('is the only tunnel, config and token of the stack', () => {
    expect(out.resources(TUNNEL)).toHaveLength(1);
    expect(out.resources(CONFIG)).toHaveLength(1);
    expect(Object.keys(out.json.data[TOKEN])).toHaveLength(1);
  });

  test('sends no tunnel secret (the API generates one)', () => {
    expect(tunnel).not.toHaveProperty('tunnel_secret');
  });

  test('creates no DNS record and no host by default', () => {
    expect(out.resources(DNS)).toHaveLength(0);
    expect(out.resources('google_compute_instance')).toHaveLength(0);
    expect(out.resources('google_secret_manager_secret_version')).toHaveLength(0);
  });
});

describe('TunnelHost: the tunnel config', () => {
  test('belongs to the account and to this tunnel', () => {
    // GIVEN / WHEN
    const { out } = synthTunnel();
    const config = out.at(CONFIG, 'primary/config');
    // THEN
    expect(config.account_id).toBe(ACCOUNT_ID);
    expect(config.tunnel_id).toBe(`\${${TUNNEL}.${out.logicalId('primary/tunnel')}.id}`);
  });

  test('holds only an ingress list (no top-level origin_request)', () => {
    const config = synthTunnel().out.at(CONFIG, 'primary/config');
    expect(Object.keys(config.config)).toEqual(['ingress']);
  });

  test('a minimal route maps to hostname and service, then the catch-all', () => {
    // GIVEN one route without path or origin options
    // WHEN / THEN
    expect(ingressOf()).toEqual([{ hostname: 'app.example.com', service: 'http://localhost:8080' }, CATCH_ALL]);
  });

  test('zero routes: the catch-all alone', () => {
    expect(ingressOf({ routes: [] })).toEqual([CATCH_ALL]);
  });

  test('many routes: all of them in the given order, then exactly one catch-all, last', () => {
    // GIVEN 60 routes
    const given = routes(60);
    // WHEN
    const ingress = ingressOf({ routes: given });
    // THEN
    expect(ingress).toHaveLength(61);
    expect(ingress.slice(0, 60)).toEqual(given.map((r) => ({ hostname: r.hostname, service: r.service })));
    expect(ingress[60]).toEqual(CATCH_ALL);
    expect(ingress.filter((r) => r.service === 'http_status:404')).toHaveLength(1);
    expect(ingress.filter((r) => r.hostname === undefined)).toHaveLength(1);
  });

  test('keeps the route order: an exact hostname before the wildcard that would otherwise take it', () => {
    const ingress = ingressOf({
      routes: [
        { hostname: 'app.example.com', service: 'http://localhost:8080' },
        { hostname: '*.example.com', service: 'http://localhost:9000' },
      ],
    });
    expect(ingress.map((r) => r.hostname)).toEqual(['app.example.com', '*.example.com', undefined]);
  });

  test('a path is passed through as path', () => {
    const ingress = ingressOf({ routes: [{ hostname: 'app.example.com', path: '^/api/', service: 'http://localhost:8080' }] });
    expect(ingress[0]).toEqual({ hostname: 'app.example.com', path: '^/api/', service: 'http://localhost:8080' });
  });

  test('each origin option maps to its snake_case key', () => {
    // GIVEN every origin option
    const ingress = ingressOf({
      routes: [
        {
          hostname: 'app.example.com',
          service: 'https://localhost:8443',
          origin: { noTlsVerify: true, httpHostHeader: 'internal.example.net', originServerName: 'origin.example.net', connectTimeoutSeconds: 10 },
        },
      ],
    });
    // THEN
    expect(ingress[0]).toEqual({
      hostname: 'app.example.com',
      service: 'https://localhost:8443',
      origin_request: {
        no_tls_verify: true,
        http_host_header: 'internal.example.net',
        origin_server_name: 'origin.example.net',
        connect_timeout: 10,
      },
    });
  });

  test.each<[string, TunnelRoute['origin'], Json]>([
    ['noTlsVerify', { noTlsVerify: true }, { no_tls_verify: true }],
    ['noTlsVerify false (kept: it was set)', { noTlsVerify: false }, { no_tls_verify: false }],
    ['httpHostHeader', { httpHostHeader: 'internal.example.net' }, { http_host_header: 'internal.example.net' }],
    ['originServerName', { originServerName: 'origin.example.net' }, { origin_server_name: 'origin.example.net' }],
    ['connectTimeoutSeconds', { connectTimeoutSeconds: 45 }, { connect_timeout: 45 }],
  ])('origin option %s alone gives exactly that key', (_name, origin, expected) => {
    const ingress = ingressOf({ routes: [{ hostname: 'app.example.com', service: 'https://localhost:8443', origin }] });
    expect(ingress[0].origin_request).toEqual(expected);
  });

  test('without origin options (or with an empty origin object) there is no origin_request', () => {
    const ingress = ingressOf({
      routes: [
        { hostname: 'a.example.com', service: 'http://localhost:8080' },
        { hostname: 'b.example.com', service: 'http://localhost:8081', origin: {} },
      ],
    });
    expect(ingress[0]).not.toHaveProperty('origin_request');
    expect(ingress[1]).not.toHaveProperty('origin_request');
    expect(ingress[0]).not.toHaveProperty('path');
  });

  test('a route declared public reaches the ingress unchanged (the declaration is not sent to cloudflare)', () => {
    // GIVEN a route declared public on purpose
    const ingress = ingressOf({ routes: [{ hostname: 'www.example.com', service: 'http://localhost:8080', public: { reason: 'the marketing site' } }] });
    // THEN
    expect(ingress[0]).toEqual({ hostname: 'www.example.com', service: 'http://localhost:8080' });
  });

  test('the catch-all carries no hostname, path or origin_request', () => {
    const ingress = ingressOf({
      routes: [{ hostname: 'app.example.com', path: '^/x', service: 'http://localhost:8080', origin: { noTlsVerify: true } }],
    });
    expect(ingress[ingress.length - 1]).toEqual(CATCH_ALL);
  });
});

describe('TunnelHost: connector token and references', () => {
  // GIVEN a tunnel with outputs for its public attributes
  // WHEN it is synthesized
  const { out, host } = synthTunnel();
  const tunnelId = out.logicalId('primary/tunnel');
  const tokenId = out.logicalId('primary/token');

  test('reads the token with the cloudflare_zero_trust_tunnel_cloudflared_token data source', () => {
    // THEN
    expect(out.json.data[TOKEN][tokenId]).toEqual({ account_id: ACCOUNT_ID, tunnel_id: `\${${TUNNEL}.${tunnelId}.id}` });
  });

  test('connectorToken is the data source token wrapped in sensitive()', () => {
    expect(out.output('connector-token')).toBe(`\${sensitive(data.${TOKEN}.${tokenId}.token)}`);
  });

  test('tunnelId is the tunnel id', () => {
    expect(out.output('tunnel-id')).toBe(`\${${TUNNEL}.${tunnelId}.id}`);
  });

  test('tunnelCname is <tunnel id>.cfargotunnel.com', () => {
    expect(out.output('tunnel-cname')).toBe(`\${${TUNNEL}.${tunnelId}.id}.cfargotunnel.com`);
  });

  test('exposes the tunnel and config resources and the routes as given', () => {
    expect(host.tunnel.node.id).toBe('tunnel');
    expect(host.config.node.id).toBe('config');
    expect(host.routes).toEqual([{ hostname: 'app.example.com', service: 'http://localhost:8080' }]);
    expect(host.dns).toBeUndefined();
    expect(host.host).toBeUndefined();
  });

  test('fromTunnelId refers to an existing tunnel without creating anything', () => {
    // GIVEN an existing tunnel id
    const id = '6ff42ae2-765d-4adf-8112-31c55c1551ef';
    // WHEN
    const tunnel = TunnelHost.fromTunnelId(id);
    // THEN
    expect(tunnel).toEqual({ tunnelId: id, tunnelCname: `${id}.cfargotunnel.com` });
  });
});

describe('TunnelHost: connector-side Access enforcement', () => {
  const ACCESS = (aud: string[], team = 'example') => ({ required: true, team_name: team, aud_tag: aud });

  test('a route whose exact hostname an app covers gets origin_request.access', () => {
    // GIVEN an app on app.example.com
    // WHEN
    const ingress = ingressOf({ accessApps: [fakeApp('aud-app', ['app.example.com'])] });
    // THEN
    expect(ingress[0]).toEqual({ hostname: 'app.example.com', service: 'http://localhost:8080', origin_request: { access: ACCESS(['aud-app']) } });
  });

  test('a wildcard destination covers a one-label route hostname', () => {
    const ingress = ingressOf({ accessApps: [fakeApp('aud-wild', ['*.example.com'])] });
    expect(ingress[0].origin_request).toEqual({ access: ACCESS(['aud-wild']) });
  });

  test('only covered rules get access; uncovered routes and the catch-all get none', () => {
    // GIVEN three routes and an app covering only the second
    const ingress = ingressOf({
      routes: [
        { hostname: 'public.example.com', service: 'http://localhost:8080' },
        { hostname: 'admin.example.com', service: 'http://localhost:8081' },
        { hostname: 'deep.admin.example.com', service: 'http://localhost:8082' },
      ],
      accessApps: [fakeApp('aud-admin', ['admin.example.com', 'other.example.net'])],
    });
    // THEN
    expect(ingress[0]).not.toHaveProperty('origin_request');
    expect(ingress[1].origin_request).toEqual({ access: ACCESS(['aud-admin']) });
    expect(ingress[2]).not.toHaveProperty('origin_request');
    expect(ingress[3]).toEqual(CATCH_ALL);
  });

  test('two apps covering one hostname give two aud tags, in app order', () => {
    const ingress = ingressOf({
      accessApps: [fakeApp('aud-one', ['app.example.com']), fakeApp('aud-unrelated', ['x.example.net']), fakeApp('aud-two', ['*.example.com'])],
    });
    expect(ingress[0].origin_request.access).toEqual(ACCESS(['aud-one', 'aud-two']));
  });

  test('the team name comes from the app', () => {
    const ingress = ingressOf({ accessApps: [fakeApp('aud-app', ['app.example.com'], 'example-team')] });
    expect(ingress[0].origin_request.access.team_name).toBe('example-team');
  });

  test('origin options are kept alongside access', () => {
    const ingress = ingressOf({
      routes: [{ hostname: 'app.example.com', service: 'https://localhost:8443', origin: { noTlsVerify: true, connectTimeoutSeconds: 5 } }],
      accessApps: [fakeApp('aud-app', ['app.example.com'])],
    });
    expect(ingress[0].origin_request).toEqual({ no_tls_verify: true, connect_timeout: 5, access: ACCESS(['aud-app']) });
  });

  test('a wildcard destination does not cover a two-label hostname or the apex', () => {
    const ingress = ingressOf({
      routes: [
        { hostname: 'a.b.example.com', service: 'http://localhost:8080' },
        { hostname: 'example.com', service: 'http://localhost:8081' },
      ],
      accessApps: [fakeApp('aud-wild', ['*.example.com'])],
    });
    expect(ingress[0]).not.toHaveProperty('origin_request');
    expect(ingress[1]).not.toHaveProperty('origin_request');
  });

  test('routes expose the filled-in enforcement', () => {
    const host = build({ accessApps: [fakeApp('aud-app', ['app.example.com'])] });
    expect(host.routes).toEqual([
      { hostname: 'app.example.com', service: 'http://localhost:8080', access: { teamName: 'example', audTags: ['aud-app'] } },
    ]);
  });

  test('with a real AccessGatedApp the aud tag is the application aud attribute', () => {
    // GIVEN a real Access application on app.example.com
    let app!: AccessGatedApp;
    const out = synth((scope) => {
      app = new AccessGatedApp(scope, 'app', {
        accountId: ACCOUNT_ID,
        name: 'app',
        teamName: 'example',
        hostnames: ['app.example.com'],
        policies: [AccessPolicy.fromPolicyId('11111111-1111-4111-8111-111111111111', AccessDecision.ALLOW)],
      });
      build({ accessApps: [app] }, scope);
    });
    // THEN
    const appId = out.logicalId('app/resource');
    expect(out.at(CONFIG, 'primary/config').config.ingress[0].origin_request).toEqual({
      access: ACCESS([`\${cloudflare_zero_trust_access_application.${appId}.aud}`]),
    });
  });
});

describe('TunnelHost: paths, public paths and bypass apps', () => {
  const ACCESS = (aud: string[]) => ({ required: true, team_name: 'example', aud_tag: aud });
  const wiki = fakeApp('aud-wiki', ['wiki.example.com']);
  const docsBypass = fakeApp('aud-docs', ['wiki.example.com/docs'], 'example', true);
  const ciApi = fakeApp('aud-ci', ['wiki.example.com/api']);
  const PUBLIC_DOCS: TunnelRoute = { hostname: 'wiki.example.com', path: '^/docs(/|$)', service: 'http://localhost:8080', public: { reason: 'the user manual is public' } };
  const WIKI: TunnelRoute = { hostname: 'wiki.example.com', service: 'http://localhost:8080' };

  test('a public path under a gated host (with its bypass app) carries no AUD; the host-wide rule carries every gating app on the host', () => {
    // GIVEN the public /docs first, then the gated host; the host app, a CI app on /api and the /docs bypass app
    const ingress = ingressOf({ routes: [PUBLIC_DOCS, WIKI], accessApps: [wiki, ciApi, docsBypass] });
    // THEN /docs requires no token, and the host rule accepts the host app and the /api app (never the bypass app, which issues none)
    expect(ingress[0]).toEqual({ hostname: 'wiki.example.com', path: '^/docs(/|$)', service: 'http://localhost:8080' });
    expect(ingress[1].origin_request).toEqual({ access: ACCESS(['aud-wiki', 'aud-ci']) });
  });

  test('a gated path rule requires the most specific app that covers it, and the apps below it', () => {
    const admin = fakeApp('aud-admin', ['wiki.example.com/api/admin']);
    const ingress = ingressOf({
      routes: [{ hostname: 'wiki.example.com', path: '^/api(/|$)', service: 'http://localhost:9000' }, WIKI],
      accessApps: [wiki, ciApi, admin],
    });
    expect(ingress[0].origin_request).toEqual({ access: ACCESS(['aud-ci', 'aud-admin']) });
    expect(ingress[1].origin_request).toEqual({ access: ACCESS(['aud-wiki', 'aud-ci', 'aud-admin']) });
  });

  test('a path that is not a literal prefix is gated like the whole host', () => {
    const ingress = ingressOf({ routes: [{ hostname: 'wiki.example.com', path: '\\.png$', service: 'http://localhost:8080' }, WIKI], accessApps: [wiki, ciApi] });
    expect(ingress[0].origin_request).toEqual({ access: ACCESS(['aud-wiki', 'aud-ci']) });
  });

  test('records route keys (hostname and path) and the apps it was given, for the policy pack', () => {
    const { out } = synthTunnel({ routes: [PUBLIC_DOCS, WIKI], accessApps: [wiki, docsBypass] });
    const config = out.stack.node.findAll().find((c) => c.node.path.endsWith('primary/config'))!;
    const fact = (name: string) => config.node.metadata.find((m) => m.type === `gatehouse:${name}`)?.data;
    expect(fact('public-routes')).toEqual({ 'wiki.example.com ^/docs(/|$)': 'the user manual is public' });
    expect(fact('gated-routes')).toEqual(['wiki.example.com']);
    expect(fact('access-destinations')).toEqual([{ destinations: ['wiki.example.com'] }, { destinations: ['wiki.example.com/docs'], bypass: true }]);
  });

  test('fails if a public path on a gated host has no bypass app of its path', () => {
    const p = expectProblem(() => build({ routes: [PUBLIC_DOCS, WIKI], accessApps: [wiki] }), 'primary.routes[0].public', 'no bypass app covers wiki.example.com/docs');
    expect(p.value).toBe('wiki.example.com');
  });

  test('fails if a public path on a gated host is not written in the literal-prefix form, giving the form', () => {
    const p = expectProblem(
      () => build({ routes: [{ ...PUBLIC_DOCS, path: '^/docs' }, WIKI], accessApps: [wiki, docsBypass] }),
      'primary.routes[0].path',
      'must be written ^/<prefix>(/|$) (e.g. ^/docs(/|$)) for a public path on a host an access app gates',
    );
    expect(p.value).toBe('^/docs');
  });

  test('fails if a whole host is public while an app gates it (a bypass never covers a whole host)', () => {
    expectProblem(
      () => build({ routes: [{ ...WIKI, public: { reason: 'the wiki is public now' } }], accessApps: [fakeApp('aud-wild', ['*.example.com'])] }),
      'primary.routes[0].public',
      'contradicts the access app of *.example.com, which gates wiki.example.com; a bypass never covers a whole host',
    );
  });

  test('fails if a route comes after a host-wide route of the same hostname, naming both', () => {
    const p = expectProblem(
      () => build({ routes: [WIKI, PUBLIC_DOCS], accessApps: [wiki, docsBypass] }),
      'primary.routes[1].path',
      'is never reached: routes[0] (wiki.example.com, every path) comes first and cloudflared takes the first rule that matches; move this route above it',
    );
    expect(p.value).toBe('^/docs(/|$)');
  });

  test('fails if a gated route lies under a public path (Access bypasses it)', () => {
    expectProblem(
      () =>
        build({
          routes: [{ hostname: 'wiki.example.com', path: '^/docs/internal(/|$)', service: 'http://localhost:8080' }, PUBLIC_DOCS, WIKI],
          accessApps: [wiki, docsBypass],
        }),
      'primary.routes[0].path',
      'is bypassed by the public path wiki.example.com/docs',
    );
  });

  test('fails if a host-wide route is gated on some paths only', () => {
    expectProblem(() => build({ routes: [WIKI], accessApps: [ciApi] }), 'primary.routes[0].hostname', 'is gated on some paths only (wiki.example.com/api)');
  });

  test('fails if a public path would serve a gated path below it without the connector check, unless a gated route catches it first', () => {
    const internal = fakeApp('aud-int', ['wiki.example.com/docs/internal']);
    expectProblem(
      () => build({ routes: [PUBLIC_DOCS, WIKI], accessApps: [wiki, docsBypass, internal] }),
      'primary.routes[0].public',
      'would serve wiki.example.com/docs/internal without the connector\'s access check',
    );
    // an earlier gated route for the deeper path catches it: fine, and it requires that app's AUD
    const ingress = ingressOf({
      routes: [{ hostname: 'wiki.example.com', path: '^/docs/internal(/|$)', service: 'http://localhost:8080' }, PUBLIC_DOCS, WIKI],
      accessApps: [wiki, docsBypass, internal],
    });
    expect(ingress[0].origin_request).toEqual({ access: ACCESS(['aud-int']) });
  });
});

describe('TunnelHost: DNS', () => {
  test('with dnsZone: one proxied CNAME per unique route hostname to the tunnel', () => {
    // GIVEN three routes over two hostnames (one hostname with two paths)
    const { out, host } = synthTunnel({
      dnsZone: Zone.fromZoneId(ZONE_ID),
      routes: [
        { hostname: 'app.example.com', path: '^/api/', service: 'http://localhost:8081' },
        { hostname: 'app.example.com', service: 'http://localhost:8080' },
        { hostname: 'docs.example.com', service: 'http://localhost:8082' },
      ],
    });
    // THEN
    const cname = `\${${TUNNEL}.${out.logicalId('primary/tunnel')}.id}.cfargotunnel.com`;
    expect(out.resources(DNS)).toHaveLength(2);
    for (const hostname of ['app.example.com', 'docs.example.com']) {
      expect(out.at(DNS, `primary/dns/${hostname}`)).toEqual({
        zone_id: ZONE_ID,
        name: hostname,
        type: 'CNAME',
        content: cname,
        proxied: true,
        ttl: 1,
        comment: 'managed by gatehouse',
      });
    }
    expect(host.dns?.node.id).toBe('dns');
    expect([...(host.dns?.records.keys() ?? [])]).toEqual(['app.example.com', 'docs.example.com']);
  });

  test('a wildcard route gets a wildcard CNAME', () => {
    const { out } = synthTunnel({ dnsZone: Zone.fromZoneId(ZONE_ID), routes: [{ hostname: '*.example.com', service: 'http://localhost:8080' }] });
    expect(out.at(DNS, 'primary/dns/*.example.com').name).toBe('*.example.com');
  });

  test('with dnsZone and zero routes: no record', () => {
    expect(synthTunnel({ dnsZone: Zone.fromZoneId(ZONE_ID), routes: [] }).out.resources(DNS)).toHaveLength(0);
  });

  test('without dnsZone: no record and no dns child', () => {
    const { out, host } = synthTunnel();
    expect(out.json.resource?.[DNS]).toBeUndefined();
    expect(host.node.tryFindChild('dns')).toBeUndefined();
  });
});

describe('TunnelHost: host', () => {
  const HOST = { project: 'example-prod', region: 'europe-west1', zone: 'europe-west1-b', name: 'edge-primary', activation: 'active' };

  test('with host options a GceConnectorHost child `host` runs the connector', () => {
    // GIVEN host options
    // WHEN
    const { out, host } = synthTunnel({ host: HOST });
    // THEN
    expect(host.host).toBeInstanceOf(GceConnectorHost);
    expect(host.node.tryFindChild('host')).toBe(host.host);
    expect(out.at('google_compute_instance', 'primary/host/instance').name).toBe('edge-primary');
  });

  test('the token-version secret_data is the sensitive connector token', () => {
    const { out } = synthTunnel({ host: HOST });
    const version = out.at('google_secret_manager_secret_version', 'primary/host/token-version');
    expect(version.secret_data).toBe(`\${sensitive(data.${TOKEN}.${out.logicalId('primary/token')}.token)}`);
    expect(version.secret_data).toBe(out.output('connector-token'));
  });

  test('the token reaches nothing but the secret version and the output', () => {
    const { out } = synthTunnel({ host: HOST });
    const text = JSON.stringify(out.json);
    const ref = `data.${TOKEN}.${out.logicalId('primary/token')}.token`;
    expect(text.split(ref)).toHaveLength(3);
    expect(JSON.stringify(out.at('google_compute_instance', 'primary/host/instance'))).not.toContain(TOKEN);
  });
});

describe('TunnelHost: token rotation', () => {
  const HOST = { project: 'example-prod', region: 'europe-west1', zone: 'europe-west1-b', name: 'edge-primary', activation: 'active' };
  // GIVEN the same tunnel with a host and CNAMEs at generations 0, 1 and 2
  const [zero, one, two] = [0, 1, 2].map((tokenRotation) => synthTunnel({ tokenRotation, host: HOST, dnsZone: Zone.fromZoneId(ZONE_ID) }).out);

  /** Every "type.attribute" (top level) whose synthesized value differs between two synths. */
  const changed = (a: Synthesized, b: Synthesized): string[] => {
    const out = new Set<string>();
    for (const [type, byId] of Object.entries<Record<string, Json>>(b.json.resource)) {
      for (const [id, config] of Object.entries(byId)) {
        const before = a.json.resource[type]?.[id];
        if (!before) {
          out.add(`${type} (new)`);
          continue;
        }
        for (const key of new Set([...Object.keys(before), ...Object.keys(config)])) {
          if (JSON.stringify(before[key]) !== JSON.stringify(config[key])) out.add(`${type}.${key}`);
        }
      }
    }
    for (const type of Object.keys(a.json.resource)) if (!b.json.resource[type]) out.add(`${type} (gone)`);
    return [...out].sort();
  };

  test('0 (the default) sets no tunnel secret and creates nothing more: byte-identical to leaving it out', () => {
    expect(zero.at(TUNNEL, 'primary/tunnel')).not.toHaveProperty('tunnel_secret');
    expect(zero.json.resource).not.toHaveProperty('terraform_data');
    expect(JSON.stringify(synthTunnel({ host: HOST, dnsZone: Zone.fromZoneId(ZONE_ID) }).out.json)).toBe(JSON.stringify(zero.json));
  });

  test('N >= 1 sets tunnel_secret from a terraform_data generated once per N (uuid() ignored after creation)', () => {
    // THEN the generator: a sensitive base64 of 32 bytes, replaced only when the generation changes
    expect(one.at('terraform_data', 'primary/tunnel-secret')).toEqual({
      input: { secret: '${sensitive(base64sha256(join("", [uuid(), uuid()])))}' },
      triggers_replace: { rotation: 1 },
      lifecycle: { ignore_changes: ['input'] },
    });
    expect(one.at(TUNNEL, 'primary/tunnel').tunnel_secret).toBe(`\${terraform_data.${one.logicalId('primary/tunnel-secret')}.output.secret}`);
    expect(two.at('terraform_data', 'primary/tunnel-secret').triggers_replace).toEqual({ rotation: 2 });
  });

  test('rotating changes only tunnel_secret and the generator: nothing that forces a replacement', () => {
    // WHEN the generation goes 0 -> 1 and 1 -> 2
    // THEN only the tunnel secret (in place, same id and CNAME) and the generator change
    expect(changed(zero, one)).toEqual(['cloudflare_zero_trust_tunnel_cloudflared.tunnel_secret', 'terraform_data (new)']);
    expect(changed(one, two)).toEqual(['terraform_data.triggers_replace']);
    expect(FORCES_REPLACEMENT.cloudflare_zero_trust_tunnel_cloudflared).not.toContain('tunnel_secret');
    // AND nothing but the tunnel secret refers to the generator
    for (const [type, byId] of Object.entries<Record<string, Json>>(two.json.resource)) {
      for (const config of Object.values(byId)) {
        const refs = Object.entries(config).filter(([, v]) => JSON.stringify(v).includes('terraform_data.'));
        for (const [key] of refs) {
          expect(`${type}.${key}`).toBe('cloudflare_zero_trust_tunnel_cloudflared.tunnel_secret');
          expect(FORCES_REPLACEMENT[type] ?? []).not.toContain(key);
        }
      }
    }
  });

  test('the host picks the new token up by itself: its user-data and metadata do not change', () => {
    const instance = (out: Synthesized) => out.at('google_compute_instance', 'primary/host/instance');
    expect(instance(two)).toEqual(instance(zero));
  });

  test.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('fails if tokenRotation is %p', (tokenRotation) => {
    const problem = expectProblem(() => build({ tokenRotation }), 'primary.tokenRotation', 'must be a whole number, 0 (no rotation) or more');
    expect(problem.value).toEqual(tokenRotation);
  });
});

describe('TunnelHost: values that must pass', () => {
  test.each<[string, TunnelRoute[]]>([
    [
      'the same hostname with different paths',
      [
        { hostname: 'app.example.com', path: '^/api/', service: 'http://localhost:8081' },
        { hostname: 'app.example.com', path: '^/static/', service: 'http://localhost:8082' },
        { hostname: 'app.example.com', service: 'http://localhost:8080' },
      ],
    ],
    ['a unix socket', [{ hostname: 'app.example.com', service: 'unix:///run/app.sock' }]],
    ['a unix+tls socket', [{ hostname: 'app.example.com', service: 'unix+tls:///run/app.sock' }]],
    ['http_status:503', [{ hostname: 'app.example.com', service: 'http_status:503' }]],
    ['http_status bounds 100 and 599', [{ hostname: 'a.example.com', service: 'http_status:100' }, { hostname: 'b.example.com', service: 'http_status:599' }]],
    ['an IPv6 origin with port', [{ hostname: 'app.example.com', service: 'https://[::1]:8443' }]],
    ['tcp and ssh origins', [{ hostname: 'db.example.com', service: 'tcp://10.0.0.5:5432' }, { hostname: 'ssh.example.com', service: 'ssh://localhost:22' }]],
    ['a wildcard hostname', [{ hostname: '*.example.com', service: 'http://localhost:8080' }]],
    ['connect timeouts 1 and 300', [
      { hostname: 'a.example.com', service: 'http://localhost:8080', origin: { connectTimeoutSeconds: 1 } },
      { hostname: 'b.example.com', service: 'http://localhost:8080', origin: { connectTimeoutSeconds: 300 } },
    ]],
  ])('%s', (_name, given) => {
    // GIVEN valid routes
    // WHEN / THEN: no error, and they all reach the ingress
    expect(ingressOf({ routes: given })).toHaveLength(given.length + 1);
  });

  test('unresolved tokens are not validated', () => {
    // GIVEN variables for the tunnel name, a hostname, a service and a path
    const stack = newStack();
    const v = (name: string) => new TerraformVariable(stack, name, { type: 'string' }).stringValue;
    // WHEN / THEN
    expect(
      () =>
        new TunnelHost(stack, 'primary', {
          accountId: ACCOUNT_ID,
          tunnelName: v('name'),
          routes: [{ hostname: v('hostname'), path: v('path'), service: v('service') }],
        }),
    ).not.toThrow();
  });
});

describe('TunnelHost: fails if', () => {
  const route = (r: Partial<TunnelRoute>): TunnelRoute[] => [{ hostname: 'app.example.com', service: 'http://localhost:8080', ...r }];
  const fails = (overrides: Partial<TunnelHostProps>, path: string, message: string, value: unknown) => {
    const problem = expectProblem(() => build(overrides), path, message);
    expect(problem.value).toEqual(value);
  };

  test('the tunnel name has a space', () => {
    fails({ tunnelName: 'example primary' }, 'primary.tunnelName', 'must be 1-63 letters, digits, dots, hyphens or underscores', 'example primary');
  });

  test('the tunnel name starts with a hyphen', () => {
    fails({ tunnelName: '-example' }, 'primary.tunnelName', 'must be 1-63 letters', '-example');
  });

  test('the tunnel name is longer than 63 characters', () => {
    const name = 'e'.repeat(64);
    fails({ tunnelName: name }, 'primary.tunnelName', 'must be 1-63 letters', name);
  });

  test('the tunnel name is empty', () => {
    fails({ tunnelName: '' }, 'primary.tunnelName', 'must be 1-63 letters', '');
  });

  test('the service URL has a path', () => {
    fails({ routes: route({ service: 'http://localhost:8080/api' }) }, 'primary.routes[0].service', 'must not contain a path', 'http://localhost:8080/api');
  });

  test('the service URL has a trailing slash (cloudflared rejects any path, even /)', () => {
    fails({ routes: route({ service: 'http://localhost:8080/' }) }, 'primary.routes[0].service', 'not even a trailing /', 'http://localhost:8080/');
  });

  test.each(['^/(?!admin)', '(?<=x)y', '(a)\\1'])('the path uses syntax go regexp lacks: %s', (path) => {
    fails({ routes: route({ path }) }, 'primary.routes[0].path', 'go regexp (re2)', path);
  });

  test('the hostname has a port', () => {
    fails({ routes: route({ hostname: 'app.example.com:8443' }) }, 'primary.routes[0].hostname', 'must not carry a port', 'app.example.com:8443');
  });

  test('the wildcard is not the leftmost label (a.*.example.com)', () => {
    fails({ routes: route({ hostname: 'a.*.example.com' }) }, 'primary.routes[0].hostname', 'may only use one wildcard', 'a.*.example.com');
  });

  test('the wildcard is doubled (**.example.com)', () => {
    fails({ routes: route({ hostname: '**.example.com' }) }, 'primary.routes[0].hostname', 'may only use one wildcard', '**.example.com');
  });

  test('the hostname is upper case', () => {
    fails({ routes: route({ hostname: 'App.example.com' }) }, 'primary.routes[0].hostname', 'must be lower case', 'App.example.com');
  });

  test('the hostname is a single label', () => {
    fails({ routes: route({ hostname: 'localhost' }) }, 'primary.routes[0].hostname', 'must be a fully qualified hostname', 'localhost');
  });

  test('a hostname (with the same path) is routed twice', () => {
    // GIVEN the same hostname twice, and the same hostname+path twice
    const given: TunnelRoute[] = [
      { hostname: 'app.example.com', path: '^/api/', service: 'http://localhost:8081' },
      { hostname: 'app.example.com', service: 'http://localhost:8080' },
      { hostname: 'app.example.com', service: 'http://localhost:8082' },
      { hostname: 'app.example.com', path: '^/api/', service: 'http://localhost:8083' },
    ];
    // THEN each duplicate names its first occurrence (and is not also reported as shadowed)
    const second = expectProblem(() => build({ routes: given }), 'primary.routes[2].hostname', 'duplicates routes[1]');
    expect(second.value).toBe('app.example.com');
    expect(second.message).toContain('route each hostname (and path) once');
    expect(expectProblem(() => build({ routes: given }), 'primary.routes[3].hostname', 'duplicates routes[0]').value).toBe('app.example.com');
    expect(problemsOf(() => build({ routes: given }))).toHaveLength(2);
  });

  test('the scheme is unknown', () => {
    fails({ routes: route({ service: 'ftp://localhost:21' }) }, 'primary.routes[0].service', 'scheme must be one of http, https, unix', 'ftp://localhost:21');
  });

  test('the service is not a URL', () => {
    fails({ routes: route({ service: 'localhost:8080' }) }, 'primary.routes[0].service', 'must be a URL with one of the schemes', 'localhost:8080');
  });

  test('http_status is out of range', () => {
    fails({ routes: route({ service: 'http_status:600' }) }, 'primary.routes[0].service', 'http_status must be a code from 100 to 599', 'http_status:600');
  });

  test('http_status is below 100', () => {
    fails({ routes: route({ service: 'http_status:099' }) }, 'primary.routes[0].service', 'http_status must be a code from 100 to 599', 'http_status:099');
  });

  test('the port of the service is out of range', () => {
    fails({ routes: route({ service: 'http://localhost:70000' }) }, 'primary.routes[0].service', 'port must be from 1 to 65535', 'http://localhost:70000');
  });

  test('a unix socket path is relative', () => {
    fails({ routes: route({ service: 'unix://run/app.sock' }) }, 'primary.routes[0].service', 'needs an absolute path', 'unix://run/app.sock');
  });

  test('the service names no host', () => {
    fails({ routes: route({ service: 'http://' }) }, 'primary.routes[0].service', 'must name a host and optional port', 'http://');
  });

  test('the path is not a valid regular expression', () => {
    fails({ routes: route({ path: '^/api/(' }) }, 'primary.routes[0].path', 'must be a valid regular expression', '^/api/(');
  });

  test.each([0, 301, 1.5, -1])('the connect timeout is %p', (timeout) => {
    fails(
      { routes: route({ origin: { connectTimeoutSeconds: timeout } }) },
      'primary.routes[0].origin.connectTimeoutSeconds',
      'must be a whole number of seconds from 1 to 300',
      timeout,
    );
  });

  test('several routes are bad: every problem is reported at once', () => {
    // GIVEN a bad name and four bad routes (one with two problems)
    const given: TunnelRoute[] = [
      { hostname: 'ok.example.com', service: 'http://localhost:8080' },
      { hostname: 'a.example.com:443', service: 'http://localhost:8080/x' },
      { hostname: 'b.example.com', service: 'gopher://localhost' },
      { hostname: 'c.example.com', path: '(', service: 'http://localhost:8080' },
      { hostname: 'd.example.com', service: 'http://localhost:8080', origin: { connectTimeoutSeconds: 0 } },
    ];
    // WHEN
    const problems = problemsOf(() => build({ tunnelName: 'bad name', routes: given }));
    // THEN
    expect(problems.map((p) => p.path)).toEqual([
      'primary.tunnelName',
      'primary.routes[1].hostname',
      'primary.routes[1].service',
      'primary.routes[2].service',
      'primary.routes[3].path',
      'primary.routes[4].origin.connectTimeoutSeconds',
    ]);
  });

  test('nothing is created when validation fails', () => {
    const stack = newStack();
    problemsOf(() => build({ tunnelName: 'bad name' }, stack));
    const primary = stack.node.tryFindChild('primary');
    expect(primary?.node.children ?? []).toHaveLength(0);
  });
});

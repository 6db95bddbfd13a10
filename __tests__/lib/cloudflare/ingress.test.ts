/**
 * The pure ingress helpers: `ingressRules` (routes in order, then the one catch-all) and `validateRoutes`
 * (every problem at once, with a field prefix, tokens skipped). Which Access destination covers a
 * hostname is the hostname module's (__tests__/lib/core/hostnames.test.ts).
 */
import { Lazy } from 'cdktf';
import { ProblemCollector } from '../../../lib/core/errors';
import { CATCH_ALL_SERVICE, ingressRules, TunnelRoute, validateRoutes } from '../../../lib/cloudflare/ingress';

/** Run validateRoutes under a collector prefixed `site` and return its problems. */
function validate(routes: TunnelRoute[], prefix?: string) {
  const problems = new ProblemCollector('site');
  if (prefix === undefined) validateRoutes(routes, problems);
  else validateRoutes(routes, problems, prefix);
  return problems.problems;
}

describe('CATCH_ALL_SERVICE', () => {
  test('is http_status:404', () => {
    expect(CATCH_ALL_SERVICE).toBe('http_status:404');
  });
});

describe('ingressRules', () => {
  test('zero routes: only the catch-all', () => {
    // GIVEN / WHEN / THEN
    expect(ingressRules([])).toEqual([{ service: CATCH_ALL_SERVICE }]);
  });

  test('routes in order, then the catch-all, which has no hostname, path or origin options', () => {
    // GIVEN two routes
    const rules = ingressRules([
      { hostname: 'b.example.com', service: 'http://localhost:8081' },
      { hostname: 'a.example.com', path: '^/x', service: 'http://localhost:8080' },
    ]);
    // THEN
    expect(rules).toEqual([
      { hostname: 'b.example.com', service: 'http://localhost:8081' },
      { hostname: 'a.example.com', path: '^/x', service: 'http://localhost:8080' },
      { service: 'http_status:404' },
    ]);
  });

  test('maps origin options and access to the binding names (camelCase, before synthesis)', () => {
    const [rule] = ingressRules([
      {
        hostname: 'app.example.com',
        service: 'https://localhost:8443',
        origin: { noTlsVerify: true, httpHostHeader: 'h.example.net', originServerName: 'o.example.net', connectTimeoutSeconds: 7 },
        access: { teamName: 'example', audTags: ['aud-1', 'aud-2'] },
      },
    ]);
    expect(rule).toEqual({
      hostname: 'app.example.com',
      service: 'https://localhost:8443',
      originRequest: {
        noTlsVerify: true,
        httpHostHeader: 'h.example.net',
        originServerName: 'o.example.net',
        connectTimeout: 7,
        access: { required: true, teamName: 'example', audTag: ['aud-1', 'aud-2'] },
      },
    });
  });

  test('access alone gives an originRequest with only access', () => {
    const [rule] = ingressRules([{ hostname: 'app.example.com', service: 'http://localhost:8080', access: { teamName: 'example', audTags: ['aud-1'] } }]);
    expect(rule.originRequest).toEqual({ access: { required: true, teamName: 'example', audTag: ['aud-1'] } });
  });

  test('no origin options and no access: no originRequest key at all', () => {
    const rules = ingressRules([
      { hostname: 'a.example.com', service: 'http://localhost:8080' },
      { hostname: 'b.example.com', service: 'http://localhost:8080', origin: {} },
    ]);
    expect(rules[0]).not.toHaveProperty('originRequest');
    expect(rules[1]).not.toHaveProperty('originRequest');
    expect(rules[0]).not.toHaveProperty('path');
  });

  test('does not change its input', () => {
    const routes: TunnelRoute[] = [{ hostname: 'a.example.com', service: 'http://localhost:8080' }];
    ingressRules(routes);
    ingressRules(routes);
    expect(routes).toEqual([{ hostname: 'a.example.com', service: 'http://localhost:8080' }]);
  });
});

describe('validateRoutes', () => {
  test('valid routes add no problem', () => {
    expect(
      validate([
        { hostname: 'app.example.com', service: 'http://localhost:8080' },
        { hostname: 'app.example.com', path: '^/api/', service: 'unix:///run/app.sock' },
        { hostname: '*.example.com', service: 'http_status:503' },
      ]),
    ).toEqual([]);
  });

  test('paths default to the routes prefix under the collector prefix', () => {
    expect(validate([{ hostname: 'App.example.com', service: 'http://localhost:8080' }])).toEqual([
      { path: 'site.routes[0].hostname', message: 'must be lower case', value: 'App.example.com' },
    ]);
  });

  test('a custom prefix names the field', () => {
    expect(validate([{ hostname: 'app.example.com', service: 'localhost' }], 'sites.primary.routes').map((p) => p.path)).toEqual([
      'site.sites.primary.routes[0].service',
    ]);
  });

  test('collects every problem of every route, in route order', () => {
    // GIVEN three bad routes
    const problems = validate([
      { hostname: 'a.example.com:80', path: '[', service: 'http://localhost/x', origin: { connectTimeoutSeconds: 0 } },
      { hostname: 'b.example.com', service: 'http_status:700' },
      { hostname: 'b.example.com', service: 'http://localhost:8080' },
    ]);
    // THEN
    expect(problems.map((p) => [p.path, p.value])).toEqual([
      ['site.routes[0].hostname', 'a.example.com:80'],
      ['site.routes[0].service', 'http://localhost/x'],
      ['site.routes[0].path', '['],
      ['site.routes[0].origin.connectTimeoutSeconds', 0],
      ['site.routes[1].service', 'http_status:700'],
      ['site.routes[2].hostname', 'b.example.com'],
    ]);
    expect(problems[5].message).toContain('duplicates routes[1]');
  });

  test('a duplicate is reported against its first occurrence only, once per repeat', () => {
    const problems = validate([
      { hostname: 'a.example.com', service: 'http://localhost:8080' },
      { hostname: 'a.example.com', service: 'http://localhost:8081' },
      { hostname: 'a.example.com', service: 'http://localhost:8082' },
    ]);
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['site.routes[1].hostname', 'duplicates routes[0]; route each hostname (and path) once'],
      ['site.routes[2].hostname', 'duplicates routes[0]; route each hostname (and path) once'],
    ]);
  });

  test('a custom prefix is used in the duplicate message too', () => {
    const problems = validate(
      [
        { hostname: 'a.example.com', service: 'http://localhost:8080' },
        { hostname: 'a.example.com', service: 'http://localhost:8081' },
      ],
      'r',
    );
    expect(problems).toEqual([{ path: 'site.r[1].hostname', message: 'duplicates r[0]; route each hostname (and path) once', value: 'a.example.com' }]);
  });

  test('unresolved tokens in hostname, service, path and timeout are skipped', () => {
    const token = Lazy.stringValue({ produce: () => 'x' });
    const timeout = Lazy.numberValue({ produce: () => 0 });
    expect(validate([{ hostname: token, path: token, service: token, origin: { connectTimeoutSeconds: timeout } }])).toEqual([]);
  });
});

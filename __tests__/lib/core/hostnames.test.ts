/**
 * The one hostname module: syntax, zones (longest match), the Access destination matcher shared by
 * validation, TunnelHost, AccessGatedApp and the policy pack, app destinations and the route key.
 */
import { RE2JS } from 're2js';
import {
  accessPathOfRegex,
  accessPathProblem,
  appDestinations,
  appsForConnector,
  covers,
  coveredBy,
  customDomainProblem,
  destinationProblem,
  destinationSpecificity,
  hostnameProblem,
  ingressHostMatches,
  inZone,
  literalPrefixRegex,
  longestZoneMatch,
  mostSpecificApps,
  pagesDevHostnames,
  routeKey,
  routeShadows,
  routeTarget,
  splitDestination,
} from '../../../lib/core/hostnames';

describe('covers: the one hostname matcher', () => {
  test.each<[string, string, boolean]>([
    // exact
    ['app.example.com', 'app.example.com', true],
    ['app.example.com', 'api.example.com', false],
    ['app.example.com', 'x.app.example.com', false],
    ['example.com', 'app.example.com', false],
    // a wildcard covers exactly one label
    ['*.example.com', 'app.example.com', true],
    ['*.example.com', 'a-b-c.example.com', true],
    // ... not two labels
    ['*.example.com', 'a.b.example.com', false],
    // ... not the apex
    ['*.example.com', 'example.com', false],
    // ... not a different domain that merely ends the same way
    ['*.example.com', 'appexample.com', false],
    ['*.example.com', 'app.example.net', false],
    ['*.example.com', 'app.example.com.example.net', false],
    // a wildcard route is covered by the same wildcard only
    ['*.example.com', '*.example.com', true],
    ['app.example.com', '*.example.com', false],
    // a pages.dev preview wildcard is not covered by a wildcard one level up
    ['*.pages.dev', '*.docs.pages.dev', false],
  ])('%s covers %s: %p', (destination, hostname, expected) => {
    // GIVEN an Access destination and a hostname
    // WHEN / THEN
    expect(covers(destination, hostname)).toBe(expected);
  });

  test.each<[string, string, boolean]>([
    // a destination without a path (or with /*) covers every path of its host
    ['wiki.example.com', 'wiki.example.com/docs', true],
    ['wiki.example.com/*', 'wiki.example.com/docs', true],
    ['wiki.example.com/*', 'wiki.example.com', true],
    ['*.example.com', 'wiki.example.com/docs', true],
    // a path covers itself and everything below it (Cloudflare: /eng/exec inherits /eng)
    ['wiki.example.com/docs', 'wiki.example.com/docs', true],
    ['wiki.example.com/docs', 'wiki.example.com/docs/', true],
    ['wiki.example.com/docs', 'wiki.example.com/docs/a/b', true],
    ['wiki.example.com/docs', 'wiki.example.com/docs/*', true],
    // ... never the whole host, another path, or a longer segment
    ['wiki.example.com/docs', 'wiki.example.com', false],
    ['wiki.example.com/docs', 'wiki.example.com/', false],
    ['wiki.example.com/docs', 'wiki.example.com/api', false],
    ['wiki.example.com/docs', 'wiki.example.com/docsx', false],
    ['wiki.example.com/docs/v1', 'wiki.example.com/docs', false],
    // example.com/x/* covers what is below /x, not /x (Cloudflare's app-paths table)
    ['wiki.example.com/docs/*', 'wiki.example.com/docs', false],
    ['wiki.example.com/docs/*', 'wiki.example.com/docs/a', true],
    ['wiki.example.com/docs/*', 'wiki.example.com/docs/*', true],
    // the host must still match
    ['wiki.example.com/docs', 'api.example.com/docs', false],
    ['*.example.com/docs', 'wiki.example.com/docs/a', true],
  ])('paths: %s covers %s: %p', (destination, target, expected) => {
    // GIVEN an Access destination and a target with a path
    // WHEN / THEN
    expect(covers(destination, target)).toBe(expected);
  });

  test('splitDestination: the host and the path (empty for the whole host)', () => {
    expect(splitDestination('wiki.example.com/docs/v1')).toEqual({ host: 'wiki.example.com', path: '/docs/v1' });
    expect(splitDestination('wiki.example.com')).toEqual({ host: 'wiki.example.com', path: '' });
  });

  test('coveredBy: any of a list of destinations', () => {
    expect(coveredBy(['a.example.com', '*.example.net'], 'x.example.net')).toBe(true);
    expect(coveredBy(['a.example.com', '*.example.net'], 'x.example.com')).toBe(false);
    expect(coveredBy([], 'a.example.com')).toBe(false);
  });
});

describe('zones', () => {
  const zones = [{ zoneName: 'example.com' }, { zoneName: 'shop.example.com' }, { zoneName: 'example.net' }];

  test('inZone: the apex and below, a wildcard by the labels after *.', () => {
    expect(inZone('example.com', 'example.com')).toBe(true);
    expect(inZone('a.example.com', 'example.com')).toBe(true);
    expect(inZone('*.example.com', 'example.com')).toBe(true);
    expect(inZone('aexample.com', 'example.com')).toBe(false);
  });

  test('longestZoneMatch: the most specific declared zone, or none', () => {
    expect(longestZoneMatch(zones, 'www.shop.example.com')?.zoneName).toBe('shop.example.com');
    expect(longestZoneMatch(zones, 'www.example.com')?.zoneName).toBe('example.com');
    expect(longestZoneMatch(zones, 'example.net')?.zoneName).toBe('example.net');
    expect(longestZoneMatch(zones, 'www.example.org')).toBeUndefined();
  });
});

describe('syntax', () => {
  test('hostnameProblem: lower case, no port, one leading wildcard', () => {
    expect(hostnameProblem('app.example.com')).toBeUndefined();
    expect(hostnameProblem('*.example.com')).toBeUndefined();
    expect(hostnameProblem('App.example.com')).toBe('must be lower case');
    expect(hostnameProblem('app.example.com:443')).toContain('must not carry a port');
    expect(hostnameProblem('a.*.example.com')).toContain('may only use one wildcard');
    expect(hostnameProblem('localhost')).toContain('fully qualified');
  });

  test('customDomainProblem: a hostname that gets its own record is never a wildcard', () => {
    expect(customDomainProblem('www.example.com')).toBeUndefined();
    expect(customDomainProblem('*.example.com')).toBe('must not be a wildcard');
    expect(customDomainProblem('WWW.example.com')).toBe('must be lower case');
  });
});

describe('appDestinations', () => {
  const docs = { pagesDevHostnames: pagesDevHostnames('example-docs') };

  test('the hostnames, then the pages.dev hosts of the gated Pages sites, each once', () => {
    expect(appDestinations(['docs.example.com'], [docs, docs])).toEqual(['docs.example.com', 'example-docs.pages.dev', '*.example-docs.pages.dev']);
  });

  test('a site that declares its pages.dev hosts public adds nothing; a host the app lists already is not added twice', () => {
    expect(appDestinations(['docs.example.com'], [{ ...docs, pagesDevPublicReason: 'the docs are public anyway' }])).toEqual(['docs.example.com']);
    expect(appDestinations(['docs.example.com', 'example-docs.pages.dev'], [docs])).toEqual(['docs.example.com', 'example-docs.pages.dev', '*.example-docs.pages.dev']);
  });
});

test('routeKey: hostname and path; a missing path is the empty path', () => {
  expect(routeKey({ hostname: 'a.example.com' })).toBe(routeKey({ hostname: 'a.example.com', path: '' }));
  expect(routeKey({ hostname: 'a.example.com', path: '^/api' })).not.toBe(routeKey({ hostname: 'a.example.com' }));
  // the separator keeps a hostname and a path apart
  expect(routeKey({ hostname: 'a.example.co', path: 'm' })).not.toBe(routeKey({ hostname: 'a.example.com' }));
});

describe('Access paths', () => {
  test('accessPathProblem: literal segments, optionally a final /*', () => {
    for (const ok of ['/docs', '/api/v1', '/docs/*', '/a.b_c~d-e', '/v1.2/x']) expect(accessPathProblem(ok)).toBeUndefined();
    expect(accessPathProblem('docs')).toContain('it starts with /');
    expect(accessPathProblem('/')).toContain('whole host is written without one');
    expect(accessPathProblem('/*')).toContain('whole host is written without one');
    expect(accessPathProblem('/docs/')).toContain('no trailing /');
    expect(accessPathProblem('/a//b')).toContain('no empty segment');
    expect(accessPathProblem('/foo*/bar')).toContain('the only wildcard gatehouse accepts is a final /*');
    expect(accessPathProblem('/docs?x=1')).toContain('without a query');
    expect(accessPathProblem('/d%20s')).toContain('letters, digits');
  });

  test('destinationProblem: a hostname, then the path', () => {
    expect(destinationProblem('wiki.example.com/docs')).toBeUndefined();
    expect(destinationProblem('*.example.com/docs')).toBeUndefined();
    expect(destinationProblem('Wiki.example.com/docs')).toBe('must be lower case');
    expect(destinationProblem('wiki.example.com/')).toContain('whole host');
  });

  test('specificity: path depth; /x/* between /x and /x/y; hosts are not ranked', () => {
    expect(['a.example.com', 'a.example.com/*', '*.example.com/x', 'a.example.com/x/*', 'a.example.com/x/y'].map(destinationSpecificity)).toEqual([0, 0, 1, 1.5, 2]);
  });
});

describe('the literal-prefix form: a route regex that admits exactly the paths of an Access path', () => {
  test('accessPathOfRegex reads the form and literalPrefixRegex writes it (round trip)', () => {
    for (const p of ['/docs', '/api/v1', '/v1.2/x', '/a_b~c-d']) expect(accessPathOfRegex(literalPrefixRegex(p))).toBe(p);
    expect(literalPrefixRegex('/v1.2')).toBe('^/v1\\.2(/|$)');
  });

  test.each(['^/docs', '/docs(/|$)', '^/docs/', '^/docs(/.*)?$', '^/docs(/|$).*', '^/do.s(/|$)', '^/docs(/|$)|^/api', '^(/|$)', '^/docs/*(/|$)'])(
    'another shape is not the form: %s',
    (regex) => expect(accessPathOfRegex(regex)).toBeUndefined(),
  );

  // cloudflared matches the route regex unanchored against the request path (Go regexp, RE2:
  // Rule.Matches in cloudflared's ingress/rule.go); Access covers the destination path and below.
  const REQUEST_PATHS = ['/', '/docs', '/docs/', '/docs/a', '/docs/a/b.html', '/docsx', '/docs.html', '/doc', '/x/docs', '/api/docs/', '/DOCS', '/v1.2', '/v1x2', '/v1.2/x', '/v1.23'];
  test.each(['/docs', '/v1.2', '/docs/a'])('regex and Access path %s admit the same request paths', (accessPath) => {
    // GIVEN the route regex written for the Access path, compiled by RE2 as cloudflared's Go regexp does
    const re = RE2JS.compile(literalPrefixRegex(accessPath));
    // WHEN each sample request path is tried by both
    const table = REQUEST_PATHS.map((p) => [p, re.matcher(p).find(), covers(`wiki.example.com${accessPath}`, `wiki.example.com${p}`)]);
    // THEN they agree on every path (and admit at least one)
    for (const [p, byRegex, byAccess] of table) expect({ p, byRegex }).toEqual({ p, byRegex: byAccess });
    expect(table.some(([, byRegex]) => byRegex)).toBe(true);
  });

  test('routeTarget: a literal prefix is a path target; another regex over-approximates to the host', () => {
    expect(routeTarget({ hostname: 'wiki.example.com' })).toEqual({ target: 'wiki.example.com', approximate: false });
    expect(routeTarget({ hostname: 'wiki.example.com', path: '^/docs(/|$)' })).toEqual({ target: 'wiki.example.com/docs', accessPath: '/docs', approximate: false });
    expect(routeTarget({ hostname: 'wiki.example.com', path: '\\.png$' })).toEqual({ target: 'wiki.example.com', approximate: true });
  });
});

describe('ingress order', () => {
  test('ingressHostMatches: cloudflared\'s matchHost, where *. matches any depth', () => {
    expect(ingressHostMatches('*.example.com', 'a.b.example.com')).toBe(true);
    expect(ingressHostMatches('*.example.com', 'example.com')).toBe(false);
    expect(ingressHostMatches('a.example.com', 'a.example.com')).toBe(true);
  });

  test.each<[string, { hostname: string; path?: string }, { hostname: string; path?: string }, boolean]>([
    ['a host-wide rule shadows a later path on its host', { hostname: 'wiki.example.com' }, { hostname: 'wiki.example.com', path: '^/docs(/|$)' }, true],
    ['... any later regex', { hostname: 'wiki.example.com' }, { hostname: 'wiki.example.com', path: '\\.png$' }, true],
    ['a wildcard rule shadows a later host under it', { hostname: '*.example.com' }, { hostname: 'wiki.example.com' }, true],
    ['a literal prefix shadows a later prefix below it', { hostname: 'w.example.com', path: '^/docs(/|$)' }, { hostname: 'w.example.com', path: '^/docs/v1(/|$)' }, true],
    ['a path rule does not shadow the host-wide rule after it', { hostname: 'w.example.com', path: '^/docs(/|$)' }, { hostname: 'w.example.com' }, false],
    ['another host is not shadowed', { hostname: 'a.example.com' }, { hostname: 'b.example.com', path: '^/x(/|$)' }, false],
    ['a regex cloudflared could match differently is not decided', { hostname: 'w.example.com', path: '^/d' }, { hostname: 'w.example.com', path: '^/docs(/|$)' }, false],
  ])('routeShadows: %s', (_, earlier, later, expected) => {
    expect(routeShadows(earlier, later)).toBe(expected);
  });
});

describe('which apps Access applies (AUD at the connector)', () => {
  const main = { name: 'main', destinations: ['wiki.example.com'] };
  const api = { name: 'api', destinations: ['wiki.example.com/api'] };
  const admin = { name: 'admin', destinations: ['wiki.example.com/api/admin'] };
  const docs = { name: 'docs', destinations: ['wiki.example.com/docs'], bypass: true };
  const wild = { name: 'wild', destinations: ['*.example.com'] };
  const apps = [main, api, admin, docs, wild];
  const names = (xs: Array<{ name: string }>) => xs.map((x) => x.name);

  test('mostSpecificApps: the deepest covering path wins; hosts are not ranked', () => {
    expect(names(mostSpecificApps(apps, 'wiki.example.com/api/v1'))).toEqual(['api']);
    expect(names(mostSpecificApps(apps, 'wiki.example.com/other'))).toEqual(['main', 'wild']);
    expect(names(mostSpecificApps(apps, 'wiki.example.com/docs/a'))).toEqual(['docs']);
    expect(mostSpecificApps(apps, 'other.example.net')).toEqual([]);
  });

  test('a whole-host rule accepts every gating app on the host, path apps included, never a bypass app', () => {
    expect(names(appsForConnector(apps, 'wiki.example.com'))).toEqual(['main', 'api', 'admin', 'wild']);
  });

  test('a path rule accepts the most specific covering apps and every app below its path', () => {
    expect(names(appsForConnector(apps, 'wiki.example.com/api'))).toEqual(['api', 'admin']);
    expect(names(appsForConnector(apps, 'wiki.example.com/other'))).toEqual(['main', 'wild']);
    expect(names(appsForConnector(apps, 'wiki.example.com/docs'))).toEqual([]);
  });

  test('a wildcard route overlaps the apps of the hosts under it', () => {
    expect(names(appsForConnector([main, { name: 'x', destinations: ['x.example.net'] }], '*.example.com'))).toEqual(['main']);
  });
});

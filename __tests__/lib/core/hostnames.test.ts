/**
 * The one hostname module: syntax, zones (longest match), the Access destination matcher shared by
 * validation, TunnelHost, AccessGatedApp and the policy pack, app destinations and the route key.
 */
import {
  appDestinations,
  covers,
  coveredBy,
  customDomainProblem,
  hostnameProblem,
  inZone,
  longestZoneMatch,
  pagesDevHostnames,
  routeKey,
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

  test('the path extension point (issue 17): a destination without a path covers every path, one with a path only that path', () => {
    expect(splitDestination('wiki.example.com/docs')).toEqual({ host: 'wiki.example.com', path: '/docs' });
    expect(splitDestination('wiki.example.com')).toEqual({ host: 'wiki.example.com', path: '' });
    expect(covers('wiki.example.com', 'wiki.example.com/docs')).toBe(true);
    expect(covers('*.example.com', 'wiki.example.com/docs')).toBe(true);
    expect(covers('wiki.example.com/docs', 'wiki.example.com/docs')).toBe(true);
    // never more than it says: not the whole host, not another path
    expect(covers('wiki.example.com/docs', 'wiki.example.com')).toBe(false);
    expect(covers('wiki.example.com/docs', 'wiki.example.com/api')).toBe(false);
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

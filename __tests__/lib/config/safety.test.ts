/**
 * Validation-level tests of issue 14 (never lose data, never let anyone in): each check with its
 * boundaries, on the parsed file only (no synth). One fixture per class runs the whole pipeline in
 * __tests__/fixtures (corpus.test.ts).
 */
import { stringify } from 'yaml';
import { decodeUtf8, MAX_EXPANDED_VALUES, parseDeployment } from '../../../lib/config/load';
import { appSessions, policySessions } from '../../../lib/config/sessions';
import { GatehouseError } from '../../../lib/core/errors';
import { deploymentFrom, exampleInput, TODAY } from '../../helpers';

/** The problem lines of a mutated example ([] when valid), and its warnings. */
function check(mutate: (d: Record<string, any>) => void, today = TODAY): { problems: string[]; warnings: readonly string[] } {
  const input = exampleInput();
  mutate(input);
  try {
    return { problems: [], warnings: parseDeployment(stringify(input), 'deploy.yaml', { today }).warnings };
  } catch (e) {
    if (!(e instanceof GatehouseError)) throw e;
    return { problems: e.lines(), warnings: [] };
  }
}
const problems = (mutate: (d: Record<string, any>) => void, today?: string) => check(mutate, today).problems;

const ENTRA = { type: 'entra', client_id: '00000000-0000-4000-8000-0000000000c1', directory_id: '11111111-2222-4333-8444-555555555555', support_groups: true };

describe('dates that cannot destroy', () => {
  const retire = (since: string, extra: Record<string, unknown> = {}) => (d: Record<string, any>) => {
    delete d.buckets['example-assets'].credentials;
    d.buckets['example-assets'].retired = { since, retain_days: 30, ...extra };
  };

  test('a deletion date on or before tomorrow is refused, the day after tomorrow is accepted', () => {
    // GIVEN today 2026-11-22: since 2026-10-24 + 30 = 2026-11-23 (tomorrow), 2026-10-25 + 30 = 2026-11-24
    expect(problems(retire('2026-10-24'))).toEqual([
      'deploy.yaml: buckets.example-assets.retired.since: deletes every object of bucket example-assets on 2026-11-23 (since + 30 days), tomorrow ' +
        '(today is 2026-11-22); write the day retention really starts, or confirm the deletion with retired.confirm_delete: example-assets (got "2026-10-24")',
    ]);
    expect(problems(retire('2026-10-25'))).toEqual([]);
  });

  test('a file valid when written stays valid while its retention runs, and asks for the confirmation at its end', () => {
    // GIVEN a bucket retired on 2026-11-22 with 30 days: valid on every day until 2026-12-20 ...
    for (const today of ['2026-11-22', '2026-12-01', '2026-12-20']) expect(problems(retire('2026-11-22'), today)).toEqual([]);
    // ... and from the day before its deletion date, it needs the confirmation, which then covers the normal end
    expect(problems(retire('2026-11-22'), '2026-12-21')).toHaveLength(1);
    expect(problems(retire('2026-11-22', { confirm_delete: 'example-assets' }), '2027-06-01')).toEqual([]);
  });

  test('the confirmation names the bucket by its name, not its key', () => {
    const named = (confirm: string) => (d: Record<string, any>) => {
      retire('2020-01-01', { confirm_delete: confirm })(d);
      d.buckets['example-assets'].name = 'example-public-assets';
    };
    expect(problems(named('example-public-assets'))).toEqual([]);
    expect(problems(named('example-assets'))).toEqual([
      'deploy.yaml: buckets.example-assets.retired.confirm_delete: must be the exact name of the bucket whose objects it lets expire, example-public-assets (got "example-assets")',
    ]);
  });

  test("a disabled tenant's disabled_on is held to the same rule, with the tenant bucket's name", () => {
    const tenant = (member: Record<string, unknown>) => (d: Record<string, any>) => {
      d.tenants = { public_reason: 'each tenant hub authenticates its own users', members: [{ id: 'acme', enabled: false, ...member }] };
    };
    expect(problems(tenant({ disabled_on: '2026-11-22', retain_days: 2 }))).toEqual([]);
    expect(problems(tenant({ disabled_on: '2026-11-22', retain_days: 1 }))[0]).toContain('example-t-acme on 2026-11-23 (disabled_on + 1 days), tomorrow');
    expect(problems(tenant({ disabled_on: '2020-01-01', confirm_delete: 'example-t-acme' }))).toEqual([]);
    // an enabled tenant has no deletion clock, but a confirmation must still be the right name
    expect(problems(tenant({ enabled: true, confirm_delete: 'acme' }))[0]).toContain('tenants.members[0].confirm_delete: must be the exact name');
  });

  test('GATEHOUSE_TODAY must be a date', () => {
    expect(problems(() => {}, '22/11/2026')).toEqual(['GATEHOUSE_TODAY: must be a date written YYYY-MM-DD (got "22/11/2026")']);
  });
});

describe('Pages under Access', () => {
  const docs = (d: Record<string, any>, site: Record<string, unknown> = {}) => {
    d.pages = { docs: { project: 'example-docs', domains: ['docs.example.com'], ...site } };
  };

  test('an app over a Pages domain is valid at 3 hostnames (5 destinations) and at 4 or 5 (a companion app gates the pages.dev hosts); 3 sites overflow the companion, naming the fix', () => {
    expect(problems((d) => {
      docs(d);
      d.apps.internal.hostnames = ['admin.example.com', 'api.example.com', 'docs.example.com'];
      d.routes.splice(2, 1);
    })).toEqual([]);
    expect(problems((d) => {
      docs(d);
      d.apps.internal.hostnames.push('docs.example.com', 'wiki.example.com');
    })).toEqual([]);
    expect(problems((d) => {
      d.pages = Object.fromEntries(['one', 'two', 'three'].map((n) => [n, { project: `example-${n}`, domains: [`${n}.example.com`] }]));
      d.apps.internal.hostnames = ['admin.example.com', 'api.example.com', 'one.example.com', 'two.example.com', 'three.example.com'];
      d.routes.splice(2, 1);
    })[0]).toContain('apps.internal.hostnames: gates the pages.dev hosts of pages.one, pages.two, pages.three');
  });

  test('declaring the pages.dev hosts public removes them from the count', () => {
    expect(problems((d) => {
      docs(d, { pages_dev: { public: { reason: 'the docs are public on pages.dev anyway' } } });
      d.apps.internal.hostnames.push('docs.example.com', 'ops.example.com');
    })).toEqual([]);
  });

  test("a site's domains gated by two apps are refused: one site is one app", () => {
    const lines = problems((d) => {
      d.pages = { docs: { domains: ['docs.example.com', 'handbook.example.com'] } };
      d.apps.internal.hostnames.push('docs.example.com');
      d.apps.other = { hostnames: ['handbook.example.com'], policies: ['allow-staff'] };
    });
    expect(lines).toEqual([
      'deploy.yaml: pages.docs.domains[1]: is gated by app other, but docs.example.com of the same Pages site by app internal; one site is one app: gate all its domains with app internal (got "handbook.example.com")',
    ]);
  });

  test('pages.dev hosts may be listed explicitly (gating only the previews of a public site is fine), never in another app than the domain', () => {
    expect(problems((d) => {
      docs(d);
      d.apps.previews = { hostnames: ['*.example-docs.pages.dev'], policies: ['allow-staff'], idps: ['workspace'] };
    })).toEqual([]);
    expect(problems((d) => {
      docs(d);
      d.apps.internal.hostnames.push('docs.example.com');
      d.apps.previews = { hostnames: ['*.example-docs.pages.dev'], policies: ['allow-staff'] };
    })).toEqual([
      'deploy.yaml: apps.previews.hostnames[0]: is a pages.dev host of pages.docs, whose custom domains app internal gates; gate it with app internal (gatehouse adds it there) (got "*.example-docs.pages.dev")',
    ]);
    // a pages.dev host of no declared site lies in no zone
    expect(problems((d) => d.apps.internal.hostnames.push('other.pages.dev'))[0]).toContain('apps.internal.hostnames[3]: must lie in the zone example.com');
  });

  test('pages.dev declared public while an app gates it is a contradiction', () => {
    expect(problems((d) => {
      docs(d, { pages_dev: { public: { reason: 'the docs are public on pages.dev anyway' } } });
      d.apps.previews = { hostnames: ['example-docs.pages.dev'], policies: ['allow-staff'] };
    })[0]).toContain('pages.docs.pages_dev.public: contradicts app previews');
  });
});

describe('honest sessions', () => {
  test('a policy follows the session its apps declare; a declared one wins; an unused one has none', () => {
    // GIVEN two apps at 8h sharing allow-staff, a policy with its own session, and an unused one
    const d = deploymentFrom(
      ((input) => {
        input.apps.internal.session_duration = '8h';
        input.apps.ops = { hostnames: ['ops.example.com'], policies: ['allow-staff', 'allow-oncall'], idps: ['workspace'], session_duration: '8h' };
        input.access_policies['allow-oncall'] = { decision: 'allow', include: [{ group: 'staff' }], session_duration: '1h' };
        input.access_policies.unused = { decision: 'allow', include: [{ group: 'staff' }] };
        return input;
      })(exampleInput()),
    );
    const sessions = policySessions(d);
    expect(sessions.get('allow-staff')).toMatchObject({ session: '8h', source: 'apps' });
    expect(sessions.get('allow-oncall')).toMatchObject({ session: '1h', source: 'declared' });
    expect(sessions.get('unused')).toMatchObject({ source: 'unused' });
    expect(sessions.get('unused')!.session).toBeUndefined();
    // THEN each app's effective session is listed (the report writes these)
    expect(appSessions(d)).toEqual([
      { app: 'apps.internal', appSession: '8h', policies: [{ policy: 'allow-staff', session: '8h' }], effective: '8h' },
      {
        app: 'apps.ops',
        appSession: '8h',
        policies: [{ policy: 'allow-staff', session: '8h' }, { policy: 'allow-oncall', session: '1h' }],
        effective: '8h or 1h (by policy)',
      },
    ]);
  });

  test("a tenant's app counts at its 24h default; deny and bypass policies never need a session", () => {
    const lines = problems((d) => {
      d.apps.internal.session_duration = '8h';
      d.tenants = { members: [{ id: 'acme', access: { policies: ['allow-staff'] } }] };
    });
    expect(lines).toEqual([
      "deploy.yaml: access_policies.allow-staff.session_duration: is required here: the apps that use this policy declare different sessions (apps.internal 8h, tenants.members[0] 24h), and the policy's session, not the app's, is what a user admitted by it gets; set it, or give those apps one session_duration",
    ]);
    expect(problems((d) => {
      d.access_policies['deny-contractors'] = { decision: 'deny', include: [{ email_domain: 'contractor.example.com' }] };
      d.apps.internal.policies.push('deny-contractors');
      d.apps.ops = { hostnames: ['ops.example.com'], policies: ['deny-contractors', 'allow-staff'], session_duration: '24h' };
      d.apps.labs = { hostnames: ['lab2.example.com'], policies: ['deny-contractors'], session_duration: '8h' };
    })).toEqual([]);
  });
});

describe('unique zones and sound identities', () => {
  test('zone names and ids are each unique across cloudflare.zone and extra_zones', () => {
    const zones = (extra: unknown[]) => problems((d) => (d.cloudflare.extra_zones = extra));
    expect(zones([{ zone: 'example.net', zone_id: 'abcdefabcdefabcdefabcdefabcdef01' }, { zone: 'example.org', zone_id: 'abcdefabcdefabcdefabcdefabcdef01' }])).toEqual([
      'deploy.yaml: cloudflare.extra_zones[1].zone_id: is already the id of cloudflare.extra_zones[0].zone_id (example.net); each zone has its own id, records would land in the wrong zone (got "abcdefabcdefabcdefabcdefabcdef01")',
    ]);
    // a zone listed twice is one line (its repeated id is the same mistake)
    expect(zones([{ zone: 'example.net', zone_id: 'abcdefabcdefabcdefabcdefabcdef01' }, { zone: 'example.net', zone_id: 'abcdefabcdefabcdefabcdefabcdef01' }])).toHaveLength(1);
    // nested zones are distinct zones: a hostname belongs to the longest
    expect(zones([{ zone: 'shop.example.com', zone_id: 'abcdefabcdefabcdefabcdefabcdef01' }])).toEqual([]);
  });

  test('a zone that holds none of the hostnames is one line at cloudflare.zone', () => {
    expect(problems((d) => (d.cloudflare.zone = 'exmaple.com'))).toEqual([
      'deploy.yaml: cloudflare.zone: holds none of the 5 hostnames this file names (e.g. admin.example.com); write the zone they lie in (got "exmaple.com")',
    ]);
  });

  test('an entra group must be an object id, checked once the provider is known to be entra', () => {
    const group = (idp: string, g: string) => (d: Record<string, any>) => {
      d.identity_providers.entra = ENTRA;
      d.access_groups.staff.idp_groups = [{ idp, group: g }];
    };
    expect(problems(group('entra', 'eeeeeeee-0000-4000-8000-000000000001'))).toEqual([]);
    expect(problems(group('entra', 'Engineering'))[0]).toContain("must be the entra group's object id, a uuid");
    // an unknown provider is the root cause, reported alone
    expect(problems(group('nope', 'Engineering'))).toEqual(['deploy.yaml: access_groups.staff.idp_groups[0].idp: names no identity provider; declared: workspace, entra (got "nope")']);
  });

  test.each([
    ['*.example.com', 'a wildcard matches no one'],
    ['@example.com', 'without @'],
    ['https://example.com', 'without a scheme'],
  ])('email domain %s is refused in groups and in policy rules (%s)', (domain, why) => {
    expect(problems((d) => (d.access_groups.staff.email_domains = [domain]))[0]).toContain(why);
    expect(problems((d) => (d.access_policies['allow-staff'].include = [{ email_domain: domain }]))[0]).toContain(why);
  });

  describe('warns when a policy admits someone no allowed identity provider can sign in', () => {
    const warnings = (mutate: (d: Record<string, any>) => void) => check(mutate).warnings;

    test('an outside address or domain with only a Workspace IdP restricted to its domain', () => {
      expect(warnings((d) => (d.access_groups.staff.emails = ['ada@example.org']))).toEqual([
        "deploy.yaml: access_groups.staff.emails[0]: admits ada@example.org, but no identity provider of app internal can sign it in (allowed: workspace (google workspace, example.com accounts only)); add one that can (e.g. one-time-pin) to the app's idps, or remove the rule (got \"ada@example.org\")",
      ]);
      expect(warnings((d) => d.access_policies['allow-staff'].include.push({ email_domain: 'example.org' }))[0]).toContain('access_policies.allow-staff.include[1].email_domain: admits example.org');
    });

    test('no warning when an allowed IdP can, when it cannot be known, or for non-allow policies', () => {
      expect(warnings((d) => (d.access_groups.staff.emails = ['ada@sub.example.com']))).toEqual([]);
      expect(warnings((d) => {
        d.access_groups.staff.emails = ['ada@example.org'];
        d.identity_providers.pin = { type: 'one-time-pin' };
        d.apps.internal.idps.push('pin');
      })).toEqual([]);
      expect(warnings((d) => {
        d.access_groups.staff.emails = ['ada@example.org'];
        d.apps.internal.idps = []; // every IdP of the account: not known here (only the empty list itself is warned)
      })).toEqual([IDPS_EMPTY]);
      expect(warnings((d) => {
        d.access_groups.staff.emails = ['ada@example.org'];
        d.identity_providers.entra = ENTRA;
        d.apps.internal.idps = ['entra']; // an entra directory may hold any address
      })).toEqual([]);
    });
  });
});

const IDPS_EMPTY =
  'deploy.yaml: apps.internal.idps: is empty, so every login method of the account may sign in and access shows its login page; list the identity providers (exactly one turns on auto-redirect); declared: workspace';

describe('an app that admits people names its identity providers (the Workspace ADR checklist: no login page bypass)', () => {
  const warnings = (mutate: (d: Record<string, any>) => void) => check(mutate).warnings;

  test('warns when an app with an allow policy lists no identity provider', () => {
    expect(warnings((d) => (d.apps.internal.idps = []))).toEqual([IDPS_EMPTY]);
  });

  test('no warning for an app whose policies admit no people (service tokens only)', () => {
    expect(
      warnings((d) => {
        d.service_tokens = { ci: { reason: 'the CI pipeline reads the API' } };
        d.access_policies['ci-only'] = { decision: 'non_identity', include: [{ service_token: 'ci' }] };
        d.apps.internal.policies = ['ci-only'];
        d.apps.internal.idps = [];
      }),
    ).toEqual([]);
  });
});

describe('input hygiene', () => {
  test.each([
    [[0x61, 0xff], 1, 'byte 0xff'],
    [[0x61, 0xc3], 1, 'truncated sequence'],
    [[0xc0, 0xaf], 0, 'overlong'],
    [[0x61, 0x0a, 0x62, 0xed, 0xa0, 0x80], 3, 'surrogate'],
    [[0xf4, 0x90, 0x80, 0x80], 0, 'above U+10FFFF'],
  ])('refuses non-UTF-8 %j naming byte offset %i (%s)', (bytes, offset) => {
    expect(() => decodeUtf8(Uint8Array.from(bytes), 'f.yaml')).toThrow(`is not UTF-8: byte 0x${bytes[offset].toString(16).padStart(2, '0')} at byte offset ${offset}`);
  });

  test('names line and column, and accepts UTF-8 with and without a BOM', () => {
    expect(() => decodeUtf8(Uint8Array.from([0x61, 0x0a, 0x62, 0x63, 0xe9]), 'f.yaml')).toThrow('f.yaml: line 2, column 3: is not UTF-8');
    expect(decodeUtf8(new TextEncoder().encode('name: café'), 'f.yaml')).toBe('name: café');
    expect(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]), 'f.yaml')).toBe('a');
  });

  test('aliases are bounded by the size of what they expand to: one line, never a RangeError', () => {
    const levels = ['x-a: &a [' + Array(10).fill(`"${'x'.repeat(1000)}"`).join(',') + ']'];
    for (const [p, q] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['c2', 'e']]) levels.push(`x-${q}: &${q} [${Array(10).fill(`*${p === 'c2' ? 'd' : p}`).join(',')}]`);
    levels.push('name: *e');
    let lines: string[] = [];
    try {
      parseDeployment(levels.join('\n'), 'bomb.yaml', { today: TODAY });
    } catch (e) {
      lines = (e as GatehouseError).lines();
    }
    expect(lines).toEqual([`bomb.yaml: x-e: expands through yaml aliases to more than ${MAX_EXPANDED_VALUES.toLocaleString('en-US')} values or 16 MiB of text; share fewer or smaller anchors`]);
  });

  test('quoting is advised only where the quoted text would be valid', () => {
    // (the text as written: 32 digits pass the id rule once quoted, though the number they were read as would not)
    const text = stringify(exampleInput()).replace(/zone_id: \w+/, 'zone_id: 12345678901234567890123456789012');
    expect(() => parseDeployment(text, 'deploy.yaml', { today: TODAY })).toThrow('cloudflare.zone_id: must be a string; quote it in the yaml');
    expect(problems((d) => (d.cloudflare.team_name = 12345))[0]).toContain('quote it in the yaml');
    // quoted, 24 would still not be a duration, and 8080 not a hostname: the rule speaks
    expect(problems((d) => (d.apps.internal.session_duration = 24))).toEqual([
      'deploy.yaml: apps.internal.session_duration: must be a duration such as 30m, 8h or 24h (units ns, us, ms, s, m, h) (got 24)',
    ]);
    expect(problems((d) => (d.routes[0].hostname = 8080))).toEqual(['deploy.yaml: routes[0].hostname: must be a fully qualified hostname such as app.example.com (got 8080)']);
  });

  test('a misspelled required field is one line naming the field it was meant to be, also inside a union branch', () => {
    expect(problems((d) => (d.backend = { type: 'gcs', bukket: 'example-tfstate' }))).toEqual([
      'deploy.yaml: backend.bukket: is not a known field; did you mean bucket, which is required?',
    ]);
    expect(problems((d) => (d.sites.primary = { external: { nam: 'onprem' } }))).toEqual([
      'deploy.yaml: sites.primary.external.nam: is not a known field; did you mean name, which is required?',
    ]);
  });

  test('a misspelled app hostname is one line: the route it was meant to gate is not also reported as ungated', () => {
    expect(problems((d) => (d.apps.internal.hostnames[0] = 'admin.exmaple.com'))).toEqual([
      'deploy.yaml: apps.internal.hostnames[0]: must lie in the zone example.com (e.g. app.example.com) (got "admin.exmaple.com")',
    ]);
  });

  test('construct limits are checked in the file, by field: wildcard Pages and Worker domains, 40-character GCE names, blank reasons', () => {
    expect(problems((d) => (d.pages = { www: { domains: ['*.example.com'] } }))).toEqual(['deploy.yaml: pages.www.domains[0]: must not be a wildcard (got "*.example.com")']);
    expect(problems((d) => (d.sites.primary.name = `p${'a'.repeat(40)}`))[0]).toContain('sites.primary.name: must be at most 40 characters');
    expect(problems((d) => (d.routes[3].public.reason = `${' '.repeat(12)}x`))[0]).toContain('routes[3].public.reason: must give a reason of at least 10 characters');
  });
});

describe('secrets are never fields', () => {
  test.each([
    [(d: Record<string, any>) => (d.identity_providers.workspace.client_secret = 'x'), 'identity_providers.workspace.client_secret: is not a field', 'TF_VAR_workspace_client_secret'],
    [
      (d: Record<string, any>) => Object.assign(d.identity_providers.workspace, { secret_variable: 'ws_secret', token: 'x' }),
      'identity_providers.workspace.token: is not a field',
      'TF_VAR_ws_secret (named by secret_variable)',
    ],
    [(d: Record<string, any>) => (d.cloudflare.api_token = 'x'), 'cloudflare.api_token: is not a field', 'CLOUDFLARE_API_TOKEN'],
    [(d: Record<string, any>) => (d.backend.credentials = 'x'), 'backend.credentials: is not a field', 'application default credentials'],
    [(d: Record<string, any>) => (d.routes[0].password = 'x'), 'routes[0].password: is not a field', 'TF_VAR_*'],
  ])('a literal secret key names where the secret belongs (%#)', (mutate, at, home) => {
    const [line] = problems(mutate);
    expect(line).toContain(at);
    expect(line).toContain('secrets never go in the deployment file');
    expect(line).toContain(home);
  });

  test('an ordinary unknown field is still a spelling mistake: it lists the fields known there (zone is already written)', () => {
    expect(problems((d) => (d.cloudflare.zoen = 'x'))).toEqual(['deploy.yaml: cloudflare.zoen: is not a known field; the fields of cloudflare are account_id, zone, zone_id, team_name, plan, extra_zones, limits']);
  });

  test.each([
    ['an optional field of a route', (d: Record<string, any>) => (d.routes[0].orign = {}), 'deploy.yaml: routes[0].orign: is not a known field; did you mean origin?'],
    ['a top-level section', (d: Record<string, any>) => (d.tenant = {}), 'deploy.yaml: tenant: is not a known field; did you mean tenants?'],
    ['a field of one branch of the identity provider types', (d: Record<string, any>) => (d.identity_providers.workspace.secret_expirs = '2030-01-01'), 'deploy.yaml: identity_providers.workspace.secret_expirs: is not a known field; did you mean secret_expires?'],
  ])('a misspelled field the object does not have names the field it looks like: %s', (_, mutate, line) => {
    expect(problems(mutate)).toEqual([line]);
  });

  test('an unknown field that looks like nothing lists the fields of its place (a site: every site field, GCE and external)', () => {
    expect(problems((d) => (d.sites.primary.machine = 'e2-small'))).toEqual([
      'deploy.yaml: sites.primary.machine: is not a known field; the fields of sites.primary are name, project, region, zone, machine_type, image, network, ssh_via_iap, deletion_protection, allow_stopping_for_update, egress, token_rotation, external',
    ]);
  });
});

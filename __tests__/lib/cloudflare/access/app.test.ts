import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AccessGatedApp, AccessGatedAppProps, SameSite } from '../../../../lib/cloudflare/access/app';
import { IdentityProvider, OneTimePinIdentityProvider } from '../../../../lib/cloudflare/access/identity-provider';
import { AccessPolicy } from '../../../../lib/cloudflare/access/policy';
import { AccessDecision, AccessRule } from '../../../../lib/cloudflare/access/rules';
import { GatehouseError } from '../../../../lib/core/errors';
import { ACCOUNT_ID, expectProblem, Json, newStack, problemsOf, synth, warningsOf } from './support';

const APP = 'cloudflare_zero_trust_access_application';
const POLICY_1 = '11111111-1111-4111-8111-111111111111';
const POLICY_2 = '22222222-2222-4222-8222-222222222222';
const POLICY_3 = '33333333-3333-4333-8333-333333333333';
const IDP_1 = IdentityProvider.fromIdentityProviderId('aaaaaaaa-0000-4000-8000-000000000001');
const IDP_2 = IdentityProvider.fromIdentityProviderId('aaaaaaaa-0000-4000-8000-000000000002');
const allowStaff = AccessPolicy.fromPolicyId(POLICY_1, AccessDecision.ALLOW);

function baseProps(overrides: Partial<AccessGatedAppProps> = {}): AccessGatedAppProps {
  return {
    accountId: ACCOUNT_ID,
    name: 'internal',
    teamName: 'example',
    hostnames: ['admin.example.com'],
    policies: [allowStaff],
    ...overrides,
  };
}

/** Synthesize one app and return its resource config. */
function appConfig(overrides: Partial<AccessGatedAppProps> = {}): Json {
  return synth((scope) => new AccessGatedApp(scope, 'app', baseProps(overrides))).at(APP, 'app/resource');
}

function build(overrides: Partial<AccessGatedAppProps> = {}, scope: Construct = newStack()): AccessGatedApp {
  return new AccessGatedApp(scope, 'app', baseProps(overrides));
}

describe('AccessGatedApp defaults', () => {
  // GIVEN only the required props (one hostname, one policy, no identity provider)
  // WHEN the app is synthesized
  const config = appConfig();

  test('is a self_hosted application in the given account with the given name', () => {
    // THEN
    expect(config.type).toBe('self_hosted');
    expect(config.account_id).toBe(ACCOUNT_ID);
    expect(config.name).toBe('internal');
  });

  test('session duration defaults to 24h', () => {
    expect(config.session_duration).toBe('24h');
  });

  test('is visible in the App Launcher by default', () => {
    expect(config.app_launcher_visible).toBe(true);
  });

  test('cookie defaults: HttpOnly, SameSite=Lax, no binding cookie', () => {
    expect(config.http_only_cookie_attribute).toBe(true);
    expect(config.same_site_cookie_attribute).toBe('lax');
    expect(config.enable_binding_cookie).toBe(false);
  });

  test('domain is the hostname and destinations list it as a public uri', () => {
    expect(config.domain).toBe('admin.example.com');
    expect(config.destinations).toEqual([{ type: 'public', uri: 'admin.example.com' }]);
  });

  test('attaches the policy by id with precedence 1', () => {
    expect(config.policies).toEqual([{ id: POLICY_1, precedence: 1 }]);
  });

  test('without identity providers: no allowed_idps and no auto-redirect', () => {
    expect(config).not.toHaveProperty('allowed_idps');
    expect(config.auto_redirect_to_identity).toBe(false);
  });

  test('sends no CORS settings and no deprecated self_hosted_domains', () => {
    expect(config).not.toHaveProperty('cors_headers');
    expect(config).not.toHaveProperty('self_hosted_domains');
  });

  test('warns about nothing', () => {
    expect(warningsOf(build())).toEqual([]);
  });
});

describe('AccessGatedApp hostnames and policies', () => {
  test('domain is the first hostname; destinations keep the given order', () => {
    // GIVEN three hostnames
    const hostnames = ['portal.example.com', 'api.example.com', '*.tools.example.net'];
    // WHEN
    const config = appConfig({ hostnames });
    // THEN
    expect(config.domain).toBe('portal.example.com');
    expect(config.destinations).toEqual(hostnames.map((uri) => ({ type: 'public', uri })));
  });

  test('policies get precedence 1..n in the given order', () => {
    // GIVEN three policies, the first created in the stack, the others imported
    const s = synth((scope) => {
      const created = new AccessPolicy(scope, 'deny-contractors', {
        accountId: ACCOUNT_ID,
        name: 'deny contractors',
        decision: AccessDecision.DENY,
        include: [AccessRule.emailDomain('contractors.example.net')],
      });
      new AccessGatedApp(scope, 'app', baseProps({
        policies: [created, AccessPolicy.fromPolicyId(POLICY_2, AccessDecision.ALLOW), AccessPolicy.fromPolicyId(POLICY_3, AccessDecision.NON_IDENTITY)],
      }));
    });
    // WHEN
    const config = s.at(APP, 'app/resource');
    // THEN
    const policyId = s.logicalId('deny-contractors/resource');
    expect(config.policies).toEqual([
      { id: `\${cloudflare_zero_trust_access_policy.${policyId}.id}`, precedence: 1 },
      { id: POLICY_2, precedence: 2 },
      { id: POLICY_3, precedence: 3 },
    ]);
  });

  test('exactly five hostnames are accepted', () => {
    // GIVEN five distinct hostnames
    const hostnames = ['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com', 'e.example.com'];
    // WHEN
    const config = appConfig({ hostnames });
    // THEN
    expect(config.destinations).toHaveLength(5);
  });

  test('exposes id, aud, hostnames and team name', () => {
    // GIVEN an app with outputs of its id and aud
    let app: AccessGatedApp | undefined;
    const s = synth((scope) => {
      app = new AccessGatedApp(scope, 'app', baseProps({ hostnames: ['a.example.com', 'b.example.com'] }));
      new TerraformOutput(scope, 'id', { value: app.applicationId });
      new TerraformOutput(scope, 'aud', { value: app.aud });
    });
    // THEN
    const id = s.logicalId('app/resource');
    expect(s.output('id')).toBe(`\${${APP}.${id}.id}`);
    expect(s.output('aud')).toBe(`\${${APP}.${id}.aud}`);
    expect(app!.hostnames).toEqual(['a.example.com', 'b.example.com']);
    expect(app!.teamName).toBe('example');
  });

  test('optional props are passed through: session duration and App Launcher visibility', () => {
    // GIVEN
    const config = appConfig({ sessionDuration: '8h', appLauncherVisible: false });
    // THEN
    expect(config.session_duration).toBe('8h');
    expect(config.app_launcher_visible).toBe(false);
  });
});

describe('AccessGatedApp identity providers and auto-redirect', () => {
  test('exactly one identity provider: allowed_idps lists it and auto-redirect defaults to true', () => {
    // GIVEN one IdP and no autoRedirectToIdentity
    let app: AccessGatedApp | undefined;
    const s = synth((scope) => {
      app = new AccessGatedApp(scope, 'app', baseProps({ identityProviders: [IDP_1] }));
    });
    // THEN
    const config = s.at(APP, 'app/resource');
    expect(config.allowed_idps).toEqual([IDP_1.identityProviderId]);
    expect(config.auto_redirect_to_identity).toBe(true);
    expect(warningsOf(app!)).toEqual([]);
  });

  test('two identity providers: both allowed, auto-redirect defaults to false, no warning', () => {
    // GIVEN two IdPs
    const stack = newStack();
    const app = build({ identityProviders: [IDP_1, IDP_2] }, stack);
    // WHEN
    const config = appConfig({ identityProviders: [IDP_1, IDP_2] });
    // THEN
    expect(config.allowed_idps).toEqual([IDP_1.identityProviderId, IDP_2.identityProviderId]);
    expect(config.auto_redirect_to_identity).toBe(false);
    expect(warningsOf(app)).toEqual([]);
  });

  test('an empty identity provider list behaves like none', () => {
    const config = appConfig({ identityProviders: [] });
    expect(config).not.toHaveProperty('allowed_idps');
    expect(config.auto_redirect_to_identity).toBe(false);
  });

  test('one identity provider with auto-redirect explicitly off: false, with a warning annotation', () => {
    // GIVEN one IdP and autoRedirectToIdentity false
    const app = build({ identityProviders: [IDP_1], autoRedirectToIdentity: false });
    const config = appConfig({ identityProviders: [IDP_1], autoRedirectToIdentity: false });
    // THEN
    expect(config.auto_redirect_to_identity).toBe(false);
    const warnings = warningsOf(app);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('auto-redirect to the only identity provider is off');
  });

  test('one identity provider with auto-redirect explicitly on: true, no warning', () => {
    const app = build({ identityProviders: [IDP_1], autoRedirectToIdentity: true });
    expect(appConfig({ identityProviders: [IDP_1], autoRedirectToIdentity: true }).auto_redirect_to_identity).toBe(true);
    expect(warningsOf(app)).toEqual([]);
  });

  test('an IdP created in the stack is referenced by its id', () => {
    // GIVEN a one-time PIN IdP created alongside the app
    const s = synth((scope) => {
      const otp = new OneTimePinIdentityProvider(scope, 'otp', { accountId: ACCOUNT_ID });
      new AccessGatedApp(scope, 'app', baseProps({ identityProviders: [otp] }));
    });
    // THEN
    const idp = s.logicalId('otp/resource');
    expect(s.at(APP, 'app/resource').allowed_idps).toEqual([`\${cloudflare_zero_trust_access_identity_provider.${idp}.id}`]);
  });
});

describe('AccessGatedApp CORS', () => {
  test('all CORS settings are passed through', () => {
    // GIVEN every CORS field
    const config = appConfig({
      cors: {
        allowedOrigins: ['https://portal.example.com', 'https://www.example.net'],
        allowedMethods: ['GET', 'POST', 'OPTIONS'],
        allowedHeaders: ['Content-Type', 'Authorization'],
        allowCredentials: true,
        maxAge: 600,
      },
    });
    // THEN
    expect(config.cors_headers).toEqual({
      allowed_origins: ['https://portal.example.com', 'https://www.example.net'],
      allowed_methods: ['GET', 'POST', 'OPTIONS'],
      allowed_headers: ['Content-Type', 'Authorization'],
      allow_credentials: true,
      max_age: 600,
    });
  });

  test('an empty CORS object sends allow_credentials false and nothing else', () => {
    expect(appConfig({ cors: {} }).cors_headers).toEqual({ allow_credentials: false });
  });

  test('empty lists are omitted; maxAge 0 is sent', () => {
    // GIVEN origins, empty methods and headers, and a zero max age
    const config = appConfig({ cors: { allowedOrigins: ['https://portal.example.com'], allowedMethods: [], allowedHeaders: [], maxAge: 0 } });
    // THEN
    expect(config.cors_headers).toEqual({ allowed_origins: ['https://portal.example.com'], allow_credentials: false, max_age: 0 });
  });

  test('"*" origin without credentials is accepted', () => {
    expect(appConfig({ cors: { allowedOrigins: ['*'] } }).cors_headers.allowed_origins).toEqual(['*']);
  });
});

describe('AccessGatedApp cookies', () => {
  test('all cookie attributes are passed through', () => {
    // GIVEN every cookie setting flipped from its default
    const config = appConfig({ cookies: { httpOnly: false, sameSite: SameSite.STRICT, bindingCookie: true } });
    // THEN
    expect(config.http_only_cookie_attribute).toBe(false);
    expect(config.same_site_cookie_attribute).toBe('strict');
    expect(config.enable_binding_cookie).toBe(true);
  });

  test('unset cookie attributes keep their defaults', () => {
    // GIVEN only SameSite=None
    const config = appConfig({ cookies: { sameSite: SameSite.NONE } });
    // THEN
    expect(config.same_site_cookie_attribute).toBe('none');
    expect(config.http_only_cookie_attribute).toBe(true);
    expect(config.enable_binding_cookie).toBe(false);
  });
});

describe('AccessGatedApp over Pages sites', () => {
  const docs = { projectName: 'example-docs', hostnames: ['docs.example.com'], pagesDevHostnames: ['example-docs.pages.dev', '*.example-docs.pages.dev'] };

  test("gates the site's pages.dev host and every preview too, after the hostnames, and records the site for the pack", () => {
    // GIVEN an app over a Pages custom domain, with the site
    const s = synth((scope) => new AccessGatedApp(scope, 'app', baseProps({ hostnames: ['docs.example.com'], pagesSites: [docs] })));
    const config = s.at(APP, 'app/resource');
    // THEN the destinations are the domain, <project>.pages.dev and *.<project>.pages.dev
    expect(config.destinations).toEqual([
      { type: 'public', uri: 'docs.example.com' },
      { type: 'public', uri: 'example-docs.pages.dev' },
      { type: 'public', uri: '*.example-docs.pages.dev' },
    ]);
    expect(config.domain).toBe('docs.example.com');
    const app = s.stack.node.findAll().find((c) => c.node.path.endsWith('app/resource'))!;
    expect(app.node.metadata.find((m) => m.type === 'gatehouse:pages-sites')?.data).toEqual([
      { project: 'example-docs', domains: ['docs.example.com'], pagesDev: ['example-docs.pages.dev', '*.example-docs.pages.dev'] },
    ]);
  });

  test('a site that declares its pages.dev hosts public adds nothing', () => {
    const config = appConfig({ hostnames: ['docs.example.com'], pagesSites: [{ ...docs, pagesDevPublicReason: 'the docs are public on pages.dev' }] });
    expect(config.destinations).toEqual([{ type: 'public', uri: 'docs.example.com' }]);
  });

  test('pages.dev hosts already listed are not added twice', () => {
    const config = appConfig({ hostnames: ['docs.example.com', 'example-docs.pages.dev'], pagesSites: [docs] });
    expect(config.destinations.map((d: Json) => d.uri)).toEqual(['docs.example.com', 'example-docs.pages.dev', '*.example-docs.pages.dev']);
  });

  describe('five hostnames, one of them a Pages domain (valid before issue 14): the pages.dev hosts go to a companion app', () => {
    // GIVEN five hostnames, one a Pages custom domain, and the site
    const hostnames = ['docs.example.com', 'a.example.com', 'b.example.com', 'c.example.com', 'd.example.com'];
    const s = synth((scope) => new AccessGatedApp(scope, 'app', baseProps({ hostnames, pagesSites: [docs], identityProviders: [IDP_1], sessionDuration: '8h' })));
    const main = s.at(APP, 'app/resource');
    const companion = s.at(APP, 'app/pages-dev');

    test('the app keeps exactly its five hostnames', () => {
      expect(main.destinations.map((d: Json) => d.uri)).toEqual(hostnames);
    });

    test('the companion (stable id pages-dev) gates both pages.dev hosts with the same policies, identity providers, session and cookies', () => {
      expect(companion.destinations).toEqual([
        { type: 'public', uri: 'example-docs.pages.dev' },
        { type: 'public', uri: '*.example-docs.pages.dev' },
      ]);
      expect(companion.domain).toBe('example-docs.pages.dev');
      expect(companion.name).toBe('internal (pages.dev)');
      for (const key of ['policies', 'allowed_idps', 'auto_redirect_to_identity', 'session_duration', 'app_launcher_visible', 'http_only_cookie_attribute', 'same_site_cookie_attribute', 'enable_binding_cookie', 'type', 'account_id']) {
        expect({ key, value: companion[key] }).toEqual({ key, value: main[key] });
      }
      expect(companion.session_duration).toBe('8h');
    });

    test('the companion records the app it belongs to, for the policy pack', () => {
      const c = s.stack.node.findAll().find((x) => x.node.path.endsWith('app/pages-dev'))!;
      expect(c.node.metadata.find((m) => m.type === 'gatehouse:companion-of')?.data).toBe(`${s.stack.node.path}/app/resource`);
    });
  });

  test('when the pages.dev hosts fit, there is no companion (issue 14: one app)', () => {
    const s = synth((scope) => new AccessGatedApp(scope, 'app', baseProps({ hostnames: ['docs.example.com', 'a.example.com', 'b.example.com'], pagesSites: [docs] })));
    expect(s.resources(APP)).toHaveLength(1);
  });

  test('fails if the companion would take more than five pages.dev hosts, saying to gate some sites with a separate app', () => {
    const sites = ['one', 'two', 'three'].map((n) => ({ projectName: `example-${n}`, hostnames: [`${n}.example.com`], pagesDevHostnames: [`example-${n}.pages.dev`, `*.example-${n}.pages.dev`] }));
    const hostnames = ['one.example.com', 'two.example.com', 'three.example.com', 'a.example.com'];
    const p = expectProblem(() => build({ hostnames, pagesSites: sites }), 'app.pagesSites', 'gate some of the sites with a separate app');
    expect(p.value).toBe(6);
  });
});

describe('AccessGatedApp over a wildcard (issue 17: one hostname matcher for every consumer)', () => {
  test('a *.zone destination is a public uri like any other, and the app gates what it covers', () => {
    // GIVEN an app over every one-label host of example.com
    const app = build({ hostnames: ['*.example.com'] });
    const config = appConfig({ hostnames: ['*.example.com'] });
    // THEN the wildcard is the destination, and a Pages site under it is gated by it (the pack reads the same matcher)
    expect(config.destinations).toEqual([{ type: 'public', uri: '*.example.com' }]);
    expect(app.hostnames).toEqual(['*.example.com']);
    const docs = { projectName: 'example-docs', hostnames: ['docs.example.com'], pagesDevHostnames: ['example-docs.pages.dev', '*.example-docs.pages.dev'] };
    expect(appConfig({ hostnames: ['*.example.com'], pagesSites: [docs] }).destinations.map((d: Json) => d.uri)).toEqual([
      '*.example.com',
      'example-docs.pages.dev',
      '*.example-docs.pages.dev',
    ]);
  });

  test('fails if the wildcard is not the whole leftmost label', () => {
    expectProblem(() => build({ hostnames: ['a*.example.com'] }), 'app.hostnames[0]', 'may only use one wildcard, as the whole leftmost label');
  });
});

describe('AccessGatedApp with paths', () => {
  test('a destination may carry a path: domain and uri keep it', () => {
    const config = appConfig({ hostnames: ['grafana.example.com/api'] });
    expect(config.domain).toBe('grafana.example.com/api');
    expect(config.destinations).toEqual([{ type: 'public', uri: 'grafana.example.com/api' }]);
  });

  test('a non_identity (service token) app over a path is fine', () => {
    const ci = AccessPolicy.fromPolicyId(POLICY_2, AccessDecision.NON_IDENTITY);
    const app = build({ hostnames: ['grafana.example.com/api'], policies: [ci] });
    expect(app.bypass).toBe(false);
  });

  test('an app whose every policy bypasses is a bypass app (no token at the connector); a mixed app is not', () => {
    const bypass = AccessPolicy.fromPolicyId(POLICY_3, AccessDecision.BYPASS);
    expect(build({ hostnames: ['wiki.example.com/health'], policies: [bypass] }).bypass).toBe(true);
    expect(build({ hostnames: ['wiki.example.com/health'], policies: [bypass, allowStaff] }).bypass).toBe(false);
  });

  test('records the decisions of its policies for the policy pack', () => {
    const s = synth((scope) => build({}, scope as TerraformStack));
    const app = s.stack.node.findAll().find((c) => c.node.path.endsWith('app/resource'))!;
    expect(app.node.metadata.find((m) => m.type === 'gatehouse:policy-decisions')?.data).toEqual(['allow']);
  });

  test('fails if a path is not a literal path', () => {
    const p = expectProblem(() => build({ hostnames: ['wiki.example.com/docs/'] }), 'app.hostnames[0]', 'no trailing /');
    expect(p.value).toBe('wiki.example.com/docs/');
    expectProblem(() => build({ hostnames: ['wiki.example.com/d*cs'] }), 'app.hostnames[0]', 'the only wildcard gatehouse accepts is a final /*');
  });

  test('fails if a bypass policy covers a whole host, naming the host', () => {
    const bypass = AccessPolicy.fromPolicyId(POLICY_3, AccessDecision.BYPASS);
    const p = expectProblem(
      () => build({ hostnames: ['wiki.example.com/health', 'wiki.example.com'], policies: [allowStaff, bypass] }),
      'app.policies[1]',
      'is a bypass policy, and a bypass must never cover a whole host: give wiki.example.com a path',
    );
    expect(p.value).toBe('bypass');
  });
});

describe('AccessGatedApp validation', () => {
  test('fails if more than five hostnames are listed', () => {
    // GIVEN six hostnames
    const hostnames = ['a', 'b', 'c', 'd', 'e', 'f'].map((l) => `${l}.example.com`);
    // WHEN / THEN
    const problem = expectProblem(() => build({ hostnames }), 'app.hostnames', 'cloudflare allows at most 5 per application');
    expect(problem.message).toContain('lists 6 hostnames');
    expect(problem.value).toBe(6);
  });

  test('fails if no hostname is listed', () => {
    expectProblem(() => build({ hostnames: [] }), 'app.hostnames', 'must list at least one hostname');
  });

  test('fails if a hostname repeats', () => {
    const problem = expectProblem(
      () => build({ hostnames: ['a.example.com', 'b.example.com', 'a.example.com'] }),
      'app.hostnames',
      'must not repeat a hostname',
    );
    expect(problem.value).toEqual(['a.example.com', 'b.example.com', 'a.example.com']);
  });

  test.each([
    ['Admin.example.com', 'must be lower case'],
    ['admin.example.com:8443', 'must not carry a port'],
    ['localhost', 'must be a fully qualified hostname'],
    ['-admin.example.com', 'must be a fully qualified hostname'],
    ['a.*.example.com', 'may only use one wildcard'],
  ])('fails if a hostname is invalid: %s', (bad, message) => {
    // GIVEN a valid hostname followed by an invalid one
    // WHEN / THEN the problem names the index of the bad one
    const problem = expectProblem(() => build({ hostnames: ['ok.example.com', bad] }), 'app.hostnames[1]', message);
    expect(problem.value).toBe(bad);
  });

  test('fails if no policy is attached', () => {
    expectProblem(() => build({ policies: [] }), 'app.policies', 'must attach at least one policy');
  });

  test('fails if autoRedirectToIdentity is true with two identity providers', () => {
    expectProblem(
      () => build({ identityProviders: [IDP_1, IDP_2], autoRedirectToIdentity: true }),
      'app.autoRedirectToIdentity',
      'needs exactly one identity provider, 2 given',
    );
  });

  test('fails if autoRedirectToIdentity is true with no identity provider', () => {
    expectProblem(() => build({ autoRedirectToIdentity: true }), 'app.autoRedirectToIdentity', 'needs exactly one identity provider, 0 given');
  });

  test.each([
    ['24 hours', 'must be a duration such as'],
    ['1d', 'must be a duration such as'],
    ['', 'must be a duration such as'],
    ['59s', 'must be from 1m to 730h'],
    ['731h', 'must be from 1m to 730h'],
  ])('fails if the session duration is bad: %j', (sessionDuration, message) => {
    const problem = expectProblem(() => build({ sessionDuration }), 'app.sessionDuration', message);
    expect(problem.value).toBe(sessionDuration);
  });

  test.each(['1m', '2h45m', '730h'])('accepts the session duration %s', (sessionDuration) => {
    expect(appConfig({ sessionDuration }).session_duration).toBe(sessionDuration);
  });

  test('fails if credentials are allowed with a "*" origin', () => {
    expectProblem(
      () => build({ cors: { allowedOrigins: ['https://portal.example.com', '*'], allowCredentials: true } }),
      'app.cors.allowedOrigins',
      'must name origins when allowCredentials is on',
    );
  });

  test('reports every problem at once, one line each', () => {
    // GIVEN no hostnames, no policies and a bad session duration
    let error: unknown;
    try {
      build({ hostnames: [], policies: [], sessionDuration: 'forever' });
    } catch (e) {
      error = e;
    }
    // THEN
    expect(error).toBeInstanceOf(GatehouseError);
    const lines = (error as GatehouseError).lines();
    expect(lines).toHaveLength(3);
    expect(lines).toContain('app.hostnames: must list at least one hostname');
    expect(lines).toContain('app.policies: must attach at least one policy; an app without one admits nobody');
    expect(lines.find((l) => l.startsWith('app.sessionDuration:'))).toMatch(/\(got "forever"\)$/);
    expect(problemsOf(() => build({ hostnames: [], policies: [] })).map((p) => p.path)).toEqual(['app.hostnames', 'app.policies']);
  });
});

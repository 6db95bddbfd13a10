/**
 * The policy pack's rules, one by one: each rule is a pure function of one synthesized element (as in
 * cdk.tf.json: resolved, snake_case) and its stack, so these tests call `appliesTo` and `check`
 * directly on hand-built elements, without synthesizing anything.
 */
import { ElementView, GatehouseRule, RuleContext, RuleLevel, RuleResult, Verdict } from '../../../lib/checks/rule';
import type { SynthesizedStackJson, TerraformAttributes } from '../../../lib/core/terraform';
import {
  AccountMemberExpired,
  AccountMemberExpiring,
  AccessAutoRedirect,
  AccessBypassScope,
  AccessIdpSecretExpired,
  AccessIdpSecretExpiring,
  AccessIdpSecretFromVariable,
  AccessNoAllowEveryone,
  AccessPagesDevCoverage,
  AccessRouteCoverage,
  AccessServiceTokenDecision,
  AccessSessionDuration,
  GceLeastPrivilege,
  GceNoExternalSsh,
  GceNoOpenWebPorts,
  GceRemoteAdminDenied,
  OutputSecretsSensitive,
  R2DevDisabled,
  R2Lifecycle,
  R2PreventDestroy,
  R2TokenExpiry,
  R2TokenScoped,
  RULES,
  TunnelCatchAllLast,
  TunnelCnameProxied,
  TunnelGatedRoutesEnforceJwt,
  TunnelPublicRoutesOpen,
  TunnelRemotelyManaged,
  TunnelTokenSensitive,
} from '../../../lib/checks/rules';

const TODAY = '2026-11-22';
const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';
const TOKEN_REF = 'data.cloudflare_zero_trust_tunnel_cloudflared_token.primary_token_4B6571FA.token';
const IAP = '35.235.240.0/20';

const POLICY = 'cloudflare_zero_trust_access_policy';
const GROUP = 'cloudflare_zero_trust_access_group';
const APPLICATION = 'cloudflare_zero_trust_access_application';
const IDP = 'cloudflare_zero_trust_access_identity_provider';
const SERVICE_TOKEN = 'cloudflare_zero_trust_access_service_token';
const TUNNEL = 'cloudflare_zero_trust_tunnel_cloudflared';
const TUNNEL_CONFIG = 'cloudflare_zero_trust_tunnel_cloudflared_config';
const DNS = 'cloudflare_dns_record';
const BUCKET = 'cloudflare_r2_bucket';
const LIFECYCLE = 'cloudflare_r2_bucket_lifecycle';
const MANAGED_DOMAIN = 'cloudflare_r2_managed_domain';
const ACCOUNT_TOKEN = 'cloudflare_account_token';
const API_TOKEN = 'cloudflare_api_token';
const FIREWALL = 'google_compute_firewall';
const INSTANCE = 'google_compute_instance';
const SECRET_VERSION = 'google_secret_manager_secret_version';

interface ElementOptions {
  readonly kind?: ElementView['kind'];
  readonly id?: string;
  readonly facts?: Record<string, unknown>;
}

/** A synthesized element as the pack hands it to a rule. */
function element(type: string, config: TerraformAttributes, options: ElementOptions = {}): ElementView {
  const id = options.id ?? 'subject';
  return { kind: options.kind ?? 'resource', type, id, path: `stack/${id}`, config, facts: options.facts ?? {} };
}

/** A Terraform output element. */
function output(id: string, config: TerraformAttributes): ElementView {
  return element('output', config, { kind: 'output', id });
}

/** The context of a stack holding `elements` (and optionally more top-level JSON, e.g. variables). */
function context(elements: readonly ElementView[] = [], stack: SynthesizedStackJson = {}): RuleContext {
  return { stack, elements, today: TODAY };
}

/** Check an element the way the pack does: only when the rule applies to it. */
function check(rule: GatehouseRule, subject: ElementView, ctx: RuleContext = context([subject])): Verdict {
  if (!rule.appliesTo(subject)) throw new Error(`${rule.id} does not apply to ${subject.kind} ${subject.type}`);
  return rule.check(subject, ctx);
}

function expectCompliant(verdict: Verdict): void {
  expect(verdict).toEqual({ result: RuleResult.COMPLIANT });
}

function expectNonCompliant(verdict: Verdict, message: string): void {
  expect(verdict.result).toBe(RuleResult.NON_COMPLIANT);
  expect(verdict.message).toContain(message);
}

function expectUnknown(verdict: Verdict, message: string): void {
  expect(verdict.result).toBe(RuleResult.UNKNOWN);
  expect(verdict.message).toContain(message);
}

function expectNotApplicable(verdict: Verdict): void {
  expect(verdict).toEqual({ result: RuleResult.NOT_APPLICABLE });
}

/** Rule ids that have a describe block below; checked against RULES at the end. */
const covered = new Set<string>();

function describeRule(rule: GatehouseRule, body: () => void): void {
  covered.add(rule.id);
  describe(rule.id, body);
}

describe('the rule list', () => {
  test('every rule id is Gatehouse-<Rule>', () => {
    // GIVEN the rule list
    // WHEN the ids are read
    // THEN each matches the cdk-nag style pattern
    for (const rule of RULES) expect(rule.id).toMatch(/^Gatehouse-[A-Za-z0-9]+$/);
  });

  test('rule ids are unique', () => {
    // GIVEN the rule list
    const ids = RULES.map((r) => r.id);
    // THEN no id appears twice
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('every rule has a one-line description and a known level', () => {
    for (const rule of RULES) {
      // THEN
      expect(rule.description.trim().length).toBeGreaterThan(0);
      expect(rule.description).not.toContain('\n');
      expect([RuleLevel.ERROR, RuleLevel.WARNING]).toContain(rule.level);
      expect(typeof rule.suppressible).toBe('boolean');
    }
  });

  test('exactly the guard rails that must never slip are unsuppressible', () => {
    // GIVEN the rules the ADR marks as never suppressible
    const expected = [
      'AccountMemberExpired',
      'AccessBypassScope',
      'AccessNoAllowEveryone',
      'AccessIdpSecretFromVariable',
      'AccessIdpSecretExpired',
      'AccessServiceTokenDecision',
      'TunnelRemotelyManaged',
      'TunnelCatchAllLast',
      'TunnelCnameProxied',
      'TunnelTokenSensitive',
      'R2PreventDestroy',
      'GceNoOpenWebPorts',
      'OutputSecretsSensitive',
    ].map((name) => `Gatehouse-${name}`);
    // WHEN the unsuppressible rules are listed
    const unsuppressible = RULES.filter((r) => !r.suppressible).map((r) => r.id);
    // THEN they are exactly those
    expect([...unsuppressible].sort()).toEqual([...expected].sort());
  });

  test('unsuppressible rules are all error level', () => {
    for (const rule of RULES.filter((r) => !r.suppressible)) expect(rule.level).toBe(RuleLevel.ERROR);
  });
});

describeRule(AccessNoAllowEveryone, () => {
  const rule = AccessNoAllowEveryone;

  test('applies to access policies and access groups only', () => {
    expect(rule.appliesTo(element(POLICY, {}))).toBe(true);
    expect(rule.appliesTo(element(GROUP, {}))).toBe(true);
    expect(rule.appliesTo(element(APPLICATION, {}))).toBe(false);
    expect(rule.appliesTo(element(POLICY, {}, { kind: 'data' }))).toBe(false);
  });

  test('an allow policy that names an email domain is compliant', () => {
    // GIVEN an allow policy for example.com addresses
    const policy = element(POLICY, { decision: 'allow', include: [{ email_domain: { domain: 'example.com' } }] });
    // WHEN checked
    // THEN it passes
    expectCompliant(check(rule, policy));
  });

  test('an allow policy that admits everyone is non-compliant', () => {
    // GIVEN an allow policy including everyone
    const policy = element(POLICY, { decision: 'allow', include: [{ email: { email: 'a@example.com' } }, { everyone: {} }] });
    // WHEN checked
    // THEN it fails and names the selector
    expectNonCompliant(check(rule, policy), 'admits everyone; include named groups, domains or emails');
  });

  test('an allow policy that admits any valid service token and everyone names both', () => {
    const policy = element(POLICY, { decision: 'allow', include: [{ any_valid_service_token: {} }, { everyone: {} }] });
    expectNonCompliant(check(rule, policy), 'admits any_valid_service_token and everyone');
  });

  test('a group that includes everyone is non-compliant whatever policy uses it', () => {
    // GIVEN an access group without a decision
    const group = element(GROUP, { name: 'all', include: [{ everyone: {} }] });
    // THEN it fails
    expectNonCompliant(check(rule, group), 'admits everyone');
  });

  test('a group that names emails is compliant', () => {
    expectCompliant(check(rule, element(GROUP, { include: [{ email: { email: 'ops@example.com' } }] })));
  });

  test.each(['deny', 'bypass', 'non_identity'])('a %s policy that includes everyone is not an allow and is compliant', (decision) => {
    expectCompliant(check(rule, element(POLICY, { decision, include: [{ everyone: {} }] })));
  });

  test('an allow policy without an include list is compliant (nothing admitted)', () => {
    expectCompliant(check(rule, element(POLICY, { decision: 'allow' })));
  });
});

describeRule(AccessIdpSecretFromVariable, () => {
  const rule = AccessIdpSecretFromVariable;
  const idp = (clientSecret: unknown) => element(IDP, { type: 'azureAD', config: { client_id: 'c', client_secret: clientSecret } });
  const stackWith = (variable: TerraformAttributes) => ({ variable: { entra_client_secret: variable } });

  test('applies to identity providers only', () => {
    expect(rule.appliesTo(element(IDP, {}))).toBe(true);
    expect(rule.appliesTo(element(APPLICATION, {}))).toBe(false);
  });

  test('a secret that is exactly a sensitive variable with no default is compliant', () => {
    // GIVEN a sensitive variable with no default and an idp that uses it
    const subject = idp('${var.entra_client_secret}');
    // WHEN checked
    // THEN it passes
    expectCompliant(check(rule, subject, context([subject], stackWith({ type: 'string', sensitive: true }))));
  });

  test('an identity provider without a client secret (one-time PIN) is compliant', () => {
    expectCompliant(check(rule, element(IDP, { type: 'onetimepin', config: {} })));
    expectCompliant(check(rule, element(IDP, { type: 'onetimepin' })));
  });

  test('a literal secret is non-compliant', () => {
    // GIVEN a secret written into the configuration
    const subject = idp('example-not-a-real-secret');
    // THEN it fails
    expectNonCompliant(check(rule, subject), 'client_secret must be exactly a sensitive terraform variable, never a literal or expression');
  });

  test('an expression around the variable is non-compliant', () => {
    const subject = idp('${sensitive(var.entra_client_secret)}');
    expectNonCompliant(
      check(rule, subject, context([subject], stackWith({ sensitive: true }))),
      'never a literal or expression',
    );
  });

  test('a variable the stack does not declare is non-compliant', () => {
    expectNonCompliant(check(rule, idp('${var.entra_client_secret}')), 'names variable entra_client_secret, which the stack does not declare');
  });

  test('a variable that is not sensitive is non-compliant', () => {
    const subject = idp('${var.entra_client_secret}');
    expectNonCompliant(check(rule, subject, context([subject], stackWith({ type: 'string' }))), 'variable entra_client_secret must be declared sensitive');
  });

  test('a sensitive variable with a default is non-compliant', () => {
    const subject = idp('${var.entra_client_secret}');
    expectNonCompliant(
      check(rule, subject, context([subject], stackWith({ sensitive: true, default: 'example' }))),
      'must have no default; supply TF_VAR_entra_client_secret',
    );
  });
});

describeRule(AccessAutoRedirect, () => {
  const rule = AccessAutoRedirect;
  const app = (config: TerraformAttributes) => element(APPLICATION, { name: 'app', domain: 'app.example.com', ...config });

  test('applies to access applications only', () => {
    expect(rule.appliesTo(app({}))).toBe(true);
    expect(rule.appliesTo(element(POLICY, {}))).toBe(false);
  });

  test('one identity provider with auto-redirect on is compliant', () => {
    // GIVEN exactly one allowed idp and auto_redirect_to_identity
    const subject = app({ allowed_idps: ['${cloudflare_zero_trust_access_identity_provider.idp.id}'], auto_redirect_to_identity: true });
    // THEN it passes
    expectCompliant(check(rule, subject));
  });

  test('every idp in the account (no allowed_idps) is compliant', () => {
    expectCompliant(check(rule, app({ auto_redirect_to_identity: false })));
  });

  test('two identity providers without auto-redirect are compliant', () => {
    expectCompliant(check(rule, app({ allowed_idps: ['a', 'b'], auto_redirect_to_identity: false })));
  });

  test('one identity provider without auto-redirect is non-compliant', () => {
    // GIVEN one idp and auto-redirect off, or unset
    // THEN both fail
    expectNonCompliant(check(rule, app({ allowed_idps: ['a'], auto_redirect_to_identity: false })), 'exactly one identity provider is allowed but auto_redirect_to_identity is not true');
    expectNonCompliant(check(rule, app({ allowed_idps: ['a'] })), 'auto_redirect_to_identity is not true');
  });

  test('an allowed_idps expression could not be validated', () => {
    // GIVEN the list is a terraform expression
    const subject = app({ allowed_idps: '${tolist(var.idps)}', auto_redirect_to_identity: false });
    // WHEN checked
    // THEN it is unknown, never a pass
    expectUnknown(check(rule, subject), 'allowed_idps is an expression');
  });
});

describeRule(AccessSessionDuration, () => {
  const rule = AccessSessionDuration;

  test('applies to applications and policies', () => {
    expect(rule.appliesTo(element(APPLICATION, {}))).toBe(true);
    expect(rule.appliesTo(element(POLICY, {}))).toBe(true);
    expect(rule.appliesTo(element(GROUP, {}))).toBe(false);
  });

  test.each(['24h', '1440m', '8h30m', '30m'])('%s is compliant', (duration) => {
    expectCompliant(check(rule, element(APPLICATION, { session_duration: duration })));
  });

  test('no session_duration (the construct default is 24h) is compliant', () => {
    expectCompliant(check(rule, element(POLICY, { decision: 'allow' })));
  });

  test.each(['25h', '24h0m1s', '730h'])('%s is non-compliant', (duration) => {
    // GIVEN a session longer than a working day
    // THEN it fails, quoting the value
    expectNonCompliant(check(rule, element(POLICY, { session_duration: duration })), `session_duration ${duration} is longer than 24h`);
  });

  test('an expression could not be validated', () => {
    expectUnknown(check(rule, element(APPLICATION, { session_duration: '${var.session}' })), 'session_duration is an expression');
  });

  test('a value that is not a duration could not be validated', () => {
    expectUnknown(check(rule, element(APPLICATION, { session_duration: 'one day' })), 'session_duration "one day" is not a duration');
  });
});

describeRule(AccessRouteCoverage, () => {
  const rule = AccessRouteCoverage;
  const CATCH_ALL = { service: 'http_status:404' };
  const gatedRule = (hostname: string) => ({
    hostname,
    service: 'http://localhost:8080',
    origin_request: { access: { required: true, team_name: 'example', aud_tag: ['aud'] } },
  });
  const config = (ingress: unknown, publicRoutes?: Record<string, string>) =>
    element(TUNNEL_CONFIG, { account_id: ACCOUNT_ID, config: { ingress } }, { facts: publicRoutes ? { 'public-routes': publicRoutes } : {} });

  test('applies to tunnel configs only', () => {
    expect(rule.appliesTo(config([]))).toBe(true);
    expect(rule.appliesTo(element(TUNNEL, {}))).toBe(false);
  });

  test('gated routes and the catch-all are compliant', () => {
    // GIVEN every hostname requires the access jwt
    // THEN it passes
    expectCompliant(check(rule, config([gatedRule('app.example.com'), gatedRule('api.example.com'), CATCH_ALL])));
  });

  test('a route declared public with a reason is compliant', () => {
    // GIVEN an ungated route declared public with a 10+ character reason
    const subject = config([{ hostname: 'www.example.com', service: 'http://localhost:80' }, CATCH_ALL], { 'www.example.com': 'the public web site' });
    // THEN it passes
    expectCompliant(check(rule, subject));
  });

  test('a reason of exactly 10 characters is enough', () => {
    const subject = config([{ hostname: 'www.example.com', service: 'http://localhost:80' }, CATCH_ALL], { 'www.example.com': '0123456789' });
    expectCompliant(check(rule, subject));
  });

  test('an ungated, undeclared route is non-compliant', () => {
    // GIVEN a route with no access block and no public declaration
    const subject = config([gatedRule('app.example.com'), { hostname: 'admin.example.com', service: 'http://localhost:9000' }, CATCH_ALL]);
    // THEN it fails, naming only that hostname
    const verdict = check(rule, subject);
    expectNonCompliant(verdict, 'admin.example.com is neither gated by an access app nor declared public with a reason');
    expect(verdict.message).not.toContain('app.example.com,');
  });

  test('two open routes are both named', () => {
    const subject = config([
      { hostname: 'a.example.com', service: 'http://localhost:1' },
      { hostname: 'b.example.com', service: 'http://localhost:2' },
      CATCH_ALL,
    ]);
    expectNonCompliant(check(rule, subject), 'a.example.com, b.example.com are neither gated');
  });

  test('a route declared public with a reason that is too short is non-compliant', () => {
    // GIVEN reasons of 9 characters and of whitespace around a short word
    for (const reason of ['123456789', '   public      ']) {
      const subject = config([{ hostname: 'www.example.com', service: 'http://localhost:80' }, CATCH_ALL], { 'www.example.com': reason });
      // THEN the declaration does not count
      expectNonCompliant(check(rule, subject), 'www.example.com is neither gated');
    }
  });

  test('a declaration for another hostname does not cover the route', () => {
    const subject = config([{ hostname: 'www.example.com', service: 'http://localhost:80' }, CATCH_ALL], { 'www.example.net': 'the public web site' });
    expectNonCompliant(check(rule, subject), 'www.example.com is neither gated');
  });

  test('an access block that does not require the jwt does not gate', () => {
    const subject = config([{ hostname: 'app.example.com', service: 'http://localhost:1', origin_request: { access: { required: false } } }, CATCH_ALL]);
    expectNonCompliant(check(rule, subject), 'app.example.com is neither gated');
  });

  test('an ingress expression could not be validated', () => {
    expectUnknown(check(rule, config('${var.ingress}')), 'the ingress list is not known');
    expectUnknown(check(rule, element(TUNNEL_CONFIG, { account_id: ACCOUNT_ID })), 'the ingress list is not known');
  });

  test('a hostname expression could not be validated', () => {
    const subject = config([{ hostname: '${var.host}', service: 'http://localhost:1' }, CATCH_ALL]);
    expectUnknown(check(rule, subject), 'a hostname is an expression: ${var.host}');
  });

  test('paths: a public path rule is matched by hostname and path; the gated host-wide rule after it stands on its own', () => {
    // GIVEN a public /docs on a gated host: the declaration names the route key (hostname, space, path)
    const docs = { hostname: 'wiki.example.com', path: '^/docs(/|$)', service: 'http://localhost:1' };
    const ingress = [docs, gatedRule('wiki.example.com'), CATCH_ALL];
    expectCompliant(check(rule, config(ingress, { 'wiki.example.com ^/docs(/|$)': 'the user manual is public' })));
    // a declaration of the host does not make the path public, and one of the path does not make the host public
    expectNonCompliant(check(rule, config(ingress, { 'wiki.example.com': 'the user manual is public' })), 'wiki.example.com (path ^/docs(/|$)) is neither gated');
    const open = [docs, { hostname: 'wiki.example.com', service: 'http://localhost:1' }, CATCH_ALL];
    expectNonCompliant(check(rule, config(open, { 'wiki.example.com ^/docs(/|$)': 'the user manual is public' })), 'wiki.example.com is neither gated');
  });
});

describeRule(AccessPagesDevCoverage, () => {
  const rule = AccessPagesDevCoverage;
  const site = { project: 'example-docs', domains: ['docs.example.com'], pagesDev: ['example-docs.pages.dev', '*.example-docs.pages.dev'] };
  const app = (uris: unknown[], sites: unknown = [site]) =>
    element(APPLICATION, { destinations: uris.map((uri) => ({ type: 'public', uri })) }, { facts: sites ? { 'pages-sites': sites } : {} });

  test('applies to access applications', () => {
    expect(rule.appliesTo(app([]))).toBe(true);
    expect(rule.appliesTo(element(POLICY, {}))).toBe(false);
  });

  test('an app over a Pages domain that gates both pages.dev hosts is compliant', () => {
    expectCompliant(check(rule, app(['docs.example.com', 'example-docs.pages.dev', '*.example-docs.pages.dev'])));
  });

  test('a gated Pages domain whose pages.dev hosts are open is non-compliant, naming them', () => {
    // GIVEN the previews are missing (as when destinations were overridden)
    const verdict = check(rule, app(['docs.example.com', 'example-docs.pages.dev']));
    // THEN
    expectNonCompliant(verdict, '*.example-docs.pages.dev serves the content of a gated Pages custom domain');
    expectNonCompliant(check(rule, app(['docs.example.com'])), 'example-docs.pages.dev, *.example-docs.pages.dev serve');
  });

  test('a wildcard destination gates the custom domains it covers (the one matcher): then the pages.dev hosts are due too', () => {
    expectNonCompliant(check(rule, app(['*.example.com'])), 'example-docs.pages.dev, *.example-docs.pages.dev serve');
    expectCompliant(check(rule, app(['*.example.com', 'example-docs.pages.dev', '*.example-docs.pages.dev'])));
    // a wildcard one level up does not cover the previews: *.pages.dev is not *.example-docs.pages.dev
    expectNonCompliant(check(rule, app(['*.example.com', 'example-docs.pages.dev', '*.pages.dev'])), '*.example-docs.pages.dev serves');
  });

  test('pages.dev hosts declared public with a reason are compliant; a short reason does not count', () => {
    expectCompliant(check(rule, app(['docs.example.com'], [{ ...site, publicReason: 'the docs are public anyway' }])));
    expectNonCompliant(check(rule, app(['docs.example.com'], [{ ...site, publicReason: 'public' }])), 'example-docs.pages.dev');
  });

  test('a site none of whose domains the app gates asks nothing; an app without Pages sites is not applicable', () => {
    expectCompliant(check(rule, app(['admin.example.com'])));
    expectNotApplicable(check(rule, app(['docs.example.com'], null)));
  });

  describe('a pages.dev companion (the pages.dev hosts did not fit beside five hostnames)', () => {
    const SHARED = { policies: [{ id: 'p1', precedence: 1 }], allowed_idps: ['idp'], session_duration: '8h' };
    const main = element(APPLICATION, { ...SHARED, destinations: ['a', 'b', 'c', 'd', 'docs'].map((h) => ({ type: 'public', uri: `${h}.example.com` })) }, { id: 'main', facts: { 'pages-sites': [site] } });
    const companion = (config: TerraformAttributes = {}) =>
      element(APPLICATION, { ...SHARED, destinations: site.pagesDev.map((uri) => ({ type: 'public', uri })), ...config }, { id: 'companion', facts: { 'companion-of': main.path } });

    test('the companion gates the pages.dev hosts: compliant', () => {
      expectCompliant(check(rule, main, context([main, companion()])));
    });

    test('without the companion the hosts are open', () => {
      expectNonCompliant(check(rule, main, context([main])), 'neither a destination of this app (or its pages.dev companion)');
    });

    test('a companion with other policies, identity providers or session is non-compliant', () => {
      for (const change of [{ policies: [] }, { allowed_idps: ['other'] }, { session_duration: '720h' }]) {
        expectNonCompliant(check(rule, main, context([main, companion(change)])), `its pages.dev companion stack/companion does not carry the same policies, allowed_idps, session_duration`);
      }
    });

    test("another app's companion does not count", () => {
      const other = element(APPLICATION, companion().config, { id: 'companion', facts: { 'companion-of': 'stack/else' } });
      expectNonCompliant(check(rule, main, context([main, other])), 'example-docs.pages.dev');
    });
  });

  test('destinations that are not literals could not be validated', () => {
    expectUnknown(check(rule, element(APPLICATION, { destinations: '${var.d}' }, { facts: { 'pages-sites': [site] } })), 'not a list');
    expectUnknown(check(rule, app(['${var.host}'])), 'not a literal uri');
  });
});

describeRule(AccessBypassScope, () => {
  const rule = AccessBypassScope;
  const policy = (id: string, decision: string, include: TerraformAttributes[] = [{ everyone: {} }]) => element(POLICY, { decision, include }, { id });
  const app = (uris: string[], policyIds: string[], facts: Record<string, unknown> = {}) =>
    element(APPLICATION, { destinations: uris.map((uri) => ({ type: 'public', uri })), policies: policyIds.map((id, i) => ({ id, precedence: i + 1 })) }, { facts });
  const ref = (id: string) => `\${${POLICY}.${id}.id}`;
  const bypassAll = policy('bypass_all', 'bypass');
  const bypassOffice = policy('bypass_office', 'bypass', [{ email_domain: { domain: 'example.com' } }]);
  const allow = policy('allow', 'allow', [{ group: { id: 'g' } }]);
  const PUBLIC = { 'public-path': { destination: 'wiki.example.com/docs', reason: 'the user manual is public' } };

  test('applies to access applications', () => {
    expect(rule.appliesTo(app([], []))).toBe(true);
    expect(rule.appliesTo(bypassAll)).toBe(false);
  });

  test('an app without a bypass policy is compliant, whatever it covers', () => {
    const subject = app(['wiki.example.com'], [ref('allow')]);
    expectCompliant(check(rule, subject, context([subject, allow])));
    expectCompliant(check(rule, app(['wiki.example.com'], [])));
  });

  test('a generated public path (bypass for everyone, with its reason) is compliant', () => {
    const subject = app(['wiki.example.com/docs'], [ref('bypass_all')], PUBLIC);
    expectCompliant(check(rule, subject, context([subject, bypassAll])));
  });

  test('a bypass over a whole host is non-compliant, even for a named group', () => {
    for (const [uris, p] of [[['wiki.example.com'], bypassOffice], [['wiki.example.com/api', '*.example.com'], bypassOffice], [['wiki.example.com/*'], bypassAll]] as const) {
      const subject = app([...uris], [ref(p.id)], PUBLIC);
      expectNonCompliant(check(rule, subject, context([subject, p])), 'a bypass never covers a whole host');
    }
  });

  test('a bypass for everyone without a public path and its reason is non-compliant; a named bypass on a path is fine', () => {
    const bare = app(['wiki.example.com/docs'], [ref('bypass_all')]);
    expectNonCompliant(check(rule, bare, context([bare, bypassAll])), 'bypasses access for everyone outside a public path with a reason');
    const short = app(['wiki.example.com/docs'], [ref('bypass_all')], { 'public-path': { reason: 'public' } });
    expectNonCompliant(check(rule, short, context([short, bypassAll])), 'outside a public path with a reason');
    const office = app(['wiki.example.com/health'], [ref('bypass_office')]);
    expectCompliant(check(rule, office, context([office, bypassOffice])));
  });

  test('a policy of another stack is read from the decisions the app recorded', () => {
    const remote = '${data.terraform_remote_state.access.outputs.policy}';
    expectNonCompliant(check(rule, app(['t.example.com'], [remote], { 'policy-decisions': ['bypass'] })), 'a bypass never covers a whole host');
    expectCompliant(check(rule, app(['t.example.com'], [remote], { 'policy-decisions': ['allow'] })));
    expectUnknown(check(rule, app(['t.example.com'], [remote])), 'policy 1 is neither in this stack nor recorded');
  });

  test('expressions could not be validated', () => {
    expectUnknown(check(rule, element(APPLICATION, { policies: '${var.p}' })), 'policies is not a list');
    const subject = app(['${var.host}'], [ref('bypass_office')]);
    expectUnknown(check(rule, subject, context([subject, bypassOffice])), 'not a literal uri');
  });
});

describeRule(TunnelPublicRoutesOpen, () => {
  const rule = TunnelPublicRoutesOpen;
  const CATCH_ALL = { service: 'http_status:404' };
  const ACCESS = { access: { required: true, team_name: 'example', aud_tag: ['aud'] } };
  const DOCS = { hostname: 'wiki.example.com', path: '^/docs(/|$)', service: 'http://localhost:1' };
  const WIKI = { hostname: 'wiki.example.com', service: 'http://localhost:1', origin_request: ACCESS };
  const config = (ingress: unknown, apps: unknown[], declared: Record<string, string> = { 'wiki.example.com ^/docs(/|$)': 'the user manual is public' }) =>
    element(TUNNEL_CONFIG, { config: { ingress } }, { facts: { 'public-routes': declared, 'access-destinations': apps } });
  const HOST_APP = { destinations: ['wiki.example.com'] };
  const BYPASS = { destinations: ['wiki.example.com/docs'], bypass: true };

  test('applies to tunnel configs', () => {
    expect(rule.appliesTo(config([], []))).toBe(true);
    expect(rule.appliesTo(element(TUNNEL, {}))).toBe(false);
  });

  test('a public path with its bypass app under a gated host, requiring no jwt, is compliant', () => {
    expectCompliant(check(rule, config([DOCS, WIKI, CATCH_ALL], [HOST_APP, BYPASS])));
  });

  test('a public route on a host no app gates is compliant', () => {
    expectCompliant(check(rule, config([{ hostname: 'www.example.com', service: 'http://localhost:1' }, CATCH_ALL], [HOST_APP], { 'www.example.com': 'the public web site' })));
  });

  test('a public path without its bypass app is non-compliant: access would ask everyone to log in', () => {
    expectNonCompliant(check(rule, config([DOCS, WIKI, CATCH_ALL], [HOST_APP])), 'wiki.example.com (path ^/docs(/|$)) is declared public but access gates it (wiki.example.com) with no more specific bypass app');
  });

  test('a public route that requires the access jwt is non-compliant', () => {
    expectNonCompliant(check(rule, config([{ ...DOCS, origin_request: ACCESS }, WIKI, CATCH_ALL], [HOST_APP, BYPASS])), 'is declared public but requires an access jwt');
  });

  test('a public whole host under a wildcard app is non-compliant', () => {
    const www = { hostname: 'www.example.com', service: 'http://localhost:1' };
    expectNonCompliant(check(rule, config([www, CATCH_ALL], [{ destinations: ['*.example.com'] }], { 'www.example.com': 'the public web site' })), 'www.example.com is declared public but access gates it (*.example.com)');
  });

  test('unknown ingress or expressions could not be validated', () => {
    expectUnknown(check(rule, element(TUNNEL_CONFIG, { config: { ingress: '${var.i}' } })), 'the ingress list is not known');
    expectUnknown(check(rule, config([{ ...DOCS, path: '${var.p}' }, CATCH_ALL], [])), 'a hostname or path is an expression');
  });
});

describe('Gatehouse-AccessIdpSecretExpired and Gatehouse-AccessIdpSecretExpiring (Entra and Google Workspace, one window)', () => {
  covered.add(AccessIdpSecretExpired.id);
  covered.add(AccessIdpSecretExpiring.id);
  const entra = (expires?: string) =>
    element(IDP, { type: 'azureAD', config: { client_id: 'c', directory_id: 'd' } }, { facts: expires === undefined ? {} : { 'secret-expires': expires } });

  const google = (expires?: string) => element(IDP, { type: 'google-apps', config: { client_id: 'c' } }, { facts: expires === undefined ? {} : { 'secret-expires': expires } });

  test('both apply to Entra and Google Workspace identity providers only', () => {
    for (const rule of [AccessIdpSecretExpired, AccessIdpSecretExpiring]) {
      expect(rule.appliesTo(entra('2027-01-01'))).toBe(true);
      expect(rule.appliesTo(google('2027-01-01'))).toBe(true);
      expect(rule.appliesTo(element(IDP, { type: 'onetimepin' }, { facts: { 'secret-expires': '2020-01-01' } }))).toBe(false);
      expect(rule.appliesTo(element(APPLICATION, { type: 'azureAD' }))).toBe(false);
    }
  });

  test('keep their former Entra ids, so suppressions written with those still apply', () => {
    expect(AccessIdpSecretExpired.formerIds).toEqual(['Gatehouse-AccessEntraSecretExpired']);
    expect(AccessIdpSecretExpiring.formerIds).toEqual(['Gatehouse-AccessEntraSecretExpiring']);
  });

  test('Google Workspace: the same window (expired yesterday, expiring in 30 days, fine in 31), named in the message', () => {
    expectNonCompliant(check(AccessIdpSecretExpired, google('2026-11-21')), 'the Google Workspace client secret expired on 2026-11-21; create a new one');
    expectNonCompliant(check(AccessIdpSecretExpiring, google('2026-12-22')), 'the Google Workspace client secret expires in 30 days (2026-12-22); rotate it');
    expectCompliant(check(AccessIdpSecretExpired, google('2026-12-23')));
    expectCompliant(check(AccessIdpSecretExpiring, google('2026-12-23')));
  });

  test('Google Workspace without a recorded expiry: nothing to check (a Google client secret need not expire)', () => {
    expectNotApplicable(check(AccessIdpSecretExpired, google()));
    expectNotApplicable(check(AccessIdpSecretExpiring, google()));
  });

  test('a missing expiry could not be validated (Expired) and is not applicable (Expiring)', () => {
    // GIVEN no recorded expiry
    const subject = entra();
    // WHEN both rules check it
    // THEN Expired cannot validate it and Expiring has nothing to say
    expectUnknown(check(AccessIdpSecretExpired, subject), 'the client secret expiry is not recorded (secret_expires)');
    expectNotApplicable(check(AccessIdpSecretExpiring, subject));
  });

  test('yesterday: expired', () => {
    // GIVEN a secret that expired yesterday (today is 2026-11-22)
    const subject = entra('2026-11-21');
    // THEN Expired fails and Expiring leaves it to Expired
    expectNonCompliant(check(AccessIdpSecretExpired, subject), 'the Entra client secret expired on 2026-11-21; create a new one');
    expectNotApplicable(check(AccessIdpSecretExpiring, subject));
  });

  test('today: expired', () => {
    const subject = entra(TODAY);
    expectNonCompliant(check(AccessIdpSecretExpired, subject), `expired on ${TODAY}`);
    expectNotApplicable(check(AccessIdpSecretExpiring, subject));
  });

  test('tomorrow: not expired, expiring in 1 day', () => {
    const subject = entra('2026-11-23');
    expectCompliant(check(AccessIdpSecretExpired, subject));
    expectNonCompliant(check(AccessIdpSecretExpiring, subject), 'expires in 1 days (2026-11-23); rotate it');
  });

  test('in 30 days: expiring', () => {
    // GIVEN the last day of the warning window
    const subject = entra('2026-12-22');
    // THEN Expiring warns
    expectCompliant(check(AccessIdpSecretExpired, subject));
    expectNonCompliant(check(AccessIdpSecretExpiring, subject), 'the Entra client secret expires in 30 days (2026-12-22); rotate it');
  });

  test('in 31 days: compliant', () => {
    // GIVEN the first day after the warning window
    const subject = entra('2026-12-23');
    // THEN both pass
    expectCompliant(check(AccessIdpSecretExpired, subject));
    expectCompliant(check(AccessIdpSecretExpiring, subject));
  });

  test('day counting crosses a year boundary', () => {
    // GIVEN today is 2026-12-31 and the secret expires 30 days later
    const subject = entra('2027-01-30');
    const ctx = { ...context([subject]), today: '2026-12-31' };
    // THEN it is inside the window
    expectNonCompliant(AccessIdpSecretExpiring.check(subject, ctx), 'expires in 30 days');
  });

  test('levels: Expired fails the synth, Expiring warns', () => {
    expect(AccessIdpSecretExpired.level).toBe(RuleLevel.ERROR);
    expect(AccessIdpSecretExpiring.level).toBe(RuleLevel.WARNING);
  });
});

describe('Gatehouse-AccountMemberExpired and Gatehouse-AccountMemberExpiring (time-bound admins, 14 days)', () => {
  covered.add(AccountMemberExpired.id);
  covered.add(AccountMemberExpiring.id);
  const member = (expires?: string) =>
    element('cloudflare_account_member', { email: 'consultant@example.net' }, { facts: expires === undefined ? {} : { 'member-expires': { email: 'consultant@example.net', expires } } });

  test('apply to account members', () => {
    expect(AccountMemberExpired.appliesTo(member())).toBe(true);
    expect(AccountMemberExpiring.appliesTo(element(APPLICATION, {}))).toBe(false);
  });

  test('a permanent member (no expiry) is not applicable', () => {
    expectNotApplicable(check(AccountMemberExpired, member()));
    expectNotApplicable(check(AccountMemberExpiring, member()));
  });

  test('on the day and after: expired, naming the member to remove', () => {
    expectNonCompliant(check(AccountMemberExpired, member(TODAY)), `the access of consultant@example.net ended on ${TODAY}; remove the member`);
    expectNonCompliant(check(AccountMemberExpired, member('2026-01-01')), 'remove the member');
    expectNotApplicable(check(AccountMemberExpiring, member(TODAY)));
  });

  test('within 14 days: expiring; 15 days: fine', () => {
    expectCompliant(check(AccountMemberExpired, member('2026-12-06')));
    expectNonCompliant(check(AccountMemberExpiring, member('2026-12-06')), 'the access of consultant@example.net ends in 14 days (2026-12-06); plan the removal');
    expectCompliant(check(AccountMemberExpiring, member('2026-12-07')));
  });

  test('an unreadable expiry could not be validated', () => {
    expectUnknown(check(AccountMemberExpired, member('soon')), 'not a date');
    expectUnknown(check(AccountMemberExpiring, member('soon')), 'not a date');
  });
});

describeRule(AccessServiceTokenDecision, () => {
  const rule = AccessServiceTokenDecision;
  const token = (facts: Record<string, unknown>) => element(SERVICE_TOKEN, { name: 'ci', account_id: ACCOUNT_ID }, { facts });

  test('applies to service tokens only', () => {
    expect(rule.appliesTo(token({}))).toBe(true);
    expect(rule.appliesTo(element(POLICY, {}))).toBe(false);
  });

  test('a token with a decision record is compliant', () => {
    // GIVEN the construct recorded the ADR that approved the token
    // THEN it passes (3 characters is the shortest record)
    expectCompliant(check(rule, token({ 'decision-record': 'docs/adr/0007-ci-service-token.md' })));
    expectCompliant(check(rule, token({ 'decision-record': 'ADR' })));
  });

  test.each([
    ['no record', {}],
    ['a blank record', { 'decision-record': '   ' }],
    ['a 2-character record', { 'decision-record': 'ok' }],
    ['a non-string record', { 'decision-record': 7 }],
  ])('%s is non-compliant', (_label, facts) => {
    expectNonCompliant(check(rule, token(facts)), 'the service token has no decision record');
  });
});

describeRule(TunnelRemotelyManaged, () => {
  const rule = TunnelRemotelyManaged;

  test('applies to tunnels only', () => {
    expect(rule.appliesTo(element(TUNNEL, {}))).toBe(true);
    expect(rule.appliesTo(element(TUNNEL_CONFIG, {}))).toBe(false);
  });

  test('config_src cloudflare is compliant', () => {
    expectCompliant(check(rule, element(TUNNEL, { account_id: ACCOUNT_ID, name: 'example', config_src: 'cloudflare' })));
  });

  test('no config_src (the provider default, local) is non-compliant', () => {
    // GIVEN a tunnel without config_src
    // THEN it fails and says what the default is
    expectNonCompliant(check(rule, element(TUNNEL, { account_id: ACCOUNT_ID, name: 'example' })), 'config_src is "local (the provider default)"');
  });

  test('config_src local is non-compliant', () => {
    expectNonCompliant(check(rule, element(TUNNEL, { config_src: 'local' })), 'config_src is "local"; set "cloudflare" at creation');
  });
});

describeRule(TunnelCatchAllLast, () => {
  const rule = TunnelCatchAllLast;
  const CATCH_ALL = { service: 'http_status:404' };
  const route = (hostname: string) => ({ hostname, service: 'http://localhost:8080' });
  const config = (ingress: unknown) => element(TUNNEL_CONFIG, { config: { ingress } });

  test('applies to tunnel configs only', () => {
    expect(rule.appliesTo(config([]))).toBe(true);
    expect(rule.appliesTo(element(TUNNEL, {}))).toBe(false);
  });

  test('routes followed by one catch-all are compliant', () => {
    expectCompliant(check(rule, config([route('a.example.com'), route('b.example.com'), CATCH_ALL])));
  });

  test('the catch-all alone is compliant', () => {
    expectCompliant(check(rule, config([CATCH_ALL])));
  });

  test('an empty ingress is non-compliant', () => {
    expectNonCompliant(check(rule, config([])), 'the ingress is empty; it needs a final catch-all');
  });

  test('an ingress that does not end with a catch-all is non-compliant', () => {
    // GIVEN a catch-all first and a hostname rule last
    // THEN the last rule is reported
    expectNonCompliant(check(rule, config([CATCH_ALL, route('a.example.com')])), 'the last ingress rule has a hostname or path');
  });

  test('a last rule with only a path is not a catch-all', () => {
    expectNonCompliant(check(rule, config([route('a.example.com'), { path: '^/static', service: 'http://localhost:1' }])), 'the last ingress rule has a hostname or path');
  });

  test('two catch-alls are non-compliant, naming the early one', () => {
    // GIVEN a catch-all at index 1 and another at the end
    const subject = config([route('a.example.com'), CATCH_ALL, route('b.example.com'), CATCH_ALL]);
    // THEN the shadowing rule is named
    expectNonCompliant(check(rule, subject), 'ingress rule 1 matches all requests, so the rules after it never match');
  });

  test('an ingress that is not known could not be validated', () => {
    expectUnknown(check(rule, config('${var.ingress}')), 'the ingress list is not known');
    expectUnknown(check(rule, element(TUNNEL_CONFIG, {})), 'the ingress list is not known');
  });
});

describeRule(TunnelCnameProxied, () => {
  const rule = TunnelCnameProxied;
  const cname = (config: TerraformAttributes) =>
    element(DNS, { zone_id: 'z', type: 'CNAME', name: 'app.example.com', content: '${cloudflare_zero_trust_tunnel_cloudflared.t.id}.cfargotunnel.com', ...config });

  test('applies to DNS records that point at a tunnel only', () => {
    expect(rule.appliesTo(cname({}))).toBe(true);
    expect(rule.appliesTo(element(DNS, { type: 'A', name: 'www.example.com', content: '192.0.2.1' }))).toBe(false);
    expect(rule.appliesTo(element(DNS, { type: 'TXT', name: 'example.com' }))).toBe(false);
  });

  test('a proxied CNAME is compliant', () => {
    expectCompliant(check(rule, cname({ proxied: true })));
  });

  test('an unproxied CNAME is non-compliant', () => {
    // GIVEN proxied false, or unset (the provider default is false)
    // THEN both fail
    expectNonCompliant(check(rule, cname({ proxied: false })), 'app.example.com points at a tunnel but is not proxied');
    expectNonCompliant(check(rule, cname({})), 'app.example.com points at a tunnel but is not proxied');
  });
});

describeRule(TunnelGatedRoutesEnforceJwt, () => {
  const rule = TunnelGatedRoutesEnforceJwt;
  const CATCH_ALL = { service: 'http_status:404' };
  const ACCESS = { required: true, team_name: 'example', aud_tag: ['${cloudflare_zero_trust_access_application.app.aud}'] };
  const config = (ingress: unknown, gated: string[], topLevel?: TerraformAttributes) =>
    element(TUNNEL_CONFIG, { config: { ingress, ...(topLevel ? { origin_request: topLevel } : {}) } }, { facts: { 'gated-routes': gated } });

  test('applies to tunnel configs only', () => {
    expect(rule.appliesTo(config([], []))).toBe(true);
    expect(rule.appliesTo(element(TUNNEL, {}))).toBe(false);
  });

  test('a gated route that requires the access jwt is compliant', () => {
    // GIVEN app.example.com is gated and its rule carries the full access block
    const subject = config([{ hostname: 'app.example.com', service: 'http://localhost:1', origin_request: { access: ACCESS } }, CATCH_ALL], ['app.example.com']);
    // THEN it passes
    expectCompliant(check(rule, subject));
  });

  test('a gated path rule is matched by hostname and path', () => {
    const api = { hostname: 'app.example.com', path: '^/api(/|$)', service: 'http://localhost:1' };
    expectNonCompliant(check(rule, config([api, CATCH_ALL], ['app.example.com ^/api(/|$)'])), 'app.example.com (path ^/api(/|$)) gated by an access app');
    expectCompliant(check(rule, config([{ ...api, origin_request: { access: ACCESS } }, CATCH_ALL], ['app.example.com ^/api(/|$)'])));
    // the host-wide key does not name the path rule
    expectCompliant(check(rule, config([api, CATCH_ALL], ['app.example.com'])));
  });

  test('routes no app gates need no access block', () => {
    expectCompliant(check(rule, config([{ hostname: 'www.example.com', service: 'http://localhost:1' }, CATCH_ALL], [])));
    expectCompliant(check(rule, element(TUNNEL_CONFIG, { config: { ingress: [CATCH_ALL] } })));
  });

  test('a gated route without the access block is non-compliant', () => {
    // GIVEN a gated hostname whose ingress rule does not check the jwt
    const subject = config([{ hostname: 'app.example.com', service: 'http://localhost:1' }, CATCH_ALL], ['app.example.com']);
    // THEN it fails
    expectNonCompliant(check(rule, subject), 'app.example.com gated by an access app but the ingress rule does not require the access jwt');
  });

  test.each([
    ['required false', { ...ACCESS, required: false }],
    ['no team name', { required: true, aud_tag: ['aud'] }],
    ['an empty aud_tag', { ...ACCESS, aud_tag: [] }],
    ['an aud_tag expression', { ...ACCESS, aud_tag: '${var.aud}' }],
  ])('an access block with %s is non-compliant', (_label, access) => {
    const subject = config([{ hostname: 'app.example.com', service: 'http://localhost:1', origin_request: { access } }, CATCH_ALL], ['app.example.com']);
    expectNonCompliant(check(rule, subject), 'app.example.com gated by an access app');
  });

  test('a top-level access block is called out, since cloudflared ignores it', () => {
    // GIVEN the access block on the config instead of on the rule
    const subject = config([{ hostname: 'app.example.com', service: 'http://localhost:1' }, CATCH_ALL], ['app.example.com'], { access: ACCESS });
    // THEN the message says why it does not count
    expectNonCompliant(check(rule, subject), 'app.example.com rely on a top-level access block, which cloudflared ignores');
  });

  test('an ingress that is not known could not be validated', () => {
    expectUnknown(check(rule, config('${var.ingress}', ['app.example.com'])), 'the ingress list is not known');
  });
});

describeRule(TunnelTokenSensitive, () => {
  const rule = TunnelTokenSensitive;

  test('applies to every resource and output, not to data sources or variables', () => {
    expect(rule.appliesTo(element(INSTANCE, {}))).toBe(true);
    expect(rule.appliesTo(output('o', { value: 'x' }))).toBe(true);
    expect(rule.appliesTo(element('cloudflare_zero_trust_tunnel_cloudflared_token', {}, { kind: 'data' }))).toBe(false);
    expect(rule.appliesTo(element('variable', {}, { kind: 'variable' }))).toBe(false);
  });

  test('a resource that does not use the token is compliant', () => {
    expectCompliant(check(rule, element(INSTANCE, { name: 'host', metadata: { 'user-data': '#cloud-config\n' } })));
  });

  test('the token wrapped in sensitive() in a secret version is compliant', () => {
    // GIVEN the token delivered through Secret Manager
    const subject = element(SECRET_VERSION, { secret: '${google_secret_manager_secret.s.id}', secret_data: `\${sensitive(${TOKEN_REF})}` });
    // THEN it passes
    expectCompliant(check(rule, subject));
  });

  test('the token unwrapped in a secret version is non-compliant', () => {
    // GIVEN the raw attribute (provider 5.14 does not mark it sensitive)
    const subject = element(SECRET_VERSION, { secret: '${google_secret_manager_secret.s.id}', secret_data: `\${${TOKEN_REF}}` });
    // THEN it fails, naming the attribute
    expectNonCompliant(check(rule, subject), 'secret_data uses the connector token outside sensitive()');
  });

  test('the token partly wrapped is non-compliant', () => {
    const subject = element(SECRET_VERSION, { secret_data: `\${jsonencode({a = sensitive(${TOKEN_REF}), b = ${TOKEN_REF}})}` });
    expectNonCompliant(check(rule, subject), 'secret_data uses the connector token outside sensitive()');
  });

  test.each([
    ['metadata.user-data', { metadata: { 'user-data': `#cloud-config\nruncmd: [cloudflared, --token, "\${sensitive(${TOKEN_REF})}"]` } }],
    ['metadata.startup-script', { metadata: { 'startup-script': `cloudflared run --token \${sensitive(${TOKEN_REF})}` } }],
    ['metadata.tunnel-token', { metadata: { 'tunnel-token': `\${${TOKEN_REF}}` } }],
    ['metadata_startup_script', { metadata_startup_script: `cloudflared run --token \${sensitive(${TOKEN_REF})}` }],
  ])('the token in instance %s is non-compliant even inside sensitive()', (at, config) => {
    // GIVEN the token in instance metadata, where any process can read it
    const subject = element(INSTANCE, { name: 'host', ...config });
    // THEN it fails, naming the attribute
    expectNonCompliant(check(rule, subject), `${at} carries the connector token; deliver it through Secret Manager instead`);
  });

  test('a sensitive output carrying sensitive(token) is compliant', () => {
    expectCompliant(check(rule, output('connector_token', { value: `\${sensitive(${TOKEN_REF})}`, sensitive: true })));
  });

  test('a non-sensitive output carrying the token is non-compliant', () => {
    // GIVEN an output that wraps the token but is not itself sensitive
    const subject = output('connector_token', { value: `\${sensitive(${TOKEN_REF})}` });
    // THEN it fails
    expectNonCompliant(check(rule, subject), 'the output carries the connector token but is not sensitive');
  });

  test('an output carrying the raw token is non-compliant', () => {
    expectNonCompliant(check(rule, output('connector_token', { value: `\${${TOKEN_REF}}` })), 'value uses the connector token outside sensitive()');
  });

  test('the token deep inside a nested value is found', () => {
    const subject = element('null_resource', { triggers: { a: ['x', { b: `\${${TOKEN_REF}}` }] } });
    expectNonCompliant(check(rule, subject), 'triggers.a[1].b uses the connector token outside sensitive()');
  });

  test('the `//` metadata is not read', () => {
    expectCompliant(check(rule, element('null_resource', { '//': { note: `\${${TOKEN_REF}}` } })));
  });
});

describeRule(R2PreventDestroy, () => {
  const rule = R2PreventDestroy;

  test('applies to R2 buckets only', () => {
    expect(rule.appliesTo(element(BUCKET, {}))).toBe(true);
    expect(rule.appliesTo(element(LIFECYCLE, {}))).toBe(false);
  });

  test('prevent_destroy is compliant', () => {
    expectCompliant(check(rule, element(BUCKET, { name: 'example-backups', lifecycle: { prevent_destroy: true } })));
  });

  test.each([
    ['no lifecycle', {}],
    ['prevent_destroy false', { lifecycle: { prevent_destroy: false } }],
    ['other lifecycle settings only', { lifecycle: { create_before_destroy: true } }],
  ])('%s is non-compliant', (_label, config) => {
    expectNonCompliant(check(rule, element(BUCKET, { name: 'example-backups', ...config })), 'the bucket does not set lifecycle.prevent_destroy');
  });
});

describeRule(R2Lifecycle, () => {
  const rule = R2Lifecycle;
  const bucket = element(BUCKET, { name: 'example-backups', lifecycle: { prevent_destroy: true } }, { id: 'b_bucket' });
  const abortRule = { id: 'abort-multipart', enabled: true, conditions: { prefix: '' }, abort_multipart_uploads_transition: { condition: { type: 'Age', max_age: 604800 } } };
  const deleteRule = { id: 'delete-after', enabled: true, conditions: { prefix: '' }, delete_objects_transition: { condition: { type: 'Age', max_age: 86400 } } };
  const lifecycle = (bucketName: string, rules: unknown[]) => element(LIFECYCLE, { bucket_name: bucketName, rules }, { id: 'b_lifecycle' });

  test('applies to R2 buckets only', () => {
    expect(rule.appliesTo(bucket)).toBe(true);
    expect(rule.appliesTo(lifecycle('x', []))).toBe(false);
  });

  test('a lifecycle that references the bucket and aborts multipart uploads is compliant', () => {
    // GIVEN a lifecycle whose bucket_name references this bucket
    const life = lifecycle('${cloudflare_r2_bucket.b_bucket.name}', [abortRule, deleteRule]);
    // THEN it passes
    expectCompliant(check(rule, bucket, context([bucket, life])));
  });

  test('a lifecycle that names the bucket literally is found', () => {
    expectCompliant(check(rule, bucket, context([bucket, lifecycle('example-backups', [abortRule])])));
  });

  test('no lifecycle is non-compliant', () => {
    expectNonCompliant(check(rule, bucket, context([bucket])), 'bucket example-backups has no cloudflare_r2_bucket_lifecycle');
  });

  test('a lifecycle of another bucket does not count', () => {
    // GIVEN a lifecycle for a bucket whose logical id extends this one
    const other = lifecycle('${cloudflare_r2_bucket.b_bucket_2.name}', [abortRule]);
    // THEN this bucket has none
    expectNonCompliant(check(rule, bucket, context([bucket, other])), 'has no cloudflare_r2_bucket_lifecycle');
  });

  test('a lifecycle without an enabled multipart-abort rule is non-compliant', () => {
    // GIVEN only a delete rule, or a disabled abort rule
    for (const rules of [[deleteRule], [{ ...abortRule, enabled: false }], []]) {
      const life = lifecycle('${cloudflare_r2_bucket.b_bucket.name}', rules);
      // THEN it fails
      expectNonCompliant(check(rule, bucket, context([bucket, life])), 'the lifecycle of bucket example-backups has no enabled multipart-abort rule');
    }
  });
});

describeRule(R2DevDisabled, () => {
  const rule = R2DevDisabled;
  const bucket = (facts: Record<string, unknown> = {}) => element(BUCKET, { name: 'example-assets' }, { id: 'a_bucket', facts });
  const managed = (enabled: unknown) =>
    element(MANAGED_DOMAIN, { bucket_name: '${cloudflare_r2_bucket.a_bucket.name}', enabled }, { id: 'a_r2-dev' });

  test('applies to R2 buckets only', () => {
    expect(rule.appliesTo(bucket())).toBe(true);
    expect(rule.appliesTo(managed(false))).toBe(false);
  });

  test('r2.dev explicitly disabled is compliant', () => {
    const b = bucket();
    expectCompliant(check(rule, b, context([b, managed(false)])));
  });

  test('no managed-domain resource is non-compliant (deleting it does not turn r2.dev off)', () => {
    const b = bucket();
    expectNonCompliant(check(rule, b, context([b])), 'bucket example-assets has no cloudflare_r2_managed_domain; add one with enabled = false');
  });

  test('r2.dev enabled on a bucket not declared public is non-compliant', () => {
    // GIVEN enabled true, and no public fact
    const b = bucket();
    // THEN it fails
    expectNonCompliant(check(rule, b, context([b, managed(true)])), 'r2.dev is enabled on bucket example-assets, which is not declared public');
  });

  test('r2.dev enabled on a bucket declared public with a reason is compliant', () => {
    const b = bucket({ 'public-bucket': 'static assets for the web site' });
    expectCompliant(check(rule, b, context([b, managed(true)])));
  });

  test('a public reason shorter than 10 characters does not count', () => {
    const b = bucket({ 'public-bucket': 'assets' });
    expectNonCompliant(check(rule, b, context([b, managed(true)])), 'which is not declared public');
  });
});

describe('Gatehouse-R2TokenScoped and Gatehouse-R2TokenExpiry: shared targets', () => {
  test('both apply to account tokens and user API tokens only', () => {
    for (const rule of [R2TokenScoped, R2TokenExpiry]) {
      expect(rule.appliesTo(element(ACCOUNT_TOKEN, {}))).toBe(true);
      expect(rule.appliesTo(element(API_TOKEN, {}))).toBe(true);
      expect(rule.appliesTo(element(SERVICE_TOKEN, {}))).toBe(false);
    }
  });
});

describeRule(R2TokenScoped, () => {
  const rule = R2TokenScoped;
  const BUCKET_KEY = `com.cloudflare.edge.r2.bucket.${ACCOUNT_ID}_default_example-backups`;
  const policy = (resources: unknown) => ({ effect: 'allow', permission_groups: [{ id: 'pg' }], resources });
  const token = (policies: unknown) => element(ACCOUNT_TOKEN, { account_id: ACCOUNT_ID, name: 'r2-example', policies });
  const encoded = (map: Record<string, string>) => `\${jsonencode({${Object.entries(map).map(([k, v]) => `"${k}" = "${v}"`).join(', ')}})}`;

  test('a token scoped to one named bucket is compliant', () => {
    // GIVEN the resources map as the construct synthesizes it (a jsonencode expression)
    // THEN it passes
    expectCompliant(check(rule, token([policy(encoded({ [BUCKET_KEY]: '*' }))])));
  });

  test('a literal JSON resources map is read as well', () => {
    expectCompliant(check(rule, token([policy(JSON.stringify({ [BUCKET_KEY]: '*' }))])));
  });

  test('a token scoped to the whole account is non-compliant', () => {
    // GIVEN an account-wide resource key
    const subject = token([policy(encoded({ [`com.cloudflare.api.account.${ACCOUNT_ID}`]: '*' }))]);
    // THEN it fails
    expectNonCompliant(check(rule, subject), 'a policy is scoped to the whole account; scope it to named buckets');
  });

  test('an account-wide second policy is found after a scoped first one', () => {
    const subject = token([policy(encoded({ [BUCKET_KEY]: '*' })), policy(encoded({ 'com.cloudflare.api.account.*': '*' }))]);
    expectNonCompliant(check(rule, subject), 'scoped to the whole account');
  });

  test.each([
    ['every bucket', 'com.cloudflare.edge.r2.bucket.*'],
    ['a bucket name pattern', `com.cloudflare.edge.r2.bucket.${ACCOUNT_ID}_default_*`],
  ])('a wildcard key for %s is non-compliant', (_label, key) => {
    expectNonCompliant(check(rule, token([policy(encoded({ [key]: '*' }))])), 'a policy names a wildcard bucket; name each bucket');
  });

  test('a resources expression that names no bucket could not be validated', () => {
    // GIVEN resources that are an opaque expression
    const subject = token([policy('${var.token_resources}')]);
    // THEN the rule cannot tell and says so, quoting the value
    expectUnknown(check(rule, subject), 'cannot read the bucket scope from ${var.token_resources}');
  });

  test('policies that are not known could not be validated', () => {
    expectUnknown(check(rule, token('${var.policies}')), 'the token policies are not known');
    expectUnknown(check(rule, token([])), 'the token policies are not known');
    expectUnknown(check(rule, element(API_TOKEN, { name: 'r2-example' })), 'the token policies are not known');
  });
});

describeRule(R2TokenExpiry, () => {
  const rule = R2TokenExpiry;

  test('a token with an expiry is compliant', () => {
    expectCompliant(check(rule, element(ACCOUNT_TOKEN, { name: 'r2-example', expires_on: '2027-06-01T00:00:00Z' })));
  });

  test('a token without an expiry is non-compliant (a warning)', () => {
    // GIVEN an account token and a user API token without expires_on
    // THEN both fail, naming the token
    expectNonCompliant(check(rule, element(ACCOUNT_TOKEN, { name: 'r2-example' })), 'token r2-example never expires; set expires');
    expectNonCompliant(check(rule, element(API_TOKEN, { name: 'deploy', expires_on: '' })), 'token deploy never expires');
    expect(rule.level).toBe(RuleLevel.WARNING);
  });
});

describeRule(GceNoOpenWebPorts, () => {
  const rule = GceNoOpenWebPorts;
  const firewall = (config: TerraformAttributes) => element(FIREWALL, { name: 'fw', network: 'default', ...config });
  const tcp = (...ports: string[]) => ({ protocol: 'tcp', ports });

  test('applies to firewalls only', () => {
    expect(rule.appliesTo(firewall({}))).toBe(true);
    expect(rule.appliesTo(element(INSTANCE, {}))).toBe(false);
  });

  test.each([
    ['SSH from IAP', { source_ranges: [IAP], allow: [tcp('22')] }],
    ['443 from a private range', { source_ranges: ['10.0.0.0/8'], allow: [tcp('443')] }],
    ['a range above the web ports from the internet', { source_ranges: ['0.0.0.0/0'], allow: [tcp('8000-9000')] }],
    ['a range between the web ports from the internet', { source_ranges: ['0.0.0.0/0'], allow: [tcp('81-442')] }],
    ['EGRESS to 443 anywhere', { direction: 'EGRESS', destination_ranges: ['0.0.0.0/0'], allow: [tcp('443')] }],
    ['EGRESS of everything', { direction: 'EGRESS', destination_ranges: ['::/0'], allow: [{ protocol: 'all' }] }],
    ['a deny of 80 and 443 from the internet', { source_ranges: ['0.0.0.0/0'], deny: [tcp('80', '443')] }],
  ])('%s is compliant', (_label, config) => {
    expectCompliant(check(rule, firewall(config)));
  });

  test.each([
    ['443 from 0.0.0.0/0', { source_ranges: ['0.0.0.0/0'], allow: [tcp('443')] }, 'allows port 443 from the internet'],
    ['80 from ::/0', { source_ranges: ['::/0'], allow: [tcp('80')] }, 'allows port 80 from the internet'],
    ['80 with INGRESS spelled out', { direction: 'INGRESS', source_ranges: ['0.0.0.0/0'], allow: [tcp('22', '80')] }, 'allows port 80'],
    ['a range 1-1000', { source_ranges: ['203.0.113.0/24', '0.0.0.0/0'], allow: [tcp('1-1000')] }, 'allows port 1-1000 from the internet'],
    ['a range ending at 443', { source_ranges: ['0.0.0.0/0'], allow: [tcp('400-443')] }, 'allows port 400-443'],
    ['udp 443 (QUIC)', { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'udp', ports: ['443'] }] }, 'allows port 443'],
    ['protocol all', { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'all' }] }, 'allows every all port from the internet'],
    ['tcp without ports', { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp' }] }, 'allows every tcp port from the internet'],
    ['tcp with an empty port list', { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: [] }] }, 'allows every tcp port'],
    ['a second allow block', { source_ranges: ['0.0.0.0/0'], allow: [tcp('8080'), tcp('443')] }, 'allows port 443'],
  ])('%s is non-compliant', (_label, config, message) => {
    // GIVEN a world-open ingress rule
    // THEN it fails, naming the port
    expectNonCompliant(check(rule, firewall(config)), message);
  });
});

describeRule(GceNoExternalSsh, () => {
  const rule = GceNoExternalSsh;
  const firewall = (config: TerraformAttributes) => element(FIREWALL, { name: 'fw', network: 'default', ...config });

  test('applies to firewalls only', () => {
    expect(rule.appliesTo(firewall({}))).toBe(true);
    expect(rule.appliesTo(element(INSTANCE, {}))).toBe(false);
  });

  test.each([
    ['SSH from IAP only', { source_ranges: [IAP], allow: [{ protocol: 'tcp', ports: ['22'] }] }],
    ['all tcp from IAP only', { source_ranges: [IAP], allow: [{ protocol: 'tcp' }] }],
    ['no port 22 from the internet', { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['23-1000'] }] }],
    ['udp 22 from the internet', { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'udp', ports: ['22'] }] }],
    ['EGRESS to 22', { direction: 'EGRESS', destination_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] }],
    ['no allow block', { source_ranges: ['0.0.0.0/0'], deny: [{ protocol: 'tcp', ports: ['22'] }] }],
  ])('%s is compliant', (_label, config) => {
    expectCompliant(check(rule, firewall(config)));
  });

  test('SSH from the internet is non-compliant', () => {
    const subject = firewall({ source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] });
    expectNonCompliant(check(rule, subject), `allows SSH from 0.0.0.0/0; only ${IAP} (IAP) may reach port 22`);
  });

  test('IAP mixed with another range is non-compliant, naming only the other range', () => {
    // GIVEN IAP plus an office range
    const subject = firewall({ source_ranges: [IAP, '203.0.113.0/24'], allow: [{ protocol: 'tcp', ports: ['22'] }] });
    // THEN only the office range is reported
    const verdict = check(rule, subject);
    expectNonCompliant(verdict, 'allows SSH from 203.0.113.0/24;');
    expect(verdict.message).not.toContain(`from ${IAP}`);
  });

  test.each([
    ['a range covering 22', { protocol: 'tcp', ports: ['20-30'] }],
    ['a range starting at 22', { protocol: 'tcp', ports: ['22-22'] }],
    ['tcp without ports', { protocol: 'tcp' }],
    ['protocol all', { protocol: 'all' }],
  ])('%s from outside IAP is non-compliant', (_label, allow) => {
    expectNonCompliant(check(rule, firewall({ source_ranges: ['198.51.100.0/24'], allow: [allow] })), 'allows SSH from 198.51.100.0/24');
  });
});

describeRule(GceRemoteAdminDenied, () => {
  const rule = GceRemoteAdminDenied;
  const TAG = 'edge-primary-connector';
  const instance = (config: TerraformAttributes = {}) =>
    element(INSTANCE, { name: 'edge-primary', tags: [TAG], labels: { role: 'cloudflared-connector' }, network_interface: [{ network: 'default' }], ...config }, { id: 'host' });
  const firewall = (id: string, config: TerraformAttributes) =>
    element(FIREWALL, { name: id, network: 'default', direction: 'INGRESS', source_ranges: ['0.0.0.0/0'], target_tags: [TAG], ...config }, { id });
  const DENY = firewall('deny-remote-admin', { priority: 900, deny: [{ protocol: 'tcp', ports: ['22', '3389'] }] });
  const checkWith = (subject: ElementView, ...firewalls: ElementView[]) => check(rule, subject, context([subject, ...firewalls]));

  test('applies to connector instances only', () => {
    expect(rule.appliesTo(instance())).toBe(true);
    expect(rule.appliesTo(instance({ labels: { role: 'web' } }))).toBe(false);
    expect(rule.appliesTo(element(INSTANCE, { name: 'other' }))).toBe(false);
    expect(rule.appliesTo(DENY)).toBe(false);
  });

  test('a deny of tcp 22 and 3389 from 0.0.0.0/0 for its tag below 65534 is compliant (also with the IAP allow above it)', () => {
    // GIVEN the rules GceConnectorHost creates
    const iap = firewall('iap', { priority: 800, allow: [{ protocol: 'tcp', ports: ['22'] }], source_ranges: [IAP] });
    // THEN
    expectCompliant(checkWith(instance(), DENY));
    expectCompliant(checkWith(instance(), DENY, iap));
    // AND a deny of everything, or one without target tags, also counts
    expectCompliant(checkWith(instance(), firewall('deny-all', { priority: 100, deny: [{ protocol: 'all' }], target_tags: undefined })));
  });

  test('no deny: the default network rules admit SSH and RDP (non-compliant, naming them)', () => {
    // GIVEN an instance with no firewall of its own
    const verdict = checkWith(instance());
    // THEN both ports are reported, with the rule that admits them
    expectNonCompliant(verdict, 'tcp 22 from the internet is admitted by default-allow-ssh (priority 65534); tcp 3389 from the internet is admitted by default-allow-rdp (priority 65534)');
    expect(verdict.message).toContain(`for tag ${TAG} at a priority below 65534`);
  });

  test.each([
    ['only 22 denied', [firewall('deny-ssh', { priority: 900, deny: [{ protocol: 'tcp', ports: ['22'] }] })], 'tcp 3389 from the internet is admitted by default-allow-rdp'],
    ['the deny at 65535', [firewall('deny', { priority: 65535, deny: [{ protocol: 'tcp', ports: ['22', '3389'] }] })], 'tcp 22 from the internet is admitted by default-allow-ssh'],
    ['the deny for another tag', [firewall('deny', { priority: 900, deny: [{ protocol: 'tcp', ports: ['22', '3389'] }], target_tags: ['web'] })], 'admitted by default-allow-ssh'],
    ['the deny on another network', [firewall('deny', { priority: 900, network: 'other', deny: [{ protocol: 'tcp', ports: ['22', '3389'] }] })], 'admitted by default-allow-ssh'],
    ['the deny disabled', [firewall('deny', { priority: 900, disabled: true, deny: [{ protocol: 'tcp', ports: ['22', '3389'] }] })], 'admitted by default-allow-ssh'],
    ['an allow from the internet above the deny', [DENY, firewall('open', { priority: 800, allow: [{ protocol: 'tcp', ports: ['3389'] }] })], 'tcp 3389 from the internet is admitted by open (priority 800)'],
  ])('%s is non-compliant', (_label, firewalls, message) => {
    expectNonCompliant(checkWith(instance(), ...firewalls), message);
  });

  test('an instance on a custom network is judged against that network (which may carry the same default rules)', () => {
    const custom = instance({ network_interface: [{ network: 'edge-vpc' }] });
    expectCompliant(checkWith(custom, firewall('deny', { network: 'edge-vpc', priority: 900, deny: [{ protocol: 'tcp', ports: ['22', '3389'] }] })));
    expectNonCompliant(checkWith(custom, DENY), 'admitted by default-allow-ssh');
  });

  test.each([
    ['tags are an expression', instance({ tags: '${var.tags}' }), [DENY], 'the network tags are an expression'],
    ['the network is an expression', instance({ network_interface: [{ network: '${google_compute_network.n.name}' }] }), [DENY], 'the network is an expression'],
    ['a firewall range is an expression', instance(), [firewall('deny', { priority: 900, deny: [{ protocol: 'tcp', ports: ['22', '3389'] }], source_ranges: ['${var.r}'] })], 'has an expression'],
    ['a firewall network is an expression', instance(), [firewall('deny', { network: '${var.n}', deny: [{ protocol: 'all' }] })], 'has a network expression'],
    ['a firewall uses service accounts', instance(), [firewall('sa', { target_tags: undefined, target_service_accounts: ['sa@example-prod.iam.gserviceaccount.com'], deny: [{ protocol: 'all' }] })], 'uses service accounts'],
  ])('%s: could not validate', (_label, subject, firewalls, message) => {
    expectUnknown(checkWith(subject, ...firewalls), message);
  });
});

describeRule(GceLeastPrivilege, () => {
  const rule = GceLeastPrivilege;
  const SA = '${google_service_account.host_sa_1234.member}';

  test('applies to project-wide IAM and secret IAM', () => {
    for (const type of ['google_project_iam_member', 'google_project_iam_binding', 'google_project_iam_policy', 'google_secret_manager_secret_iam_member', 'google_secret_manager_secret_iam_binding']) {
      expect(rule.appliesTo(element(type, {}))).toBe(true);
    }
    expect(rule.appliesTo(element('google_storage_bucket_iam_member', {}))).toBe(false);
  });

  test('secretAccessor on a named secret for a service account is compliant', () => {
    // GIVEN the grant the connector host makes
    const subject = element('google_secret_manager_secret_iam_member', { secret_id: 's', role: 'roles/secretmanager.secretAccessor', member: SA });
    // THEN it passes
    expectCompliant(check(rule, subject));
  });

  test('a project role for a person is outside the rule (compliant)', () => {
    expectCompliant(check(rule, element('google_project_iam_member', { project: 'p', role: 'roles/viewer', member: 'user:ops@example.com' })));
  });

  test('a project-wide role for a service account is non-compliant', () => {
    // GIVEN a project-level grant to the host's service account
    const subject = element('google_project_iam_member', { project: 'p', role: 'roles/secretmanager.secretAccessor', member: SA });
    // THEN it fails even for secretAccessor
    expectNonCompliant(check(rule, subject), 'grants roles/secretmanager.secretAccessor on the whole project to a service account');
  });

  test('a project binding that lists a literal service account is non-compliant', () => {
    const subject = element('google_project_iam_binding', { project: 'p', role: 'roles/editor', members: ['user:ops@example.com', 'serviceAccount:host@example-project.iam.gserviceaccount.com'] });
    expectNonCompliant(check(rule, subject), 'grants roles/editor on the whole project');
  });

  test('another role on a secret is non-compliant', () => {
    const subject = element('google_secret_manager_secret_iam_binding', { secret_id: 's', role: 'roles/secretmanager.admin', members: [SA] });
    expectNonCompliant(check(rule, subject), 'grants roles/secretmanager.admin on a secret; hosts need only roles/secretmanager.secretAccessor');
  });
});

describeRule(OutputSecretsSensitive, () => {
  const rule = OutputSecretsSensitive;
  const stack = { variable: { entra_client_secret: { type: 'string', sensitive: true }, zone_id: { type: 'string' } } };
  const checkOutput = (value: unknown, sensitive?: boolean) => {
    const subject = output('out', { value, ...(sensitive === undefined ? {} : { sensitive }) });
    return check(rule, subject, context([subject], stack));
  };

  test('applies to outputs only', () => {
    expect(rule.appliesTo(output('o', {}))).toBe(true);
    expect(rule.appliesTo(element('variable', {}, { kind: 'variable' }))).toBe(false);
    expect(rule.appliesTo(element(SERVICE_TOKEN, {}))).toBe(false);
  });

  test('a sensitive output is compliant whatever it carries', () => {
    expectCompliant(checkOutput('${var.entra_client_secret}', true));
  });

  test('an output of non-secret values is compliant', () => {
    expectCompliant(checkOutput('${cloudflare_zero_trust_tunnel_cloudflared.t.id}.cfargotunnel.com'));
    expectCompliant(checkOutput('${var.zone_id}'));
    expectCompliant(checkOutput({ id: '${cloudflare_account_token.t.id}' }));
  });

  test('an output of a sensitive variable is non-compliant', () => {
    // GIVEN an output that references a sensitive variable, and is not sensitive
    // THEN it fails
    const verdict = checkOutput('${var.entra_client_secret}', false);
    expectNonCompliant(verdict, 'output out carries a secret but is not sensitive');
  });

  test('a sensitive variable inside a larger value is found', () => {
    expectNonCompliant(checkOutput({ secret: 'prefix-${var.entra_client_secret}-suffix' }), 'carries a secret');
  });

  test('a variable whose name only starts like a sensitive one is not a secret', () => {
    // GIVEN var.entra_client_secret_hint (not declared sensitive)
    expectCompliant(checkOutput('${var.entra_client_secret_hint}'));
  });

  test.each([
    ['sensitive()', '${sensitive(sha256(cloudflare_account_token.t.value))}'],
    ['an account token value', '${cloudflare_account_token.r2_token.value}'],
    ['an api token value', '${cloudflare_api_token.deploy.value}'],
    ['a client secret', '${cloudflare_zero_trust_access_service_token.ci.client_secret}'],
    ['the tunnel token', `\${${TOKEN_REF}}`],
    ['a tunnel secret', '${cloudflare_zero_trust_tunnel_cloudflared.t.tunnel_secret}'],
    ['secret data', '${google_secret_manager_secret_version.v.secret_data}'],
  ])('an output carrying %s is non-compliant', (_label, value) => {
    expectNonCompliant(checkOutput(value), 'output out carries a secret but is not sensitive');
  });
});

test('every rule in RULES has a describe block in this file', () => {
  // GIVEN the rule ids with tests above
  // THEN they are exactly the rules of the pack
  expect([...covered].sort()).toEqual(RULES.map((r) => r.id).sort());
});

// Regressions: each case below was once answered wrongly (found in review of the pack).
describe('regressions', () => {
  test('an ingress rule with no source at all is open to the internet (GCP default)', () => {
    const fw = element(FIREWALL, { direction: 'INGRESS', allow: [{ protocol: 'tcp', ports: ['443'] }] });
    expectNonCompliant(check(GceNoOpenWebPorts, fw), 'allows port 443 from the internet');
    const ssh = element(FIREWALL, { direction: 'INGRESS', allow: [{ protocol: 'tcp', ports: ['22'] }] });
    expectNonCompliant(check(GceNoExternalSsh, ssh), 'every source (no source given)');
  });

  test('ICMP from anywhere is not a web port', () => {
    expectCompliant(check(GceNoOpenWebPorts, element(FIREWALL, { direction: 'INGRESS', allow: [{ protocol: 'icmp' }], source_ranges: ['0.0.0.0/0'] })));
  });

  test('protocol number 6 is tcp for SSH', () => {
    const fw = element(FIREWALL, { direction: 'INGRESS', allow: [{ protocol: '6', ports: ['22'] }], source_ranges: ['0.0.0.0/0'] });
    expectNonCompliant(check(GceNoExternalSsh, fw), 'allows SSH from 0.0.0.0/0');
  });

  test('expressions and odd entries are "could not validate", never a crash or a pass', () => {
    expectUnknown(check(GceNoOpenWebPorts, element(FIREWALL, { direction: 'INGRESS', allow: [{ protocol: 'tcp', ports: ['443'] }], source_ranges: '${var.ranges}' })), 'expression');
    expectUnknown(check(GceNoOpenWebPorts, element(FIREWALL, { direction: 'INGRESS', allow: '${var.allow}', source_ranges: ['0.0.0.0/0'] })), 'expression');
    expectUnknown(check(GceNoExternalSsh, element(FIREWALL, { direction: 'INGRESS', allow: [{ protocol: 'tcp', ports: ['22'] }], source_ranges: '${var.r}' })), 'expression');
    expectUnknown(check(AccessNoAllowEveryone, element(POLICY, { decision: 'allow', include: '${var.include}' })), 'expression');
    expectUnknown(check(AccessNoAllowEveryone, element(POLICY, { decision: 'allow', include: [null] })), 'not an object');
    expectUnknown(check(AccessNoAllowEveryone, element(POLICY, { decision: '${var.d}', include: [{ everyone: {} }] })), 'decision is an expression');
    expectUnknown(check(TunnelCatchAllLast, element(TUNNEL_CONFIG, { config: { ingress: [null, { service: 'http_status:404' }] } })), 'not an object');
    expectUnknown(check(AccessRouteCoverage, element(TUNNEL_CONFIG, { config: { ingress: [null, { service: 'http_status:404' }] } })), 'not an object');
    expectUnknown(check(GceLeastPrivilege, element('google_project_iam_policy', { policy_data: '${data.x.policy_data}' })), 'cannot be read');
    expectUnknown(check(GceLeastPrivilege, element('google_secret_manager_secret_iam_binding', { role: 'roles/owner', members: '${var.m}' })), 'members is an expression');
  });

  test('nonsensitive() does not count as wrapping the token, and template or project metadata is checked', () => {
    expectNonCompliant(check(TunnelTokenSensitive, element(SECRET_VERSION, { secret_data: `\${nonsensitive(sensitive(${TOKEN_REF}))}` })), 'nonsensitive');
    for (const type of ['google_compute_instance_template', 'google_compute_project_metadata_item']) {
      expectNonCompliant(check(TunnelTokenSensitive, element(type, { value: `\${sensitive(${TOKEN_REF})}` })), 'Secret Manager');
    }
    expectCompliant(check(TunnelTokenSensitive, output('raw', { value: `\${${TOKEN_REF}}`, sensitive: true })));
  });

  test('an unreadable Entra expiry is "could not validate" for both rules', () => {
    const idp = element(IDP, { type: 'azureAD' }, { facts: { 'secret-expires': 'soon' } });
    expectUnknown(check(AccessIdpSecretExpired, idp), 'not a date');
    expectUnknown(check(AccessIdpSecretExpiring, idp), 'not a date');
  });

  test('a path-only rule before the catch-all must be gated too', () => {
    const cfg = element(TUNNEL_CONFIG, { config: { ingress: [{ path: '^/admin', service: 'http://localhost:9' }, { service: 'http_status:404' }] } });
    expectNonCompliant(check(AccessRouteCoverage, cfg), 'path ^/admin on every hostname');
  });

  test('a sensitive variable name is matched whole (var.db does not match var.db-host)', () => {
    const ctx = context([], { variable: { db: { sensitive: true } } });
    expectCompliant(check(OutputSecretsSensitive, output('host', { value: '${var.db-host}' }), ctx));
    expectNonCompliant(check(OutputSecretsSensitive, output('db', { value: '${var.db}' }), ctx), 'carries a secret');
  });

  test('an r2 token that also names another resource is not bucket-scoped', () => {
    const token = element(ACCOUNT_TOKEN, {
      name: 't',
      policies: [{ resources: `{"com.cloudflare.edge.r2.bucket.${ACCOUNT_ID}_default_b":"*","com.cloudflare.api.user.x":"*"}` }],
    });
    expectNonCompliant(check(R2TokenScoped, token), 'names buckets only');
  });

  test('a ScopedApiToken (per-concern token) is not judged as an r2 key', () => {
    const token = element(ACCOUNT_TOKEN, { name: 'dns', policies: [{ resources: '{"com.cloudflare.api.account.zone.z":"*"}' }] }, { facts: { 'scoped-token': ['DNS Write'] } });
    expect(R2TokenScoped.appliesTo(token)).toBe(false);
  });
});

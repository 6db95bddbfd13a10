import { TerraformOutput } from 'cdktf';
import { AccessGroup } from '../../../../lib/cloudflare/access/group';
import { IdentityProvider } from '../../../../lib/cloudflare/access/identity-provider';
import { AccessPolicy, AccessPolicyProps } from '../../../../lib/cloudflare/access/policy';
import { AccessDecision, AccessRule, AccessRuleKind } from '../../../../lib/cloudflare/access/rules';
import { AccessServiceToken } from '../../../../lib/cloudflare/access/service-token';
import { ACCOUNT_ID, expectProblem, Json, newStack, problemsOf, synth } from './support';

const POLICY = 'cloudflare_zero_trust_access_policy';
const ENTRA = IdentityProvider.fromIdentityProviderId('bbbbbbbb-0000-4000-8000-000000000001');
const STAFF = AccessGroup.fromGroupId('cccccccc-0000-4000-8000-000000000001');
const TOKEN = { serviceTokenId: 'dddddddd-0000-4000-8000-000000000001' };

function props(overrides: Partial<AccessPolicyProps> = {}): AccessPolicyProps {
  return {
    accountId: ACCOUNT_ID,
    name: 'allow staff',
    decision: AccessDecision.ALLOW,
    include: [AccessRule.group(STAFF)],
    ...overrides,
  };
}

function policyConfig(overrides: Partial<AccessPolicyProps> = {}): Json {
  return synth((scope) => new AccessPolicy(scope, 'p', props(overrides))).at(POLICY, 'p/resource');
}

function build(overrides: Partial<AccessPolicyProps> = {}): AccessPolicy {
  return new AccessPolicy(newStack(), 'p', props(overrides));
}

describe('AccessRule selectors', () => {
  test.each([
    ['group', AccessRule.group(STAFF), AccessRuleKind.GROUP, { group: { id: STAFF.groupId } }],
    ['email', AccessRule.email('ada@example.com'), AccessRuleKind.EMAIL, { email: { email: 'ada@example.com' } }],
    ['emailDomain', AccessRule.emailDomain('example.com'), AccessRuleKind.EMAIL_DOMAIN, { emailDomain: { domain: 'example.com' } }],
    ['serviceToken', AccessRule.serviceToken(TOKEN), AccessRuleKind.SERVICE_TOKEN, { serviceToken: { tokenId: TOKEN.serviceTokenId } }],
    ['entraGroup', AccessRule.entraGroup('eeeeeeee-0000-4000-8000-000000000001', ENTRA), AccessRuleKind.ENTRA_GROUP,
      { azureAd: { id: 'eeeeeeee-0000-4000-8000-000000000001', identityProviderId: ENTRA.identityProviderId } }],
    ['everyone', AccessRule.everyone(), AccessRuleKind.EVERYONE, { everyone: {} }],
    ['anyValidServiceToken', AccessRule.anyValidServiceToken(), AccessRuleKind.ANY_VALID_SERVICE_TOKEN, { anyValidServiceToken: {} }],
  ])('AccessRule.%s has its kind and exactly one selector', (_name, rule, kind, selector) => {
    expect(rule.kind).toBe(kind);
    expect(rule.selector).toEqual(selector);
    expect(Object.keys(rule.selector)).toHaveLength(1);
  });
});

describe('AccessPolicy allow', () => {
  test("renders account, name, decision, one selector per include element and no session of its own (a written 24h would override the apps' sessions)", () => {
    // GIVEN an allow policy over a group, an email, an email domain and an Entra group
    const config = policyConfig({
      include: [
        AccessRule.group(STAFF),
        AccessRule.email('ada@example.com'),
        AccessRule.emailDomain('example.net'),
        AccessRule.entraGroup('eeeeeeee-0000-4000-8000-000000000001', ENTRA),
      ],
    });
    // THEN
    expect(config.account_id).toBe(ACCOUNT_ID);
    expect(config.name).toBe('allow staff');
    expect(config.decision).toBe('allow');
    expect(config).not.toHaveProperty('session_duration');
    expect(config.include).toEqual([
      { group: { id: STAFF.groupId } },
      { email: { email: 'ada@example.com' } },
      { email_domain: { domain: 'example.net' } },
      { azure_ad: { id: 'eeeeeeee-0000-4000-8000-000000000001', identity_provider_id: ENTRA.identityProviderId } },
    ]);
    for (const element of config.include) expect(Object.keys(element)).toHaveLength(1);
  });

  test('no require or exclude keys unless given (empty lists count as not given)', () => {
    expect(policyConfig()).not.toHaveProperty('require');
    expect(policyConfig()).not.toHaveProperty('exclude');
    const config = policyConfig({ require: [], exclude: [] });
    expect(config).not.toHaveProperty('require');
    expect(config).not.toHaveProperty('exclude');
  });

  test('require and exclude render one selector per element', () => {
    // GIVEN require and exclude rules
    const config = policyConfig({
      require: [AccessRule.emailDomain('example.com'), AccessRule.entraGroup('eeeeeeee-0000-4000-8000-000000000002', ENTRA)],
      exclude: [AccessRule.email('mallory@example.com'), AccessRule.email('eve@example.com')],
    });
    // THEN
    expect(config.require).toEqual([
      { email_domain: { domain: 'example.com' } },
      { azure_ad: { id: 'eeeeeeee-0000-4000-8000-000000000002', identity_provider_id: ENTRA.identityProviderId } },
    ]);
    expect(config.exclude).toEqual([{ email: { email: 'mallory@example.com' } }, { email: { email: 'eve@example.com' } }]);
  });

  test('a group created in the stack is referenced by its id', () => {
    const s = synth((scope) => {
      const staff = new AccessGroup(scope, 'staff', { accountId: ACCOUNT_ID, name: 'staff', include: [AccessRule.emailDomain('example.com')] });
      new AccessPolicy(scope, 'p', props({ include: [AccessRule.group(staff)] }));
    });
    const group = s.logicalId('staff/resource');
    expect(s.at(POLICY, 'p/resource').include).toEqual([{ group: { id: `\${cloudflare_zero_trust_access_group.${group}.id}` } }]);
  });

  test('an explicit session duration is used', () => {
    expect(policyConfig({ sessionDuration: '8h' }).session_duration).toBe('8h');
  });

  test('exposes policyId and decision', () => {
    let policy: AccessPolicy | undefined;
    const s = synth((scope) => {
      policy = new AccessPolicy(scope, 'p', props());
      new TerraformOutput(scope, 'id', { value: policy.policyId });
    });
    expect(s.output('id')).toBe(`\${${POLICY}.${s.logicalId('p/resource')}.id}`);
    expect(policy!.decision).toBe(AccessDecision.ALLOW);
  });

  test('fromPolicyId refers to an existing policy', () => {
    expect(AccessPolicy.fromPolicyId('ffffffff-0000-4000-8000-000000000001', AccessDecision.BYPASS)).toEqual({
      policyId: 'ffffffff-0000-4000-8000-000000000001',
      decision: AccessDecision.BYPASS,
    });
  });
});

describe('AccessPolicy non_identity', () => {
  test('admits named service tokens', () => {
    // GIVEN a service token created in the stack and one imported
    const s = synth((scope) => {
      const ci = new AccessServiceToken(scope, 'ci', { accountId: ACCOUNT_ID, name: 'ci', decisionRecord: 'ADR-0012' });
      new AccessPolicy(scope, 'p', props({
        name: 'ci',
        decision: AccessDecision.NON_IDENTITY,
        include: [AccessRule.serviceToken(ci), AccessRule.serviceToken(TOKEN)],
      }));
    });
    // THEN
    const config = s.at(POLICY, 'p/resource');
    const token = s.logicalId('ci/resource');
    expect(config.decision).toBe('non_identity');
    expect(config.include).toEqual([
      { service_token: { token_id: `\${cloudflare_zero_trust_access_service_token.${token}.id}` } },
      { service_token: { token_id: TOKEN.serviceTokenId } },
    ]);
    expect(config).not.toHaveProperty('session_duration');
  });
});

describe('AccessPolicy deny and bypass', () => {
  test('deny may include everyone and any valid service token', () => {
    const config = policyConfig({ decision: AccessDecision.DENY, include: [AccessRule.everyone(), AccessRule.anyValidServiceToken()] });
    expect(config.decision).toBe('deny');
    expect(config.include).toEqual([{ everyone: {} }, { any_valid_service_token: {} }]);
  });

  test('bypass may include everyone', () => {
    const config = policyConfig({ decision: AccessDecision.BYPASS, include: [AccessRule.everyone()] });
    expect(config.decision).toBe('bypass');
    expect(config.include).toEqual([{ everyone: {} }]);
  });
});

describe('AccessPolicy validation', () => {
  test('fails if an allow policy includes everyone', () => {
    const problem = expectProblem(
      () => build({ include: [AccessRule.emailDomain('example.com'), AccessRule.everyone()] }),
      'p.include[1]',
      'an allow policy must not admit everyone',
    );
    expect(problem.value).toBe(AccessRuleKind.EVERYONE);
  });

  test('fails if an allow policy includes any valid service token', () => {
    expectProblem(
      () => build({ include: [AccessRule.anyValidServiceToken()] }),
      'p.include[0]',
      'an allow policy must not admit any valid service token',
    );
  });

  test('fails if an allow policy includes a named service token', () => {
    expectProblem(() => build({ include: [AccessRule.serviceToken(TOKEN)] }), 'p.include[0]', 'service tokens are only admitted by a non_identity policy');
  });

  test.each([
    ['email', AccessRule.email('ada@example.com')],
    ['group', AccessRule.group(STAFF)],
    ['everyone', AccessRule.everyone()],
    ['anyValidServiceToken', AccessRule.anyValidServiceToken()],
  ])('fails if a non_identity policy includes a non-token rule: %s', (_name, rule) => {
    const problem = expectProblem(
      () => build({ decision: AccessDecision.NON_IDENTITY, include: [AccessRule.serviceToken(TOKEN), rule] }),
      'p.include[1]',
      'a non_identity policy may only include named service tokens',
    );
    expect(problem.value).toBe(rule.kind);
  });

  test('fails if include is empty', () => {
    expectProblem(() => build({ include: [] }), 'p.include', 'must list at least one rule');
  });

  test.each([
    ['8 hours', 'must be a duration such as'],
    ['0s', 'must be from 1m to 730h'],
    ['800h', 'must be from 1m to 730h'],
  ])('fails if the session duration is bad: %s', (sessionDuration, message) => {
    const problem = expectProblem(() => build({ sessionDuration }), 'p.sessionDuration', message);
    expect(problem.value).toBe(sessionDuration);
  });

  test('reports every offending rule', () => {
    const problems = problemsOf(() => build({ include: [AccessRule.everyone(), AccessRule.anyValidServiceToken(), AccessRule.serviceToken(TOKEN)] }));
    expect(problems.map((p) => p.path)).toEqual(['p.include[0]', 'p.include[1]', 'p.include[2]']);
  });
});

describe('AccessRule identities (issue 14)', () => {
  test('an email domain must be a plain domain, an entra group an object id', () => {
    expect(() => AccessRule.emailDomain('*.example.com')).toThrow('emailDomain: must be a plain email domain such as example.com');
    expect(() => AccessRule.emailDomain('@example.com')).toThrow('without @');
    expect(() => AccessRule.entraGroup('Engineering', ENTRA)).toThrow("entraGroup: must be the entra group's object id, a uuid");
    expect(AccessRule.entraGroup('eeeeeeee-0000-4000-8000-000000000001', ENTRA).kind).toBe('entra_group');
  });
});

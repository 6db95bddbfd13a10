import { TerraformOutput } from 'cdktf';
import { AccessGroup, AccessGroupProps } from '../../../../lib/cloudflare/access/group';
import { IdentityProvider } from '../../../../lib/cloudflare/access/identity-provider';
import { AccessRule, AccessRuleKind } from '../../../../lib/cloudflare/access/rules';
import { ACCOUNT_ID, expectProblem, newStack, synth } from './support';

const GROUP = 'cloudflare_zero_trust_access_group';
const ENTRA = IdentityProvider.fromIdentityProviderId('bbbbbbbb-0000-4000-8000-000000000001');

function build(include: AccessGroupProps['include']): AccessGroup {
  return new AccessGroup(newStack(), 'staff', { accountId: ACCOUNT_ID, name: 'staff', include });
}

describe('AccessGroup', () => {
  test('renders account, name and one selector per include element', () => {
    // GIVEN a group over an email domain, an email, an Entra group and a nested group
    const s = synth((scope) => {
      new AccessGroup(scope, 'staff', {
        accountId: ACCOUNT_ID,
        name: 'staff',
        include: [
          AccessRule.emailDomain('example.com'),
          AccessRule.email('ada@example.net'),
          AccessRule.entraGroup('eeeeeeee-0000-4000-8000-000000000001', ENTRA),
          AccessRule.group(AccessGroup.fromGroupId('cccccccc-0000-4000-8000-000000000001')),
        ],
      });
    });
    // WHEN
    const config = s.at(GROUP, 'staff/resource');
    // THEN
    expect(config.account_id).toBe(ACCOUNT_ID);
    expect(config.name).toBe('staff');
    expect(config.include).toEqual([
      { email_domain: { domain: 'example.com' } },
      { email: { email: 'ada@example.net' } },
      { azure_ad: { id: 'eeeeeeee-0000-4000-8000-000000000001', identity_provider_id: ENTRA.identityProviderId } },
      { group: { id: 'cccccccc-0000-4000-8000-000000000001' } },
    ]);
    expect(config).not.toHaveProperty('require');
    expect(config).not.toHaveProperty('exclude');
  });

  test('exposes groupId as a reference to the resource id', () => {
    const s = synth((scope) => {
      const g = new AccessGroup(scope, 'staff', { accountId: ACCOUNT_ID, name: 'staff', include: [AccessRule.emailDomain('example.com')] });
      new TerraformOutput(scope, 'id', { value: g.groupId });
    });
    expect(s.output('id')).toBe(`\${${GROUP}.${s.logicalId('staff/resource')}.id}`);
  });

  test('fromGroupId refers to an existing group', () => {
    expect(AccessGroup.fromGroupId('cccccccc-0000-4000-8000-000000000001')).toEqual({ groupId: 'cccccccc-0000-4000-8000-000000000001' });
  });

  test('fails if include is empty', () => {
    expectProblem(() => build([]), 'staff.include', 'must list at least one member rule');
  });

  test('fails if it contains everyone', () => {
    const problem = expectProblem(
      () => build([AccessRule.emailDomain('example.com'), AccessRule.everyone()]),
      'staff.include[1]',
      'a group holds people',
    );
    expect(problem.value).toBe(AccessRuleKind.EVERYONE);
  });

  test.each([
    ['serviceToken', AccessRule.serviceToken({ serviceTokenId: 'dddddddd-0000-4000-8000-000000000001' }), AccessRuleKind.SERVICE_TOKEN],
    ['anyValidServiceToken', AccessRule.anyValidServiceToken(), AccessRuleKind.ANY_VALID_SERVICE_TOKEN],
  ])('fails if it contains a machine rule: %s', (_name, rule, kind) => {
    expect(expectProblem(() => build([rule]), 'staff.include[0]', 'a group holds people').value).toBe(kind);
  });
});

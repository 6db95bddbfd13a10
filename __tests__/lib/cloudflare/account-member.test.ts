/**
 * AccountMember: a member of the Cloudflare account invited by email, its roles named as the dashboard
 * names them and resolved at plan time from cloudflare_account_roles (terraform evaluates the
 * selection and the postcondition), time-bound by `expires` for the policy pack.
 */
import { Construct } from 'constructs';
import { AccountMember, AccountMemberProps } from '../../../lib/cloudflare/account-member';
import { evaluate } from '../../../lib/cutover/evaluate';
import { ACCOUNT_ID, expectProblem, newStack, problemsOf, synth } from './access/support';

const MEMBER = 'cloudflare_account_member';
const ROLES = 'cloudflare_account_roles';

function props(overrides: Partial<AccountMemberProps> = {}): AccountMemberProps {
  return { accountId: ACCOUNT_ID, email: 'consultant@example.net', roles: ['Administrator', 'Cloudflare Access'], expires: '2030-06-30', ...overrides };
}
const build = (overrides: Partial<AccountMemberProps> = {}, scope: Construct = newStack()) => new AccountMember(scope, 'consultant', props(overrides));

describe('AccountMember', () => {
  // GIVEN a consultant with two roles until 2030-06-30
  let member!: AccountMember;
  const s = synth((scope) => {
    member = build({}, scope);
  });
  const config = s.at(MEMBER, 'consultant/member');
  const lookupId = s.logicalId('consultant/roles');
  const lookup = s.json.data[ROLES][lookupId];

  test('invites the email in the account; the status is left to Cloudflare (pending until accepted)', () => {
    expect(config.account_id).toBe(ACCOUNT_ID);
    expect(config.email).toBe('consultant@example.net');
    expect(config).not.toHaveProperty('status');
    expect(config).not.toHaveProperty('policies');
  });

  test('each role is an expression selecting its id by name from the account roles', () => {
    expect(lookup.account_id).toBe(ACCOUNT_ID);
    expect(config.roles).toEqual([
      `\${[for r in data.${ROLES}.${lookupId}.result : r.id if r.name == "Administrator"][0]}`,
      `\${[for r in data.${ROLES}.${lookupId}.result : r.id if r.name == "Cloudflare Access"][0]}`,
    ]);
  });

  test('terraform picks the ids by name, and the postcondition fails when a named role is missing, naming them', () => {
    // GIVEN the role list the data source returns, stubbed, evaluated in one terraform run
    const ref = `data.${ROLES}.${lookupId}.result`;
    const [post] = lookup.lifecycle.postcondition;
    const roles = [
      { id: 'id-admin', name: 'Administrator' },
      { id: 'id-access', name: 'Cloudflare Access' },
      { id: 'id-ro', name: 'Administrator Read Only' },
    ];
    const [first, second] = config.roles as string[];
    // WHEN
    const out = evaluate({ expressions: { first, second, ok: post.condition.replace('self.result', ref) }, stubs: { [ref]: roles }, variables: {} });
    // THEN
    expect(out).toEqual({ first: 'id-admin', second: 'id-access', ok: true });
    expect(evaluate({ expressions: { ok: post.condition.replace('self.result', ref) }, stubs: { [ref]: roles.slice(1) }, variables: {} }).ok).toBe(false);
    expect(post.error_message).toContain('no role named one of Administrator, Cloudflare Access (account member consultant@example.net)');
  });

  test('records the expiry for the policy pack; a permanent member records none', () => {
    expect(member.member.node.metadata.find((m) => m.type === 'gatehouse:member-expires')?.data).toEqual({ email: 'consultant@example.net', expires: '2030-06-30' });
    const permanent = build({ expires: undefined });
    expect(permanent.member.node.metadata.find((m) => m.type === 'gatehouse:member-expires')).toBeUndefined();
    expect(permanent.expires).toBeUndefined();
  });
});

describe('AccountMember: fails if', () => {
  test('the email is not an email address', () => {
    expect(expectProblem(() => build({ email: 'consultant' }), 'consultant.email', 'must be an email address').value).toBe('consultant');
  });

  test('no role is named', () => {
    expectProblem(() => build({ roles: [] }), 'consultant.roles', 'must name at least one role');
  });

  test('a role is empty or listed twice', () => {
    expectProblem(() => build({ roles: [' '] }), 'consultant.roles[0]', 'must be a role name');
    expect(expectProblem(() => build({ roles: ['Administrator', 'Administrator'] }), 'consultant.roles[1]', 'is listed twice').value).toBe('Administrator');
  });

  test('expires is not a calendar date', () => {
    expect(expectProblem(() => build({ expires: '2030-13-01' }), 'consultant.expires', 'must be a real calendar date').value).toBe('2030-13-01');
  });

  test('every problem is reported at once', () => {
    expect(problemsOf(() => build({ email: 'x', roles: [], expires: 'soon' })).map((p) => p.path)).toEqual(['consultant.email', 'consultant.roles', 'consultant.expires']);
  });
});

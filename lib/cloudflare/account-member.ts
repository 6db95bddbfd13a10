import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { AccountMember as AccountMemberResource } from '@cdktf/provider-cloudflare/lib/account-member';
import { DataCloudflareAccountRoles } from '@cdktf/provider-cloudflare/lib/data-cloudflare-account-roles';
import { FACTS, recordFact } from '../checks/facts';
import { isoDateProblem } from '../core/dates';
import { ProblemCollector } from '../core/errors';

/** Props for `AccountMember`. */
export interface AccountMemberProps {
  /** The Cloudflare account (32-hex id) the member joins. Changing it replaces the member (provider 5.14). */
  readonly accountId: string;
  /** The member's email address: Cloudflare invites it. Changing it replaces the member (a new invitation). */
  readonly email: string;
  /**
   * Account roles by name, e.g. `Administrator`, `Cloudflare Access`
   * (https://developers.cloudflare.com/fundamentals/manage-members/roles/). Their ids are looked up at
   * plan time; a name the account does not have fails the plan, naming it.
   */
  readonly roles: readonly string[];
  /**
   * The day the member's access ends (YYYY-MM-DD, UTC): the policy pack warns 14 days ahead and fails on
   * the day and after, naming the member to remove.
   * @default - no end (a permanent member)
   */
  readonly expires?: string;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * A member of the Cloudflare account (`cloudflare_account_member`, provider 5.14), invited by email with
 * roles named as the dashboard names them. The status is left to Cloudflare (`pending` until the
 * invitation is accepted; provider 5.14 replaces the member when a configured status changes). A
 * time-bound member (a consultant) carries `expires`: removing the member from the code and deploying
 * revokes the access, and the policy pack refuses to synthesize once the day has come, so the removal
 * cannot be forgotten. Children `roles` (the role lookup) and `member` are public API.
 *
 * @example
 * new AccountMember(this, 'consultant', { accountId, email: 'consultant@example.net', roles: ['Administrator'], expires: '2030-06-30' });
 */
export class AccountMember extends Construct {
  /** The `cloudflare_account_member` resource (construct id `member`). */
  public readonly member: AccountMemberResource;
  /** The account's roles (`cloudflare_account_roles`, construct id `roles`), read to turn role names into ids. */
  public readonly roleLookup: DataCloudflareAccountRoles;
  /** The member's email address, as given. */
  public readonly email: string;
  /** The day the member's access ends (YYYY-MM-DD), when the member is time-bound. */
  public readonly expires?: string;

  constructor(scope: Construct, id: string, props: AccountMemberProps) {
    super(scope, id);
    const problems = new ProblemCollector(id);
    if (!Token.isUnresolved(props.email) && !EMAIL.test(props.email)) problems.add('email', 'must be an email address', props.email);
    if (props.roles.length === 0) problems.add('roles', 'must name at least one role (e.g. Administrator Read Only)');
    props.roles.forEach((r, i) => {
      if (Token.isUnresolved(r)) problems.add(`roles[${i}]`, 'must be a literal role name: it is looked up by name', r);
      else if (r.trim() === '') problems.add(`roles[${i}]`, 'must be a role name such as Administrator', r);
      else if (props.roles.indexOf(r) !== i) problems.add(`roles[${i}]`, 'is listed twice', r);
    });
    if (props.expires !== undefined && !Token.isUnresolved(props.expires)) {
      const p = isoDateProblem(props.expires);
      if (p) problems.add('expires', p, props.expires);
    }
    problems.throwIfAny();

    const names = [...props.roles];
    this.roleLookup = new DataCloudflareAccountRoles(this, 'roles', {
      accountId: props.accountId,
      lifecycle: {
        postcondition: [
          {
            condition: `\${alltrue([for n in ${JSON.stringify(names)} : contains(self.result[*].name, n)])}`,
            errorMessage: `The account has no role named one of ${names.join(', ')} (account member ${props.email}); see the Members page for the role names.`,
          },
        ],
      },
    });
    const address = `data.${this.roleLookup.terraformResourceType}.${this.roleLookup.friendlyUniqueId}`;
    this.member = new AccountMemberResource(this, 'member', {
      accountId: props.accountId,
      email: props.email,
      roles: names.map((n) => `\${[for r in ${address}.result : r.id if r.name == ${JSON.stringify(n)}][0]}`),
    });
    if (props.expires !== undefined) recordFact(this.member, FACTS.memberExpires, { email: props.email, expires: props.expires });
    this.email = props.email;
    if (props.expires !== undefined) this.expires = props.expires;
  }
}

import { Construct } from 'constructs';
import { ZeroTrustAccessGroup } from '@cdktf/provider-cloudflare/lib/zero-trust-access-group';
import { ProblemCollector } from '../../core/errors';
import { AccessRule, AccessRuleKind } from './rules';

/** An access group, created here or elsewhere. */
export interface IAccessGroup {
  /** The access group's id (a uuid), as `AccessRule.group` references it. */
  readonly groupId: string;
}

/** Props for `AccessGroup`. */
export interface AccessGroupProps {
  /** The Cloudflare account (32-hex id) that owns the group. */
  readonly accountId: string;
  /** Group name shown in the dashboard. */
  readonly name: string;
  /** Who belongs: any matching rule admits. Email, email-domain and Entra-group rules only. */
  readonly include: readonly AccessRule[];
}

const MEMBER_KINDS = [AccessRuleKind.EMAIL, AccessRuleKind.EMAIL_DOMAIN, AccessRuleKind.ENTRA_GROUP, AccessRuleKind.GROUP];

/**
 * A reusable access group (email domains, emails, IdP groups) that policies reference, so adding
 * a second domain is one edit instead of one per policy.
 *
 * @example
 * const staff = new AccessGroup(this, 'staff', { accountId, name: 'staff', include: [AccessRule.emailDomain('example.com')] });
 */
export class AccessGroup extends Construct implements IAccessGroup {
  /** Refer to an access group managed elsewhere by its id (a uuid). */
  public static fromGroupId(groupId: string): IAccessGroup {
    return { groupId };
  }

  public readonly groupId: string;
  /** The `cloudflare_zero_trust_access_group` resource (construct id `resource`). */
  public readonly resource: ZeroTrustAccessGroup;

  constructor(scope: Construct, id: string, props: AccessGroupProps) {
    super(scope, id);
    const problems = new ProblemCollector(id);
    if (props.include.length === 0) problems.add('include', 'must list at least one member rule');
    props.include.forEach((rule, i) => {
      if (!MEMBER_KINDS.includes(rule.kind)) {
        problems.add(`include[${i}]`, 'a group holds people: use email, email domain, entra group or group rules', rule.kind);
      }
    });
    problems.throwIfAny();
    this.resource = new ZeroTrustAccessGroup(this, 'resource', {
      accountId: props.accountId,
      name: props.name,
      include: props.include.map((r) => r.selector),
    });
    this.groupId = this.resource.id;
  }
}

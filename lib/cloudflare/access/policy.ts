import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ZeroTrustAccessPolicy } from '@cdktf/provider-cloudflare/lib/zero-trust-access-policy';
import { ProblemCollector } from '../../core/errors';
import { sessionDurationProblem } from '../../core/rules';
import { AccessDecision, AccessRule, AccessRuleKind } from './rules';

/** A reusable account-level access policy. */
export interface IAccessPolicy {
  /** The policy's id (a uuid), as an application's `policies` reference it. */
  readonly policyId: string;
  /** What the policy does with a matching request: apps whose policies all bypass issue no token. */
  readonly decision: AccessDecision;
}

/** Props for `AccessPolicy`. */
export interface AccessPolicyProps {
  /** The Cloudflare account (32-hex id) that owns the policy. */
  readonly accountId: string;
  /** Policy name shown in the dashboard. */
  readonly name: string;
  /**
   * What the policy does with a matching request. `ALLOW` may not include everyone or service tokens;
   * `NON_IDENTITY` may include named service tokens only.
   */
  readonly decision: AccessDecision;
  /** Any matching rule admits (subject to require and exclude). */
  readonly include: readonly AccessRule[];
  /**
   * Every rule here must also match.
   * @default - none
   */
  readonly require?: readonly AccessRule[];
  /**
   * A match here refuses.
   * @default - none
   */
  readonly exclude?: readonly AccessRule[];
  /**
   * Session duration for this policy. The Access token of a user admitted by this policy lasts this
   * long, whatever the app declares, so set it to the session of the apps that use the policy.
   * @default - none written; provider 5.14 then stores "24h", which overrides the app's session
   */
  readonly sessionDuration?: string;
}

/**
 * A reusable account-level policy (`cloudflare_zero_trust_access_policy`), attached to apps by precedence.
 *
 * An allow policy that admits everyone, or any valid service token, is an error that cannot be
 * overridden. Service tokens are admitted only by `AccessDecision.NON_IDENTITY`.
 *
 * @example
 * new AccessPolicy(this, 'allow-staff', { accountId, name: 'allow staff', decision: AccessDecision.ALLOW, include: [AccessRule.group(staff)] });
 */
export class AccessPolicy extends Construct implements IAccessPolicy {
  /** Refer to a policy managed elsewhere by its id (a uuid) and its decision, which gatehouse cannot read back. */
  public static fromPolicyId(policyId: string, decision: AccessDecision): IAccessPolicy {
    return { policyId, decision };
  }

  public readonly policyId: string;
  public readonly decision: AccessDecision;
  /** The `cloudflare_zero_trust_access_policy` resource (construct id `resource`). */
  public readonly resource: ZeroTrustAccessPolicy;

  constructor(scope: Construct, id: string, props: AccessPolicyProps) {
    super(scope, id);
    const problems = new ProblemCollector(id);
    if (props.include.length === 0) problems.add('include', 'must list at least one rule; a policy without include never matches');
    if (props.decision === AccessDecision.ALLOW) {
      props.include.forEach((rule, i) => {
        if (rule.kind === AccessRuleKind.EVERYONE) {
          problems.add(`include[${i}]`, 'an allow policy must not admit everyone; name groups, domains or emails', rule.kind);
        } else if (rule.kind === AccessRuleKind.ANY_VALID_SERVICE_TOKEN) {
          problems.add(`include[${i}]`, 'an allow policy must not admit any valid service token; name the token in a non_identity policy', rule.kind);
        } else if (rule.kind === AccessRuleKind.SERVICE_TOKEN) {
          problems.add(`include[${i}]`, 'service tokens are only admitted by a non_identity policy', rule.kind);
        }
      });
    }
    if (props.decision === AccessDecision.NON_IDENTITY) {
      props.include.forEach((rule, i) => {
        if (rule.kind !== AccessRuleKind.SERVICE_TOKEN) {
          problems.add(`include[${i}]`, 'a non_identity policy may only include named service tokens', rule.kind);
        }
      });
    }
    if (props.sessionDuration !== undefined && !Token.isUnresolved(props.sessionDuration)) {
      const p = sessionDurationProblem(props.sessionDuration);
      if (p) problems.add('sessionDuration', p, props.sessionDuration);
    }
    problems.throwIfAny();

    this.decision = props.decision;
    this.resource = new ZeroTrustAccessPolicy(this, 'resource', {
      accountId: props.accountId,
      name: props.name,
      decision: props.decision,
      include: props.include.map((r) => r.selector),
      ...(props.require?.length ? { require: props.require.map((r) => r.selector) } : {}),
      ...(props.exclude?.length ? { exclude: props.exclude.map((r) => r.selector) } : {}),
      ...(props.sessionDuration !== undefined ? { sessionDuration: props.sessionDuration } : {}),
    });
    this.policyId = this.resource.id;
  }
}

import { splitDestination } from '../../core/hostnames';
import { reasonProblem } from '../../core/rules';
import { FACTS } from '../facts';
import { blockOf, hasExpression, isList } from '../json';
import { AccessApplicationJson, AccessPolicyJson, attributesOf, destinationUris } from '../resources';
import { compliant, ElementView, GatehouseRule, nonCompliant, notApplicable, RuleContext, RuleLevel, unknown } from '../rule';

const REFERENCE = /^\$\{cloudflare_zero_trust_access_policy\.([^.}]+)\.id\}$/;

/** An attached policy as far as the rule can tell: its decision, and whether it includes everyone (undefined when not known). */
interface Attached {
  readonly decision: string;
  readonly everyone?: boolean;
}

/** The attached policies, resolved in the stack or, for a policy of another stack, from the decisions the app recorded. */
function attachedPolicies(app: AccessApplicationJson, e: ElementView, ctx: RuleContext): Attached[] | string {
  const policies = app.policies ?? [];
  if (!isList(policies)) return 'policies is not a list';
  const recorded = e.facts[FACTS.policyDecisions] as readonly string[] | undefined;
  const attached: Attached[] = [];
  for (const [i, p] of policies.entries()) {
    const id = blockOf(p)?.id;
    const ref = typeof id === 'string' ? REFERENCE.exec(id) : null;
    const policy = ref ? stackPolicy(ctx, ref[1]) : undefined;
    if (policy && !hasExpression(policy.decision)) {
      attached.push({ decision: policy.decision, everyone: includesEveryone(policy) });
    } else if (typeof recorded?.[i] === 'string') {
      attached.push({ decision: recorded[i] });
    } else {
      return `policy ${i + 1} is neither in this stack nor recorded`;
    }
  }
  return attached;
}

/** Whether a policy's include has an `everyone` rule. */
function includesEveryone(policy: AccessPolicyJson): boolean {
  return isList(policy.include) && policy.include.some((r) => 'everyone' in (blockOf(r) ?? {}));
}

/** The attributes of the policy `id` of the stack, if the stack has it. */
function stackPolicy(ctx: RuleContext, id: string): AccessPolicyJson | undefined {
  for (const x of ctx.elements) {
    const policy = x.id === id ? attributesOf(x, 'cloudflare_zero_trust_access_policy') : undefined;
    if (policy) return policy;
  }
  return undefined;
}

/**
 * A bypass skips Access for whoever it includes, so it may narrow a gated host to a public path but
 * never open a whole host; and a bypass for everyone is written only by `PublicPathBypass`, the
 * generated app of a public path (README "Paths and bypass"), which records its reason.
 */
export const AccessBypassScope: GatehouseRule = {
  id: 'Gatehouse-AccessBypassScope',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'an app with a bypass policy covers paths only, never a whole host; a bypass for everyone only on a public path with a reason',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_access_application',
  check: (e, ctx) => {
    const app = attributesOf(e, 'cloudflare_zero_trust_access_application');
    if (!app) return notApplicable();
    const attached = attachedPolicies(app, e, ctx);
    if (typeof attached === 'string') return unknown(attached);
    const bypasses = attached.filter((p) => p.decision === 'bypass');
    if (!bypasses.length) return compliant();
    const uris = destinationUris(app);
    if (!uris) return unknown('destinations is not a list');
    const literal = uris.flatMap((u) => (u === undefined || hasExpression(u) ? [] : [u]));
    if (literal.length !== uris.length) return unknown('a destination is not a literal uri');
    const whole = literal.filter((u) => ['', '/*'].includes(splitDestination(u).path));
    if (whole.length) return nonCompliant(`attaches a bypass policy, but ${whole.join(', ')} ${whole.length === 1 ? 'is a whole host' : 'are whole hosts'}; a bypass never covers a whole host`);
    const publicPath = e.facts[FACTS.publicPath] as { reason?: unknown } | undefined;
    if (bypasses.some((p) => p.everyone) && reasonProblem(publicPath?.reason) !== undefined) {
      return nonCompliant('bypasses access for everyone outside a public path with a reason; declare the route public (gatehouse generates the app) or name who may skip access');
    }
    return compliant();
  },
};

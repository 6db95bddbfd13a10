import { splitDestination } from '../../core/hostnames';
import { reasonProblem } from '../../core/rules';
import { FACTS } from '../facts';
import { hasExpression } from '../json';
import { compliant, ElementView, GatehouseRule, nonCompliant, RuleContext, RuleLevel, unknown } from '../rule';

const POLICY = 'cloudflare_zero_trust_access_policy';
const REFERENCE = /^\$\{cloudflare_zero_trust_access_policy\.([^.}]+)\.id\}$/;

/** An attached policy as far as the rule can tell: its decision, and whether it includes everyone (undefined when not known). */
interface Attached {
  readonly decision: string;
  readonly everyone?: boolean;
}

/** The attached policies, resolved in the stack or, for a policy of another stack, from the decisions the app recorded. */
function attachedPolicies(e: ElementView, ctx: RuleContext): Attached[] | string {
  const policies = e.config.policies ?? [];
  if (!Array.isArray(policies)) return 'policies is not a list';
  const recorded = e.facts[FACTS.policyDecisions] as readonly string[] | undefined;
  const attached: Attached[] = [];
  for (const [i, p] of policies.entries()) {
    const ref = typeof p?.id === 'string' ? REFERENCE.exec(p.id) : null;
    const policy = ref ? ctx.elements.find((x) => x.type === POLICY && x.id === ref[1]) : undefined;
    if (policy && typeof policy.config.decision === 'string' && !hasExpression(policy.config.decision)) {
      const include = policy.config.include;
      attached.push({ decision: policy.config.decision, everyone: Array.isArray(include) && include.some((r) => r && typeof r === 'object' && 'everyone' in r) });
    } else if (typeof recorded?.[i] === 'string') {
      attached.push({ decision: recorded[i] });
    } else {
      return `policy ${i + 1} is neither in this stack nor recorded`;
    }
  }
  return attached;
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
    const attached = attachedPolicies(e, ctx);
    if (typeof attached === 'string') return unknown(attached);
    const bypasses = attached.filter((p) => p.decision === 'bypass');
    if (!bypasses.length) return compliant();
    const destinations = e.config.destinations;
    if (!Array.isArray(destinations)) return unknown('destinations is not a list');
    const uris = destinations.map((d) => (d && typeof d === 'object' ? d.uri : undefined));
    if (uris.some((u) => typeof u !== 'string' || hasExpression(u))) return unknown('a destination is not a literal uri');
    const whole = (uris as string[]).filter((u) => ['', '/*'].includes(splitDestination(u).path));
    if (whole.length) return nonCompliant(`attaches a bypass policy, but ${whole.join(', ')} ${whole.length === 1 ? 'is a whole host' : 'are whole hosts'}; a bypass never covers a whole host`);
    const publicPath = e.facts[FACTS.publicPath] as { reason?: unknown } | undefined;
    if (bypasses.some((p) => p.everyone) && reasonProblem(publicPath?.reason) !== undefined) {
      return nonCompliant('bypasses access for everyone outside a public path with a reason; declare the route public (gatehouse generates the app) or name who may skip access');
    }
    return compliant();
  },
};

import { blocksIn, hasExpression, isList } from '../json';
import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';

/** ADR checklist (c): no allow-any; an allow policy admits named people only. */
export const AccessNoAllowEveryone: GatehouseRule = {
  id: 'Gatehouse-AccessNoAllowEveryone',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'an allow policy (or group) never admits everyone or any valid service token',
  appliesTo: (e) =>
    e.kind === 'resource' &&
    (e.type === 'cloudflare_zero_trust_access_policy' || e.type === 'cloudflare_zero_trust_access_group'),
  check: (e) => {
    const policy = attributesOf(e, 'cloudflare_zero_trust_access_policy');
    if (policy) {
      if (hasExpression(policy.decision)) return unknown('the decision is an expression');
      if (policy.decision !== 'allow') return compliant();
    }
    const subject = policy ?? attributesOf(e, 'cloudflare_zero_trust_access_group');
    if (!subject) return notApplicable();
    const include = subject.include ?? [];
    if (!isList(include)) return unknown('include is an expression');
    const rules = blocksIn(include);
    if (!rules) return unknown('an include entry is not an object');
    const bad = rules.filter((r) => 'everyone' in r || 'any_valid_service_token' in r);
    return bad.length
      ? nonCompliant(`admits ${bad.map((r) => Object.keys(r)[0]).join(' and ')}; include named groups, domains or emails`)
      : compliant();
  },
};

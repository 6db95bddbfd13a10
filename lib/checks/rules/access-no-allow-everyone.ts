import { hasExpression } from '../json';
import { compliant, GatehouseRule, nonCompliant, RuleLevel, unknown } from '../rule';

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
    if (e.type === 'cloudflare_zero_trust_access_policy') {
      if (hasExpression(e.config.decision)) return unknown('the decision is an expression');
      if (e.config.decision !== 'allow') return compliant();
    }
    const include = e.config.include ?? [];
    if (!Array.isArray(include)) return unknown('include is an expression');
    if (include.some((r) => !r || typeof r !== 'object')) return unknown('an include entry is not an object');
    const bad = include.filter((r: Record<string, unknown>) => 'everyone' in r || 'any_valid_service_token' in r);
    return bad.length
      ? nonCompliant(`admits ${bad.map((r: object) => Object.keys(r)[0]).join(' and ')}; include named groups, domains or emails`)
      : compliant();
  },
};

import { compliant, GatehouseRule, nonCompliant, RuleLevel } from '../rule';

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
    if (e.type === 'cloudflare_zero_trust_access_policy' && e.config.decision !== 'allow') return compliant();
    const bad = (e.config.include ?? []).filter((r: Record<string, unknown>) => 'everyone' in r || 'any_valid_service_token' in r);
    return bad.length
      ? nonCompliant(`admits ${bad.map((r: object) => Object.keys(r)[0]).join(' and ')}; include named groups, domains or emails`)
      : compliant();
  },
};

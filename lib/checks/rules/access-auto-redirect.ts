import { compliant, GatehouseRule, nonCompliant, RuleLevel, unknown } from '../rule';

/** ADR checklist (f): with one identity provider, skip the Access login page. */
export const AccessAutoRedirect: GatehouseRule = {
  id: 'Gatehouse-AccessAutoRedirect',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'auto_redirect_to_identity is on when exactly one identity provider is allowed',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_access_application',
  check: (e) => {
    const idps = e.config.allowed_idps;
    if (idps === undefined) return compliant();
    if (!Array.isArray(idps)) return unknown('allowed_idps is an expression, so the number of identity providers is not known');
    if (idps.length !== 1) return compliant();
    return e.config.auto_redirect_to_identity === true
      ? compliant()
      : nonCompliant('exactly one identity provider is allowed but auto_redirect_to_identity is not true');
  },
};

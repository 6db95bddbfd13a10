import { isList } from '../json';
import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';

/** ADR checklist (f): with one identity provider, skip the Access login page. */
export const AccessAutoRedirect: GatehouseRule = {
  id: 'Gatehouse-AccessAutoRedirect',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'auto_redirect_to_identity is on when exactly one identity provider is allowed',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_access_application',
  check: (e) => {
    const app = attributesOf(e, 'cloudflare_zero_trust_access_application');
    if (!app) return notApplicable();
    const idps = app.allowed_idps;
    if (idps === undefined) return compliant();
    if (!isList(idps)) return unknown('allowed_idps is an expression, so the number of identity providers is not known');
    if (idps.length !== 1) return compliant();
    return app.auto_redirect_to_identity === true
      ? compliant()
      : nonCompliant('exactly one identity provider is allowed but auto_redirect_to_identity is not true');
  },
};

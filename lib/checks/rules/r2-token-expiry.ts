import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel } from '../rule';

/** Keys that never expire outlive the people and hosts that hold them. */
export const R2TokenExpiry: GatehouseRule = {
  id: 'Gatehouse-R2TokenExpiry',
  level: RuleLevel.WARNING,
  suppressible: true,
  description: 'API tokens have an expiry',
  appliesTo: (e) => e.kind === 'resource' && (e.type === 'cloudflare_account_token' || e.type === 'cloudflare_api_token'),
  check: (e) => {
    const token = attributesOf(e, 'cloudflare_account_token', 'cloudflare_api_token');
    if (!token) return notApplicable();
    return token.expires_on ? compliant() : nonCompliant(`token ${token.name} never expires; set expires (and rotate before then)`);
  },
};

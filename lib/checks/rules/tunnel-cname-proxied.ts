import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel } from '../rule';

/** A tunnel CNAME only carries traffic (and Access only applies) when it is proxied. */
export const TunnelCnameProxied: GatehouseRule = {
  id: 'Gatehouse-TunnelCnameProxied',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'CNAMEs to <tunnel>.cfargotunnel.com are proxied',
  appliesTo: (e) => attributesOf(e, 'cloudflare_dns_record')?.content?.includes('cfargotunnel.com') === true,
  check: (e) => {
    const record = attributesOf(e, 'cloudflare_dns_record');
    if (!record) return notApplicable();
    return record.proxied === true ? compliant() : nonCompliant(`${record.name} points at a tunnel but is not proxied`);
  },
};

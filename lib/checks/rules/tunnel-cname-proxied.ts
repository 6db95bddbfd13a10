import { compliant, GatehouseRule, nonCompliant, RuleLevel } from '../rule';

/** A tunnel CNAME only carries traffic (and Access only applies) when it is proxied. */
export const TunnelCnameProxied: GatehouseRule = {
  id: 'Gatehouse-TunnelCnameProxied',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'CNAMEs to <tunnel>.cfargotunnel.com are proxied',
  appliesTo: (e) =>
    e.kind === 'resource' && e.type === 'cloudflare_dns_record' && String(e.config.content ?? '').includes('cfargotunnel.com'),
  check: (e) => (e.config.proxied === true ? compliant() : nonCompliant(`${e.config.name} points at a tunnel but is not proxied`)),
};

import { routeKey } from '../../core/hostnames';
import { FACTS } from '../facts';
import { blockOf, isList } from '../json';
import { accessOf, checkIngress } from '../resources';
import { compliant, GatehouseRule, nonCompliant, RuleLevel } from '../rule';

/**
 * Defence in depth: cloudflared rejects requests without a valid Access JWT on gated hostnames, even
 * if the edge policy is removed. It must sit on each rule; cloudflared ignores a top-level block
 * (cloudflared#784).
 */
export const TunnelGatedRoutesEnforceJwt: GatehouseRule = {
  id: 'Gatehouse-TunnelGatedRoutesEnforceJwt',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'ingress rules of gated hostnames carry origin_request.access {required, team_name, aud_tag}',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_tunnel_cloudflared_config',
  check: (e) => checkIngress(e, (ingress, config) => {
    const gated = new Set((e.facts[FACTS.gatedRoutes] ?? []) as string[]);
    const missing: string[] = [];
    for (const entry of ingress) {
      const r = blockOf(entry);
      if (r?.hostname === undefined || !gated.has(routeKey({ hostname: r.hostname, ...(typeof r.path === 'string' ? { path: r.path } : {}) }))) continue;
      const a = accessOf(r);
      if (a?.required === true && a.team_name && isList(a.aud_tag) && a.aud_tag.length > 0) continue;
      missing.push(r.path === undefined ? r.hostname : `${r.hostname} (path ${r.path})`);
    }
    if (blockOf(blockOf(config.config)?.origin_request)?.access && missing.length) {
      return nonCompliant(`${missing.join(', ')} rely on a top-level access block, which cloudflared ignores; put it on each rule`);
    }
    return missing.length ? nonCompliant(`${missing.join(', ')} gated by an access app but the ingress rule does not require the access jwt`) : compliant();
  }),
};

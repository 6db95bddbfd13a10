import { AccessAppView, mostSpecificApps, routeKey, routeTarget } from '../../core/hostnames';
import { FACTS } from '../facts';
import { hasExpression } from '../json';
import { compliant, GatehouseRule, nonCompliant, RuleLevel, unknown } from '../rule';

/**
 * A route declared public is open: its ingress rule requires no Access JWT (a bypass issues none, so
 * cloudflared would refuse every visitor), and no gating Access app is the most specific app over it
 * (Access would ask every visitor to log in). A public path under a gated host needs a bypass app of
 * exactly its path (`PublicPathBypass`), which Access prefers as the more specific app
 * (https://developers.cloudflare.com/cloudflare-one/policies/access/app-paths/). Read from the
 * ingress and the Access apps `TunnelHost` recorded.
 */
export const TunnelPublicRoutesOpen: GatehouseRule = {
  id: 'Gatehouse-TunnelPublicRoutesOpen',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'a route declared public requires no Access JWT at the connector, and no gating Access app is more specific over it than a bypass',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_tunnel_cloudflared_config',
  check: (e) => {
    const ingress = e.config.config?.ingress;
    if (!Array.isArray(ingress)) return unknown('the ingress list is not known');
    const declared = (e.facts[FACTS.publicRoutes] ?? {}) as Record<string, string>;
    const apps = (e.facts[FACTS.accessDestinations] ?? []) as readonly AccessAppView[];
    const problems: string[] = [];
    for (const rule of ingress) {
      if (!rule || typeof rule !== 'object') return unknown('an ingress entry is not an object');
      if (typeof rule.hostname !== 'string') continue;
      if (hasExpression(rule.hostname) || hasExpression(rule.path)) return unknown(`a hostname or path is an expression: ${rule.hostname}`);
      const route = { hostname: rule.hostname, ...(typeof rule.path === 'string' ? { path: rule.path } : {}) };
      if (declared[routeKey(route)] === undefined) continue;
      const name = rule.path === undefined ? rule.hostname : `${rule.hostname} (path ${rule.path})`;
      if (rule.origin_request?.access?.required === true) problems.push(`${name} is declared public but requires an access jwt, which a bypass never issues`);
      const gating = mostSpecificApps(apps, routeTarget(route).target).filter((a) => !a.bypass);
      if (gating.length) problems.push(`${name} is declared public but access gates it (${gating[0].destinations.join(', ')}) with no more specific bypass app`);
    }
    return problems.length ? nonCompliant(problems.join('; ')) : compliant();
  },
};

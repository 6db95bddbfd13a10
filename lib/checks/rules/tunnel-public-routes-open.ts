import { AccessAppView, mostSpecificApps, routeKey, routeTarget } from '../../core/hostnames';
import { FACTS } from '../facts';
import { blockOf, hasExpression } from '../json';
import { accessOf, checkIngress } from '../resources';
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
  check: (e) => checkIngress(e, (ingress) => {
    const declared = (e.facts[FACTS.publicRoutes] ?? {}) as Readonly<Record<string, string | undefined>>;
    const apps = (e.facts[FACTS.accessDestinations] ?? []) as readonly AccessAppView[];
    const problems: string[] = [];
    for (const entry of ingress) {
      const rule = blockOf(entry);
      if (!rule) return unknown('an ingress entry is not an object');
      if (rule.hostname === undefined) continue;
      if (hasExpression(rule.hostname) || hasExpression(rule.path)) return unknown(`a hostname or path is an expression: ${rule.hostname}`);
      const route = { hostname: rule.hostname, ...(rule.path === undefined ? {} : { path: rule.path }) };
      if (declared[routeKey(route)] === undefined) continue;
      const name = rule.path === undefined ? rule.hostname : `${rule.hostname} (path ${rule.path})`;
      if (accessOf(rule)?.required === true) problems.push(`${name} is declared public but requires an access jwt, which a bypass never issues`);
      const gating = mostSpecificApps(apps, routeTarget(route).target).filter((a) => !a.bypass);
      if (gating.length) problems.push(`${name} is declared public but access gates it (${gating[0].destinations.join(', ')}) with no more specific bypass app`);
    }
    return problems.length ? nonCompliant(problems.join('; ')) : compliant();
  }),
};

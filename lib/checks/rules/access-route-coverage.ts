import { routeKey } from '../../core/hostnames';
import { reasonProblem } from '../../core/rules';
import { FACTS } from '../facts';
import { blocksIn, hasExpression } from '../json';
import { accessOf, checkIngress } from '../resources';
import { compliant, GatehouseRule, nonCompliant, RuleLevel, unknown } from '../rule';

/**
 * ADR "reversibility": removing an Access app without removing its tunnel route makes the hostname
 * public. Every routed hostname is gated (the connector enforces an Access JWT) or declared public.
 */
export const AccessRouteCoverage: GatehouseRule = {
  id: 'Gatehouse-AccessRouteCoverage',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'every tunnel hostname is gated by an Access app or declared public with a reason',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_tunnel_cloudflared_config',
  check: (e) => checkIngress(e, (ingress) => {
    const declared = (e.facts[FACTS.publicRoutes] ?? {}) as Readonly<Record<string, string | undefined>>;
    const open: string[] = [];
    const rules = blocksIn(ingress);
    if (!rules) return unknown('an ingress entry is not an object');
    for (const [i, rule] of rules.entries()) {
      const gated = accessOf(rule)?.required === true;
      if (rule.hostname === undefined) {
        // A path-only rule matches every hostname; only the final catch-all may go without a check.
        if (i < rules.length - 1 && !gated) open.push(`path ${rule.path ?? '(any)'} on every hostname`);
        continue;
      }
      if (hasExpression(rule.hostname)) return unknown(`a hostname is an expression: ${rule.hostname}`);
      const key = routeKey({ hostname: rule.hostname, ...(typeof rule.path === 'string' ? { path: rule.path } : {}) });
      const reason = declared[key];
      if (!gated && reasonProblem(reason) !== undefined) open.push(rule.path === undefined ? rule.hostname : `${rule.hostname} (path ${rule.path})`);
    }
    return open.length
      ? nonCompliant(`${open.join(', ')} ${open.length === 1 ? 'is' : 'are'} neither gated by an access app nor declared public with a reason`)
      : compliant();
  }),
};

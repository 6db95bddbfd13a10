import { blocksIn } from '../json';
import { checkIngress, IngressRuleJson } from '../resources';
import { compliant, GatehouseRule, nonCompliant, RuleLevel, unknown } from '../rule';

/** cloudflared: "The last ingress rule must match all URLs"; the provider does not check it. */
export const TunnelCatchAllLast: GatehouseRule = {
  id: 'Gatehouse-TunnelCatchAllLast',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'every ingress ends with one catch-all rule (no hostname, no path) and has no other',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_tunnel_cloudflared_config',
  check: (e) => checkIngress(e, (ingress) => {
    const rules = blocksIn(ingress);
    if (!rules) return unknown('an ingress entry is not an object');
    const last = rules.at(-1);
    if (last === undefined) return nonCompliant('the ingress is empty; it needs a final catch-all such as http_status:404');
    const catchAll = (r: IngressRuleJson) => r.hostname === undefined && r.path === undefined;
    if (!catchAll(last)) return nonCompliant('the last ingress rule has a hostname or path; the last rule must match all requests');
    const early = rules.slice(0, -1).findIndex(catchAll);
    return early >= 0 ? nonCompliant(`ingress rule ${early} matches all requests, so the rules after it never match`) : compliant();
  }),
};

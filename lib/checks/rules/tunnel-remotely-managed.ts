import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel } from '../rule';

/** The provider default is "local"; changing it later replaces the tunnel (new id, token, CNAME). */
export const TunnelRemotelyManaged: GatehouseRule = {
  id: 'Gatehouse-TunnelRemotelyManaged',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'tunnels are remotely managed (config_src = "cloudflare")',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_tunnel_cloudflared',
  check: (e) => {
    const tunnel = attributesOf(e, 'cloudflare_zero_trust_tunnel_cloudflared');
    if (!tunnel) return notApplicable();
    return tunnel.config_src === 'cloudflare'
      ? compliant()
      : nonCompliant(`config_src is ${JSON.stringify(tunnel.config_src ?? 'local (the provider default)')}; set "cloudflare" at creation, a later change replaces the tunnel`);
  },
};

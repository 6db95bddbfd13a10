import {
  defaultNetworkRules,
  evaluateFirewall,
  FirewallModelError,
  FirewallRule,
} from '../../google/firewall-model';
import { stringsIn } from '../json';
import { compliant, GatehouseRule, Json, nonCompliant, RuleLevel, unknown } from '../rule';

/** Ports that must never be open to the internet on a connector host: SSH and RDP. */
const REMOTE_ADMIN_PORTS = [22, 3389];
/** An internet address (TEST-NET-2, RFC 5737) standing for "anyone". */
const INTERNET = '198.51.100.10';
const CONNECTOR_ROLE = 'cloudflared-connector';

/**
 * A connector host takes no inbound connections: SSH (22) and RDP (3389) from the internet are
 * denied for its network tags by a rule that wins over the `default` network's 65534 allow rules
 * (default-allow-ssh, default-allow-rdp), which the stack does not see but the network may have.
 */
export const GceRemoteAdminDenied: GatehouseRule = {
  id: 'Gatehouse-GceRemoteAdminDenied',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: "a connector instance's tags have INGRESS denies of tcp 22 and 3389 from 0.0.0.0/0 that beat the default network's rules",
  appliesTo: (e) => e.kind === 'resource' && e.type === 'google_compute_instance' && e.config.labels?.role === CONNECTOR_ROLE,
  check: (e, ctx) => {
    const tags = e.config.tags ?? [];
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string' || t.includes('${'))) return unknown('the network tags are an expression');
    const network = e.config.network_interface?.[0]?.network ?? 'default';
    if (typeof network !== 'string' || network.includes('${')) return unknown('the network is an expression');

    const rules: FirewallRule[] = [];
    for (const fw of ctx.elements.filter((x) => x.kind === 'resource' && x.type === 'google_compute_firewall')) {
      const config: Json = fw.config;
      if (typeof config.network !== 'string' || config.network.includes('${')) return unknown(`firewall ${fw.path} has a network expression`);
      if (config.network !== network) continue;
      const lifecycleFree = { ...config, lifecycle: undefined, depends_on: undefined, provider: undefined };
      if (stringsIn(lifecycleFree).some(([, v]) => v.includes('${'))) return unknown(`firewall ${fw.path} has an expression the rule cannot evaluate`);
      rules.push({ ...(config as FirewallRule), name: config.name ?? fw.id });
    }
    rules.push(...defaultNetworkRules(network));

    const admitted: string[] = [];
    try {
      for (const port of REMOTE_ADMIN_PORTS) {
        const decision = evaluateFirewall(rules, { direction: 'INGRESS', protocol: 'tcp', port, remote: INTERNET, tags, network });
        if (decision.action === 'allow') admitted.push(`tcp ${port} from the internet is admitted by ${decision.rule} (priority ${decision.priority})`);
      }
    } catch (error) {
      if (error instanceof FirewallModelError) return unknown(error.message);
      throw error;
    }
    if (admitted.length === 0) return compliant();
    return nonCompliant(
      `${admitted.join('; ')}; deny tcp 22 and 3389 from 0.0.0.0/0 for tag ${tags.join(', ') || '(none)'} at a priority below 65534 ` +
        'and below any allow (GceConnectorHost does)',
    );
  },
};

import {
  defaultNetworkRules,
  evaluateFirewall,
  FirewallModelError,
  FirewallRule,
} from '../../google/firewall-model';
import { blockOf, hasExpression, isList } from '../json';
import { attributesOf, InstanceJson } from '../resources';
import { compliant, ElementView, GatehouseRule, nonCompliant, notApplicable, RuleContext, RuleLevel, unknown, Verdict } from '../rule';
import { isLiteralFirewall } from './firewall';

/** Ports that must never be open to the internet on a connector host: SSH and RDP. */
const REMOTE_ADMIN_PORTS = [22, 3389];
/** An internet address (TEST-NET-2, RFC 5737) standing for "anyone". */
const INTERNET = '198.51.100.10';
const CONNECTOR_ROLE = 'cloudflared-connector';

/** The instance, when it is a connector host (labelled `role = cloudflared-connector`). */
function connector(e: ElementView): InstanceJson | undefined {
  const instance = attributesOf(e, 'google_compute_instance');
  return blockOf(instance?.labels)?.role === CONNECTOR_ROLE ? instance : undefined;
}

/** The stack's firewall rules of `network`, as the firewall model reads them, or "could not validate" when one has an expression. */
function networkFirewalls(network: string, ctx: RuleContext): FirewallRule[] | Verdict {
  const rules: FirewallRule[] = [];
  for (const fw of ctx.elements) {
    const config = attributesOf(fw, 'google_compute_firewall');
    if (!config) continue;
    if (hasExpression(config.network)) return unknown(`firewall ${fw.path} has a network expression`);
    if (config.network !== network) continue;
    if (!isLiteralFirewall(config)) return unknown(`firewall ${fw.path} has an expression the rule cannot evaluate`);
    rules.push({ ...config });
  }
  return rules;
}

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
  appliesTo: (e) => connector(e) !== undefined,
  check: (e, ctx) => {
    const instance = connector(e);
    if (!instance) return notApplicable();
    const tags = instance.tags ?? [];
    if (!isList(tags) || tags.some((t) => hasExpression(t))) return unknown('the network tags are an expression');
    const interfaces = instance.network_interface;
    const network = blockOf(isList(interfaces) ? interfaces.at(0) : undefined)?.network ?? 'default';
    if (hasExpression(network)) return unknown('the network is an expression');

    const rules = networkFirewalls(network, ctx);
    if (!Array.isArray(rules)) return rules;
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

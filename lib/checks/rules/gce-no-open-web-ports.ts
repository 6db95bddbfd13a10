import { compliant, GatehouseRule, nonCompliant, RuleLevel, unknown } from '../rule';
import { coveringPort, ingressSources } from './firewall';

const WEB = [80, 443];

/** Seeds: no inbound web port on any host; the tunnel is the only way in. */
export const GceNoOpenWebPorts: GatehouseRule = {
  id: 'Gatehouse-GceNoOpenWebPorts',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'no firewall allows 80, 443 or all ports from the internet',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'google_compute_firewall',
  check: (e) => {
    if ((e.config.direction ?? 'INGRESS') !== 'INGRESS' || e.config.allow === undefined) return compliant();
    if (!Array.isArray(e.config.allow)) return unknown('allow is an expression');
    const sources = ingressSources(e.config);
    if (sources === 'unknown') return unknown('the source ranges are an expression');
    if (sources !== 'world') return compliant();
    for (const a of e.config.allow) {
      if (!a || typeof a !== 'object') return unknown('an allow entry is not an object');
      const spec = WEB.map((w) => coveringPort(a, w)).find((p) => p !== undefined);
      if (spec === 'all') return nonCompliant(`allows every ${a.protocol} port from the internet`);
      if (spec !== undefined) return nonCompliant(`allows port ${spec} from the internet`);
    }
    return compliant();
  },
};

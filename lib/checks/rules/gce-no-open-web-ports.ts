import { blockOf, isList } from '../json';
import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';
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
    const firewall = attributesOf(e, 'google_compute_firewall');
    if (!firewall) return notApplicable();
    if ((firewall.direction ?? 'INGRESS') !== 'INGRESS' || firewall.allow === undefined) return compliant();
    if (!isList(firewall.allow)) return unknown('allow is an expression');
    const sources = ingressSources(firewall);
    if (sources === 'unknown') return unknown('the source ranges are an expression');
    if (sources !== 'world') return compliant();
    for (const entry of firewall.allow) {
      const a = blockOf(entry);
      if (!a) return unknown('an allow entry is not an object');
      const spec = WEB.map((w) => coveringPort(a, w)).find((p) => p !== undefined);
      if (spec === 'all') return nonCompliant(`allows every ${a.protocol} port from the internet`);
      if (spec !== undefined) return nonCompliant(`allows port ${spec} from the internet`);
    }
    return compliant();
  },
};

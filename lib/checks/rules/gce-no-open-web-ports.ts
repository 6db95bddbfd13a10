import { compliant, GatehouseRule, nonCompliant, RuleLevel } from '../rule';

const WORLD = new Set(['0.0.0.0/0', '::/0']);
const WEB = [80, 443];

/** Seeds: no inbound web port on any host; the tunnel is the only way in. */
export const GceNoOpenWebPorts: GatehouseRule = {
  id: 'Gatehouse-GceNoOpenWebPorts',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'no firewall allows 80, 443 or all ports from the internet',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'google_compute_firewall',
  check: (e) => {
    if ((e.config.direction ?? 'INGRESS') !== 'INGRESS' || !Array.isArray(e.config.allow)) return compliant();
    if (!(e.config.source_ranges ?? []).some((r: string) => WORLD.has(r))) return compliant();
    for (const a of e.config.allow) {
      const ports: string[] | undefined = a.ports;
      if (a.protocol === 'all' || !ports || ports.length === 0) return nonCompliant(`allows every ${a.protocol} port from the internet`);
      for (const p of ports) {
        const [lo, hi] = String(p).split('-').map(Number);
        if (WEB.some((w) => w >= lo && w <= (hi ?? lo))) return nonCompliant(`allows port ${p} from the internet`);
      }
    }
    return compliant();
  },
};

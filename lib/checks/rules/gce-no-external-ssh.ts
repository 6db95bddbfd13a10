import { IAP_TCP_FORWARDING_RANGE } from '../../google/roles';
import { compliant, GatehouseRule, nonCompliant, RuleLevel } from '../rule';

/** SSH, if enabled at all, comes only through Google's IAP. */
export const GceNoExternalSsh: GatehouseRule = {
  id: 'Gatehouse-GceNoExternalSsh',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'SSH (22) is allowed only from the IAP range 35.235.240.0/20',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'google_compute_firewall',
  check: (e) => {
    if ((e.config.direction ?? 'INGRESS') !== 'INGRESS' || !Array.isArray(e.config.allow)) return compliant();
    const sources: string[] = e.config.source_ranges ?? [];
    const opensSsh = e.config.allow.some(
      (a: Record<string, any>) =>
        (a.protocol === 'tcp' || a.protocol === 'all') &&
        (!a.ports || a.ports.length === 0 || a.ports.some((p: string) => { const [lo, hi] = String(p).split('-').map(Number); return 22 >= lo && 22 <= (hi ?? lo); })),
    );
    if (!opensSsh) return compliant();
    const other = sources.filter((s) => s !== IAP_TCP_FORWARDING_RANGE);
    return other.length ? nonCompliant(`allows SSH from ${other.join(', ')}; only ${IAP_TCP_FORWARDING_RANGE} (IAP) may reach port 22`) : compliant();
  },
};

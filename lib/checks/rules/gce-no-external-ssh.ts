import { IAP_TCP_FORWARDING_RANGE } from '../../google/roles';
import { compliant, GatehouseRule, nonCompliant, RuleLevel, unknown } from '../rule';
import { coveringPort, ingressSources } from './firewall';

/** SSH, if enabled at all, comes only through Google's IAP. */
export const GceNoExternalSsh: GatehouseRule = {
  id: 'Gatehouse-GceNoExternalSsh',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'SSH (22) is allowed only from the IAP range 35.235.240.0/20',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'google_compute_firewall',
  check: (e) => {
    if ((e.config.direction ?? 'INGRESS') !== 'INGRESS' || e.config.allow === undefined) return compliant();
    if (!Array.isArray(e.config.allow)) return unknown('allow is an expression');
    if (!e.config.allow.some((a: unknown) => a && typeof a === 'object' && coveringPort(a as Record<string, any>, 22, true) !== undefined)) return compliant();
    const sources = ingressSources(e.config);
    if (sources === 'unknown') return unknown('the source ranges are an expression');
    const listed: string[] = e.config.source_ranges ?? [];
    const other = sources === 'world' ? (listed.length ? listed.filter((s) => s !== IAP_TCP_FORWARDING_RANGE) : ['every source (no source given)']) : sources.filter((s) => s !== IAP_TCP_FORWARDING_RANGE);
    return other.length ? nonCompliant(`allows SSH from ${other.join(', ')}; only ${IAP_TCP_FORWARDING_RANGE} (IAP) may reach port 22`) : compliant();
  },
};

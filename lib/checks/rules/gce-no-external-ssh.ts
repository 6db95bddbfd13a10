import { IAP_TCP_FORWARDING_RANGE } from '../../google/roles';
import { blockOf, isList } from '../json';
import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';
import { coveringPort, ingressSources } from './firewall';

/** SSH, if enabled at all, comes only through Google's IAP. */
export const GceNoExternalSsh: GatehouseRule = {
  id: 'Gatehouse-GceNoExternalSsh',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'SSH (22) is allowed only from the IAP range 35.235.240.0/20',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'google_compute_firewall',
  check: (e) => {
    const firewall = attributesOf(e, 'google_compute_firewall');
    if (!firewall) return notApplicable();
    if ((firewall.direction ?? 'INGRESS') !== 'INGRESS' || firewall.allow === undefined) return compliant();
    if (!isList(firewall.allow)) return unknown('allow is an expression');
    const allowsSsh = firewall.allow.some((a) => {
      const entry = blockOf(a);
      return entry !== undefined && coveringPort(entry, 22, true) !== undefined;
    });
    if (!allowsSsh) return compliant();
    const sources = ingressSources(firewall);
    if (sources === 'unknown') return unknown('the source ranges are an expression');
    const listed = isList(firewall.source_ranges) ? firewall.source_ranges : [];
    const other = sources === 'world' ? (listed.length ? listed.filter((s) => s !== IAP_TCP_FORWARDING_RANGE) : ['every source (no source given)']) : sources.filter((s) => s !== IAP_TCP_FORWARDING_RANGE);
    return other.length ? nonCompliant(`allows SSH from ${other.join(', ')}; only ${IAP_TCP_FORWARDING_RANGE} (IAP) may reach port 22`) : compliant();
  },
};

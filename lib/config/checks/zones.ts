/** Zones: each declared once with its own id, and a zone that holds the file's hostnames. */
import type { DeploymentModel } from '../../deployment/model';
import { error, Finding } from './check';

/** Each zone name and each zone id once, so every hostname has exactly one zone. */
export function zoneDeclarations(m: DeploymentModel): Finding[] {
  const c = m.deployment.cloudflare;
  const findings: Finding[] = [];
  const names = new Map<string, string>([[c.zone, 'cloudflare.zone']]);
  const ids = new Map<string, string>([[c.zone_id, `cloudflare.zone_id (${c.zone})`]]);
  c.extra_zones.forEach((z, i) => {
    const at = `cloudflare.extra_zones[${i}]`;
    const declared = names.get(z.zone);
    if (declared) {
      findings.push(error(`${at}.zone`, `is already declared as ${declared}; declare each zone once`, z.zone));
      return;
    }
    names.set(z.zone, `${at}.zone`);
    const other = ids.get(z.zone_id);
    if (other) findings.push(error(`${at}.zone_id`, `is already the id of ${other}; each zone has its own id, records would land in the wrong zone`, z.zone_id));
    else ids.set(z.zone_id, `${at}.zone_id (${z.zone})`);
  });
  return findings;
}

/** When no hostname of the file lies in any declared zone, the zone is the mistake (a typo, or the wrong file): one line. */
export function zoneHoldsTheHostnames(m: DeploymentModel): Finding[] {
  if (!m.zoneLooksWrong) return [];
  const named = m.namedHostnames();
  return [
    error(
      'cloudflare.zone',
      `holds none of the ${named.length} hostnames this file names (e.g. ${named[0]})${m.zones.length > 1 ? `, nor does any extra zone` : ''}; ` +
        'write the zone they lie in',
      m.primaryZone.zoneName,
    ),
  ];
}

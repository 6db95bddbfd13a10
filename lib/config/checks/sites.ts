/** Sites: present when routes need a connector, GCE zones in their region, no two Cloud NATs on one network, distinct names, a standby to be active. */
import type { DeploymentModel } from '../../deployment/model';
import { error, Finding } from './check';

/** True when routes are declared without sites: the root cause of every later site problem. */
export function sitesMissing(m: DeploymentModel): boolean {
  return !m.sites && m.routes.length > 0;
}

/**
 * The `sites` check: sites exist when routes do, each GCE zone lies in its region, the two sites do
 * not both create a Cloud NAT on one network, their names differ within a project, and
 * `active: standby` has a standby.
 */
export function sites(m: DeploymentModel): Finding[] {
  const findings: Finding[] = [];
  if (sitesMissing(m)) findings.push(error('sites', 'is required when routes are declared: a tunnel needs a site that runs its connector'));
  const s = m.sites;
  if (!s) return findings;
  for (const site of [s.primary, s.standby]) {
    const gce = site?.gce;
    if (site && gce && !gce.zone.startsWith(`${gce.region}-`)) {
      findings.push(error(`${site.at}.zone`, `must be a zone of region ${gce.region} (e.g. ${gce.region}-b)`, gce.zone));
    }
  }
  const [primary, standby] = [s.primary.gce, s.standby?.gce];
  if (primary && standby && primary.egress === 'cloud-nat' && standby.egress === 'cloud-nat' &&
      primary.project === standby.project && primary.network === standby.network && primary.region === standby.region) {
    findings.push(
      error(
        'sites.standby.egress',
        `both sites would create a Cloud NAT for network ${standby.network} in ${standby.region}, and one network can have only one; set egress: existing on one of them`,
        standby.egress,
      ),
    );
  }
  if (s.standby && s.primary.name === s.standby.name && (!primary || !standby || primary.project === standby.project)) {
    const nameAt = (site: typeof s.primary) => `${site.at}${site.gce ? '' : '.external'}.name`;
    const why = primary && standby ? ' when both sites share a project' : ' (each site has a name of its own)';
    findings.push(error(nameAt(s.standby), `must differ from ${nameAt(s.primary)}${why}`, s.standby.name));
  }
  if (s.active === 'standby' && !s.standby) {
    findings.push(error('sites.active', 'can be standby only when sites.standby declares a standby site; set primary or declare one', s.active));
  }
  return findings;
}

/** Access groups: not empty, and their entra groups name an entra provider that sends groups, by object id. */
import { declared } from '../../core/names';
import type { DeploymentModel } from '../../deployment/model';
import { error, Finding, list } from './check';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `access_groups` check: every group has a rule, and each `idp_groups` entry names an entra provider with `support_groups: true` and a group object id. */
export function accessGroups(m: DeploymentModel): Finding[] {
  const d = m.deployment;
  const findings: Finding[] = [];
  for (const [name, group] of Object.entries(d.access_groups)) {
    const at = `access_groups.${name}`;
    if (group.email_domains.length + group.emails.length + group.idp_groups.length === 0) {
      findings.push(error(at, 'must have at least one email_domains, emails or idp_groups entry'));
    }
    group.idp_groups.forEach((g, i) => {
      // an idp_groups entry may name a provider the file does not declare
      const idp = declared(d.identity_providers, g.idp);
      if (!idp) {
        findings.push(error(`${at}.idp_groups[${i}].idp`, `names no identity provider; declared: ${list(Object.keys(d.identity_providers))}`, g.idp));
      } else if (idp.type !== 'entra' || !idp.support_groups) {
        findings.push(error(`${at}.idp_groups[${i}].idp`, 'must name an entra identity provider with support_groups: true', g.idp));
      } else if (!UUID.test(g.group)) {
        // Checked once the provider is known to be entra: Access matches entra groups by object id.
        findings.push(error(`${at}.idp_groups[${i}].group`, "must be the entra group's object id, a uuid (a display name matches no one)", g.group));
      }
    });
  }
  return findings;
}

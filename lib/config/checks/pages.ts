/**
 * Pages sites: gated consistently (lib/deployment/pages-gating.ts), each app within the destination
 * limit (its pages.dev hosts in a companion app when they do not fit), one project per site, and
 * custom domains in a zone and served by the site alone.
 */
import { MAX_DESTINATIONS_PER_APP, overDestinationLimit } from '../../core/limits';
import type { DeploymentModel, ModelPagesSite } from '../../deployment/model';
import { defined, error, Finding, identityProviderSecret, outsideZones, ownerConflict, reservedVariable } from './check';

function gatingFindings(m: DeploymentModel, site: ModelPagesSite): Finding[] {
  const g = site.gating;
  if (g.contradiction) {
    return [error(`${site.at}.pages_dev.public`, `contradicts app ${g.contradiction}, which gates the pages.dev hosts; remove one of them`, site.spec.pages_dev?.public)];
  }
  const firstDomain = g.first === undefined ? undefined : site.domains[g.first]?.hostname;
  return [
    ...g.pathOnly.map(([i, app, destination]) =>
      error(
        `${site.at}.domains[${i}]`,
        `is gated on some paths only (app ${app}: ${destination}), and Pages serves every path of it on ${site.pagesDev.join(' and ')} as well, ungated: ` +
          `gate the whole domain with an app (gatehouse then gates the pages.dev hosts too), or declare pages_dev public with a reason`,
        site.domains[i]?.hostname,
      ),
    ),
    ...g.splitDomains.map(([i, other]) =>
      error(
        `${site.at}.domains[${i}]`,
        other
          ? `is gated by app ${other}, but ${firstDomain} of the same Pages site by app ${g.app}; one site is one app: gate all its domains with app ${g.app}`
          : `is not gated, but ${firstDomain} of the same Pages site is gated by app ${g.app}, and Pages serves the same content on both: add it to app ${g.app}`,
        site.domains[i]?.hostname,
      ),
    ),
    ...g.foreignPagesDev.map(({ host, app }) =>
      error(
        `apps.${app}.hostnames[${m.apps.get(app)?.hostnames.indexOf(host) ?? -1}]`,
        `is a pages.dev host of ${site.at}, whose custom domains app ${g.app} gates; gate it with app ${g.app} (gatehouse adds it there)`,
        host,
      ),
    ),
  ];
}

/**
 * Pages under Access (issue 14), then the destination limit of every app: its hostnames alone, and
 * the pages.dev hosts it gates, which go to a companion app when they do not fit beside them.
 */
export function pagesGating(m: DeploymentModel): Finding[] {
  const findings = [...m.pages.values()].flatMap((site) => gatingFindings(m, site));
  for (const app of m.apps.values()) {
    if (overDestinationLimit(app.hostnames)) {
      findings.push(
        error(`${app.at}.hostnames`, `lists ${app.hostnames.length} hostnames; cloudflare allows at most ${MAX_DESTINATIONS_PER_APP} per access application, split it into two apps`, app.hostnames.length),
      );
    } else if (overDestinationLimit(app.companion)) {
      const sites = app.pagesDev.map((s) => `pages.${s.site}`).join(', ');
      findings.push(
        error(
          `${app.at}.hostnames`,
          `gates the pages.dev hosts of ${sites} (${app.companion.join(', ')}), which do not fit beside its ${app.hostnames.length} hostnames; ` +
            `their companion app takes at most ${MAX_DESTINATIONS_PER_APP} (cloudflare's limit per access application): gate some of the Pages sites ` +
            'with a separate app (move their custom domains there), or declare their pages_dev public with a reason',
          app.companion.length,
        ),
      );
    }
  }
  return findings;
}

/** A name is a plain variable or a secret, not both; a secret never reuses an identity provider's client secret variable. */
function envFindings(m: DeploymentModel, site: ModelPagesSite): Finding[] {
  return (['production', 'preview'] as const).flatMap((envName) => {
    const env = site.spec.env?.[envName];
    if (!env) return [];
    const at = `${site.at}.env.${envName}`;
    return Object.entries(env.secrets).flatMap(([name, variable]) => [
      ...(name in env.vars ? [error(`${at}.secrets.${name}`, `is also a plain variable in ${at}.vars; a name is one or the other`, variable)] : []),
      ...defined(identityProviderSecret(m, `${at}.secrets.${name}`, variable), reservedVariable(`${at}.secrets.${name}`, variable)),
    ]);
  });
}

/** One project per site; each custom domain in a zone and served by its site alone; its environment variables. */
export function pagesSites(m: DeploymentModel): Finding[] {
  const projects = new Map<string, string>();
  return [...m.pages.values()].flatMap((site) => {
    const other = projects.get(site.project);
    if (other === undefined) projects.set(site.project, site.name);
    return [
      ...(other === undefined ? [] : [error(`${site.at}.project`, `is also the project of pages.${other}`, site.project)]),
      ...site.domains.flatMap((x, i) => defined(outsideZones(m, `${site.at}.domains[${i}]`, x.hostname), ownerConflict(m, `${site.at}.domains[${i}]`, x.hostname))),
      ...envFindings(m, site),
    ];
  });
}

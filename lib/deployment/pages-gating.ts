/**
 * Pages under Access (issue 14). Pages serves a project's content on every custom domain and on
 * `<project>.pages.dev` and every preview `*.<project>.pages.dev`, so the app that gates one custom
 * domain gates them all: the other domains (listed in the app) and the pages.dev hosts (added by the
 * access stack, counted against the destination limit), unless `pages_dev.public` says otherwise.
 * Resolved once for the model; the checks report what is inconsistent.
 */
import type { Deployment } from '../config/schema';
import { covers, pagesDevHostnames, splitDestination } from '../core/hostnames';
import type { PagesGating } from './model';

const UNGATED: PagesGating = { splitDomains: [], foreignPagesDev: [], adds: [], pathOnly: [] };

/**
 * The app that gates a custom domain as a whole: the one that lists it, else one whose wildcard
 * covers it (`*.example.net` gates `www.example.net` as surely as listing it does; the one matcher,
 * lib/core/hostnames.ts).
 */
function gateOf(d: Deployment, listedBy: ReadonlyMap<string, string>, hostname: string): string | undefined {
  return listedBy.get(hostname) ?? Object.entries(d.apps).find(([, a]) => a.hostnames.some((x) => splitDestination(x).path === '' && covers(x, hostname)))?.[0];
}

/** An app destination that covers some paths of a custom domain only (`www.example.net/admin`), as [app, destination]. */
function pathGateOf(d: Deployment, hostname: string): readonly [string, string] | undefined {
  for (const [name, a] of Object.entries(d.apps)) {
    const x = a.hostnames.find((h) => splitDestination(h).path !== '' && covers(splitDestination(h).host, hostname));
    if (x !== undefined) return [name, x];
  }
  return undefined;
}

/**
 * How the apps gate each Pages site, by site name. `listedBy` maps each app hostname to the first app
 * of `d.apps` that lists it (`DeploymentModel.listedBy`), so every app it names exists.
 */
export function resolvePagesGating(d: Deployment, listedBy: ReadonlyMap<string, string>): Map<string, PagesGating> {
  const result = new Map<string, PagesGating>();
  for (const [name, site] of Object.entries(d.pages)) result.set(name, siteGating(d, site, listedBy, name));
  return result;
}

function siteGating(d: Deployment, site: Deployment['pages'][string], listedBy: ReadonlyMap<string, string>, name: string): PagesGating {
  const [dev, previews] = pagesDevHostnames(site.project ?? name);
  const devApp = listedBy.get(dev) ?? listedBy.get(previews);
  if (site.pages_dev && devApp) return { ...UNGATED, contradiction: devApp };
  const apps = site.domains.map((h) => gateOf(d, listedBy, h));
  const first = apps.findIndex((a) => a !== undefined);
  const app = apps[first];
  if (app === undefined) {
    // Gated on some paths only: pages.dev serves those paths too, ungated, unless it is public on purpose.
    const pathOnly = site.pages_dev ? [] : site.domains.flatMap((h, i) => {
      const gate = pathGateOf(d, h);
      return gate ? [[i, ...gate] as const] : [];
    });
    return { ...UNGATED, pathOnly };
  }
  const splitDomains = apps.flatMap((a, i) => (a === app ? [] : [[i, a] as const]));
  if (splitDomains.length) return { ...UNGATED, app, first, splitDomains };
  const foreignPagesDev = [dev, previews].flatMap((host) => {
    const other = listedBy.get(host);
    return other && other !== app ? [{ host, app: other }] : [];
  });
  const listed = d.apps[app].hostnames;
  const adds = foreignPagesDev.length || site.pages_dev ? [] : [dev, previews].filter((h) => !listed.includes(h));
  return { ...UNGATED, app, first, foreignPagesDev, adds };
}

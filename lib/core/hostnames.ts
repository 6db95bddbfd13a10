/**
 * The one hostname module: what a hostname may look like, which zone holds it, and which Access
 * destination covers it. Validation (the deployment checks), `TunnelHost` (the connector-side JWT
 * check), `AccessGatedApp` and the policy pack all ask these functions, so they can never disagree.
 */

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A DNS hostname, lower case, optionally with one leading `*.` wildcard (cloudflared's rule). */
export function hostnameProblem(hostname: string): string | undefined {
  if (hostname.includes(':')) return 'must not carry a port; cloudflared rejects a hostname with a port';
  if (hostname !== hostname.toLowerCase()) return 'must be lower case';
  const wildcard = hostname.startsWith('*.');
  const rest = wildcard ? hostname.slice(2) : hostname;
  if (rest.includes('*')) return 'may only use one wildcard, as the whole leftmost label (*.example.com)';
  if (hostname.length > 253) return 'must be at most 253 characters';
  const labels = rest.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    return 'must be a fully qualified hostname such as app.example.com';
  }
  return undefined;
}

/** A hostname that gets a record of its own (Pages, Worker and bucket custom domains): never a wildcard. */
export function customDomainProblem(hostname: string): string | undefined {
  return hostnameProblem(hostname) ?? (hostname.startsWith('*.') ? 'must not be a wildcard' : undefined);
}

/** True when `hostname` is the zone apex or below it (a wildcard counts as the labels after `*.`). */
export function inZone(hostname: string, zone: string): boolean {
  const bare = hostname.startsWith('*.') ? hostname.slice(2) : hostname;
  return bare === zone || bare.endsWith(`.${zone}`);
}

/**
 * The zone that holds a hostname among `zones`: the longest (most specific) one, so `a.shop.example.com`
 * lies in `shop.example.com` when both it and `example.com` are declared. Undefined when none holds it.
 */
export function longestZoneMatch<Z extends { readonly zoneName: string }>(zones: readonly Z[], hostname: string): Z | undefined {
  let best: Z | undefined;
  for (const zone of zones) {
    if (inZone(hostname, zone.zoneName) && (best === undefined || zone.zoneName.length > best.zoneName.length)) best = zone;
  }
  return best;
}

/** An Access destination or a request target, split into its host and its path (`''` for the whole host). */
export interface HostAndPath {
  readonly host: string;
  readonly path: string;
}

/**
 * Split `host/path` into its parts. Destinations are hosts only today; issue 17 adds path-scoped
 * destinations (`wiki.example.com/docs`), which Cloudflare Access supports
 * (https://developers.cloudflare.com/cloudflare-one/policies/access/app-paths/).
 */
export function splitDestination(destination: string): HostAndPath {
  const slash = destination.indexOf('/');
  return slash < 0 ? { host: destination, path: '' } : { host: destination.slice(0, slash), path: destination.slice(slash) };
}

/**
 * Whether an Access destination's host covers a hostname: the same host, or a `*.zone` wildcard and
 * a hostname exactly one label below the zone. Per Cloudflare's app-paths rules a wildcard matches one
 * label only: not the apex, and not `a.b.example.com`
 * (https://developers.cloudflare.com/cloudflare-one/policies/access/app-paths/).
 */
function hostCovers(destination: string, hostname: string): boolean {
  if (destination === hostname) return true;
  if (!destination.startsWith('*.')) return false;
  const suffix = destination.slice(1);
  return hostname.endsWith(suffix) && !hostname.slice(0, -suffix.length).includes('.');
}

/**
 * Whether a destination's path covers a request path. A destination without a path covers every
 * path. Path prefixes are the extension point of issue 17; until then a destination with a path
 * covers exactly that path and nothing else (never more than it says).
 */
function pathCovers(destinationPath: string, path: string): boolean {
  return destinationPath === '' || destinationPath === path;
}

/**
 * The one hostname matcher: whether an Access destination (`app.example.com`, `*.example.com`)
 * covers a hostname (a route's, a Worker's, a tenant's), exactly or by its one-label wildcard.
 */
export function covers(destination: string, hostname: string): boolean {
  const d = splitDestination(destination);
  const h = splitDestination(hostname);
  return hostCovers(d.host, h.host) && pathCovers(d.path, h.path);
}

/** Whether any of `destinations` covers `hostname`. */
export function coveredBy(destinations: readonly string[], hostname: string): boolean {
  return destinations.some((d) => covers(d, hostname));
}

/** The hosts Cloudflare serves every Pages project on besides its custom domains: production and every preview. */
export function pagesDevHostnames(projectName: string): [string, string] {
  return [`${projectName}.pages.dev`, `*.${projectName}.pages.dev`];
}

/** A Pages site as an Access app's destinations see it. */
export interface PagesDevSource {
  /** `<project>.pages.dev` and `*.<project>.pages.dev`. */
  readonly pagesDevHostnames: readonly string[];
  /** Set when the site declares its pages.dev hosts public on purpose: then they are not added. */
  readonly pagesDevPublicReason?: string;
}

/**
 * An Access app's destinations: its hostnames in order, then the pages.dev hosts of the Pages sites
 * it gates (issue 14), each once, unless a site declares them public or the app lists them already.
 * `AccessGatedApp` and the deployment model both build them here.
 */
export function appDestinations(hostnames: readonly string[], pagesSites: readonly PagesDevSource[]): string[] {
  const pagesDev = [...new Set(pagesSites.flatMap((s) => (s.pagesDevPublicReason ? [] : s.pagesDevHostnames)))];
  return [...hostnames, ...pagesDev.filter((h) => !hostnames.includes(h))];
}

/** The key under which a route is unique: its hostname and its path (a missing path is the empty path). */
export function routeKey(route: { readonly hostname: string; readonly path?: string }): string {
  return `${route.hostname} ${route.path ?? ''}`;
}

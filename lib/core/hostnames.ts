/**
 * The one hostname module: what a hostname may look like, which zone holds it, and which Access
 * destination covers it. Validation (the deployment checks), `TunnelHost` (the connector-side JWT
 * check), `AccessGatedApp` and the policy pack all ask these functions, so they can never disagree.
 */

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A DNS hostname, lower case, optionally with one leading `*.` wildcard (cloudflared's rule). */
export function hostnameProblem(hostname: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(hostname);
  if (scheme) return `must be a bare hostname, without the scheme ${scheme[1]}://`;
  const odd = /[^\x21-\x7e]/u.exec(hostname)?.[0];
  if (odd !== undefined) {
    const code = `U+${(odd.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    const plain = 'must be plain ASCII (letters, digits, hyphens and dots), but holds';
    if (odd === '\n') return `${plain} a line break (a yaml | block keeps the last one); write the hostname on the line of its key`;
    if (!/[\p{L}\p{N}]/u.test(odd)) return `${plain} ${odd === ' ' ? 'a space' : `the invisible or non-ASCII character ${code}`}; remove it`;
    return `${plain} the non-ASCII letter ${code} (a lookalike?); write an internationalized name in punycode (xn--...)`;
  }
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
  /** The hostname, wildcard label included (`*.example.com`). */
  readonly host: string;
  /** The path from its leading `/` (`/docs`), or `''` for the whole host. */
  readonly path: string;
}

/**
 * Split `host/path` into its parts. Destinations may carry a path (`wiki.example.com/docs`), which
 * Cloudflare Access supports: the more specific path wins
 * (https://developers.cloudflare.com/cloudflare-one/policies/access/app-paths/).
 */
export function splitDestination(destination: string): HostAndPath {
  const slash = destination.indexOf('/');
  return slash < 0 ? { host: destination, path: '' } : { host: destination.slice(0, slash), path: destination.slice(slash) };
}

const PATH_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * The path of an Access destination: `/` and literal segments (letters, digits, `.`, `_`, `~`, `-`),
 * optionally ending in `/*`. Access covers the path and everything below it; `/x/*` covers what is
 * below `/x` but not `/x` itself
 * (https://developers.cloudflare.com/cloudflare-one/policies/access/app-paths/). Other wildcards,
 * queries, anchors and a trailing `/` are refused, so that `covers` answers exactly what Access does.
 */
export function accessPathProblem(path: string): string | undefined {
  const form = 'must be a path of literal segments such as /docs or /api/v1, optionally ending in /*';
  if (!path.startsWith('/')) return `${form}; it starts with /`;
  if (path === '/' || path === '/*') return 'must name a path; a destination for the whole host is written without one';
  if (/[?#]/.test(path)) return `${form}; access matches the path only, without a query or an anchor`;
  const segments = path.slice(1).split('/');
  const last = segments[segments.length - 1];
  const literal = last === '*' ? segments.slice(0, -1) : segments;
  if (literal.some((s) => s === '')) return `${form}, with no empty segment and no trailing /`;
  if (literal.some((s) => s.includes('*'))) return `${form}; the only wildcard gatehouse accepts is a final /*`;
  if (!literal.every((s) => PATH_SEGMENT.test(s))) return `${form}, of letters, digits, ., _, ~ and -`;
  return undefined;
}

/** An Access destination: a hostname (`*.zone` allowed), optionally with a path (`wiki.example.com/docs`). */
export function destinationProblem(destination: string): string | undefined {
  if (destination.includes('://')) return hostnameProblem(destination);
  const { host, path } = splitDestination(destination);
  return hostnameProblem(host) ?? (path === '' ? undefined : accessPathProblem(path));
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
 * Whether a destination's path covers a target's path (a request path, or the path of another
 * destination or route: then every path below it too). Per Cloudflare's app-paths page:
 * `example.com` and `example.com/*` cover every path; `example.com/x` covers `/x` and everything
 * below it ("If no separate, specific rule is set for dashboard.com/eng/exec, it will inherit any
 * rules set for dashboard.com/eng"); `example.com/x/*` covers what is below `/x` but not `/x`.
 * Segments are whole: `/docs` does not cover `/docsx` (the page shows segment paths only; where
 * Access would differ, the connector's AUD check fails closed, README "Paths and bypass").
 */
function pathCovers(destinationPath: string, path: string): boolean {
  if (destinationPath === '' || destinationPath === '/*') return true;
  if (destinationPath.endsWith('/*')) return path.startsWith(destinationPath.slice(0, -1));
  return path === destinationPath || path.startsWith(`${destinationPath}/`);
}

/**
 * The one hostname matcher: whether an Access destination (`app.example.com`, `*.example.com`,
 * `wiki.example.com/docs`) covers a target (a route's, a Worker's, a tenant's hostname, a path under
 * it, or another destination), exactly, by its one-label wildcard or by its path prefix.
 */
export function covers(destination: string, target: string): boolean {
  const d = splitDestination(destination);
  const t = splitDestination(target);
  return hostCovers(d.host, t.host) && pathCovers(d.path, t.path);
}

/** Whether any of `destinations` covers `target`. */
export function coveredBy(destinations: readonly string[], target: string): boolean {
  return destinations.some((d) => covers(d, target));
}

/**
 * How specific a destination is for Access's "the more specific rule takes precedence": the depth
 * of its path (`/x/*` sits between `/x` and `/x/y`). Hosts are not ranked: whether `app.example.com`
 * beats `*.example.com` is not documented, so both count.
 */
export function destinationSpecificity(destination: string): number {
  const { path } = splitDestination(destination);
  if (path === '' || path === '/*') return 0;
  const segments = path.slice(1).split('/');
  return segments[segments.length - 1] === '*' ? segments.length - 0.5 : segments.length;
}

/** An Access app as the matcher sees it: its destinations, and whether it bypasses Access (a public path). */
export interface AccessAppView {
  /** The app's destinations: hostnames (a leading `*.` wildcard allowed), each optionally with a path. */
  readonly destinations: readonly string[];
  /** Set on a generated public-path app: Access bypasses it for everyone. */
  readonly bypass?: boolean;
}

/** Whether two hosts overlap (one covers the other): a wildcard route and an app for one host under it. */
function hostsOverlap(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/**
 * The apps Access applies to a request under `target` (a host, or `host/path`), most specific first:
 * the most specific apps whose destination covers the target itself. Empty when no app covers it.
 */
export function mostSpecificApps<A extends AccessAppView>(apps: readonly A[], target: string): A[] {
  const best = (a: A) => Math.max(-1, ...a.destinations.filter((d) => covers(d, target)).map(destinationSpecificity));
  const top = Math.max(-1, ...apps.map(best));
  return top < 0 ? [] : apps.filter((a) => best(a) === top);
}

/**
 * The apps whose AUD a connector rule for `target` must accept: exactly the apps Access may apply to
 * a request the rule matches. A whole-host target (a route without a path, or with a path that is not
 * a literal prefix): every app with a destination on the host, path apps included (a CI token admitted
 * to `/api` carries the `/api` app's AUD). A path target: the most specific apps that cover it, and
 * every app on a path below it. Bypass apps issue no token, so they are left out.
 */
export function appsForConnector<A extends AccessAppView>(apps: readonly A[], target: string): A[] {
  const t = splitDestination(target);
  const gating = apps.filter((a) => !a.bypass);
  if (t.path === '') return gating.filter((a) => a.destinations.some((d) => hostsOverlap(splitDestination(d).host, t.host)));
  const top = new Set(mostSpecificApps(apps, target));
  return gating.filter((a) => top.has(a) || a.destinations.some((d) => covers(target, d) && splitDestination(d).path !== ''));
}

/** The ingress path form gatehouse maps to an Access path: `^/docs(/|$)` for `/docs`. */
export const LITERAL_PREFIX_FORM = '^/<prefix>(/|$)';

/** The route path regex of an Access path (`/docs/v1.2` -> `^/docs/v1\.2(/|$)`), matching exactly the paths Access covers. */
export function literalPrefixRegex(accessPath: string): string {
  return `^${accessPath.replace(/\./g, '\\.')}(/|$)`;
}

const LITERAL_PREFIX = /^\^((?:\/(?:[A-Za-z0-9_~-]|\\\.)+)+)\(\/\|\$\)$/;

/**
 * The Access path a route's path regex matches exactly, when it is written in the literal-prefix
 * form `^/docs(/|$)` (segments of letters, digits, `_`, `~`, `-` and escaped dots); otherwise
 * undefined. cloudflared matches the regex unanchored against the request path and takes the first
 * rule that matches (https://github.com/cloudflare/cloudflared/blob/master/ingress/rule.go,
 * `Rule.Matches`); in this form it admits `/docs`, `/docs/` and everything below, which is what Access
 * path `/docs` covers (`covers`), and nothing else (a table test proves it with re2).
 */
export function accessPathOfRegex(regex: string): string | undefined {
  const m = LITERAL_PREFIX.exec(regex);
  return m ? m[1].replace(/\\\./g, '.') : undefined;
}

/** What a route matches, as Access sees it. */
export interface RouteTarget {
  /** `host` (every path) or `host/path` (a literal-prefix route). */
  readonly target: string;
  /** The Access path of a literal-prefix route; undefined for a route without a path or with another regex. */
  readonly accessPath?: string;
  /** True when the route has a path regex that is not a literal prefix: `target` then over-approximates it (the whole host). */
  readonly approximate: boolean;
}

/** The Access target of a route: its hostname, with the path of a literal-prefix regex. */
export function routeTarget(route: { readonly hostname: string; readonly path?: string }): RouteTarget {
  if (route.path === undefined) return { target: route.hostname, approximate: false };
  const accessPath = accessPathOfRegex(route.path);
  return accessPath === undefined ? { target: route.hostname, approximate: true } : { target: `${route.hostname}${accessPath}`, accessPath, approximate: false };
}

/**
 * Whether cloudflared's rule hostname matches a request hostname (its `matchHost`: exact, or `*.`
 * followed by any suffix match, so `*.example.com` also takes `a.b.example.com`;
 * https://github.com/cloudflare/cloudflared/blob/master/ingress/ingress.go).
 */
export function ingressHostMatches(ruleHost: string, hostname: string): boolean {
  if (ruleHost === hostname) return true;
  return ruleHost.startsWith('*.') && hostname.endsWith(ruleHost.slice(1));
}

/**
 * Whether an earlier ingress rule takes every request a later one would: cloudflared uses the first
 * rule that matches, so the later rule is never reached. Decided where it can be decided exactly: the
 * earlier rule's hostname matches every host of the later one, and it has no path, or both paths are
 * literal prefixes and the earlier one covers the later one.
 */
export function routeShadows(
  earlier: { readonly hostname: string; readonly path?: string },
  later: { readonly hostname: string; readonly path?: string },
): boolean {
  if (!ingressHostMatches(earlier.hostname, later.hostname)) return false;
  if (earlier.path === undefined) return true;
  const e = routeTarget(earlier);
  const l = routeTarget(later);
  return e.accessPath !== undefined && l.accessPath !== undefined && pathCovers(e.accessPath, l.accessPath);
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

/** An app's destinations split at Cloudflare's per-app limit (`MAX_DESTINATIONS` in lib/core/limits.ts is the same 5). */
export interface SplitDestinations {
  /** The app's own destinations: its hostnames, and the pages.dev hosts when they fit. */
  readonly main: readonly string[];
  /** The pages.dev hosts that did not fit beside the hostnames: a companion app gates them (empty when they fit). */
  readonly companion: readonly string[];
}

/**
 * An app's destinations (`appDestinations`), with the pages.dev hosts moved to a companion app when
 * they would take the app over the per-app limit of `limit` destinations: a file valid before issue 14
 * (an app of five hostnames, one of them a Pages domain) keeps synthesizing.
 */
export function splitAppDestinations(hostnames: readonly string[], pagesSites: readonly PagesDevSource[], limit: number): SplitDestinations {
  const all = appDestinations(hostnames, pagesSites);
  return all.length <= limit ? { main: all, companion: [] } : { main: [...hostnames], companion: all.slice(hostnames.length) };
}

/** The key under which a route is unique: its hostname, and its path after a space when it has one (a missing path is the empty path). */
export function routeKey(route: { readonly hostname: string; readonly path?: string }): string {
  return route.path ? `${route.hostname} ${route.path}` : route.hostname;
}

/**
 * How Access and the connector treat each tunnel route, decided once for the deployment checks (on
 * the model) and for `TunnelHost` (on its props), so the two never disagree.
 *
 * - cloudflared takes the first ingress rule that matches host and path, with the path regex matched
 *   unanchored (https://github.com/cloudflare/cloudflared/blob/master/ingress/rule.go): a rule that an
 *   earlier one shadows is refused, never reordered.
 * - Access applies the most specific app to a request
 *   (https://developers.cloudflare.com/cloudflare-one/policies/access/app-paths/): a public path under a
 *   gated host needs a bypass app of exactly its path, and its route must be written in the
 *   literal-prefix form `^/<prefix>(/|$)`, which admits exactly what the Access path covers.
 * - A gated rule requires the AUD of exactly the apps Access may apply to the requests it matches
 *   (`appsForConnector`); a public rule requires none.
 */
import {
  AccessAppView,
  appsForConnector,
  covers,
  LITERAL_PREFIX_FORM,
  mostSpecificApps,
  routeKey,
  routeShadows,
  routeTarget,
  RouteTarget,
  splitDestination,
} from './hostnames';

/** A route as the gating rules see it. */
export interface GatingRoute {
  /** The route's hostname (a leading `*.` wildcard allowed). */
  readonly hostname: string;
  /** The route's path regex (re2, matched unanchored by cloudflared); undefined for every path. */
  readonly path?: string;
  /** Set when the route is declared public. */
  readonly publicReason?: string;
}

/** A problem of one route: the field it is about (under the route) and the message. */
export interface RouteGatingProblem {
  /** The field of the route the problem is reported on. */
  readonly field: 'hostname' | 'path' | 'public';
  /** What is wrong and how to fix it, one line, without the field path. */
  readonly message: string;
  /** The index of the earlier route that takes every request of this one, when that is the problem. */
  readonly shadowedBy?: number;
}

/** How one route is gated. */
export interface RouteGating<A extends AccessAppView> {
  /** What the route matches, as Access sees it (its hostname, with the path of a literal-prefix regex). */
  readonly target: RouteTarget;
  /** The apps whose AUD the connector rule requires: none for a public route. */
  readonly connectorApps: readonly A[];
  /** True when a gating (non-bypass) app covers every request the route matches and no bypass is more specific. */
  readonly gated: boolean;
  /** The bypass app that makes a public path public (a public route under a gated host only). */
  readonly bypassedBy?: A;
  /** What is wrong with the route, at most one problem (the root cause). */
  readonly problem?: RouteGatingProblem;
}

const describe = (r: GatingRoute) => (r.path === undefined ? `${r.hostname}, every path` : `${r.hostname} ${r.path}`);

/** The earlier route that takes every request of route `i`, if any. */
function shadowProblem(routes: readonly GatingRoute[], i: number): RouteGatingProblem | undefined {
  const r = routes[i];
  const earlier = routes.slice(0, i);
  // A route routed twice is reported as the duplicate it is (validateRoutes, the route checks), not as shadowed.
  if (earlier.some((e) => routeKey(e) === routeKey(r))) return undefined;
  const j = earlier.findIndex((e) => routeShadows(e, r));
  if (j < 0) return undefined;
  return {
    field: r.path === undefined ? 'hostname' : 'path',
    message: `is never reached: routes[${j}] (${describe(routes[j])}) comes first and cloudflared takes the first rule that matches; move this route above it`,
    shadowedBy: j,
  };
}

/** Gating apps below a public route's target that no earlier gated route catches first: the public rule would serve them without the connector check. */
function uncaughtBelow<A extends AccessAppView>(
  routes: readonly GatingRoute[],
  i: number,
  target: string,
  apps: readonly A[],
  label: (a: A) => string,
): RouteGatingProblem | undefined {
  for (const app of apps) {
    if (app.bypass) continue;
    for (const d of app.destinations) {
      if (d === target || !covers(target, d) || splitDestination(d).path === '') continue;
      const caught = routes.slice(0, i).some((e) => e.publicReason === undefined && covers(routeTarget(e).target, d));
      if (!caught) {
        return {
          field: 'public',
          message: `would serve ${d} without the connector's access check: ${label(app)} gates it; route it first (a route with path ^${splitDestination(d).path}(/|$) before this one)`,
        };
      }
    }
  }
  return undefined;
}

function publicGating<A extends AccessAppView>(routes: readonly GatingRoute[], i: number, apps: readonly A[], label: (a: A) => string): RouteGating<A> {
  const r = routes[i];
  const target = routeTarget(r);
  const top = mostSpecificApps(apps, target.target);
  const gatingTop = top.filter((a) => !a.bypass);
  const result = { target, connectorApps: [] as A[], gated: false };
  const hostGated = apps.some((a) => !a.bypass && a.destinations.some((d) => covers(splitDestination(d).host, r.hostname)));
  if (target.approximate && hostGated) {
    return {
      ...result,
      problem: {
        field: 'path',
        message: `must be written ${LITERAL_PREFIX_FORM} (e.g. ^/docs(/|$)) for a public path on a host an access app gates, so that access and cloudflared agree on which paths are public`,
      },
    };
  }
  if (gatingTop.length) {
    const exact = gatingTop.find((a) => a.destinations.includes(target.target));
    const tie = top.some((a) => a.bypass);
    const message = tie
      ? `contradicts ${label(gatingTop[0])}, which gates ${target.target} as specifically as the bypass does (access does not say which host wins); remove one of them`
      : target.accessPath === undefined
        ? `contradicts ${label(gatingTop[0])}, which gates ${r.hostname}; a bypass never covers a whole host: remove one of them, or make a path public with path ${LITERAL_PREFIX_FORM}`
        : exact
          ? `contradicts ${label(exact)}, which gates ${target.target}; remove one of them`
          : `lies on ${r.hostname}, which ${label(gatingTop[0])} gates, and no bypass app covers ${target.target}, so access would ask every visitor to log in`;
    return { ...result, problem: { field: 'public', message } };
  }
  const below = uncaughtBelow(routes, i, target.target, apps, label);
  const bypass = top.find((a) => a.bypass && a.destinations.includes(target.target));
  return { ...result, ...(bypass ? { bypassedBy: bypass } : {}), ...(below ? { problem: below } : {}) };
}

function gatedGating<A extends AccessAppView>(r: GatingRoute, apps: readonly A[], label: (a: A) => string): RouteGating<A> {
  const target = routeTarget(r);
  const connectorApps = appsForConnector(apps, target.target);
  const covering = apps.filter((a) => !a.bypass && a.destinations.some((d) => covers(d, target.target)));
  const top = mostSpecificApps(apps, target.target);
  const field = r.path === undefined ? 'hostname' : 'path';
  if (covering.length && top.every((a) => a.bypass)) {
    return {
      target,
      connectorApps,
      gated: false,
      problem: { field, message: `is bypassed by ${label(top[0])}; declare the route public, or gate ${target.target} with an app of its own` },
    };
  }
  if (!covering.length && connectorApps.length) {
    // The gated part: destinations on the route's host (a path of it), or under it when the route is a wildcard.
    const dests = connectorApps
      .flatMap((a) => a.destinations)
      .filter((d) => {
        const host = splitDestination(d).host;
        return host === r.hostname || covers(host, r.hostname) || covers(r.hostname, host);
      });
    const some = dests.every((d) => splitDestination(d).host === r.hostname || covers(splitDestination(d).host, r.hostname)) ? 'paths' : 'hostnames or paths';
    return {
      target,
      connectorApps,
      gated: false,
      problem: {
        field,
        message: `is gated on some ${some} only (${dests.join(', ')}); the rest would reach the connector without an access token: gate ${target.target} with an app, or declare the route public`,
      },
    };
  }
  return { target, connectorApps, gated: covering.length > 0 };
}

/**
 * How each route is gated, in route order. `apps` are every Access app that may cover a route (public
 * path bypass apps included, with `bypass: true`); `label` names an app in messages.
 */
export function routeGating<A extends AccessAppView>(routes: readonly GatingRoute[], apps: readonly A[], label: (a: A) => string): RouteGating<A>[] {
  return routes.map((r, i) => {
    const gating = r.publicReason !== undefined ? publicGating(routes, i, apps, label) : gatedGating(r, apps, label);
    const shadow = shadowProblem(routes, i);
    return shadow ? { ...gating, problem: shadow } : gating;
  });
}

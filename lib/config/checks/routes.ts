/**
 * Routes: in a zone, each hostname and path once, never shadowed by an earlier route (cloudflared
 * takes the first rule that matches), and gated by an app (the one matcher: wildcards and paths) or
 * declared public, a public path under a gated host in the literal-prefix form its bypass app
 * matches (lib/core/route-gating.ts, decided once in the model).
 */
import { looksLikeTypo } from '../../core/rules';
import type { DeploymentModel, ModelRoute } from '../../deployment/model';
import { error, Finding, outsideZones } from './check';
import { misplacedAppHostnames } from './apps';

/** The value a gating problem is about: the path, the public declaration or the hostname. */
function gatingValue(route: ModelRoute, field: 'hostname' | 'path' | 'public'): unknown {
  if (field === 'path') return route.path;
  if (field === 'public') return route.spec.public;
  return route.hostname;
}

/**
 * The `routes` check: each route in a declared zone, routed once, and gated by an app or declared
 * public (as the model decided it, lib/core/route-gating.ts).
 */
export function routes(m: DeploymentModel): Finding[] {
  const findings: Finding[] = [];
  const routed = new Map<string, number>();
  const misplaced = misplacedAppHostnames(m);
  // One route placed too early (a wildcard above the hosts it covers) is one mistake: when it shadows
  // several later routes, it is reported once, at itself, naming them.
  const shadowed = new Map<number, ModelRoute[]>();
  for (const route of m.routes) {
    const by = route.gating.problem?.shadowedBy;
    if (by !== undefined) shadowed.set(by, [...(shadowed.get(by) ?? []), route]);
  }
  const shadowsMany = (route: ModelRoute): Finding[] => {
    const later = shadowed.get(route.index) ?? [];
    if (later.length < 2) return [];
    return [
      error(
        `${route.at}.${route.path === undefined ? 'hostname' : 'path'}`,
        `takes every request of ${later.map((r) => `${r.at} (${r.hostname})`).join(', ')}, which come after it, and cloudflared takes the first rule that matches, so they are never reached; move this route below them`,
        route.path ?? route.hostname,
      ),
    ];
  };
  for (const route of m.routes) {
    findings.push(...shadowsMany(route));
    // A hostname outside the zones is the root cause: whether it is gated or routed twice follows from it.
    const outside = outsideZones(m, `${route.at}.hostname`, route.hostname);
    if (outside) {
      findings.push(outside);
      continue;
    }
    const first = routed.get(route.key);
    if (first !== undefined) {
      findings.push(error(`${route.at}.hostname`, `is already routed by routes[${first}]; route each hostname (and path) once`, route.hostname));
      continue;
    }
    routed.set(route.key, route.index);
    const problem = route.gating.problem;
    if (problem?.shadowedBy !== undefined && (shadowed.get(problem.shadowedBy)?.length ?? 0) > 1) continue;
    if (problem) {
      findings.push(error(`${route.at}.${problem.field}`, problem.message, gatingValue(route, problem.field)));
      continue;
    }
    // Gated: an app's destination covers every request the route matches (lib/core/hostnames.ts).
    if (!route.gating.gated && route.publicReason === undefined && !misplaced.some((h) => looksLikeTypo(h, route.hostname))) {
      findings.push(
        error(
          `${route.at}.hostname`,
          'is routed through the tunnel but no access app gates it; add it to an app, or declare `public: {reason: ...}`',
          route.hostname,
        ),
      );
    }
  }
  return findings;
}

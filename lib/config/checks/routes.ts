/** Routes: in a zone, each hostname and path once, and gated by an app (the one hostname matcher) or declared public. */
import { looksLikeTypo } from '../../core/rules';
import type { DeploymentModel } from '../../deployment/model';
import { error, Finding, outsideZones } from './check';
import { misplacedAppHostnames } from './apps';

export function routes(m: DeploymentModel): Finding[] {
  const findings: Finding[] = [];
  const routed = new Map<string, number>();
  const misplaced = misplacedAppHostnames(m);
  for (const route of m.routes) {
    // A hostname outside the zones is the root cause: whether it is gated or routed twice follows from it.
    const outside = outsideZones(m, `${route.at}.hostname`, route.hostname);
    if (outside) {
      findings.push(outside);
      continue;
    }
    const first = routed.get(route.key);
    if (first !== undefined) {
      findings.push(error(`${route.at}.hostname`, `is already routed by routes[${first}]; route each hostname (and path) once`, route.hostname));
    } else {
      routed.set(route.key, route.index);
    }
    // Gated: an app's destination covers the hostname, exactly or by its wildcard (lib/core/hostnames.ts).
    if (route.gatingApps.length === 0 && route.publicReason === undefined && !misplaced.some((h) => looksLikeTypo(h, route.hostname))) {
      findings.push(
        error(
          `${route.at}.hostname`,
          'is routed through the tunnel but no access app gates it; add it to an app, or declare `public: {reason: ...}`',
          route.hostname,
        ),
      );
    }
    // A public route contradicts the app that names its hostname. (How a wildcard app and a public route
    // combine, with path-scoped bypass apps, is issue 17's.)
    const named = m.listedBy.get(route.hostname);
    if (named && route.spec.public) {
      findings.push(error(`${route.at}.public`, `contradicts app ${named}, which gates this hostname; remove one of them`, route.spec.public));
    }
  }
  return findings;
}

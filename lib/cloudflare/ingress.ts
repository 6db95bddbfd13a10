/**
 * Typed tunnel routes and the ingress rules cloudflared receives. The `http_status:404` catch-all
 * is appended here and nowhere else, so it is always last.
 */
import { Token } from 'cdktf';
import type { ZeroTrustTunnelCloudflaredConfigConfigIngress } from '@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared-config';
import { ProblemCollector } from '../core/errors';
import { hostnameProblem, routeKey } from '../core/hostnames';
import { pathRegexProblem, serviceProblem } from '../core/rules';

/** Per-route origin options (cloudflared `originRequest`). */
export interface OriginOptions {
  /**
   * Skip TLS verification of the origin certificate.
   * @default false
   */
  readonly noTlsVerify?: boolean;
  /**
   * Host header sent to the origin.
   * @default - the request's own Host header
   */
  readonly httpHostHeader?: string;
  /**
   * Server name expected in the origin certificate.
   * @default - the origin hostname
   */
  readonly originServerName?: string;
  /**
   * Seconds to wait for a TCP connection to the origin.
   * @default 30 (cloudflared's default)
   */
  readonly connectTimeoutSeconds?: number;
}

/** The Access check cloudflared enforces on a route: requests without a valid Access JWT are rejected. */
export interface AccessEnforcement {
  /** Zero Trust team name (the `<team>` in `<team>.cloudflareaccess.com`). */
  readonly teamName: string;
  /** AUD tags of the Access applications that gate the hostname. */
  readonly audTags: string[];
}

/** One public hostname routed through a tunnel to an origin service. */
export interface TunnelRoute {
  /** Public hostname, e.g. `app.example.com`. One leading `*.` wildcard is allowed. */
  readonly hostname: string;
  /**
   * Regular expression matched against the request path.
   * @default - every path
   */
  readonly path?: string;
  /** Origin service: `http://localhost:8080`, `https://10.0.0.5:8443`, `unix:///run/app.sock` or `http_status:NNN`. */
  readonly service: string;
  /**
   * Origin request options.
   * @default - cloudflared defaults
   */
  readonly origin?: OriginOptions;
  /**
   * Enforce an Access JWT at the connector. `TunnelHost` fills this in from its `accessApps`.
   * @default - no connector-side check
   */
  readonly access?: AccessEnforcement;
  /**
   * Declare the route public on purpose, with the reason (at least 10 characters). The policy pack
   * requires every route to be gated by an Access app or declared public.
   * @default - not declared public
   */
  readonly public?: { readonly reason: string };
}

/** The rule cloudflared needs last: it matches every request that no route matched. */
export const CATCH_ALL_SERVICE = 'http_status:404';

/** Collect every route problem (cloudflared's own rules), skipping unresolved tokens. */
export function validateRoutes(routes: readonly TunnelRoute[], problems: ProblemCollector, prefix = 'routes'): void {
  const seen = new Map<string, number>();
  routes.forEach((route, i) => {
    const at = `${prefix}[${i}]`;
    if (!Token.isUnresolved(route.hostname)) {
      const p = hostnameProblem(route.hostname);
      if (p) problems.add(`${at}.hostname`, p, route.hostname);
      const key = routeKey(route);
      const first = seen.get(key);
      if (first !== undefined) {
        problems.add(`${at}.hostname`, `duplicates ${prefix}[${first}]; route each hostname (and path) once`, route.hostname);
      } else {
        seen.set(key, i);
      }
    }
    if (!Token.isUnresolved(route.service)) {
      const p = serviceProblem(route.service);
      if (p) problems.add(`${at}.service`, p, route.service);
    }
    if (route.path !== undefined && !Token.isUnresolved(route.path)) {
      const p = pathRegexProblem(route.path);
      if (p) problems.add(`${at}.path`, p, route.path);
    }
    const timeout = route.origin?.connectTimeoutSeconds;
    if (timeout !== undefined && !Token.isUnresolved(timeout) && (!Number.isInteger(timeout) || timeout < 1 || timeout > 300)) {
      problems.add(`${at}.origin.connectTimeoutSeconds`, 'must be a whole number of seconds from 1 to 300', timeout);
    }
  });
}

/** Build the ingress list for the tunnel config: the routes in order, then the catch-all. */
export function ingressRules(routes: readonly TunnelRoute[]): ZeroTrustTunnelCloudflaredConfigConfigIngress[] {
  const rules: ZeroTrustTunnelCloudflaredConfigConfigIngress[] = routes.map((route) => {
    const o = route.origin ?? {};
    const originRequest = {
      ...(o.noTlsVerify !== undefined ? { noTlsVerify: o.noTlsVerify } : {}),
      ...(o.httpHostHeader !== undefined ? { httpHostHeader: o.httpHostHeader } : {}),
      ...(o.originServerName !== undefined ? { originServerName: o.originServerName } : {}),
      ...(o.connectTimeoutSeconds !== undefined ? { connectTimeout: o.connectTimeoutSeconds } : {}),
      ...(route.access
        ? { access: { required: true, teamName: route.access.teamName, audTag: route.access.audTags } }
        : {}),
    };
    return {
      hostname: route.hostname,
      ...(route.path !== undefined ? { path: route.path } : {}),
      service: route.service,
      ...(Object.keys(originRequest).length > 0 ? { originRequest } : {}),
    };
  });
  rules.push({ service: CATCH_ALL_SERVICE });
  return rules;
}

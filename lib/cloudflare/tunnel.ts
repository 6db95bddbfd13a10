import { DataResource, Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ZeroTrustTunnelCloudflared } from '@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared';
import { ZeroTrustTunnelCloudflaredConfigA } from '@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared-config';
import { DataCloudflareZeroTrustTunnelCloudflaredToken } from '@cdktf/provider-cloudflare/lib/data-cloudflare-zero-trust-tunnel-cloudflared-token';
import { FACTS, recordFact } from '../checks/facts';
import { ProblemCollector } from '../core/errors';
import { GceConnectorHost, GceConnectorHostOptions } from '../google/connector-host';
import type { IAccessGatedApp } from './access/app';
import { TunnelCnames } from './dns';
import { routeGating, RouteGating } from '../core/route-gating';
import { routeKey } from '../core/hostnames';
import { ingressRules, TunnelRoute, validateRoutes } from './ingress';
import type { IZone } from './zone';

/** A Cloudflare Tunnel, created here or elsewhere. */
export interface ITunnel {
  /** The tunnel UUID. */
  readonly tunnelId: string;
  /** CNAME target for hostnames routed through the tunnel: `<tunnel-id>.cfargotunnel.com`. */
  readonly tunnelCname: string;
}

/** Props for `TunnelHost`. */
export interface TunnelHostProps {
  /** Cloudflare account id. Changing it replaces the tunnel. */
  readonly accountId: string;
  /** Tunnel name, unique in the account. Renaming is an in-place update. */
  readonly tunnelName: string;
  /** Public routes, in match order. The `http_status:404` catch-all is appended automatically. */
  readonly routes: readonly TunnelRoute[];
  /**
   * Access applications in front of these routes (public-path bypass apps included). Every gated
   * route gets `originRequest.access {required, teamName, audTag}` on its own ingress rule, with the
   * AUD of exactly the apps Access may apply to the requests it matches (a whole-host rule: every app
   * on the host, path apps included; a path rule `^/<prefix>(/|$)`: the most specific covering apps and
   * those below), so cloudflared rejects requests without a valid Access JWT even if the edge policy is
   * removed. A public route requires none; under a gated host it needs a bypass app of its exact path
   * (`PublicPathBypass`). Routes an earlier route shadows are refused (cloudflared takes the first match).
   * @default - no connector-side Access check
   */
  readonly accessApps?: readonly IAccessGatedApp[];
  /**
   * Publish a proxied CNAME for every route hostname in this zone. Leave unset when a stack owns DNS
   * (the production/standby pair): exactly one construct may own each public record.
   * @default - no DNS records
   */
  readonly dnsZone?: IZone;
  /**
   * Token rotation generation. 0 leaves the tunnel secret to the API (it never changes). Any N >= 1
   * sets `tunnel_secret` to a random 32-byte secret generated once per N: raising N rotates the secret,
   * an in-place update of the tunnel (same id, same CNAME target; provider 5.14 `tunnel_secret` has no
   * replace modifier). The connector token changes with it; a GCE host picks the new token up from
   * Secret Manager within five minutes, without a reboot. The secret is kept (sensitive) in state.
   * @default 0
   */
  readonly tokenRotation?: number;
  /**
   * A GCE host that runs the connector, its service account, Secret Manager token and firewall.
   * @default - no host: run the connector yourself with `connectorToken` (see `renderConnectorUserData`)
   */
  readonly host?: GceConnectorHostOptions;
}

/**
 * A remotely-managed Cloudflare Tunnel (`config_src = "cloudflare"`), its ingress with the mandatory
 * catch-all, optionally its proxied CNAMEs, and optionally a GCE host whose cloud-init runs the connector.
 *
 * Construct ids of the children (`tunnel`, `tunnel-secret`, `config`, `token`, `dns`, `host`) are public API.
 *
 * @example
 * const site = new TunnelHost(this, 'primary', {
 *   accountId,
 *   tunnelName: 'example-primary',
 *   routes: [{ hostname: 'app.example.com', service: 'http://localhost:8080' }],
 *   accessApps: [app],
 *   dnsZone: Zone.fromZoneId(zoneId),
 * });
 */
export class TunnelHost extends Construct implements ITunnel {
  /** Refer to a tunnel managed elsewhere. */
  public static fromTunnelId(tunnelId: string): ITunnel {
    return { tunnelId, tunnelCname: `${tunnelId}.cfargotunnel.com` };
  }

  public readonly tunnelId: string;
  public readonly tunnelCname: string;
  /** The connector token, marked sensitive (provider 5.14 does not mark it). */
  public readonly connectorToken: string;
  /** The routes as configured, with Access enforcement filled in. */
  public readonly routes: readonly TunnelRoute[];
  /** The `cloudflare_zero_trust_tunnel_cloudflared` resource (construct id `tunnel`); its id names the CNAME target. */
  public readonly tunnel: ZeroTrustTunnelCloudflared;
  /** The generator of the tunnel secret (`tokenRotation` >= 1 only). */
  public readonly tunnelSecret?: DataResource;
  /** The tunnel's ingress configuration (construct id `config`): the routes in order, then the 404 catch-all. */
  public readonly config: ZeroTrustTunnelCloudflaredConfigA;
  /** The proxied CNAMEs of the route hostnames (construct id `dns`), when `dnsZone` is set. */
  public readonly dns?: TunnelCnames;
  /** The GCE host that runs the connector (construct id `host`), when `host` is set. */
  public readonly host?: GceConnectorHost;

  constructor(scope: Construct, id: string, props: TunnelHostProps) {
    super(scope, id);
    const problems = new ProblemCollector(id);
    if (!Token.isUnresolved(props.tunnelName) && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(props.tunnelName)) {
      problems.add('tunnelName', 'must be 1-63 letters, digits, dots, hyphens or underscores', props.tunnelName);
    }
    validateRoutes(props.routes, problems);
    const rotation = props.tokenRotation ?? 0;
    if (!Token.isUnresolved(rotation) && !(Number.isSafeInteger(rotation) && rotation >= 0)) {
      problems.add('tokenRotation', 'must be a whole number, 0 (no rotation) or more', rotation);
    }
    const gating = gatingOf(props);
    gating.forEach((g, i) => {
      if (g.problem) problems.add(`routes[${i}].${g.problem.field}`, g.problem.message, props.routes[i][g.problem.field === 'public' ? 'hostname' : g.problem.field]);
    });
    problems.throwIfAny();

    this.routes = props.routes.map((route, i) => {
      const apps = gating[i].connectorApps.map((v) => v.app);
      if (route.public || apps.length === 0) return route;
      return { ...route, access: { teamName: apps[0].teamName, audTags: apps.map((a) => a.aud) } };
    });

    if (rotation !== 0) {
      // A fresh random secret per rotation generation: uuid() changes on every plan, so the input is
      // ignored after creation and only a new generation (triggers_replace) makes a new one.
      this.tunnelSecret = new DataResource(this, 'tunnel-secret', {
        input: { secret: Token.asString(Fn.sensitive(Fn.base64sha256(Fn.join('', [Fn.uuid(), Fn.uuid()])))) },
        triggersReplace: { rotation },
        lifecycle: { ignoreChanges: ['input'] },
      });
    }

    this.tunnel = new ZeroTrustTunnelCloudflared(this, 'tunnel', {
      accountId: props.accountId,
      name: props.tunnelName,
      // The provider default is "local"; changing it later replaces the tunnel (new id, token and CNAME).
      configSrc: 'cloudflare',
      // Base64 of 32 bytes (the API's minimum); changing it is an in-place PATCH of the same tunnel.
      ...(this.tunnelSecret ? { tunnelSecret: this.tunnelSecret.getStringAttribute('output.secret') } : {}),
    });
    this.tunnelId = this.tunnel.id;
    this.tunnelCname = `${this.tunnel.id}.cfargotunnel.com`;

    this.config = new ZeroTrustTunnelCloudflaredConfigA(this, 'config', {
      accountId: props.accountId,
      tunnelId: this.tunnel.id,
      config: { ingress: ingressRules(this.routes) },
    });
    recordFact(
      this.config,
      FACTS.publicRoutes,
      Object.fromEntries(this.routes.flatMap((r) => (r.public ? [[routeKey(r), r.public.reason] as const] : []))),
    );
    recordFact(this.config, FACTS.gatedRoutes, this.routes.filter((r) => r.access).map((r) => routeKey(r)));
    recordFact(this.config, FACTS.accessDestinations, appViews(props).map((v) => ({ destinations: [...v.destinations], ...(v.bypass ? { bypass: true } : {}) })));

    const token = new DataCloudflareZeroTrustTunnelCloudflaredToken(this, 'token', {
      accountId: props.accountId,
      tunnelId: this.tunnel.id,
    });
    this.connectorToken = Token.asString(Fn.sensitive(token.token));

    if (props.dnsZone !== undefined) {
      this.dns = new TunnelCnames(this, 'dns', {
        zone: props.dnsZone,
        hostnames: props.routes.map((r) => r.hostname),
        target: this.tunnelCname,
      });
    }

    if (props.host) {
      this.host = new GceConnectorHost(this, 'host', { ...props.host, connectorToken: this.connectorToken });
    }
  }
}

/** An app as the gating rules see it. */
interface AppView {
  readonly destinations: readonly string[];
  readonly bypass?: boolean;
  readonly app: IAccessGatedApp;
}

function appViews(props: TunnelHostProps): AppView[] {
  return (props.accessApps ?? []).map((app) => ({ destinations: app.hostnames, ...(app.bypass ? { bypass: true } : {}), app }));
}

/** How each route is gated (lib/core/route-gating.ts); routes with unresolved hostnames or paths are left ungated. */
function gatingOf(props: TunnelHostProps): RouteGating<AppView>[] {
  const literal = props.routes.map((r) => ({
    hostname: Token.isUnresolved(r.hostname) ? '' : r.hostname,
    ...(r.path !== undefined && !Token.isUnresolved(r.path) ? { path: r.path } : {}),
    ...(r.public ? { publicReason: r.public.reason } : {}),
  }));
  const label = (v: AppView) => (v.bypass ? `the public path ${v.destinations.join(', ')}` : `the access app of ${v.destinations.join(', ')}`);
  return routeGating(literal, appViews(props), label);
}

import { Annotations, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ZeroTrustAccessApplication, ZeroTrustAccessApplicationCorsHeaders } from '@cdktf/provider-cloudflare/lib/zero-trust-access-application';
import { FACTS, recordFact } from '../../checks/facts';
import { ProblemCollector } from '../../core/errors';
import { destinationProblem, splitAppDestinations, splitDestination } from '../../core/hostnames';
import { MAX_DESTINATIONS_PER_APP, overDestinationLimit } from '../../core/limits';
import { sessionDurationProblem } from '../../core/rules';
import type { IPagesSite } from '../pages';
import type { IIdentityProvider } from './identity-provider';
import type { IAccessPolicy } from './policy';
import { AccessDecision } from './rules';

/** An Access application gating hostnames. */
export interface IAccessGatedApp {
  /** The Access application's id (a uuid), as Terraform and the API name it. */
  readonly applicationId: string;
  /** Audience tag: what cloudflared and origins check in the Access JWT. */
  readonly aud: string;
  /** The destinations the app gates: hostnames, optionally with a path (`wiki.example.com/docs`). */
  readonly hostnames: readonly string[];
  /** The Zero Trust team name the JWT is issued by. */
  readonly teamName: string;
  /**
   * True when every policy of the app bypasses Access: it issues no token, so connector rules do not
   * wait for its AUD (`TunnelHost`), and a public route may sit under it.
   * @default false
   */
  readonly bypass?: boolean;
}

/** SameSite cookie attribute values. */
export enum SameSite {
  /** Sent on same-site requests only: a link from another site arrives without the session. */
  STRICT = 'strict',
  /** Also sent on top-level navigations from other sites (the browsers' default). */
  LAX = 'lax',
  /** Sent on every request, cross-site ones included (browsers require the Secure attribute with it). */
  NONE = 'none',
}

/** CORS answered by Access for the app's hostnames (e.g. a portal calling its API). */
export interface AccessCors {
  /** Origins allowed, e.g. `https://portal.example.com`. */
  readonly allowedOrigins?: readonly string[];
  /** Methods allowed, e.g. GET, POST, OPTIONS. */
  readonly allowedMethods?: readonly string[];
  /** Request headers allowed. */
  readonly allowedHeaders?: readonly string[];
  /**
   * Let browsers send the Access cookie cross-origin.
   * @default false
   */
  readonly allowCredentials?: boolean;
  /**
   * Seconds a preflight answer may be cached.
   * @default - not sent
   */
  readonly maxAge?: number;
}

/** Cookie attributes of the Access session cookie. */
export interface AccessCookies {
  /**
   * @default true
   */
  readonly httpOnly?: boolean;
  /**
   * @default SameSite.LAX
   */
  readonly sameSite?: SameSite;
  /**
   * Bind the cookie to the TLS session.
   * @default false
   */
  readonly bindingCookie?: boolean;
}

/** Props for `AccessGatedApp`. */
export interface AccessGatedAppProps {
  /** The Cloudflare account (32-hex id) that owns the application. */
  readonly accountId: string;
  /** Application name. */
  readonly name: string;
  /** Zero Trust team name (referenced, never managed: the organization is a per-account singleton). */
  readonly teamName: string;
  /**
   * Public destinations (v5 `destinations`), at most 5: hostnames (`app.example.com`, `*.example.com`),
   * optionally with a path (`wiki.example.com/docs` covers `/docs` and everything below it; the more
   * specific path wins, https://developers.cloudflare.com/cloudflare-one/policies/access/app-paths/).
   * The first is the app's `domain`.
   */
  readonly hostnames: readonly string[];
  /**
   * Pages sites whose content this app gates (list their custom domains in `hostnames`). Pages serves
   * the same content on `<project>.pages.dev` and every preview `*.<project>.pages.dev`, so both are
   * added as destinations (Cloudflare's "enable access policy" on a project covers only the previews),
   * unless the site declares them public (`PagesSite` `pagesDevPublic`). When they do not fit beside
   * the hostnames (5 destinations per app), a companion app (`pages-dev`) with the same policies,
   * identity providers, session and cookies gates them.
   * @default - none
   */
  readonly pagesSites?: readonly IPagesSite[];
  /** Reusable policies, attached with precedence 1, 2, ... in this order. */
  readonly policies: readonly IAccessPolicy[];
  /**
   * Identity providers users may pick from.
   * @default - every identity provider in the account
   */
  readonly identityProviders?: readonly IIdentityProvider[];
  /**
   * Skip the Access login page and go straight to the identity provider.
   * @default - true when exactly one identity provider is allowed, false otherwise
   */
  readonly autoRedirectToIdentity?: boolean;
  /**
   * Session duration.
   * @default "24h"
   */
  readonly sessionDuration?: string;
  /**
   * Show the app in the App Launcher.
   * @default true
   */
  readonly appLauncherVisible?: boolean;
  /**
   * CORS headers Access answers with.
   * @default - no CORS settings
   */
  readonly cors?: AccessCors;
  /**
   * Session cookie attributes.
   * @default - HttpOnly, SameSite=Lax, no binding cookie
   */
  readonly cookies?: AccessCookies;
}

/**
 * One self-hosted Access application over one or more hostnames, with reusable policies.
 * Pass it to `TunnelHost.accessApps` and the gated ingress rules enforce its AUD at the connector.
 *
 * @example
 * const app = new AccessGatedApp(this, 'internal', {
 *   accountId, name: 'internal', teamName: 'example',
 *   hostnames: ['admin.example.com', 'api.example.com'],
 *   policies: [allowStaff],
 *   identityProviders: [workspace],
 * });
 */
export class AccessGatedApp extends Construct implements IAccessGatedApp {
  public readonly applicationId: string;
  public readonly aud: string;
  public readonly hostnames: readonly string[];
  public readonly teamName: string;
  public readonly bypass: boolean;
  /** The `cloudflare_zero_trust_access_application` resource (construct id `resource`). */
  public readonly resource: ZeroTrustAccessApplication;
  /** The companion app that gates the pages.dev hosts of `pagesSites` when they do not fit beside the hostnames. */
  public readonly pagesDevResource?: ZeroTrustAccessApplication;

  constructor(scope: Construct, id: string, props: AccessGatedAppProps) {
    super(scope, id);
    const idps = props.identityProviders ?? [];
    const split = splitAppDestinations(props.hostnames, props.pagesSites ?? [], MAX_DESTINATIONS_PER_APP);
    appPropsProblems(id, props, split.companion).throwIfAny();

    const autoRedirect = props.autoRedirectToIdentity ?? idps.length === 1;
    if (idps.length === 1 && !autoRedirect) {
      Annotations.of(this).addWarning('auto-redirect to the only identity provider is off; users see the Access login page first');
    }

    const application = (childId: string, name: string, destinations: readonly string[]) =>
      new ZeroTrustAccessApplication(this, childId, { ...applicationConfig(props, autoRedirect), name, domain: destinations[0], destinations: destinations.map((uri) => ({ type: 'public', uri })) });
    this.resource = application('resource', props.name, split.main);
    if (split.companion.length) {
      // Same policies, identity providers, session and cookies as the app: one gate over the same content.
      this.pagesDevResource = application('pages-dev', `${props.name} (pages.dev)`, split.companion);
      recordFact(this.pagesDevResource, FACTS.companionOf, this.resource.node.path);
    }
    if (props.pagesSites?.length) {
      recordFact(
        this.resource,
        FACTS.pagesSites,
        props.pagesSites.map((s) => ({
          project: s.projectName,
          domains: [...s.hostnames],
          pagesDev: [...s.pagesDevHostnames],
          ...(s.pagesDevPublicReason ? { publicReason: s.pagesDevPublicReason } : {}),
        })),
      );
    }
    this.applicationId = this.resource.id;
    this.aud = this.resource.aud;
    this.hostnames = split.main;
    this.teamName = props.teamName;
    this.bypass = props.policies.length > 0 && props.policies.every((p) => p.decision === AccessDecision.BYPASS);
    recordFact(this.resource, FACTS.policyDecisions, props.policies.map((p) => p.decision));
  }
}

/** The provider config an app and its pages.dev companion share (everything but name and destinations). */
function applicationConfig(props: AccessGatedAppProps, autoRedirect: boolean) {
  const idps = props.identityProviders ?? [];
  const cookies = props.cookies ?? {};
  return {
    accountId: props.accountId,
    type: 'self_hosted',
    policies: props.policies.map((p, i) => ({ id: p.policyId, precedence: i + 1 })),
    ...(idps.length > 0 ? { allowedIdps: idps.map((i) => i.identityProviderId) } : {}),
    autoRedirectToIdentity: autoRedirect,
    sessionDuration: props.sessionDuration ?? '24h',
    appLauncherVisible: props.appLauncherVisible ?? true,
    httpOnlyCookieAttribute: cookies.httpOnly ?? true,
    sameSiteCookieAttribute: cookies.sameSite ?? SameSite.LAX,
    enableBindingCookie: cookies.bindingCookie ?? false,
    ...(props.cors ? { corsHeaders: corsHeaders(props.cors) } : {}),
  };
}

/** Every problem of an app's props (tokens skipped). `companion` holds the pages.dev hosts that did not fit beside the hostnames. */
function appPropsProblems(id: string, props: AccessGatedAppProps, companion: readonly string[]): ProblemCollector {
  const problems = new ProblemCollector(id);
  const idps = props.identityProviders ?? [];
  if (props.hostnames.length === 0) problems.add('hostnames', 'must list at least one hostname');
  if (overDestinationLimit(props.hostnames)) {
    problems.add('hostnames', `lists ${props.hostnames.length} hostnames; cloudflare allows at most ${MAX_DESTINATIONS_PER_APP} per application, split it`, props.hostnames.length);
  } else if (overDestinationLimit(companion)) {
    problems.add(
      'pagesSites',
      `gate ${companion.length} pages.dev hosts; their companion app takes at most ${MAX_DESTINATIONS_PER_APP} (cloudflare's limit per application), gate some of the sites with a separate app`,
      companion.length,
    );
  }
  props.hostnames.forEach((h, i) => {
    if (Token.isUnresolved(h)) return;
    const p = destinationProblem(h);
    if (p) problems.add(`hostnames[${i}]`, p, h);
  });
  props.policies.forEach((p, i) => {
    if (p.decision !== AccessDecision.BYPASS) return;
    // A bypass skips Access for whoever it includes: it may narrow a host to a path, never open a whole host.
    const whole = props.hostnames.filter((h) => !Token.isUnresolved(h) && splitDestination(h).path === '');
    if (whole.length) problems.add(`policies[${i}]`, `is a bypass policy, and a bypass must never cover a whole host: give ${whole.join(', ')} a path`, p.decision);
  });
  if (new Set(props.hostnames).size !== props.hostnames.length) problems.add('hostnames', 'must not repeat a hostname', props.hostnames);
  if (props.policies.length === 0) problems.add('policies', 'must attach at least one policy; an app without one admits nobody');
  if (props.autoRedirectToIdentity === true && idps.length !== 1) {
    problems.add('autoRedirectToIdentity', `needs exactly one identity provider, ${idps.length} given`, true);
  }
  const session = props.sessionDuration ?? '24h';
  if (!Token.isUnresolved(session)) {
    const p = sessionDurationProblem(session);
    if (p) problems.add('sessionDuration', p, session);
  }
  const cors = props.cors;
  if (cors?.allowCredentials && cors.allowedOrigins?.includes('*')) {
    problems.add('cors.allowedOrigins', 'must name origins when allowCredentials is on; browsers refuse * with credentials', '*');
  }
  return problems;
}

/** The provider's `cors_headers` of an app. */
function corsHeaders(cors: AccessCors): ZeroTrustAccessApplicationCorsHeaders {
  return {
    ...(cors.allowedOrigins?.length ? { allowedOrigins: [...cors.allowedOrigins] } : {}),
    ...(cors.allowedMethods?.length ? { allowedMethods: [...cors.allowedMethods] } : {}),
    ...(cors.allowedHeaders?.length ? { allowedHeaders: [...cors.allowedHeaders] } : {}),
    allowCredentials: cors.allowCredentials ?? false,
    ...(cors.maxAge !== undefined ? { maxAge: cors.maxAge } : {}),
  };
}

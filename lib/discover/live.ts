/**
 * What `gatehouse discover` reads from a live account: the fields of each Cloudflare API v4 object
 * that a deployment file can express, as the API returns them (snake_case; the tunnel
 * configuration's ingress rules in cloudflared's own camelCase). References, by endpoint:
 * https://developers.cloudflare.com/api/ (Zones, Cloudflare Tunnel, DNS Records, Zero Trust Access,
 * R2, Pages, Workers). Client secrets are never part of these shapes: discover never reads them.
 */

/** GET /zones/{z}: a zone of the account. */
export interface LiveZone {
  /** The zone id. */
  readonly id: string;
  /** The zone apex, e.g. `example.com`. */
  readonly name: string;
  /** The zone plan; `legacy_id` is `free`, `pro`, `business` or `enterprise`. */
  readonly plan?: { readonly legacy_id?: string };
}

/** A cloudflared ingress rule (GET /accounts/{a}/cfd_tunnel/{id}/configurations: `config.ingress[]`). */
export interface LiveIngressRule {
  /** The hostname the rule matches; none on the catch-all rule. */
  readonly hostname?: string;
  /** The path regular expression the rule matches, if any. */
  readonly path?: string;
  /** Where the rule sends requests: a URL, or `http_status:<code>`. */
  readonly service: string;
  /** The rule's origin settings (cloudflared's camelCase names). */
  readonly originRequest?: Readonly<Record<string, unknown>>;
}

/** GET /accounts/{a}/cfd_tunnel (`is_deleted=false`), with its remote configuration when it has one. */
export interface LiveTunnel {
  /** The tunnel id (`<id>.cfargotunnel.com` is its CNAME target). */
  readonly id: string;
  /** The tunnel name. */
  readonly name: string;
  /** `cloudflare` (remotely managed) or `local`; older answers only carry `remote_config`. */
  readonly config_src?: string;
  /** Whether the tunnel is remotely managed (older answers). */
  readonly remote_config?: boolean;
  /** `inactive`, `degraded`, `healthy` or `down`. */
  readonly status?: string;
  /** The ingress rules of a remotely-managed tunnel. */
  readonly ingress?: readonly LiveIngressRule[];
  /** Why the configuration could not be read. */
  readonly configError?: string;
}

/** GET /zones/{z}/dns_records?type=CNAME. */
export interface LiveRecord {
  /** The record id. */
  readonly id: string;
  /** The id of the zone that holds it. */
  readonly zone_id?: string;
  /** The record name (FQDN). */
  readonly name: string;
  /** The record type (`CNAME`, `TXT`). */
  readonly type: string;
  /** The record's content (a CNAME's target). */
  readonly content: string;
  /** Whether Cloudflare proxies it. */
  readonly proxied?: boolean;
}

/** An Access rule: one selector per object (`{email: {email}}`, `{group: {id}}`, `{everyone: {}}`, ...). */
export type LiveRule = Readonly<Record<string, Readonly<Record<string, unknown>> | null | undefined>>;

/** GET /accounts/{a}/access/policies (reusable policies). */
export interface LivePolicy {
  /** The policy id. */
  readonly id: string;
  /** The policy name. */
  readonly name: string;
  /** `allow`, `deny`, `bypass` or `non_identity`. */
  readonly decision: string;
  /** Rules of which any one must match. */
  readonly include?: readonly LiveRule[];
  /** Rules that must all match. */
  readonly require?: readonly LiveRule[];
  /** Rules of which none may match. */
  readonly exclude?: readonly LiveRule[];
  /** The policy's session duration, when it sets one. */
  readonly session_duration?: string;
  /** Whether the policy is reusable (account-level) rather than an app's own. */
  readonly reusable?: boolean;
}

/** GET /accounts/{a}/access/apps. */
export interface LiveApp {
  /** The app id. */
  readonly id: string;
  /** The app name. */
  readonly name: string;
  /** The app type; gatehouse expresses `self_hosted` apps. */
  readonly type?: string;
  /** The app's primary domain (older answers). */
  readonly domain?: string;
  /** The app's destinations: `public` hostnames (gatehouse's kind) or private ones. */
  readonly destinations?: ReadonlyArray<{ readonly type?: string; readonly uri?: string }>;
  /** The app's hostnames (deprecated field, read when there are no destinations). */
  readonly self_hosted_domains?: readonly string[];
  /** The app's session duration. */
  readonly session_duration?: string;
  /** Whether the app shows in the App Launcher. */
  readonly app_launcher_visible?: boolean;
  /** The identity provider ids a user may sign in with; empty for any. */
  readonly allowed_idps?: readonly string[];
  /** The app's policies: reusable ones carry `reusable: true` (and their id), legacy ones are the app's own. */
  readonly policies?: ReadonlyArray<{ readonly id?: string; readonly name?: string; readonly precedence?: number; readonly reusable?: boolean }>;
  /** The app's CORS settings. */
  readonly cors_headers?: {
    readonly allowed_origins?: readonly string[];
    readonly allowed_methods?: readonly string[];
    readonly allowed_headers?: readonly string[];
    readonly allow_credentials?: boolean;
    readonly allow_all_origins?: boolean;
    readonly allow_all_methods?: boolean;
    readonly allow_all_headers?: boolean;
    readonly max_age?: number;
  };
  /** Whether the authorization cookie is HttpOnly. */
  readonly http_only_cookie_attribute?: boolean;
  /** The authorization cookie's SameSite attribute. */
  readonly same_site_cookie_attribute?: string;
  /** Whether the binding cookie is enabled. */
  readonly enable_binding_cookie?: boolean;
}

/** GET /accounts/{a}/access/groups. */
export interface LiveGroup {
  /** The group id. */
  readonly id: string;
  /** The group name. */
  readonly name: string;
  /** Rules of which any one must match. */
  readonly include?: readonly LiveRule[];
  /** Rules that must all match. */
  readonly require?: readonly LiveRule[];
  /** Rules of which none may match. */
  readonly exclude?: readonly LiveRule[];
}

/** GET /accounts/{a}/access/identity_providers: the non-secret part of `config` only. */
export interface LiveIdentityProvider {
  /** The identity provider id. */
  readonly id: string;
  /** The identity provider name. */
  readonly name: string;
  /** `google-apps`, `azureAD`, `onetimepin`, ... */
  readonly type: string;
  /** The non-secret settings discover can express. */
  readonly config?: { readonly client_id?: string; readonly apps_domain?: string; readonly directory_id?: string; readonly support_groups?: boolean };
}

/** GET /accounts/{a}/access/service_tokens. */
export interface LiveServiceToken {
  /** The service token id. */
  readonly id: string;
  /** The service token name. */
  readonly name: string;
  /** How long the token is valid (`8760h`, ..., `forever`). */
  readonly duration?: string;
}

/** An R2 lifecycle rule (GET /accounts/{a}/r2/buckets/{b}/lifecycle: `rules[]`). */
export interface LiveLifecycleRule {
  /** The rule id (its name). */
  readonly id?: string;
  /** Whether the rule is enabled. */
  readonly enabled?: boolean;
  /** The objects the rule applies to (a key prefix). */
  readonly conditions?: { readonly prefix?: string };
  /** When objects are deleted (`Age`, seconds). */
  readonly deleteObjectsTransition?: { readonly condition?: { readonly type?: string; readonly maxAge?: number } };
  /** When incomplete multipart uploads are aborted. */
  readonly abortMultipartUploadsTransition?: { readonly condition?: { readonly type?: string; readonly maxAge?: number } };
  /** When objects move to another storage class. */
  readonly storageClassTransitions?: ReadonlyArray<{ readonly condition?: { readonly type?: string; readonly maxAge?: number }; readonly storageClass?: string }>;
}

/** GET /accounts/{a}/r2/buckets (per jurisdiction), with its lifecycle and r2.dev setting. */
export interface LiveBucket {
  /** The bucket name. */
  readonly name: string;
  /** `default`, `eu` or `fedramp`. */
  readonly jurisdiction: string;
  /** The location hint the bucket was created with. */
  readonly location?: string;
  /** The default storage class (`Standard`, `InfrequentAccess`). */
  readonly storage_class?: string;
  /** The bucket's lifecycle rules, when they could be read. */
  readonly lifecycle?: readonly LiveLifecycleRule[];
  /** GET .../domains/managed: `enabled`. */
  readonly r2dev?: boolean;
  /** Why the lifecycle or r2.dev setting could not be read. */
  readonly readError?: string;
}

/** GET /accounts/{a}/pages/projects. */
export interface LivePagesProject {
  /** The project name. */
  readonly name: string;
  /** Its `<project>.pages.dev` subdomain. */
  readonly subdomain?: string;
  /** The branch that deploys to production. */
  readonly production_branch?: string;
  /** The project's custom domains. */
  readonly domains?: readonly string[];
  /** The production and preview settings; only the variables' names and types are read. */
  readonly deployment_configs?: {
    readonly production?: { readonly env_vars?: Readonly<Record<string, { readonly type?: string } | null>> };
    readonly preview?: { readonly env_vars?: Readonly<Record<string, { readonly type?: string } | null>> };
  };
}

/** GET /accounts/{a}/workers/domains. */
export interface LiveWorkerDomain {
  /** The custom domain id. */
  readonly id: string;
  /** The hostname the Worker serves. */
  readonly hostname: string;
  /** The Worker (script) that serves it. */
  readonly service: string;
  /** The id of the zone that holds the hostname. */
  readonly zone_id?: string;
}

/** Everything discover read, and what it could not read (each a one-line reason). */
export interface LiveAccount {
  /** The account that was read. */
  readonly accountId: string;
  /** `<team>` of the organization's `auth_domain` (`<team>.cloudflareaccess.com`). */
  readonly teamName?: string;
  /** The zones read (`--zone`). */
  readonly zones: readonly LiveZone[];
  /** The Cloudflare Tunnels, with their configurations. */
  readonly tunnels: readonly LiveTunnel[];
  /** The zones' CNAME records. */
  readonly records: readonly LiveRecord[];
  /** TXT records named `_gatehouse-*` in the first zone: activation records of an earlier deploy whose state is gone. */
  readonly activationRecords: readonly LiveRecord[];
  /** The Access applications. */
  readonly apps: readonly LiveApp[];
  /** The reusable Access policies. */
  readonly policies: readonly LivePolicy[];
  /** The Access groups. */
  readonly groups: readonly LiveGroup[];
  /** The Access identity providers. */
  readonly identityProviders: readonly LiveIdentityProvider[];
  /** The Access service tokens (never their secrets). */
  readonly serviceTokens: readonly LiveServiceToken[];
  /** The R2 buckets. */
  readonly buckets: readonly LiveBucket[];
  /** The Pages projects. */
  readonly pages: readonly LivePagesProject[];
  /** The Workers custom domains. */
  readonly workerDomains: readonly LiveWorkerDomain[];
  /** What could not be read: `Access apps: GET ...: HTTP 403: ...`. */
  readonly unread: readonly string[];
}

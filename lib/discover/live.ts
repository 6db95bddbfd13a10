/**
 * What `gatehouse discover` reads from a live account: the fields of each Cloudflare API v4 object
 * that a deployment file can express, as the API returns them (snake_case; the tunnel
 * configuration's ingress rules in cloudflared's own camelCase). References, by endpoint:
 * https://developers.cloudflare.com/api/ (Zones, Cloudflare Tunnel, DNS Records, Zero Trust Access,
 * R2, Pages, Workers). Client secrets are never part of these shapes: discover never reads them.
 */

export interface LiveZone {
  readonly id: string;
  readonly name: string;
  readonly plan?: { readonly legacy_id?: string };
}

/** A cloudflared ingress rule (GET /accounts/{a}/cfd_tunnel/{id}/configurations: `config.ingress[]`). */
export interface LiveIngressRule {
  readonly hostname?: string;
  readonly path?: string;
  readonly service: string;
  readonly originRequest?: Readonly<Record<string, unknown>>;
}

/** GET /accounts/{a}/cfd_tunnel (`is_deleted=false`), with its remote configuration when it has one. */
export interface LiveTunnel {
  readonly id: string;
  readonly name: string;
  /** `cloudflare` (remotely managed) or `local`; older answers only carry `remote_config`. */
  readonly config_src?: string;
  readonly remote_config?: boolean;
  readonly status?: string;
  /** The ingress rules of a remotely-managed tunnel. */
  readonly ingress?: readonly LiveIngressRule[];
  /** Why the configuration could not be read. */
  readonly configError?: string;
}

/** GET /zones/{z}/dns_records?type=CNAME. */
export interface LiveRecord {
  readonly id: string;
  readonly zone_id?: string;
  readonly name: string;
  readonly type: string;
  readonly content: string;
  readonly proxied?: boolean;
}

/** An Access rule: one selector per object (`{email: {email}}`, `{group: {id}}`, `{everyone: {}}`, ...). */
export type LiveRule = Readonly<Record<string, Readonly<Record<string, unknown>> | null | undefined>>;

/** GET /accounts/{a}/access/policies (reusable policies). */
export interface LivePolicy {
  readonly id: string;
  readonly name: string;
  readonly decision: string;
  readonly include?: readonly LiveRule[];
  readonly require?: readonly LiveRule[];
  readonly exclude?: readonly LiveRule[];
  readonly session_duration?: string;
  readonly reusable?: boolean;
}

/** GET /accounts/{a}/access/apps. */
export interface LiveApp {
  readonly id: string;
  readonly name: string;
  readonly type?: string;
  readonly domain?: string;
  readonly destinations?: ReadonlyArray<{ readonly type?: string; readonly uri?: string }>;
  readonly self_hosted_domains?: readonly string[];
  readonly session_duration?: string;
  readonly app_launcher_visible?: boolean;
  readonly allowed_idps?: readonly string[];
  /** The app's policies: reusable ones carry `reusable: true` (and their id), legacy ones are the app's own. */
  readonly policies?: ReadonlyArray<{ readonly id?: string; readonly name?: string; readonly precedence?: number; readonly reusable?: boolean }>;
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
  readonly http_only_cookie_attribute?: boolean;
  readonly same_site_cookie_attribute?: string;
  readonly enable_binding_cookie?: boolean;
}

/** GET /accounts/{a}/access/groups. */
export interface LiveGroup {
  readonly id: string;
  readonly name: string;
  readonly include?: readonly LiveRule[];
  readonly require?: readonly LiveRule[];
  readonly exclude?: readonly LiveRule[];
}

/** GET /accounts/{a}/access/identity_providers: the non-secret part of `config` only. */
export interface LiveIdentityProvider {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly config?: { readonly client_id?: string; readonly apps_domain?: string; readonly directory_id?: string; readonly support_groups?: boolean };
}

/** GET /accounts/{a}/access/service_tokens. */
export interface LiveServiceToken {
  readonly id: string;
  readonly name: string;
  readonly duration?: string;
}

/** An R2 lifecycle rule (GET /accounts/{a}/r2/buckets/{b}/lifecycle: `rules[]`). */
export interface LiveLifecycleRule {
  readonly id?: string;
  readonly enabled?: boolean;
  readonly conditions?: { readonly prefix?: string };
  readonly deleteObjectsTransition?: { readonly condition?: { readonly type?: string; readonly maxAge?: number } };
  readonly abortMultipartUploadsTransition?: { readonly condition?: { readonly type?: string; readonly maxAge?: number } };
  readonly storageClassTransitions?: ReadonlyArray<{ readonly condition?: { readonly type?: string; readonly maxAge?: number }; readonly storageClass?: string }>;
}

/** GET /accounts/{a}/r2/buckets (per jurisdiction), with its lifecycle and r2.dev setting. */
export interface LiveBucket {
  readonly name: string;
  readonly jurisdiction: string;
  readonly location?: string;
  readonly storage_class?: string;
  readonly lifecycle?: readonly LiveLifecycleRule[];
  /** GET .../domains/managed: `enabled`. */
  readonly r2dev?: boolean;
  /** Why the lifecycle or r2.dev setting could not be read. */
  readonly readError?: string;
}

/** GET /accounts/{a}/pages/projects. */
export interface LivePagesProject {
  readonly name: string;
  readonly subdomain?: string;
  readonly production_branch?: string;
  readonly domains?: readonly string[];
  readonly deployment_configs?: {
    readonly production?: { readonly env_vars?: Readonly<Record<string, { readonly type?: string } | null>> };
    readonly preview?: { readonly env_vars?: Readonly<Record<string, { readonly type?: string } | null>> };
  };
}

/** GET /accounts/{a}/workers/domains. */
export interface LiveWorkerDomain {
  readonly id: string;
  readonly hostname: string;
  readonly service: string;
  readonly zone_id?: string;
}

/** Everything discover read, and what it could not read (each a one-line reason). */
export interface LiveAccount {
  readonly accountId: string;
  /** `<team>` of the organization's `auth_domain` (`<team>.cloudflareaccess.com`). */
  readonly teamName?: string;
  readonly zones: readonly LiveZone[];
  readonly tunnels: readonly LiveTunnel[];
  /** The zones' CNAME records. */
  readonly records: readonly LiveRecord[];
  /** TXT records named `_gatehouse-*` in the first zone: activation records of an earlier deploy whose state is gone. */
  readonly activationRecords: readonly LiveRecord[];
  readonly apps: readonly LiveApp[];
  readonly policies: readonly LivePolicy[];
  readonly groups: readonly LiveGroup[];
  readonly identityProviders: readonly LiveIdentityProvider[];
  readonly serviceTokens: readonly LiveServiceToken[];
  readonly buckets: readonly LiveBucket[];
  readonly pages: readonly LivePagesProject[];
  readonly workerDomains: readonly LiveWorkerDomain[];
  /** What could not be read: `Access apps: GET ...: HTTP 403: ...`. */
  readonly unread: readonly string[];
}

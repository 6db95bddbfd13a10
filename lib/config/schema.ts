/**
 * The deployment file schema: the operator's single source of truth.
 *
 * Shape checks live here (zod). Checks across fields live in `checks/` (one file per section) and
 * run on the model of a shape-valid document (lib/deployment/model.ts). `deployment.schema.json` is generated from this file
 * (`npm run schema`) and a test keeps the two in sync.
 */
import { z } from 'zod';
import { cronProblem } from '../core/cron';
import { isoDateProblem } from '../core/dates';
import { customDomainProblem, destinationProblem, hostnameProblem } from '../core/hostnames';
import {
  bucketNameProblem,
  cloudflareIdProblem,
  corsOriginProblem,
  emailDomainProblem,
  gceNameProblem,
  gcpProjectProblem,
  originHostProblem,
  pathRegexProblem,
  reasonProblem,
  serviceProblem,
  sessionDurationProblem,
  trimmedProblem,
  zoneProblem,
} from '../core/rules';
import { API_REQUESTS_PER_WINDOW } from '../core/limits';
import { USER_DATA_RULES } from '../google/user-data';
import { AdoptSchema } from './adopt-schema';

/** A site's tunnel token rotation generation: raise it to rotate the tunnel secret (README "Rotating a tunnel token"). */
const tokenRotation = z
  .number()
  .int()
  .min(0, { error: 'must be 0 (no rotation) or a generation number >= 1, raised by one to rotate the tunnel secret' })
  .default(0)
  .describe('tunnel token rotation generation: 0 = the API-generated secret; raise it to rotate the tunnel secret in place');

/** Turn a rule function into a zod refinement that reports the rule's own message. */
function ruled(rule: (v: string) => string | undefined, description?: string) {
  const s = z.string().superRefine((value, ctx) => {
    const problem = rule(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });
  return description ? s.describe(description) : s;
}

/** A value looked up or compared as written: not blank, no whitespace around it (`example` shows a valid one). */
const trimmed = (example: string) => ruled((v) => trimmedProblem(v, example));
/** Free text that must say something. */
const nonBlank = ruled((v) => (v.trim() === '' ? 'must not be empty or blank' : undefined));

const NAME = /^[a-z][a-z0-9-]{0,40}$/;
/** Keys of the named maps (identity providers, groups, policies, apps, buckets): they become construct ids. */
const nameKey = z.string().regex(NAME, {
  error: 'must be a name of lower-case letters, digits and hyphens, starting with a letter (at most 41 characters)',
});
const nameRef = (what: string) => z.string().describe(`the name of ${what} declared in this file`);
const hostname = ruled(hostnameProblem, 'a fully qualified hostname in a declared zone; one leading *. wildcard label is allowed');
/** An Access app destination: a hostname, optionally with a path (README "Paths and bypass"). */
const destination = ruled(
  destinationProblem,
  'a hostname in a declared zone (app.example.com, *.example.com), optionally with a path (wiki.example.com/docs covers /docs and everything below it)',
);
const zoneApex = ruled(zoneProblem, 'a zone apex such as example.com');
/** A hostname that gets its own record (Pages, Worker and bucket custom domains): never a wildcard. */
const customDomain = ruled(customDomainProblem, 'a hostname in a declared zone, without a wildcard (it gets a record of its own)');
const emailDomain = ruled(emailDomainProblem, 'a plain email domain such as example.com');
const reason = ruled(reasonProblem, 'why, in at least 10 characters; recorded for review');
const sessionDuration = ruled(sessionDurationProblem, 'a Go duration such as 8h or 24h');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date written YYYY-MM-DD' })
  .superRefine((value, ctx) => {
    const problem = isoDateProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });
const tfVariableName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, { error: 'must be a terraform variable name of lower-case letters, digits and underscores' });

/** `cloudflare:`: the account, the primary zone (and extra zones of the same account), the Zero Trust team, the zone plan and any account limits that differ from lib/core/limits.ts. */
export const CloudflareSchema = z
  .strictObject({
    account_id: ruled(cloudflareIdProblem, 'the Cloudflare account id (not a secret)'),
    zone: zoneApex.describe('the zone apex, e.g. example.com'),
    zone_id: ruled(cloudflareIdProblem, 'the zone id (not a secret)'),
    team_name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'must be the <team> in <team>.cloudflareaccess.com, lower case' })
      .describe('the Zero Trust team name; referenced, never managed'),
    plan: z.enum(['free', 'pro', 'business', 'enterprise']).default('free').describe('the zone plan, for limits'),
    extra_zones: z
      .array(z.strictObject({ zone: zoneApex, zone_id: ruled(cloudflareIdProblem) }))
      .default([])
      .describe('more zones in the same account (same plan); hostnames may lie in any declared zone'),
    limits: z
      .strictObject({
        tunnels: z.number().int().min(1).optional(),
        account_tokens: z.number().int().min(1).optional(),
        dns_records: z.number().int().min(1).optional(),
        access_apps: z.number().int().min(1).optional(),
        cron_triggers: z.number().int().min(1).optional().describe('cron triggers per account: 250 on Workers Paid (5 on Workers Free: record 5 here)'),
      })
      .prefault({})
      .describe('account limits that differ from the defaults in lib/core/limits.ts: raised ones (Enterprise), or the 5 cron triggers of Workers Free'),
  })
  .describe('the Cloudflare account, zone and Zero Trust team');

const GoogleWorkspaceIdp = z.strictObject({
  type: z.literal('google-workspace'),
  client_id: ruled(
    (v) =>
      trimmedProblem(v, '123456789012-abc.apps.googleusercontent.com') ??
      (/^[A-Za-z0-9-]+\.apps\.googleusercontent\.com$/.test(v) ? undefined : 'must be a Google OAuth client id, <number>-<id>.apps.googleusercontent.com'),
  ).describe('OAuth client id (not a secret)'),
  apps_domain: emailDomain.describe('the Google Workspace domain, e.g. example.com'),
  secret_variable: tfVariableName.optional().describe('terraform variable holding the client secret; default <name>_client_secret'),
  secret_expires: isoDate
    .optional()
    .describe('when the OAuth client secret expires, if it was created with an expiry; synth warns 30 days ahead, fails after'),
});
const EntraIdp = z.strictObject({
  type: z.literal('entra'),
  // the message for a string that is not a uuid; a missing or non-string value keeps zod's own
  client_id: z
    .uuid({ error: (issue) => (issue.code === 'invalid_format' ? 'must be the application (client) id of the app registration, a uuid' : undefined) })
    .describe('the application (client) id of the app registration (not a secret)'),
  // the message for a string that is not a uuid; a missing or non-string value keeps zod's own
  directory_id: z
    .uuid({ error: (issue) => (issue.code === 'invalid_format' ? 'must be the directory (tenant) id, a uuid' : undefined) })
    .describe('the directory (tenant) id'),
  support_groups: z.boolean().default(false).describe('send group membership so policies can match Entra groups'),
  secret_variable: tfVariableName.optional().describe('terraform variable holding the client secret; default <name>_client_secret'),
  secret_expires: isoDate.optional().describe('when the Entra client secret expires; synth warns 30 days ahead, fails after'),
});
const OtpIdp = z.strictObject({ type: z.literal('one-time-pin') });
const ExistingIdp = z.strictObject({
  type: z.literal('existing'),
  id: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { error: 'must be the identity provider id, a uuid' }),
});
/**
 * One entry of `identity_providers:`, by `type`: `google-workspace` and `entra` (OIDC apps whose client
 * secret arrives as a sensitive terraform variable, never in the file), `one-time-pin`, or `existing`
 * (a provider created outside gatehouse, referenced by its uuid).
 */
export const IdentityProviderSchema = z.discriminatedUnion('type', [GoogleWorkspaceIdp, EntraIdp, OtpIdp, ExistingIdp]);

/** One entry of `access_groups:`: a reusable group matched by email domain, email address or Entra group (by object id). */
export const AccessGroupSchema = z
  .strictObject({
    email_domains: z.array(emailDomain).default([]),
    emails: z.array(z.email({ error: 'must be an email address' })).default([]),
    idp_groups: z
      .array(
        z.strictObject({
          idp: nameRef('an entra identity provider'),
          group: z.string().min(1).describe('the object id (a uuid) of the entra group'),
        }),
      )
      .default([]),
  })
  .describe('a reusable access group; a member matches any of its rules');

/**
 * One Access rule of a policy's `include`, `require` or `exclude` list: a declared group, an email
 * address, an email domain, a declared service token, everyone, or any valid service token.
 */
export const RuleSchema = z.union([
  z.strictObject({ group: nameRef('an access group') }),
  z.strictObject({ email: z.email({ error: 'must be an email address' }) }),
  z.strictObject({ email_domain: emailDomain }),
  z.strictObject({ service_token: nameRef('a service token') }),
  z.strictObject({ everyone: z.literal(true) }),
  z.strictObject({ any_valid_service_token: z.literal(true) }),
]);
/** One Access rule as the file writes it (the shape of {@link RuleSchema}). */
export type AccessRuleInput = z.infer<typeof RuleSchema>;

/**
 * One entry of `access_policies:`: a reusable Access policy (decision and rules). Without
 * `session_duration` the policy takes the session every app using it declares (lib/config/sessions.ts).
 */
export const AccessPolicySchema = z.strictObject({
  decision: z
    .enum(['allow', 'deny', 'bypass', 'non_identity'])
    .describe('allow (people), deny, bypass (skips access; only on apps over paths, never a whole host), non_identity (service tokens)'),
  include: z.array(RuleSchema).min(1, { error: 'must list at least one rule' }),
  require: z.array(RuleSchema).default([]),
  exclude: z.array(RuleSchema).default([]),
  session_duration: sessionDuration.optional(),
});

/** One entry of `service_tokens:`: a machine credential for non_identity policies, its lifetime, and the record that approved it. */
export const ServiceTokenSchema = z.strictObject({
  duration: z.enum(['8760h', '17520h', '43800h', '87600h', 'forever']).default('8760h'),
  decision_record: ruled((v) => (v.trim().length >= 3 ? undefined : 'must name the ADR or ticket that approved this machine token (at least 3 characters)')).describe(
    'the ADR or ticket that approved this machine token',
  ),
});

/**
 * One entry of `apps:`: a self-hosted Access application gating up to 5 destinations, with its policies,
 * allowed identity providers, session, CORS and cookie settings.
 */
export const AccessAppSchema = z.strictObject({
  hostnames: z
    .array(destination)
    .min(1, { error: 'must list at least one hostname' })
    .describe('the destinations the app gates, at most 5; a path makes the app more specific than an app of the whole host'),
  policies: z.array(nameRef('an access policy')).min(1, { error: 'must attach at least one policy' }),
  idps: z.array(nameRef('an identity provider')).default([]),
  session_duration: sessionDuration.default('24h'),
  app_launcher_visible: z.boolean().default(true),
  cors: z
    .strictObject({
      allowed_origins: z.array(ruled((o) => corsOriginProblem(o, false))).default([]),
      allowed_methods: z.array(z.enum(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'])).default([]),
      allowed_headers: z.array(trimmed('Content-Type')).default([]),
      allow_credentials: z.boolean().default(false),
      max_age: z.number().int().min(-1).max(86400).optional(),
    })
    .optional(),
  cookies: z
    .strictObject({
      http_only: z.boolean().default(true),
      same_site: z.enum(['strict', 'lax', 'none']).default('lax'),
      binding_cookie: z.boolean().default(false),
    })
    .prefault({}),
});

/** `origin:` of a route (or of tenants): cloudflared's origin request settings for its ingress rule; unset fields keep cloudflared's defaults. */
export const OriginSchema = z.strictObject({
  no_tls_verify: z.boolean().optional().describe("skip verifying the origin's TLS certificate (a self-signed origin)"),
  http_host_header: ruled((v) => originHostProblem(v, true)).optional().describe('the Host header sent to the origin'),
  origin_server_name: ruled((v) => originHostProblem(v, false)).optional().describe("the name expected in the origin's certificate"),
  connect_timeout_seconds: z.number().int().min(1).max(300).optional().describe('seconds to wait for a connection to the origin (cloudflared default 30)'),
});

/**
 * One entry of `routes:`: a hostname (and optional path regex) published through the tunnel to an origin
 * service. An Access app must gate it unless `public` says why it is open.
 */
export const RouteSchema = z.strictObject({
  hostname,
  path: ruled(
    (p) => (p === '' ? 'must not be empty; leave path out to match every path' : pathRegexProblem(p)),
    'a go (re2) regular expression, matched unanchored against the request path; a public path on a gated host is written ^/<prefix>(/|$)',
  ).optional(),
  service: ruled(serviceProblem, 'origin service, e.g. http://localhost:8080'),
  origin: OriginSchema.optional(),
  public: z
    .strictObject({ reason })
    .optional()
    .describe('declare a route public on purpose; otherwise an access app must gate it'),
});

/**
 * A site gatehouse creates: a GCE host running cloudflared. `deletion_protection` is on by default;
 * `machine_type` changes need `allow_stopping_for_update`.
 */
export const SiteSchema = z.strictObject({
  name: ruled(
    (n) => gceNameProblem(n) ?? (n.length > 40 ? 'must be at most 40 characters, so that derived firewall and secret names fit' : undefined),
    'the GCE instance name (at most 40 characters)',
  ),
  project: ruled(gcpProjectProblem),
  region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, { error: 'must be a GCE region such as europe-west1' }),
  zone: z.string().regex(/^[a-z]+-[a-z]+\d+-[a-z]$/, { error: 'must be a GCE zone such as europe-west1-b' }),
  machine_type: z.string().regex(/^[a-z0-9]+-[a-z0-9-]+$/, { error: 'must be a machine type such as e2-small' }).default('e2-small'),
  image: trimmed('ubuntu-os-cloud/ubuntu-2404-lts-amd64').default('ubuntu-os-cloud/ubuntu-2404-lts-amd64'),
  network: ruled(gceNameProblem).default('default'),
  ssh_via_iap: z.boolean().default(false).describe('allow SSH from Google IAP (35.235.240.0/20) only'),
  deletion_protection: z.boolean().default(true).describe('turn off only to rebuild the host on purpose'),
  allow_stopping_for_update: z.boolean().default(false).describe('let terraform stop the host for a machine_type change'),
  egress: z
    .enum(['cloud-nat', 'external-ip', 'existing'])
    .default('cloud-nat')
    .describe('how the host reaches Cloudflare: a Cloud NAT of its own, an ephemeral external IP, or egress the network already has'),
  token_rotation: tokenRotation,
});

/** A host gatehouse does not create (on-prem, bare metal, another cloud): it gets the rendered user-data. */
export const ExternalSiteSchema = z.strictObject({
  external: z.strictObject({
    name: ruled(gceNameProblem, 'a name for the site'),
    token_file: z
      .string()
      .regex(USER_DATA_RULES.tokenFile.pattern, { error: USER_DATA_RULES.tokenFile.message })
      .default('/etc/gatehouse/tunnel-token')
      .describe('where the operator places the connector token (root-owned, mode 0600)'),
    token_rotation: tokenRotation,
  }),
});

/**
 * `sites:`: the primary site, the optional warm standby (GCE or external each), which of them is active
 * (the `activate_dns` cutover target) and the cloudflared version the hosts run.
 */
export const SitesSchema = z.strictObject({
  primary: z.union([SiteSchema, ExternalSiteSchema]),
  standby: z.union([SiteSchema, ExternalSiteSchema]).optional().describe('omit for a single site (no cutover)'),
  keep_primary_connector_on_cutover: z.boolean().default(true),
  active: z
    .enum(['primary', 'standby'])
    .default('primary')
    .describe('the site the public hostnames point at; npm run cutover writes it (docs/cutover.md); standby needs sites.standby'),
  cloudflared_version: z
    .string()
    .regex(USER_DATA_RULES.cloudflaredVersion.pattern, { error: USER_DATA_RULES.cloudflaredVersion.message })
    .default('2026.7.2'),
})
  // Editors see the cross-field rule too (checks/sites.ts reports it with the field path).
  .meta({ if: { properties: { active: { const: 'standby' } }, required: ['active'] }, then: { required: ['standby'] } });

const Days = z.number().int().min(1).max(36500);
/**
 * One entry of `buckets:`: an R2 bucket (always prevent_destroy) with its lifecycle, lock, CORS, public
 * access, credentials and retirement. `location` and `jurisdiction` are fixed at creation: a change
 * replaces the bucket, which prevent_destroy refuses.
 */
export const BucketSchema = z.strictObject({
  name: ruled(bucketNameProblem).optional().describe('the R2 bucket name; default the key'),
  location: z.enum(['apac', 'eeur', 'enam', 'weur', 'wnam', 'oc']).optional(),
  jurisdiction: z.enum(['default', 'eu', 'fedramp']).default('default'),
  storage_class: z.enum(['Standard', 'InfrequentAccess']).default('Standard'),
  lifecycle: z
    .strictObject({
      delete_after_days: Days.optional(),
      abort_multipart_after_days: Days.default(7),
      transition_to_ia_after_days: Days.optional(),
    })
    .prefault({}),
  lock: z.strictObject({ retain_days: Days }).optional().describe('bucket lock: objects cannot be deleted for N days'),
  cors: z
    .array(
      z.strictObject({
        allowed_origins: z.array(ruled((o) => corsOriginProblem(o, true))).min(1),
        allowed_methods: z.array(z.enum(['GET', 'PUT', 'POST', 'DELETE', 'HEAD'])).min(1),
        allowed_headers: z.array(trimmed('Content-Type')).default([]),
        max_age_seconds: z.number().int().min(0).max(86400).optional(),
      }),
    )
    .default([]),
  public: z
    .strictObject({
      custom_domain: customDomain.optional(),
      reason,
    })
    .optional(),
  credentials: z
    .record(
      nameKey,
      z.strictObject({
        access: z.enum(['read', 'read-write']),
        rotation: z.number().int().min(0).default(1).describe('bump to mint new credentials'),
        two_slot: z.boolean().default(false).describe('keep the previous credentials valid until the next bump'),
        expires: isoDate.optional(),
        deliver_to: z.enum(['primary', 'standby']).optional().describe('store the credentials in the site host Secret Manager'),
      }),
    )
    .default({}),
  retired: z
    .strictObject({
      since: isoDate.describe('the day the bucket was retired; since + retain_days must be after tomorrow'),
      retain_days: Days.default(30),
      confirm_delete: z
        .string()
        .optional()
        .describe("the bucket's exact name: confirms that its objects expire on since + retain_days even if that is tomorrow or has passed"),
    })
    .optional()
    .describe('objects expire on since + retain_days; the bucket stays'),
});

/**
 * One entry of `tenants.members:`: a managed tenant (hostname, bucket and bucket credentials, optional
 * Access app). A disabled tenant's objects expire `retain_days` after `disabled_on`, unless
 * `delete_bucket: false` keeps them.
 */
export const TenantSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$/, {
    error: 'must be 2-32 lower-case letters, digits and hyphens, not starting or ending with a hyphen',
  }),
  subdomain: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { error: 'must be one dns label of lower-case letters, digits and hyphens' })
    .optional()
    .describe('requested subdomain; default t-<10 hex of sha256(id)>, stable'),
  enabled: z.boolean().default(true),
  rotation: z.number().int().min(0).default(1).describe('bump to rotate the tenant bucket keys'),
  retain_days: Days.default(30).describe('when disabled, objects expire this many days after disabled_on'),
  delete_bucket: z
    .boolean()
    .default(true)
    .describe("when disabled: true expires the bucket's objects retain_days after disabled_on; false keeps the bucket and its objects (no deletion date)"),
  disabled_on: isoDate
    .optional()
    .describe('the day the tenant was disabled (required with enabled: false and delete_bucket: true); disabled_on + retain_days must be after tomorrow'),
  confirm_delete: z
    .string()
    .optional()
    .describe("the tenant bucket's exact name: confirms that its objects expire on disabled_on + retain_days even if that is tomorrow or has passed"),
  service: ruled(serviceProblem).optional().describe('origin service on the tenant hub; default tenants.service'),
  shard: z.number().int().min(0).max(999).optional().describe('pin to a shard; default sha256(id) mod shard_count'),
  access: z
    .strictObject({ policies: z.array(nameRef('an access policy')).min(1), idps: z.array(nameRef('an identity provider')).default([]) })
    .optional()
    .describe('gate the tenant hostname (and its extra hostnames) with an access app'),
  origin: OriginSchema.optional().describe('origin options of this tenant; each field overrides tenants.origin'),
  extra_hostnames: z
    .array(hostname.describe('a hostname in the zone of the tenant hostnames (cloudflare.zone); one leading *. wildcard label is allowed'))
    .default([])
    .describe("more hostnames in the zone routed through the tenant's tunnel (e.g. its workspace hosts), each with a proxied CNAME"),
});

/**
 * `tenants:`: the managed tenant fleet, synthesized into `tenants-<n>` shard stacks. `shard_count`,
 * `bucket_location` and `jurisdiction` are fixed once tenants are deployed.
 */
export const TenantsSchema = z.strictObject({
  shard_count: z.number().int().min(1).max(1000).default(8).describe('hash shards; fixed once tenants are deployed'),
  shard_budget: z
    .number()
    .int()
    .min(50)
    .max(API_REQUESTS_PER_WINDOW)
    .default(1000)
    .describe('max estimated refresh API calls per shard stack (cloudflare allows 1200 per 5 minutes)'),
  service: ruled(serviceProblem).default('http://localhost:80').describe('default origin service on a tenant hub'),
  public_reason: reason
    .optional()
    .describe('why tenant hostnames without an access app are public (required when any tenant has none)'),
  key_expires: isoDate.optional().describe('expiry of every tenant bucket key (rotate before it); default never (the pack warns)'),
  origin: OriginSchema.optional().describe("origin options of every tenant's ingress rules (e.g. no_tls_verify for hubs with a self-signed certificate)"),
  bucket_location: z
    .enum(['apac', 'eeur', 'enam', 'weur', 'wnam', 'oc'])
    .optional()
    .describe('location hint of the tenant buckets; fixed once tenants exist (a change would replace every bucket, which prevent_destroy refuses)'),
  jurisdiction: z
    .enum(['default', 'eu', 'fedramp'])
    .default('default')
    .describe('jurisdiction of the tenant buckets; fixed once tenants exist (a change would replace every bucket, which prevent_destroy refuses)'),
  members: z.array(TenantSchema).default([]),
});

/** An environment variable or binding name: a letter or underscore, then letters, digits and underscores. */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be a letter or _ followed by letters, digits and _ (e.g. PYTHON_VERSION)' });
/** A secret by name: the sensitive terraform variable that holds it (supplied as TF_VAR_<variable>, never written in the file). */
const secretRefs = (what: string) =>
  z
    .record(envName, tfVariableName.describe('a sensitive terraform variable with no default; supply it as TF_VAR_<variable>'))
    .default({})
    .describe(`${what} by name, each the sensitive terraform variable that holds it (TF_VAR_<variable>); values never go in the file`);
/** A directory inside the repository: relative, no `..` segment; `/` is the root. */
const repoDir = z
  .string()
  .regex(/^(\/|(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._/-]+)$/, { error: 'must be a directory inside the repository, such as site or docs (or / for the root), with no .. segment' });
const PagesEnvSchema = z.strictObject({
  vars: z.record(envName, z.string()).default({}).describe('plain variables by name; quote values such as "3.12"'),
  secrets: secretRefs('secret variables'),
});

/**
 * One entry of `pages:`: a Cloudflare Pages project with its custom domains, build, environment and git
 * source. The app that gates a custom domain also gates `<project>.pages.dev` unless `pages_dev` says it is public.
 */
export const PagesSiteSchema = z.strictObject({
  project: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,56}[a-z0-9]$/, { error: 'must be a pages project name: 2-58 lower-case letters, digits and hyphens' })
    .optional()
    .describe('the Pages project; default the key'),
  production_branch: trimmed('main').default('main').describe('the branch whose deployments are production (the source repository\'s production branch)'),
  domains: z.array(customDomain).min(1, { error: 'must list at least one custom domain' }),
  pages_dev: z
    .strictObject({ public: z.strictObject({ reason }) })
    .optional()
    .describe(
      'declare <project>.pages.dev and its previews *.<project>.pages.dev public on purpose; otherwise the app that gates a custom domain gates them too',
    ),
  build: z
    .strictObject({
      command: nonBlank.optional().describe('the build command, e.g. pip install -r requirements.txt && mkdocs build'),
      output_dir: repoDir.optional().describe('the build output directory, relative to root_dir, e.g. site'),
      root_dir: repoDir.optional().describe('where the command runs, relative to the repository root; default the root'),
    })
    .optional()
    .describe('how Pages builds the project'),
  env: z
    .strictObject({ production: PagesEnvSchema.optional(), preview: PagesEnvSchema.optional() })
    .optional()
    .describe('environment variables of production and preview deployments; a project with secrets cannot be imported'),
  source: z
    .strictObject({
      type: z.enum(['github', 'gitlab']),
      owner: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, { error: 'must be a repository owner (user, organization or group)' }),
      repo: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'must be a repository name' })
        .describe('the repository; Pages cannot move a project to another one (a new repository means a new project)'),
      preview_branches: z
        .strictObject({ include: z.array(trimmed('feature/*')).default([]), exclude: z.array(trimmed('feature/*')).default([]) })
        .optional()
        .describe('branches that get preview deployments (* wildcards); default every branch'),
    })
    .optional()
    .describe('the git repository Pages builds from; production_branch is its production branch'),
});

/** One entry of `workers:`: a Worker script on a custom domain, with its D1 database, R2 bindings, secrets and cron triggers. */
export const WorkerSchema = z.strictObject({
  script: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: 'must be a worker name of lower-case letters, digits, hyphens and underscores' })
    .optional()
    .describe('the Worker script name; default the key'),
  hostname: customDomain.describe('the custom domain (a workers.dev host cannot be protected by Access)'),
  module_file: trimmed('worker.js').optional().describe('the ES module to deploy, relative to the deployment file; omit to route to a script deployed elsewhere'),
  compatibility_date: isoDate.default('2026-01-01'),
  d1: z
    .strictObject({ database: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: 'must be a d1 database name' }) })
    .optional()
    .describe('create a D1 database and bind it as DB'),
  access_app: nameRef('an access app gating the hostname').optional().describe('hand its AUD to the Worker as ACCESS_AUD'),
  r2_buckets: z
    .record(envName, nameRef('a bucket'))
    .default({})
    .describe('R2 buckets bound to the script by binding name: {BINDING: <key of buckets>}, each with its jurisdiction'),
  secrets: secretRefs('secret bindings (secret_text)'),
  crons: z
    .array(ruled(cronProblem, 'a cron expression in UTC as Workers accept it, e.g. "0 3 * * *"'))
    .default([])
    .describe('cron triggers of the script (its scheduled() handler runs on each)'),
  workers_dev: z
    .boolean()
    .optional()
    .describe('serve the script on workers.dev (true) or not (false); a workers.dev host cannot be protected by Access; default unmanaged'),
});

/** One entry of `api_tokens:`: an account API token from a permission preset, limited to declared zones, with an optional expiry. */
export const ApiTokenSchema = z.strictObject({
  preset: z.enum(['pages-deploy', 'dns-admin', 'workers-deploy', 'tunnel-admin']),
  zones: z
    .array(zoneApex.describe('a declared zone apex, e.g. example.com'))
    .min(1, { error: 'must list at least one declared zone; leave zones out for every declared zone' })
    .optional()
    .describe('zones the zone-level permissions cover; default every declared zone'),
  expires: isoDate.optional(),
});

/** One entry of `account_members:`: a Cloudflare account member invited by email, with roles by name and an optional end date. */
export const AccountMemberSchema = z
  .strictObject({
    email: z.email({ error: 'must be an email address' }).describe('the member, invited by email; changing it replaces the member'),
    roles: z
      .array(trimmed('Administrator').describe('an account role as the dashboard names it, e.g. Administrator'))
      .min(1, { error: 'must name at least one role (e.g. Administrator Read Only)' })
      .describe('account roles by name, looked up at plan time'),
    expires: isoDate
      .optional()
      .describe('the day the access ends (time-bound admins): synth warns 14 days ahead and refuses from that day on, until the member is removed'),
  })
  .describe('a member of the Cloudflare account (owned by the access stack)');

/**
 * `backend:`: where terraform state lives. `local` keeps it beside the output directory
 * (`state/<name>/<stack>.tfstate`); `gcs` under `<prefix>/<stack>` in a GCS bucket.
 * @see https://developer.hashicorp.com/terraform/language/backend/gcs
 */
export const BackendSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('local') }),
  z.strictObject({
    type: z.literal('gcs'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/, { error: 'must be a GCS bucket name' }),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/, { error: 'must be a path prefix such as gatehouse/' })
      .regex(/^(?!\.\.?(\/|$))[A-Za-z0-9_-][A-Za-z0-9._-]*(\/(?!\.\.?(\/|$))[A-Za-z0-9._-]+)*\/?$/, {
        error: "must be a relative path prefix such as gatehouse/edge: no leading '/', no empty, '.' or '..' segment",
      })
      .optional()
      .describe('state lives under <prefix>/<stack>; default gatehouse/<name>, so two deployments never share state'),
  }),
]);

/**
 * The whole deployment file: the shape checks (zod) of every section. The checks across fields run
 * afterwards on the resolved model (lib/config/checks). `deployment.schema.json` is generated from it.
 */
export const DeploymentSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/, {
      error: 'must be 2-21 lower-case letters, digits and hyphens, starting with a letter',
    }),
    cloudflare: CloudflareSchema,
    identity_providers: z.record(nameKey, IdentityProviderSchema).default({}),
    access_groups: z.record(nameKey, AccessGroupSchema).default({}),
    access_policies: z.record(nameKey, AccessPolicySchema).default({}),
    service_tokens: z.record(nameKey, ServiceTokenSchema).default({}),
    apps: z.record(nameKey, AccessAppSchema).default({}),
    routes: z.array(RouteSchema).default([]),
    sites: SitesSchema.optional().describe('omit when nothing is routed through a tunnel'),
    pages: z.record(nameKey, PagesSiteSchema).default({}),
    workers: z.record(nameKey, WorkerSchema).default({}),
    api_tokens: z.record(nameKey, ApiTokenSchema).default({}),
    account_members: z.record(nameKey, AccountMemberSchema).default({}),
    buckets: z.record(nameKey, BucketSchema).default({}),
    tenants: TenantsSchema.prefault({}),
    backend: BackendSchema.prefault({ type: 'local' }),
    adopt: AdoptSchema.prefault({}),
  })
  .describe('a gatehouse deployment');

/** A shape-valid deployment, defaults filled in (what {@link DeploymentSchema} outputs). */
export type Deployment = z.output<typeof DeploymentSchema>;
/** A deployment as written in the file, before defaults (what {@link DeploymentSchema} accepts). */
export type DeploymentInput = z.input<typeof DeploymentSchema>;
/** One identity provider of a {@link Deployment}. */
export type IdentityProviderSpec = Deployment['identity_providers'][string];
/** One route of a {@link Deployment}. */
export type RouteSpec = Deployment['routes'][number];
/** A GCE site (a host gatehouse creates) of a {@link Deployment}. */
export type GceSiteSpec = z.output<typeof SiteSchema>;
/** An external site (a host gatehouse does not create; `external:`) of a {@link Deployment}. */
export type ExternalSiteSpec = z.output<typeof ExternalSiteSchema>;
/** A site of a {@link Deployment}: GCE or external. */
export type SiteSpec = GceSiteSpec | ExternalSiteSpec;
/** One bucket of a {@link Deployment}. */
export type BucketSpec = Deployment['buckets'][string];
/** One Access app of a {@link Deployment}. */
export type AppSpec = Deployment['apps'][string];
/** One Access policy of a {@link Deployment}. */
export type PolicySpec = Deployment['access_policies'][string];
/** One member of the tenant fleet of a {@link Deployment}. */
export type TenantSpec = Deployment['tenants']['members'][number];

/** The sensitive terraform variable that holds an identity provider's client secret (TF_VAR_<this>). */
export function idpSecretVariable(name: string, spec: { readonly secret_variable?: string }): string {
  return spec.secret_variable ?? `${name.replace(/-/g, '_')}_client_secret`;
}

/**
 * The resolved deployment: every fact the checks, the stacks and the report need, derived once from
 * a shape-valid (zod-validated) deployment, right after validation. It tolerates broken references
 * (a route outside every zone, an app naming no policy): the checks (lib/config/checks) read the
 * model and report them; the stacks read it only once the checks passed.
 *
 *   config (YAML + zod) -> model (this file) -> constructs (lib/cloudflare, lib/google) -> stacks -> checks (policy pack)
 *
 * docs/architecture.md follows one route from the file to its DNS record.
 */
import type { IZone } from '../cloudflare/zone';
import type { AppSpec, Deployment, ExternalSiteSpec, GceSiteSpec, RouteSpec, SiteSpec } from '../config/schema';
import { idpSecretVariable } from '../config/schema';
import { AppSession, appSessions, PolicySession, policySessions } from '../config/sessions';
import { checkedToday } from '../core/dates';
import { GatehouseError } from '../core/errors';
import { appDestinations, coveredBy, longestZoneMatch, pagesDevHostnames, routeKey } from '../core/hostnames';
import { activationRecordName, SiteRole } from '../cutover/activation-names';
import { planShards, tenantBucketName, tenantHostname } from '../tenants/plan';
import { ModelAdoption, resolveAdoptions } from './adoptions';
import { resolveHostnameOwners } from './owners';
import { resolvePagesGating } from './pages-gating';

/** A declared zone. */
export interface ModelZone extends IZone {
  readonly zoneName: string;
  /** True for `cloudflare.zone`, the zone of tenant hostnames and activation records. */
  readonly primary: boolean;
}

/** One tunnel route. */
export interface ModelRoute {
  /** Where it is declared: `routes[3]`. */
  readonly at: string;
  readonly index: number;
  readonly spec: RouteSpec;
  readonly hostname: string;
  readonly path?: string;
  /** What makes it unique: hostname and path (`routeKey`). */
  readonly key: string;
  /** The zone that holds the hostname; undefined when none does (the checks report it). */
  readonly zone?: ModelZone;
  /** The apps whose destinations cover the hostname (the one matcher, wildcards included), in file order. */
  readonly gatingApps: readonly string[];
  readonly publicReason?: string;
  /** The stack that owns its DNS record. */
  readonly ownerStack: 'production';
}

/** Routed hostnames grouped by the zone that holds them (one record set per zone). */
export interface ZoneHostnames {
  readonly zone: ModelZone;
  readonly hostnames: readonly string[];
}

/** One Access app. */
export interface ModelApp {
  readonly name: string;
  readonly at: string;
  readonly spec: AppSpec;
  readonly hostnames: readonly string[];
  /** Pages sites (by name) with a custom domain the app lists: the access stack hands them to the app. */
  readonly pagesSites: readonly string[];
  /** The pages.dev hosts the app gates beyond its hostnames, by site (issue 14). */
  readonly pagesDev: ReadonlyArray<{ readonly site: string; readonly hosts: readonly string[] }>;
  /** The app's destinations: its hostnames, then those pages.dev hosts. */
  readonly destinations: readonly string[];
  readonly policies: readonly string[];
  readonly idps: readonly string[];
  /** The effective session (lib/config/sessions.ts). */
  readonly session: AppSession;
  readonly stack: 'access';
}

/** One identity provider. */
export interface ModelIdentityProvider {
  readonly name: string;
  readonly at: string;
  readonly spec: Deployment['identity_providers'][string];
  /** The terraform variable holding its client secret (Google Workspace and Entra only). */
  readonly secretVariable?: string;
}

/** One site (primary or standby). */
export interface ModelSite {
  readonly role: SiteRole;
  readonly at: string;
  readonly spec: SiteSpec;
  /** The GCE instance name, or the external site's name. */
  readonly name: string;
  readonly gce?: GceSiteSpec;
  readonly external?: ExternalSiteSpec['external'];
  /** `<deployment>-<role>`, unique in the account. */
  readonly tunnelName: string;
  readonly tokenRotation: number;
  /** The TXT record that activates an external site's connector (a GCE host reads instance metadata instead). */
  readonly activationRecord?: string;
  /** The stack that owns the site (its tunnel, host and activation). */
  readonly stack: 'production' | 'standby';
}

/** The sites and the cutover state. */
export interface ModelSites {
  readonly primary: ModelSite;
  readonly standby?: ModelSite;
  readonly active: SiteRole;
  readonly keepPrimaryConnector: boolean;
  readonly cloudflaredVersion: string;
}

/** A hostname with the zone that holds it. */
export interface ZonedHostname {
  readonly hostname: string;
  /** Undefined when no declared zone holds it (the checks report it). */
  readonly zone?: ModelZone;
}

/** One R2 bucket. */
export interface ModelBucket {
  readonly key: string;
  readonly at: string;
  readonly spec: Deployment['buckets'][string];
  readonly bucketName: string;
  readonly retired: boolean;
  readonly customDomain?: ZonedHostname;
}

/** One tenant of the managed fleet. */
export interface ModelTenant {
  readonly index: number;
  readonly at: string;
  readonly spec: Deployment['tenants']['members'][number];
  readonly hostname: string;
  readonly bucketName: string;
  readonly stackId: string;
}

/** One shard stack of the fleet. */
export interface ModelShard {
  readonly shard: number;
  readonly stackId: string;
  readonly tenants: readonly ModelTenant[];
  /** Estimated refresh API calls (lib/tenants/plan.ts). */
  readonly refreshCost: number;
}

/** One Pages site. */
export interface ModelPagesSite {
  readonly name: string;
  readonly at: string;
  readonly spec: Deployment['pages'][string];
  readonly project: string;
  readonly domains: readonly ZonedHostname[];
  /** `<project>.pages.dev` and `*.<project>.pages.dev`. */
  readonly pagesDev: readonly [string, string];
  readonly pagesDevPublicReason?: string;
  /** How Access gates it (lib/deployment/pages-gating.ts). */
  readonly gating: PagesGating;
}

/** How the apps gate one Pages site: consistent (one app for every domain) or not, and why. */
export interface PagesGating {
  /** The app that gates the site's pages.dev hosts by name, when `pages_dev.public` contradicts it. */
  readonly contradiction?: string;
  /** The app of the first gated domain, and that domain's index. */
  readonly app?: string;
  readonly first?: number;
  /** Domains gated by another app or by none while `app` gates the first one: `[index, app?]`. */
  readonly splitDomains: ReadonlyArray<readonly [number, string | undefined]>;
  /** pages.dev hosts listed by an app other than `app`. */
  readonly foreignPagesDev: ReadonlyArray<{ readonly host: string; readonly app: string }>;
  /** The pages.dev hosts `app` gates beyond its own hostnames (only when consistent and not public). */
  readonly adds: readonly string[];
}

/** One Worker. */
export interface ModelWorker extends ZonedHostname {
  readonly name: string;
  readonly at: string;
  readonly spec: Deployment['workers'][string];
  readonly script: string;
}

/** One scoped API token. */
export interface ModelApiToken {
  readonly name: string;
  readonly at: string;
  readonly spec: Deployment['api_tokens'][string];
  /** The zones its zone-level permissions cover, by name (default: every declared zone). */
  readonly zoneNames: readonly string[];
}

/** Who serves a public hostname. */
export interface HostnameOwner {
  /** How messages name the owner: `a tunnel route`, `pages.www.domains[0]`, `tenants.members[3]`, ... */
  readonly label: string;
  readonly stack: string;
}

/** Options of `resolveModel`. */
export interface ResolveOptions {
  /**
   * Today (YYYY-MM-DD, UTC), for expiry checks and deletion dates.
   * @default - GATEHOUSE_TODAY, else the current date
   */
  readonly today?: string;
}

/** The resolved deployment (see the module comment). Build it with `resolveModel`. */
export class DeploymentModel {
  /** Whether a value is a model (rather than a raw `Deployment`). */
  public static isModel(x: unknown): x is DeploymentModel {
    return x instanceof DeploymentModel;
  }

  public readonly name: string;
  public readonly accountId: string;
  public readonly teamName: string;
  /** Today, YYYY-MM-DD (UTC): the one "today" of this run. */
  public readonly today: string;
  /** Each declared zone once (a repeated name keeps its first declaration), the primary zone first. */
  public readonly zones: readonly ModelZone[];
  public readonly primaryZone: ModelZone;
  public readonly identityProviders: ReadonlyMap<string, ModelIdentityProvider>;
  public readonly policySessions: ReadonlyMap<string, PolicySession>;
  /** Every app's effective session (file apps, then tenants with access), for the compliance report. */
  public readonly appSessions: readonly AppSession[];
  public readonly apps: ReadonlyMap<string, ModelApp>;
  /** Each app hostname and the first app that lists it (exactly). */
  public readonly listedBy: ReadonlyMap<string, string>;
  public readonly routes: readonly ModelRoute[];
  /** The routed hostnames by zone, primary zone first: the records `production` owns and the cutover reads. */
  public readonly routeZones: readonly ZoneHostnames[];
  public readonly sites?: ModelSites;
  public readonly pages: ReadonlyMap<string, ModelPagesSite>;
  /** Each pages.dev host of a declared Pages site, and its site. */
  public readonly pagesDevSites: ReadonlyMap<string, string>;
  public readonly workers: ReadonlyMap<string, ModelWorker>;
  public readonly apiTokens: ReadonlyMap<string, ModelApiToken>;
  public readonly buckets: ReadonlyMap<string, ModelBucket>;
  public readonly tenants: readonly ModelTenant[];
  public readonly shards: readonly ModelShard[];
  /** Public hostname -> the one that serves it (first claim wins; the checks report the others). */
  public readonly owners: ReadonlyMap<string, HostnameOwner>;
  /** Every claim on a hostname (by the claim's field path) and the owner it collides with, if any. */
  public readonly ownerConflicts: ReadonlyMap<string, string>;
  /** True when the file names at least two hostnames and no declared zone holds any: the zone is the mistake. */
  public readonly zoneLooksWrong: boolean;
  /** The `adopt:` entries, each with the resources it imports into (lib/deployment/adoptions.ts). */
  public readonly adoptions: readonly ModelAdoption[];

  constructor(
    public readonly deployment: Deployment,
    options: ResolveOptions = {},
  ) {
    const d = deployment;
    this.name = d.name;
    this.accountId = d.cloudflare.account_id;
    this.teamName = d.cloudflare.team_name;
    this.today = checkedToday(options.today);
    this.zones = resolveZones(d);
    this.primaryZone = this.zones[0];
    this.identityProviders = resolveIdentityProviders(d);
    this.policySessions = policySessions(d);
    this.appSessions = appSessions(d);
    this.listedBy = listingApps(d);
    this.pages = this.resolvePages(d);
    this.pagesDevSites = new Map([...this.pages.values()].flatMap((p) => p.pagesDev.map((h) => [h, p.name] as const)));
    this.apps = this.resolveApps(d);
    this.routes = this.resolveRoutes(d);
    this.routeZones = this.groupByZone(this.routes.map((r) => r.hostname));
    this.sites = resolveSites(d);
    this.workers = new Map(Object.entries(d.workers).map(([name, spec]) => [name, { name, at: `workers.${name}`, spec, script: spec.script ?? name, ...this.zoned(spec.hostname) }]));
    this.apiTokens = new Map(
      Object.entries(d.api_tokens).map(([name, spec]) => [name, { name, at: `api_tokens.${name}`, spec, zoneNames: spec.zones ?? this.zones.map((z) => z.zoneName) }]),
    );
    this.buckets = this.resolveBuckets(d);
    [this.tenants, this.shards] = resolveTenants(d);
    const owners = resolveHostnameOwners(this);
    this.owners = owners.owners;
    this.ownerConflicts = owners.conflicts;
    const named = this.namedHostnames();
    this.zoneLooksWrong = named.length >= 2 && !named.some((h) => this.zoneOf(h));
    this.adoptions = resolveAdoptions(this);
  }

  /** THE zone lookup: the most specific declared zone that holds a hostname (longest match), or undefined. */
  public zoneOf(hostname: string): ModelZone | undefined {
    return longestZoneMatch(this.zones, hostname);
  }

  /** The zone a record for `hostname` is created in: its zone, or the primary zone for a hostname outside every zone. */
  public recordZone(hostname: string): ModelZone {
    return this.zoneOf(hostname) ?? this.primaryZone;
  }

  /** A declared zone by its apex name (through `zoneOf`), or a `GatehouseError` naming the name. */
  public zoneNamed(name: string): ModelZone {
    const zone = this.zoneOf(name);
    if (zone?.zoneName !== name) {
      throw new GatehouseError([{ path: name, message: `is not a declared zone (declared: ${this.zones.map((z) => z.zoneName).join(', ')})` }]);
    }
    return zone;
  }

  /** The apps whose destinations cover a hostname (the one matcher), in file order. */
  public appsCovering(hostname: string): string[] {
    return [...this.apps.values()].filter((a) => coveredBy(a.destinations, hostname)).map((a) => a.name);
  }

  /** The hostnames of the file that must lie in a declared zone (pages.dev hosts lie in none), each once. */
  public namedHostnames(): string[] {
    return [
      ...new Set([
        ...[...this.apps.values()].flatMap((a) => a.hostnames.filter((h) => !this.pagesDevSites.has(h))),
        ...this.routes.map((r) => r.hostname),
        ...[...this.pages.values()].flatMap((p) => p.domains.map((x) => x.hostname)),
        ...[...this.workers.values()].map((w) => w.hostname),
        ...[...this.buckets.values()].flatMap((b) => (b.customDomain ? [b.customDomain.hostname] : [])),
      ]),
    ];
  }

  /** Hostnames grouped by the zone that holds their records (`recordZone`), each once, in declared zone order. */
  public groupByZone(hostnames: readonly string[]): ZoneHostnames[] {
    const unique = [...new Set(hostnames)];
    return this.zones
      .map((zone) => ({ zone, hostnames: unique.filter((h) => this.recordZone(h) === zone) }))
      .filter((g) => g.hostnames.length > 0);
  }

  private zoned(hostname: string): ZonedHostname {
    const zone = this.zoneOf(hostname);
    return zone ? { hostname, zone } : { hostname };
  }

  private resolvePages(d: Deployment): Map<string, ModelPagesSite> {
    const gating = resolvePagesGating(d, this.listedBy);
    return new Map(
      Object.entries(d.pages).map(([name, spec]) => {
        const project = spec.project ?? name;
        const site: ModelPagesSite = {
          name,
          at: `pages.${name}`,
          spec,
          project,
          domains: spec.domains.map((h) => this.zoned(h)),
          pagesDev: pagesDevHostnames(project),
          ...(spec.pages_dev ? { pagesDevPublicReason: spec.pages_dev.public.reason } : {}),
          gating: gating.get(name) ?? { splitDomains: [], foreignPagesDev: [], adds: [] },
        };
        return [name, site];
      }),
    );
  }

  private resolveApps(d: Deployment): Map<string, ModelApp> {
    const sessions = new Map(this.appSessions.map((s) => [s.app, s]));
    const sites = [...this.pages.values()];
    return new Map(
      Object.entries(d.apps).map(([name, spec]) => {
        const pagesDev = sites.filter((s) => s.gating.app === name && s.gating.adds.length > 0).map((s) => ({ site: s.name, hosts: s.gating.adds }));
        const gated = sites.filter((s) => s.domains.some((x) => spec.hostnames.includes(x.hostname)));
        const destinations = appDestinations(spec.hostnames, pagesDev.map((p) => ({ pagesDevHostnames: p.hosts })));
        const session = sessions.get(`apps.${name}`);
        if (!session) throw new GatehouseError([{ path: `apps.${name}`, message: 'has no session (a bug in lib/config/sessions.ts)' }]);
        const app: ModelApp = {
          name,
          at: `apps.${name}`,
          spec,
          hostnames: spec.hostnames,
          pagesSites: gated.map((s) => s.name),
          pagesDev,
          destinations,
          policies: spec.policies,
          idps: spec.idps,
          session,
          stack: 'access',
        };
        return [name, app];
      }),
    );
  }

  private resolveRoutes(d: Deployment): ModelRoute[] {
    return d.routes.map((spec, index) => {
      const zone = this.zoneOf(spec.hostname);
      return {
        at: `routes[${index}]`,
        index,
        spec,
        hostname: spec.hostname,
        ...(spec.path !== undefined ? { path: spec.path } : {}),
        key: routeKey(spec),
        ...(zone ? { zone } : {}),
        gatingApps: this.appsCovering(spec.hostname),
        ...(spec.public ? { publicReason: spec.public.reason } : {}),
        ownerStack: 'production',
      };
    });
  }

  private resolveBuckets(d: Deployment): Map<string, ModelBucket> {
    return new Map(
      Object.entries(d.buckets).map(([key, spec]) => {
        const domain = spec.public?.custom_domain;
        const bucket: ModelBucket = {
          key,
          at: `buckets.${key}`,
          spec,
          bucketName: spec.name ?? key,
          retired: spec.retired !== undefined,
          ...(domain ? { customDomain: this.zoned(domain) } : {}),
        };
        return [key, bucket];
      }),
    );
  }
}

/** Resolve a shape-valid deployment into its model (see `DeploymentModel`). */
export function resolveModel(deployment: Deployment, options: ResolveOptions = {}): DeploymentModel {
  return new DeploymentModel(deployment, options);
}

/** The model of a deployment or a model (resolved once either way). */
export function modelOf(input: Deployment | DeploymentModel, options: ResolveOptions = {}): DeploymentModel {
  return DeploymentModel.isModel(input) ? input : resolveModel(input, options);
}

/** Tunnel names are unique per account: `<deployment>-<role>`. */
export function tunnelName(deploymentName: string, role: SiteRole): string {
  return `${deploymentName}-${role}`;
}

function resolveZones(d: Deployment): ModelZone[] {
  const zones: ModelZone[] = [{ zoneName: d.cloudflare.zone, zoneId: d.cloudflare.zone_id, primary: true }];
  for (const z of d.cloudflare.extra_zones) {
    if (!zones.some((x) => x.zoneName === z.zone)) zones.push({ zoneName: z.zone, zoneId: z.zone_id, primary: false });
  }
  return zones;
}

function resolveIdentityProviders(d: Deployment): Map<string, ModelIdentityProvider> {
  return new Map(
    Object.entries(d.identity_providers).map(([name, spec]) => {
      const secret = spec.type === 'google-workspace' || spec.type === 'entra' ? { secretVariable: idpSecretVariable(name, spec) } : {};
      return [name, { name, at: `identity_providers.${name}`, spec, ...secret }];
    }),
  );
}

/** Each hostname an app lists, and the first app that lists it. */
function listingApps(d: Deployment): Map<string, string> {
  const listed = new Map<string, string>();
  for (const [name, app] of Object.entries(d.apps)) for (const h of app.hostnames) if (!listed.has(h)) listed.set(h, name);
  return listed;
}

function resolveSites(d: Deployment): ModelSites | undefined {
  if (!d.sites) return undefined;
  const s = d.sites;
  const site = (role: SiteRole, spec: SiteSpec): ModelSite => {
    const external = 'external' in spec ? spec.external : undefined;
    const gce = 'external' in spec ? undefined : spec;
    return {
      role,
      at: `sites.${role}`,
      spec,
      name: external ? external.name : (gce as GceSiteSpec).name,
      ...(gce ? { gce } : {}),
      ...(external ? { external, activationRecord: activationRecordName(d, role) } : {}),
      tunnelName: tunnelName(d.name, role),
      tokenRotation: (external ? external.token_rotation : (gce as GceSiteSpec).token_rotation) ?? 0,
      stack: role === 'primary' ? 'production' : 'standby',
    };
  };
  return {
    primary: site('primary', s.primary),
    ...(s.standby ? { standby: site('standby', s.standby) } : {}),
    active: s.active,
    keepPrimaryConnector: s.keep_primary_connector_on_cutover,
    cloudflaredVersion: s.cloudflared_version,
  };
}

function resolveTenants(d: Deployment): [ModelTenant[], ModelShard[]] {
  const plans = planShards(d);
  const stackOf = new Map(plans.flatMap((p) => p.tenants.map((t) => [t, p.stackId] as const)));
  const tenants = d.tenants.members.map((spec, index) => ({
    index,
    at: `tenants.members[${index}]`,
    spec,
    hostname: tenantHostname(spec, d.cloudflare.zone),
    bucketName: tenantBucketName(d.name, spec.id),
    stackId: stackOf.get(spec) ?? '',
  }));
  const bySpec = new Map(tenants.map((t) => [t.spec, t]));
  const shards = plans.map((p) => ({ shard: p.shard, stackId: p.stackId, refreshCost: p.refreshCost, tenants: p.tenants.flatMap((t) => bySpec.get(t) ?? []) }));
  return [tenants, shards];
}

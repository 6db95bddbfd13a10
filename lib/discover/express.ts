/**
 * A live account (lib/discover/live.ts) as a deployment file: every object gatehouse can manage,
 * with its adopt: entry, and two lists. "Could not express" names what stays out of the file (it
 * keeps running, outside gatehouse) with the reason; "review" names what is in the file but needs a
 * person: a placeholder reason, a rename the first deploy makes in place, a setting it changes.
 *
 * The rule throughout is that adopting must not change who gets in or what is served: an object is
 * expressed completely or not at all (a policy with a rule gatehouse cannot write is left out, and so
 * is every app that uses it), and a tunnel is adopted only when every ingress rule it has can be
 * written, because its first deploy replaces the whole ingress. A hostname whose app stays outside
 * gatehouse keeps that app at the edge and is written as a public route whose reason says so.
 */
import type { AccessRuleInput } from '../config/schema';
import { customDomainProblem, hostnameProblem, longestZoneMatch } from '../core/hostnames';
import { bucketNameProblem, gceNameProblem, pathRegexProblem, serviceProblem, sessionDurationProblem } from '../core/rules';
import type { LiveAccount, LiveApp, LiveBucket, LiveIngressRule, LivePagesProject, LiveRule, LiveTunnel } from './live';
import { remotelyManaged } from './read';

/** One line of a list: what, and why. */
export interface DiscoverNote {
  /** The object, as the person reading the file knows it (`tunnel "office"`). */
  readonly what: string;
  /** Why it is listed: what to review, or why it could not be expressed. */
  readonly why: string;
}

type Obj = Record<string, unknown>;

/** The parts of the file discover writes, keyed as in the file; `adopt` mirrors the adopt: section. */
export interface DraftFile {
  /** `name`: the deployment name. */
  name: string;
  /** `cloudflare`: account, zones and team. */
  cloudflare: Obj;
  /** `identity_providers`, by key. */
  identity_providers: Map<string, Obj>;
  /** `access_groups`, by key. */
  access_groups: Map<string, Obj>;
  /** `access_policies`, by key. */
  access_policies: Map<string, Obj>;
  /** `service_tokens`, by key. */
  service_tokens: Map<string, Obj>;
  /** `apps`, by key. */
  apps: Map<string, Obj>;
  /** `routes`, in the primary tunnel's ingress order. */
  routes: Obj[];
  /** `sites`: the primary (and standby) tunnel as external hosts; none when no tunnel was usable. */
  sites?: Obj;
  /** `pages`, by key. */
  pages: Map<string, Obj>;
  /** `workers`, by key. */
  workers: Map<string, Obj>;
  /** `buckets`, by key. */
  buckets: Map<string, Obj>;
  /** `adopt`: the live id (or name) of every expressed object, by section and key. */
  adopt: {
    tunnels: Obj;
    dns_records: Map<string, string>;
    identity_providers: Map<string, string>;
    access_groups: Map<string, string>;
    access_policies: Map<string, string>;
    service_tokens: Map<string, string>;
    apps: Map<string, string>;
    buckets: string[];
    pages_projects: string[];
    pages_domains: string[];
    workers_domains: Map<string, string>;
  };
}

/** The prefix of every placeholder a person must replace. */
export const REVIEW = 'REVIEW:';

/** What the live name of each expressed object was, for messages (`apps.crm` -> `Access app "CRM"`). */
type Origins = Map<string, string>;

/**
 * The draft deployment of a live account, with its lists; `drop` removes an object the checks refuse
 * (and what depends on it) so that the file validates; see lib/discover/run.ts.
 */
export class Draft {
  /** The file as it stands. */
  public readonly file: DraftFile;
  /** What stays outside gatehouse, each with the reason. */
  public readonly unexpressed: DiscoverNote[] = [];
  /** What a person must look at before the first deploy. */
  public readonly review: DiscoverNote[] = [];
  /** `section.key` -> how the live object is named in messages. */
  public readonly origins: Origins = new Map();
  /** The live name of each expressed app, by key. */
  private readonly appNames = new Map<string, string>();
  /** The live Access app (by name) that gates a hostname, for routes whose app is not expressed. */
  private readonly liveGates = new Map<string, string>();

  constructor(
    private readonly live: LiveAccount,
    name: string,
    teamName: string,
  ) {
    const [primary, ...extra] = live.zones;
    const plan = primary.plan?.legacy_id;
    const plans = ['free', 'pro', 'business', 'enterprise'];
    if (plan !== undefined && !plans.includes(plan)) this.review.push({ what: `zone ${primary.name}`, why: `plan ${plan} is not one gatehouse knows; written as free (the lowest limits)` });
    this.file = {
      name,
      cloudflare: {
        account_id: live.accountId,
        zone: primary.name,
        zone_id: primary.id,
        team_name: teamName,
        plan: plan && plans.includes(plan) ? plan : 'free',
        ...(extra.length ? { extra_zones: extra.map((z) => ({ zone: z.name, zone_id: z.id })) } : {}),
      },
      identity_providers: new Map(),
      access_groups: new Map(),
      access_policies: new Map(),
      service_tokens: new Map(),
      apps: new Map(),
      routes: [],
      pages: new Map(),
      workers: new Map(),
      buckets: new Map(),
      adopt: {
        tunnels: {},
        dns_records: new Map(),
        identity_providers: new Map(),
        access_groups: new Map(),
        access_policies: new Map(),
        service_tokens: new Map(),
        apps: new Map(),
        buckets: [],
        pages_projects: [],
        pages_domains: [],
        workers_domains: new Map(),
      },
    };
    for (const line of live.unread) this.unexpressed.push({ what: 'not read', why: line });
    this.expressAccess();
    this.expressTunnels();
    this.expressPages();
    this.expressWorkers();
    this.expressBuckets();
  }

  /** The zone (given with --zone) that holds a hostname. */
  private zoneOf(hostname: string): string | undefined {
    return longestZoneMatch(this.live.zones.map((z) => ({ zoneName: z.name })), hostname)?.zoneName;
  }

  private outsideZones(hostname: string): string {
    return `${hostname} lies in no zone given with --zone (${this.live.zones.map((z) => z.name).join(', ')}); run discover again with --zone for its zone`;
  }

  // ---- Access --------------------------------------------------------------------------------

  /** Keys of the file's named maps. */
  private readonly keys = new KeyMaker();
  /** Live id -> key of each expressed Access object. */
  private readonly idpKeys = new Map<string, string>();
  private readonly groupKeys = new Map<string, string>();
  private readonly tokenKeys = new Map<string, string>();
  private readonly policyKeys = new Map<string, string>();
  /** Each hostname an expressed app lists -> that app's key. */
  private readonly gatingApps = new Map<string, string>();

  private expressAccess(): void {
    this.expressIdentityProviders();
    this.expressGroups();
    this.expressServiceTokens();
    this.expressPolicies();
    this.expressApps();
  }

  /** Google Workspace, Entra and one-time PIN are adopted; any other type is referenced by id. */
  private expressIdentityProviders(): void {
    for (const idp of sortByName(this.live.identityProviders)) {
      const key = this.keys.take('identity_providers', idp.name);
      this.idpKeys.set(idp.id, key);
      const c = idp.config ?? {};
      const secret = `${key.replace(/-/g, '_')}_client_secret`;
      let spec: Obj | undefined;
      if (idp.type === 'google-apps' && c.client_id && c.apps_domain) spec = { type: 'google-workspace', client_id: c.client_id, apps_domain: c.apps_domain, secret_variable: secret };
      else if (idp.type === 'azureAD' && c.client_id && c.directory_id) {
        spec = { type: 'entra', client_id: c.client_id, directory_id: c.directory_id, ...(c.support_groups ? { support_groups: true } : {}), secret_variable: secret };
      } else if (idp.type === 'onetimepin') spec = { type: 'one-time-pin' };
      this.origins.set(`identity_providers.${key}`, `identity provider "${idp.name}" (${idp.id})`);
      if (spec) {
        this.file.identity_providers.set(key, spec);
        this.file.adopt.identity_providers.set(key, idp.id);
        if (spec.secret_variable) this.review.push({ what: `identity_providers.${key}`, why: `set TF_VAR_${secret} to its client secret before deploying (the secret is never read; the first deploy writes it)` });
      } else {
        this.file.identity_providers.set(key, { type: 'existing', id: idp.id });
        this.review.push({ what: `identity_providers.${key}`, why: `"${idp.name}" (type ${idp.type}) is referenced by its id, not adopted: gatehouse creates Google Workspace, Entra and one-time PIN providers only` });
      }
    }
  }

  /** Groups of email domains, emails and Entra groups (of an adopted Entra provider), include only. */
  private expressGroups(): void {
    for (const g of sortByName(this.live.groups)) {
      const spec: Obj = { email_domains: [] as string[], emails: [] as string[], idp_groups: [] as Obj[] };
      let why: string | undefined = (g.require?.length ?? 0) + (g.exclude?.length ?? 0) > 0 ? 'has require or exclude rules; gatehouse groups only include' : undefined;
      for (const r of g.include ?? []) {
        if (why) break;
        const [kind, v] = single(r);
        const idp = this.idpKeys.get(String(v?.identity_provider_id));
        if (kind === 'email_domain' && typeof v?.domain === 'string') (spec.email_domains as string[]).push(v.domain);
        else if (kind === 'email' && typeof v?.email === 'string') (spec.emails as string[]).push(v.email);
        else if ((kind === 'azureAD' || kind === 'azure_ad') && typeof v?.id === 'string' && idp && this.file.identity_providers.get(idp)?.type === 'entra') {
          (spec.idp_groups as Obj[]).push({ idp, group: v.id });
        } else why = `has a ${kind ?? 'rule'} rule, which gatehouse groups cannot hold (email domains, emails and Entra groups)`;
      }
      if (!why && !(g.include ?? []).length) why = 'includes no one';
      if (why) {
        this.unexpressed.push({ what: `Access group "${g.name}" (${g.id})`, why });
        continue;
      }
      const key = this.keys.take('access_groups', g.name);
      // the lists that hold something, in their order
      this.file.access_groups.set(key, Object.fromEntries(Object.entries(spec).filter(([, list]) => (list as unknown[]).length > 0)));
      this.file.adopt.access_groups.set(key, g.id);
      this.origins.set(`access_groups.${key}`, `Access group "${g.name}" (${g.id})`);
      this.groupKeys.set(g.id, key);
    }
  }

  /** Service tokens of a duration gatehouse offers; each needs its decision record written in. */
  private expressServiceTokens(): void {
    const durations = ['8760h', '17520h', '43800h', '87600h', 'forever'];
    for (const t of sortByName(this.live.serviceTokens)) {
      if (t.duration !== undefined && !durations.includes(t.duration)) {
        this.unexpressed.push({ what: `service token "${t.name}" (${t.id})`, why: `its duration ${t.duration} is not one gatehouse offers (${durations.join(', ')})` });
        continue;
      }
      const key = this.keys.take('service_tokens', t.name);
      this.file.service_tokens.set(key, { ...(t.duration && t.duration !== '8760h' ? { duration: t.duration } : {}), decision_record: `${REVIEW} the decision that approved this token` });
      this.file.adopt.service_tokens.set(key, t.id);
      this.origins.set(`service_tokens.${key}`, `service token "${t.name}" (${t.id})`);
      this.tokenKeys.set(t.id, key);
      this.review.push({ what: `service_tokens.${key}.decision_record`, why: 'name the ADR or ticket that approved this machine token (the policy pack requires it)' });
    }
  }

  /** Reusable policies whose every rule gatehouse can write. */
  private expressPolicies(): void {
    for (const p of sortByName(this.live.policies)) {
      const rules = (list: readonly LiveRule[] | undefined) => (list ?? []).map((r) => accessRule(r, this.groupKeys, this.tokenKeys));
      const all = { include: rules(p.include), require: rules(p.require), exclude: rules(p.exclude) };
      const bad = [...all.include, ...all.require, ...all.exclude].find((r): r is string => typeof r === 'string');
      const why = !['allow', 'deny', 'bypass', 'non_identity'].includes(p.decision)
        ? `its decision ${p.decision} is not one gatehouse writes`
        : bad ?? (all.include.length === 0 ? 'has no include rule' : p.session_duration && sessionDurationProblem(p.session_duration) ? `its session ${p.session_duration} is not a duration gatehouse accepts` : undefined);
      if (why) {
        this.unexpressed.push({ what: `Access policy "${p.name}" (${p.id})`, why });
        continue;
      }
      const key = this.keys.take('access_policies', p.name);
      const spec: Obj = { decision: p.decision, include: all.include };
      if (all.require.length) spec.require = all.require;
      if (all.exclude.length) spec.exclude = all.exclude;
      if (p.session_duration) spec.session_duration = p.session_duration;
      this.file.access_policies.set(key, spec);
      this.file.adopt.access_policies.set(key, p.id);
      this.origins.set(`access_policies.${key}`, `Access policy "${p.name}" (${p.id})`);
      this.policyKeys.set(p.id, key);
    }
  }

  /** Self-hosted apps on public hostnames whose every policy was expressed. */
  private expressApps(): void {
    for (const app of sortByName(this.live.apps)) {
      const hosts = appHostnames(app);
      for (const h of hosts.hostnames) if (!this.liveGates.has(h)) this.liveGates.set(h, app.name);
      const why = this.appProblem(app, hosts, this.policyKeys);
      if (why) {
        this.unexpressed.push({ what: `Access app "${app.name}" (${app.id})`, why });
        continue;
      }
      const key = this.keys.take('apps', app.name);
      this.file.apps.set(key, this.appSpec(app, hosts.hostnames, this.policyKeys, this.idpKeys));
      this.file.adopt.apps.set(key, app.id);
      this.origins.set(`apps.${key}`, `Access app "${app.name}" (${app.id})`);
      this.appNames.set(key, app.name);
      for (const h of hosts.hostnames) if (!this.gatingApps.has(h)) this.gatingApps.set(h, key);
    }
  }

  private appProblem(app: LiveApp, hosts: { hostnames: string[]; problem?: string }, policies: Map<string, string>): string | undefined {
    if (app.type !== undefined && app.type !== 'self_hosted') return `its type is ${app.type}; gatehouse manages self-hosted apps only`;
    if (hosts.problem) return hosts.problem;
    if (hosts.hostnames.length === 0) return 'has no public hostname';
    const outside = hosts.hostnames.find((h) => !h.endsWith('.pages.dev') && !this.zoneOf(h));
    if (outside) return this.outsideZones(outside);
    const attached = app.policies ?? [];
    if (attached.length === 0) return 'has no policy';
    const legacy = attached.find((p) => p.reusable === false || !p.id);
    if (legacy) return `its policy "${legacy.name ?? '?'}" belongs to the app alone (a legacy policy); gatehouse attaches reusable policies: make it reusable in the dashboard, then discover again`;
    const missing = attached.find((p) => !policies.has(String(p.id)));
    if (missing) return `its policy "${missing.name ?? missing.id}" could not be expressed (see above), and leaving it out would change who gets in`;
    const c = app.cors_headers;
    if (c && (c.allow_all_origins || c.allow_all_methods || c.allow_all_headers)) return 'its CORS settings allow all origins, methods or headers, which gatehouse does not write';
    if (app.session_duration && sessionDurationProblem(app.session_duration)) return `its session ${app.session_duration} is not a duration gatehouse accepts`;
    if (app.same_site_cookie_attribute && !['strict', 'lax', 'none'].includes(app.same_site_cookie_attribute)) return `its SameSite cookie attribute ${app.same_site_cookie_attribute} is not strict, lax or none`;
    return undefined;
  }

  private appSpec(app: LiveApp, hostnames: string[], policies: Map<string, string>, idps: Map<string, string>): Obj {
    const attached = [...(app.policies ?? [])].sort((a, b) => (a.precedence ?? 0) - (b.precedence ?? 0));
    const c = app.cors_headers;
    return {
      hostnames,
      policies: attached.map((p) => policies.get(String(p.id))),
      ...(app.allowed_idps?.length ? { idps: app.allowed_idps.map((id) => idps.get(id)).filter((k) => k !== undefined) } : {}),
      ...(app.session_duration ? { session_duration: app.session_duration } : {}),
      ...(app.app_launcher_visible === false ? { app_launcher_visible: false } : {}),
      ...(c && (c.allowed_origins?.length || c.allowed_methods?.length || c.allowed_headers?.length || c.allow_credentials)
        ? {
            cors: {
              ...(c.allowed_origins?.length ? { allowed_origins: c.allowed_origins } : {}),
              ...(c.allowed_methods?.length ? { allowed_methods: c.allowed_methods } : {}),
              ...(c.allowed_headers?.length ? { allowed_headers: c.allowed_headers } : {}),
              ...(c.allow_credentials ? { allow_credentials: true } : {}),
              ...(c.max_age !== undefined ? { max_age: c.max_age } : {}),
            },
          }
        : {}),
      ...(app.http_only_cookie_attribute === false || app.same_site_cookie_attribute || app.enable_binding_cookie
        ? {
            cookies: {
              ...(app.http_only_cookie_attribute === false ? { http_only: false } : {}),
              ...(app.same_site_cookie_attribute ? { same_site: app.same_site_cookie_attribute } : {}),
              ...(app.enable_binding_cookie ? { binding_cookie: true } : {}),
            },
          }
        : {}),
    };
  }

  // ---- Tunnels, routes, records ---------------------------------------------------------------

  /** The CNAMEs that point at a tunnel. */
  private cnamesOf(t: LiveTunnel): LiveAccount['records'][number][] {
    return this.live.records.filter((r) => r.content.toLowerCase() === `${t.id}.cfargotunnel.com`);
  }

  /** The pair of tunnels (primary and optional standby), their routes and the primary's records. */
  private expressTunnels(): void {
    const pair = this.tunnelPair();
    if (!pair) return;
    const { primary, standby } = pair;
    const siteOf = (t: LiveTunnel, role: 'primary' | 'standby') => {
      this.file.adopt.tunnels[role] = t.id;
      // A host gatehouse does not create follows a TXT record; one left by an earlier deploy is adopted too.
      const activation = this.live.activationRecords.find((r) => r.name === `_gatehouse-${this.file.name}-${role}.${this.live.zones[0].name}`);
      if (activation) this.file.adopt.dns_records.set(activation.name, activation.id);
      if (t.name !== `${this.file.name}-${role}`) this.review.push({ what: `tunnel "${t.name}"`, why: `the first deploy renames it ${this.file.name}-${role} (in place: same id, token and CNAME target)` });
      return { external: { name: siteName(t.name, role) } };
    };
    this.file.sites = { primary: siteOf(primary, 'primary'), ...(standby ? { standby: siteOf(standby, 'standby') } : {}) };
    this.review.push({ what: 'sites', why: 'written as hosts gatehouse does not create (external); the Cloudflare API does not show where a connector runs. Make a site a GCE site to let gatehouse build its host' });
    if (standby) {
      const [mine, theirs] = [routeKeys(primary), routeKeys(standby)];
      const differ = [...mine].filter((k) => !theirs.has(k)).length + [...theirs].filter((k) => !mine.has(k)).length;
      if (differ) this.review.push({ what: `tunnel "${standby.name}"`, why: `its ingress differs from the primary's in ${differ} rules; the first deploy gives it exactly the primary's routes` });
    }
    const catchAll = (primary.ingress ?? []).at(-1);
    if (catchAll && catchAll.service !== 'http_status:404') this.review.push({ what: `tunnel "${primary.name}"`, why: `its last rule answers ${catchAll.service}; gatehouse ends every ingress with http_status:404` });
    for (const r of rules(primary)) this.file.routes.push(this.route(r));
    this.adoptRecords(primary);
  }

  /**
   * The tunnels gatehouse can adopt, as a pair: the primary serves the most hostnames (CNAMEs); a
   * standby is another tunnel that none point at and that carries some of the same routes. The
   * others are listed.
   */
  private tunnelPair(): { primary: LiveTunnel; standby?: LiveTunnel } | undefined {
    const usable: LiveTunnel[] = [];
    for (const t of sortByName(this.live.tunnels)) {
      const why = !remotelyManaged(t)
        ? 'is locally managed (config_src local); gatehouse manages remotely-managed tunnels, and changing config_src replaces the tunnel: migrate it to remote management in the dashboard, then discover again'
        : t.configError
          ? `its configuration could not be read: ${t.configError}`
          : this.ingressProblem(t.ingress ?? []);
      const cnames = this.cnamesOf(t).length;
      if (why) this.unexpressed.push({ what: `tunnel "${t.name}" (${t.id})${cnames ? ` and its ${cnames} CNAMEs` : ''}`, why });
      else usable.push(t);
    }
    if (usable.length === 0) return undefined;
    const primary = [...usable].sort((a, b) => this.cnamesOf(b).length - this.cnamesOf(a).length)[0];
    const mine = routeKeys(primary);
    const standby = usable
      .filter((t) => t !== primary && this.cnamesOf(t).length === 0)
      .map((t) => ({ t, overlap: [...routeKeys(t)].filter((k) => mine.has(k)).length }))
      .filter((c) => c.overlap > 0)
      .sort((a, b) => b.overlap - a.overlap)
      .at(0)?.t;
    for (const t of usable) {
      if (t === primary || t === standby) continue;
      this.unexpressed.push({
        what: `tunnel "${t.name}" (${t.id})`,
        why: `gatehouse runs one primary and one standby tunnel per deployment; this one serves ${rules(t).map((r) => r.hostname).join(', ') || 'nothing'}: discover it into a deployment of its own`,
      });
    }
    return { primary, ...(standby ? { standby } : {}) };
  }

  /** A route of the primary's ingress; public with a placeholder reason when no expressed app gates it. */
  private route(r: LiveIngressRule): Obj {
    const hostname = String(r.hostname);
    const route: Obj = { hostname, ...(r.path ? { path: r.path } : {}), service: r.service };
    const origin = originOf(r);
    if (Object.keys(origin).length) route.origin = origin;
    if (this.gatingApps.has(hostname)) {
      if ((r.originRequest?.access as { required?: boolean } | undefined)?.required !== true) {
        this.review.push({
          what: `routes[${this.file.routes.length}] (${hostname})`,
          why: "the first deploy adds the connector-side Access check (originRequest.access with the app's AUD): cloudflared then refuses a request without the app's token",
        });
      }
      return route;
    }
    const gate = this.liveGates.get(hostname);
    const unread = this.live.unread.some((l) => l.startsWith('Access apps:'));
    route.public = {
      reason: gate
        ? `${REVIEW} gated at the edge by Access app "${gate}", which stays outside gatehouse`
        : unread
          ? `${REVIEW} the Access apps could not be read; check whether one gates this hostname`
          : `${REVIEW} no Access app gated this hostname when discovered`,
    };
    this.review.push({
      what: `routes[${this.file.routes.length}] (${hostname})`,
      why: gate
        ? `gated by Access app "${gate}", which discover could not express; written public with a placeholder reason`
        : unread
          ? 'the Access apps could not be read: written public with a placeholder reason; find out whether an app gates it'
          : 'no Access app gates it: written public with a placeholder reason; write the real one, or gate it',
    });
    return route;
  }

  /** The primary's CNAMEs, one per routed hostname; one that no route serves is listed. */
  private adoptRecords(primary: LiveTunnel): void {
    const served = new Set(rules(primary).map((r) => String(r.hostname)));
    for (const record of this.cnamesOf(primary)) {
      if (!served.has(record.name)) {
        this.unexpressed.push({ what: `CNAME ${record.name} (${record.id})`, why: `points at tunnel "${primary.name}", whose ingress serves no such hostname` });
        continue;
      }
      this.file.adopt.dns_records.set(record.name, record.id);
      if (record.proxied === false) this.review.push({ what: `CNAME ${record.name}`, why: 'is not proxied; the first deploy turns the proxy on (a tunnel CNAME must be proxied)' });
    }
    for (const hostname of served) {
      if (!this.file.adopt.dns_records.has(hostname)) this.review.push({ what: `CNAME ${hostname}`, why: `none points at tunnel "${primary.name}": the first deploy creates it (and fails with 81053 if another record already holds the name)` });
    }
  }

  /** Why a tunnel's ingress cannot be adopted whole, or undefined. */
  private ingressProblem(ingress: readonly LiveIngressRule[]): string | undefined {
    const seen = new Set<string>();
    for (const [i, r] of ingress.entries()) {
      const last = i === ingress.length - 1;
      if (!r.hostname) {
        if (!last || r.path) return `ingress rule ${i} matches every hostname before the last rule; gatehouse writes a hostname on every rule but the catch-all`;
        continue;
      }
      const problem = hostnameProblem(r.hostname) ?? (this.zoneOf(r.hostname) ? undefined : this.outsideZones(r.hostname)) ?? (r.path ? pathRegexProblem(r.path) : undefined) ?? serviceProblem(r.service);
      if (problem) return `ingress rule ${i} (${r.hostname}): ${problem}`;
      const key = `${r.hostname} ${r.path ?? ''}`;
      if (seen.has(key)) return `ingress rules repeat ${r.hostname}${r.path ? ` ${r.path}` : ''}; gatehouse routes each hostname and path once`;
      seen.add(key);
      const extra = unexpressibleOrigin(r);
      if (extra.length) return `ingress rule ${i} (${r.hostname}) sets ${extra.join(', ')}, which gatehouse does not write; the first deploy would drop them`;
    }
    if (ingress.length === 0) return 'has no ingress rule';
    return undefined;
  }

  // ---- Pages, Workers, buckets ----------------------------------------------------------------

  private expressPages(): void {
    const keys = new KeyMaker();
    for (const p of sortByName(this.live.pages)) {
      const domains = (p.domains ?? []).filter((d) => !d.endsWith('.pages.dev'));
      const why = this.pagesProblem(p, domains);
      if (why) {
        this.unexpressed.push({ what: `Pages project "${p.name}"`, why });
        continue;
      }
      const key = keys.take('pages', p.name);
      this.file.pages.set(key, { ...(key !== p.name ? { project: p.name } : {}), ...(p.production_branch && p.production_branch !== 'main' ? { production_branch: p.production_branch } : {}), domains });
      this.origins.set(`pages.${key}`, `Pages project "${p.name}"`);
      this.file.adopt.pages_projects.push(key);
      for (const d of domains) {
        this.file.adopt.pages_domains.push(d);
        const record = this.live.records.find((r) => r.name === d && r.content.toLowerCase() === `${p.name}.pages.dev`);
        if (record) this.file.adopt.dns_records.set(d, record.id);
        else this.review.push({ what: `CNAME ${d}`, why: `none points at ${p.name}.pages.dev: the first deploy creates it` });
      }
    }
  }

  private pagesProblem(p: LivePagesProject, domains: string[]): string | undefined {
    const configs = [p.deployment_configs?.production, p.deployment_configs?.preview];
    if (configs.some((c) => Object.values(c?.env_vars ?? {}).some((v) => v?.type === 'secret_text'))) {
      return 'has secret environment variables, and provider 5.14 cannot import such a project (docs/resources/pages_project.md); remove them, import, then set them again';
    }
    if (p.subdomain && p.subdomain !== `${p.name}.pages.dev`) return `its subdomain is ${p.subdomain}, not ${p.name}.pages.dev, so Access could not gate its pages.dev hosts`;
    if (domains.length === 0) return 'has no custom domain; gatehouse manages Pages sites on custom domains';
    const bad = domains.find((d) => customDomainProblem(d) || !this.zoneOf(d));
    if (bad) return customDomainProblem(bad) ? `its domain ${bad}: ${customDomainProblem(bad)}` : this.outsideZones(bad);
    return undefined;
  }

  private expressWorkers(): void {
    const keys = new KeyMaker();
    for (const d of [...this.live.workerDomains].sort((a, b) => a.hostname.localeCompare(b.hostname))) {
      const problem = customDomainProblem(d.hostname) ?? (this.zoneOf(d.hostname) ? undefined : this.outsideZones(d.hostname)) ?? (/^[a-z0-9][a-z0-9_-]{0,62}$/.test(d.service) ? undefined : `its Worker ${d.service} has a name gatehouse cannot write`);
      if (problem) {
        this.unexpressed.push({ what: `Workers custom domain ${d.hostname} (${d.id})`, why: problem });
        continue;
      }
      const key = keys.take('workers', d.service);
      this.file.workers.set(key, { ...(key !== d.service ? { script: d.service } : {}), hostname: d.hostname });
      this.origins.set(`workers.${key}`, `Workers custom domain ${d.hostname} (${d.id})`);
      this.file.adopt.workers_domains.set(d.hostname, d.id);
      this.review.push({ what: `workers.${key}`, why: `the script ${d.service} stays deployed where it is (no module_file); to let gatehouse deploy it, add module_file and list it under adopt.workers_scripts` });
    }
  }

  private expressBuckets(): void {
    const keys = new KeyMaker();
    for (const b of [...this.live.buckets].sort((x, y) => `${x.jurisdiction}/${x.name}`.localeCompare(`${y.jurisdiction}/${y.name}`))) {
      if (bucketNameProblem(b.name)) {
        this.unexpressed.push({ what: `R2 bucket ${b.name}`, why: bucketNameProblem(b.name) as string });
        continue;
      }
      const key = keys.take('buckets', b.name);
      const spec: Obj = { ...(key !== b.name ? { name: b.name } : {}) };
      const location = b.location?.toLowerCase();
      if (location && ['apac', 'eeur', 'enam', 'weur', 'wnam', 'oc'].includes(location)) spec.location = location;
      if (b.jurisdiction !== 'default') spec.jurisdiction = b.jurisdiction;
      if (b.storage_class === 'InfrequentAccess') spec.storage_class = 'InfrequentAccess';
      const lifecycle = this.lifecycle(key, b);
      if (Object.keys(lifecycle).length) spec.lifecycle = lifecycle;
      if (b.r2dev) {
        spec.public = { reason: `${REVIEW} r2.dev public access was on when discovered` };
        this.review.push({ what: `buckets.${key}`, why: 'r2.dev public access is on: kept on, with a placeholder reason; write the real one, or remove public to turn it off' });
      }
      if (b.readError) this.review.push({ what: `buckets.${key}`, why: `its lifecycle or r2.dev setting could not be read (${b.readError}); the first deploy writes the file's lifecycle over whatever it has` });
      this.file.buckets.set(key, spec);
      this.origins.set(`buckets.${key}`, `R2 bucket ${b.name}`);
      this.file.adopt.buckets.push(key);
    }
  }

  /** The lifecycle gatehouse can write for a bucket (whole-bucket Age rules); the other rules go to review. */
  private lifecycle(key: string, b: LiveBucket): Obj {
    const out: Obj = {};
    const days = (seconds: number | undefined) => (seconds !== undefined && seconds > 0 && seconds % 86_400 === 0 ? seconds / 86_400 : undefined);
    for (const r of b.lifecycle ?? []) {
      const name = r.id ?? '(unnamed)';
      const dropped = (why: string) => this.review.push({ what: `buckets.${key} lifecycle rule ${name}`, why: `${why}; the first deploy replaces the bucket's rules with the file's, so this rule goes` });
      if (r.enabled === false) continue;
      if (r.conditions?.prefix) {
        dropped(`applies to the prefix ${r.conditions.prefix}, and gatehouse writes whole-bucket rules`);
        continue;
      }
      const del = r.deleteObjectsTransition?.condition;
      const abort = r.abortMultipartUploadsTransition?.condition;
      const ia = r.storageClassTransitions?.find((t) => t.storageClass === 'InfrequentAccess')?.condition;
      const set = (field: string, c: { type?: string; maxAge?: number } | undefined) => {
        if (!c) return;
        const d = c.type === 'Age' ? days(c.maxAge) : undefined;
        if (d === undefined || d > 36_500) dropped(`${field} is not an age in whole days`);
        else if (out[field] !== undefined && out[field] !== d) dropped(`${field} disagrees with another rule`);
        else out[field] = d;
      };
      set('delete_after_days', del);
      set('abort_multipart_after_days', abort);
      set('transition_to_ia_after_days', ia);
    }
    return out;
  }

  // ---- Dropping what the checks refuse --------------------------------------------------------

  /**
   * Remove an object the checks refuse (by its field path) and what depends on it, recording the
   * check's line as the reason. Returns false when the path names nothing discover can leave out.
   */
  public drop(path: string, why: string): boolean {
    const m = /^(identity_providers|access_groups|access_policies|service_tokens|apps|pages|workers|buckets)\.([^.[]+)/.exec(path);
    if (!m) return false;
    const [, section, key] = m;
    const origin = this.origins.get(`${section}.${key}`) ?? `${section}.${key}`;
    switch (section) {
      case 'identity_providers':
        return this.dropIdentityProvider(key, origin, why);
      case 'access_groups':
      case 'service_tokens': {
        if (!this.removeKeyed(section, key)) return false;
        this.unexpressed.push({ what: origin, why });
        const rule = section === 'access_groups' ? 'group' : 'service_token';
        for (const [p, spec] of [...this.file.access_policies]) {
          const uses = ['include', 'require', 'exclude'].some((k) => ((spec[k] as AccessRuleInput[] | undefined) ?? []).some((r) => (r as Obj)[rule] === key));
          if (uses) this.drop(`access_policies.${p}`, `uses ${origin}, which could not be expressed, and leaving it out would change who gets in`);
        }
        return true;
      }
      case 'access_policies': {
        if (!this.removeKeyed(section, key)) return false;
        this.unexpressed.push({ what: origin, why });
        for (const [a, spec] of [...this.file.apps]) {
          if ((spec.policies as string[]).includes(key)) this.drop(`apps.${a}`, `uses ${origin}, which could not be expressed, and leaving it out would change who gets in`);
        }
        return true;
      }
      case 'apps': {
        const spec = this.file.apps.get(key);
        if (!spec || !this.removeKeyed(section, key)) return false;
        this.unexpressed.push({ what: origin, why });
        const name = this.appNames.get(key) ?? key;
        for (const [i, r] of this.file.routes.entries()) {
          if ((spec.hostnames as string[]).includes(String(r.hostname)) && !r.public) {
            r.public = { reason: `${REVIEW} gated at the edge by Access app "${name}", which stays outside gatehouse` };
            this.review.push({ what: `routes[${i}] (${String(r.hostname)})`, why: `gated by Access app "${name}", which discover could not express; written public with a placeholder reason` });
          }
        }
        return true;
      }
      default: {
        const entry = this.file[section as 'pages' | 'workers' | 'buckets'].get(key);
        if (!entry || !this.removeKeyed(section, key)) return false;
        this.unexpressed.push({ what: origin, why });
        if (section === 'pages') {
          for (const d of entry.domains as string[]) {
            this.file.adopt.pages_domains = this.file.adopt.pages_domains.filter((x) => x !== d);
            this.file.adopt.dns_records.delete(d);
          }
        }
        if (section === 'workers') this.file.adopt.workers_domains.delete(String(entry.hostname));
        return true;
      }
    }
  }

  /** An identity provider the checks refuse is referenced instead (its apps keep working), never adopted. */
  private dropIdentityProvider(key: string, origin: string, why: string): boolean {
    const id = this.file.adopt.identity_providers.get(key);
    if (id === undefined) return false;
    this.file.identity_providers.set(key, { type: 'existing', id });
    this.file.adopt.identity_providers.delete(key);
    this.unexpressed.push({ what: `${origin} (adoption)`, why: `${why}; referenced by its id instead` });
    return true;
  }

  private removeKeyed(section: string, key: string): boolean {
    const map = (this.file as unknown as Record<string, Map<string, Obj> | undefined>)[section];
    if (!map?.delete(key)) return false;
    const adopt = (this.file.adopt as unknown as Record<string, Map<string, string> | string[]>)[section === 'pages' ? 'pages_projects' : section];
    if (adopt instanceof Map) adopt.delete(key);
    else if (Array.isArray(adopt) && adopt.includes(key)) adopt.splice(adopt.indexOf(key), 1);
    return true;
  }
}

/** Keys for the file's named maps: lower-case names, unique per section. */
class KeyMaker {
  private readonly taken = new Map<string, Set<string>>();

  public take(section: string, name: string): string {
    const used = this.taken.get(section) ?? new Set<string>();
    this.taken.set(section, used);
    let base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    if (!/^[a-z]/.test(base)) base = `x-${base}`.replace(/-+$/, '');
    base = base.slice(0, 38).replace(/-+$/, '') || 'x';
    let key = base;
    for (let i = 2; used.has(key); i++) key = `${base}-${i}`;
    used.add(key);
    return key;
  }
}

/** A GCE-style name for an external site, from its tunnel's name. */
function siteName(tunnelName: string, role: string): string {
  const name = tunnelName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 40).replace(/-+$/, '');
  return name && !gceNameProblem(name) ? name : `${role}-host`;
}

function sortByName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name) || JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The hostname and path of each rule of a tunnel. */
function routeKeys(t: LiveTunnel): Set<string> {
  return new Set(rules(t).map((r) => `${r.hostname} ${r.path ?? ''}`));
}

/** The rules of an ingress that carry a hostname (every rule but the catch-all). */
function rules(t: LiveTunnel): LiveIngressRule[] {
  return (t.ingress ?? []).filter((r) => r.hostname);
}

/** The one selector of an Access rule. */
function single(rule: LiveRule): [string | undefined, Readonly<Record<string, unknown>> | undefined] {
  const entries = Object.entries(rule).filter(([, v]) => v !== undefined && v !== null);
  return entries.length === 1 ? [entries[0][0], entries[0][1] ?? undefined] : [undefined, undefined];
}

/** An Access rule of a policy as the file writes it, or why it cannot be written. */
function accessRule(rule: LiveRule, groups: Map<string, string>, tokens: Map<string, string>): AccessRuleInput | string {
  const [kind, v] = single(rule);
  switch (kind) {
    case 'email':
      if (typeof v?.email === 'string') return { email: v.email };
      break;
    case 'email_domain':
      if (typeof v?.domain === 'string') return { email_domain: v.domain.replace(/^@/, '') };
      break;
    case 'everyone':
      return { everyone: true };
    case 'any_valid_service_token':
      return { any_valid_service_token: true };
    case 'group': {
      const key = groups.get(String(v?.id));
      return key ? { group: key } : `includes group ${String(v?.id)}, which could not be expressed`;
    }
    case 'service_token': {
      const key = tokens.get(String(v?.token_id));
      return key ? { service_token: key } : `includes service token ${String(v?.token_id)}, which could not be expressed`;
    }
  }
  return `has a ${kind ?? 'combined'} rule, which gatehouse policies cannot hold (groups, emails, email domains, service tokens, everyone)`;
}

/** The public hostnames of an app, or why they cannot be written. */
function appHostnames(app: LiveApp): { hostnames: string[]; problem?: string } {
  const destinations = app.destinations?.length ? app.destinations : (app.self_hosted_domains ?? (app.domain ? [app.domain] : [])).map((uri) => ({ type: 'public', uri }));
  const hostnames: string[] = [];
  for (const d of destinations) {
    if (d.type && d.type !== 'public') return { hostnames, problem: 'has a private destination (a network range or private hostname); gatehouse gates public hostnames' };
    const uri = d.uri ?? '';
    if (uri.includes('/')) return { hostnames, problem: `its destination ${uri} has a path; gatehouse apps gate whole hostnames` };
    const problem = hostnameProblem(uri);
    if (problem) return { hostnames, problem: `its destination ${uri}: ${problem}` };
    if (!hostnames.includes(uri)) hostnames.push(uri);
  }
  return { hostnames };
}

/** The origin settings gatehouse writes for a route, from cloudflared's `originRequest`. */
function originOf(r: LiveIngressRule): Obj {
  const o = r.originRequest ?? {};
  const timeout = o.connectTimeout;
  return {
    ...(o.noTLSVerify === true ? { no_tls_verify: true } : {}),
    ...(typeof o.httpHostHeader === 'string' && o.httpHostHeader ? { http_host_header: o.httpHostHeader } : {}),
    ...(typeof o.originServerName === 'string' && o.originServerName ? { origin_server_name: o.originServerName } : {}),
    ...(typeof timeout === 'number' && timeout >= 1 && timeout <= 300 && Number.isInteger(timeout) ? { connect_timeout_seconds: timeout } : {}),
  };
}

/**
 * The origin settings of a rule that gatehouse cannot write (set to something other than their
 * default). `access` is gatehouse's own: it sets it on every gated route.
 */
function unexpressibleOrigin(r: LiveIngressRule): string[] {
  const o = r.originRequest ?? {};
  return Object.entries(o)
    .filter(([k, v]) => {
      if (['noTLSVerify', 'httpHostHeader', 'originServerName', 'access'].includes(k)) return false;
      if (k === 'connectTimeout') return !(v === undefined || v === null || v === 0 || (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 300));
      return !(v === undefined || v === null || v === false || v === '' || v === 0 || (typeof v === 'object' && Object.keys(v).length === 0));
    })
    .map(([k]) => `originRequest.${k}`)
    .sort();
}

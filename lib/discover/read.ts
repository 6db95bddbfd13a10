/**
 * Reads a live account for `gatehouse discover`, read only, through the one Cloudflare API client
 * (lib/cutover/cloudflare-api.ts: paginated, rate limited, 429 back-off). The zones must be readable;
 * anything else that cannot be read (a missing token permission, a jurisdiction the account does not
 * have) is recorded with its reason and the rest is read on. A progress line per step goes to
 * `progress`. Client secrets are never requested: the identity providers' `config` is cut down to
 * its non-secret fields as soon as it arrives.
 */
import { CloudflareApi, CloudflareApiError } from '../cutover/cloudflare-api';
import { GatehouseError } from '../core/errors';
import type {
  LiveAccount,
  LiveApp,
  LiveBucket,
  LiveGroup,
  LiveIdentityProvider,
  LiveIngressRule,
  LiveLifecycleRule,
  LivePagesProject,
  LivePolicy,
  LiveRecord,
  LiveServiceToken,
  LiveTunnel,
  LiveWorkerDomain,
  LiveZone,
} from './live';

/** What to read. */
export interface ReadOptions {
  /** The account to read. */
  readonly accountId: string;
  /** Zone names; the first is the deployment's `cloudflare.zone`. */
  readonly zones: readonly string[];
  /** One line per step. */
  readonly progress: (line: string) => void;
}

/** R2 jurisdictions; each is listed with the `cf-r2-jurisdiction` header (https://developers.cloudflare.com/r2/reference/data-location/). */
const JURISDICTIONS = ['default', 'eu', 'fedramp'] as const;

/** The CNAME targets discover cares about: tunnels and Pages. */
const INTERESTING_CNAME = /\.(cfargotunnel\.com|pages\.dev)$/i;

/** Read everything discover can express. Throws `GatehouseError` (one line) when a zone cannot be read. */
export async function readAccount(api: CloudflareApi, o: ReadOptions): Promise<LiveAccount> {
  const a = o.accountId;
  const unread: string[] = [];
  const step = async <T>(what: string, fallback: T, read: () => Promise<T>, count: (x: T) => string): Promise<T> => {
    try {
      const value = await read();
      o.progress(`${what}: ${count(value)} (${api.requests} requests so far)`);
      return value;
    } catch (e) {
      if (!(e instanceof CloudflareApiError)) throw e;
      unread.push(`${what}: ${e.message}`);
      o.progress(`${what}: could not be read: ${e.message}`);
      return fallback;
    }
  };
  const n = (x: readonly unknown[]) => String(x.length);

  const zones: LiveZone[] = [];
  for (const name of o.zones) {
    let found: LiveZone | undefined;
    try {
      found = (await api.list<LiveZone>('/zones', { name, 'account.id': a })).find((z) => z.name === name);
    } catch (e) {
      if (!(e instanceof CloudflareApiError)) throw e;
      throw new GatehouseError([{ path: `--zone ${name}`, message: `could not be read: ${e.message}` }]);
    }
    if (!found) throw new GatehouseError([{ path: `--zone ${name}`, message: `is not a zone of account ${a}, or the token cannot read it (it needs Zone Read)` }]);
    zones.push({ id: found.id, name: found.name, ...(found.plan ? { plan: { legacy_id: found.plan.legacy_id } } : {}) });
    o.progress(`zone ${name}: ${found.id}`);
  }

  const org = await step('Zero Trust organization', undefined as { auth_domain?: string } | undefined, async () => (await api.get<{ auth_domain?: string }>(`/accounts/${a}/access/organizations`, {})).result, (x) => x?.auth_domain ?? 'none');
  const teamName = /^([a-z0-9-]+)\.cloudflareaccess\.com$/.exec(org?.auth_domain ?? '')?.[1];

  const tunnels = await step('tunnels', [] as LiveTunnel[], () => readTunnels(api, a), n);
  const records: LiveRecord[] = [];
  for (const z of zones) {
    const got = await step(`CNAME records of ${z.name}`, [] as LiveRecord[], async () => (await api.list<LiveRecord>(`/zones/${z.id}/dns_records`, { type: 'CNAME' })).filter((r) => INTERESTING_CNAME.test(r.content)), (x) => `${x.length} to tunnels or Pages`);
    records.push(...got.map((r) => ({ id: r.id, zone_id: z.id, name: r.name, type: r.type, content: r.content, ...(r.proxied !== undefined ? { proxied: r.proxied } : {}) })));
  }
  const activationRecords = await step(
    `gatehouse activation records of ${zones[0].name}`,
    [] as LiveRecord[],
    async () =>
      (await api.list<LiveRecord>(`/zones/${zones[0].id}/dns_records`, { type: 'TXT', 'name.startswith': '_gatehouse-' }))
        .filter((r) => r.name.startsWith('_gatehouse-'))
        .map((r) => ({ id: r.id, zone_id: zones[0].id, name: r.name, type: r.type, content: r.content })),
    n,
  );
  const apps = await step('Access apps', [] as LiveApp[], () => api.list<LiveApp>(`/accounts/${a}/access/apps`, {}), n);
  const policies = await step('Access policies', [] as LivePolicy[], () => api.list<LivePolicy>(`/accounts/${a}/access/policies`, {}), n);
  const groups = await step('Access groups', [] as LiveGroup[], () => api.list<LiveGroup>(`/accounts/${a}/access/groups`, {}), n);
  const identityProviders = await step(
    'identity providers',
    [] as LiveIdentityProvider[],
    async () => (await api.list<LiveIdentityProvider>(`/accounts/${a}/access/identity_providers`, {})).map(withoutSecrets),
    n,
  );
  const serviceTokens = await step('service tokens', [] as LiveServiceToken[], async () => (await api.list<LiveServiceToken>(`/accounts/${a}/access/service_tokens`, {})).map((t) => ({ id: t.id, name: t.name, ...(t.duration ? { duration: t.duration } : {}) })), n);
  const buckets: LiveBucket[] = [];
  for (const j of JURISDICTIONS) {
    const listed = await step(`R2 buckets (${j})`, [] as LiveBucket[], () => api.listByCursor<LiveBucket>(`/accounts/${a}/r2/buckets`, 'buckets', { 'cf-r2-jurisdiction': j }), n);
    for (const b of listed) buckets.push(await readBucket(api, a, { ...b, jurisdiction: j }));
  }
  const pages = await step('Pages projects', [] as LivePagesProject[], () => api.list<LivePagesProject>(`/accounts/${a}/pages/projects`, {}), n);
  const workerDomains = await step('Workers custom domains', [] as LiveWorkerDomain[], () => api.list<LiveWorkerDomain>(`/accounts/${a}/workers/domains`, {}), n);
  o.progress(`read ${api.requests} requests in all`);
  return { accountId: a, ...(teamName ? { teamName } : {}), zones, tunnels, records, activationRecords, apps, policies, groups, identityProviders, serviceTokens, buckets, pages, workerDomains, unread };
}

/** Every tunnel that is not deleted, with the ingress of each remotely-managed one. */
async function readTunnels(api: CloudflareApi, a: string): Promise<LiveTunnel[]> {
  const listed = await api.list<LiveTunnel>(`/accounts/${a}/cfd_tunnel`, { is_deleted: 'false' });
  const out: LiveTunnel[] = [];
  for (const t of listed) {
    const base: LiveTunnel = {
      id: t.id,
      name: t.name,
      ...(t.config_src !== undefined ? { config_src: t.config_src } : {}),
      ...(t.remote_config !== undefined ? { remote_config: t.remote_config } : {}),
      ...(t.status !== undefined ? { status: t.status } : {}),
    };
    if (!remotelyManaged(base)) {
      out.push(base);
      continue;
    }
    try {
      const { result } = await api.get<{ config?: { ingress?: LiveIngressRule[] } }>(`/accounts/${a}/cfd_tunnel/${t.id}/configurations`, {});
      out.push({ ...base, ingress: result?.config?.ingress ?? [] });
    } catch (e) {
      if (!(e instanceof CloudflareApiError)) throw e;
      out.push({ ...base, configError: e.message });
    }
  }
  return out;
}

/** A tunnel whose configuration lives in Cloudflare (`config_src: cloudflare`, formerly `remote_config: true`). */
export function remotelyManaged(t: LiveTunnel): boolean {
  return t.config_src !== undefined ? t.config_src === 'cloudflare' : t.remote_config === true;
}

/** A bucket's lifecycle rules and r2.dev setting, read in its jurisdiction. */
async function readBucket(api: CloudflareApi, a: string, b: LiveBucket): Promise<LiveBucket> {
  const headers = { 'cf-r2-jurisdiction': b.jurisdiction };
  const base = { name: b.name, jurisdiction: b.jurisdiction, ...(b.location ? { location: b.location } : {}), ...(b.storage_class ? { storage_class: b.storage_class } : {}) };
  try {
    const lifecycle = (await api.get<{ rules?: LiveLifecycleRule[] }>(`/accounts/${a}/r2/buckets/${b.name}/lifecycle`, {}, headers)).result?.rules ?? [];
    const managed = (await api.get<{ enabled?: boolean }>(`/accounts/${a}/r2/buckets/${b.name}/domains/managed`, {}, headers)).result;
    return { ...base, lifecycle, r2dev: managed?.enabled === true };
  } catch (e) {
    if (!(e instanceof CloudflareApiError)) throw e;
    return { ...base, readError: e.message };
  }
}

/** An identity provider without anything secret: only the fields a deployment file may hold. */
function withoutSecrets(idp: LiveIdentityProvider): LiveIdentityProvider {
  const c = idp.config ?? {};
  const config = {
    ...(typeof c.client_id === 'string' ? { client_id: c.client_id } : {}),
    ...(typeof c.apps_domain === 'string' ? { apps_domain: c.apps_domain } : {}),
    ...(typeof c.directory_id === 'string' ? { directory_id: c.directory_id } : {}),
    ...(typeof c.support_groups === 'boolean' ? { support_groups: c.support_groups } : {}),
  };
  return { id: idp.id, name: idp.name, type: idp.type, config };
}

/**
 * A fake Cloudflare API v4 on 127.0.0.1 holding one account, for `npm run discover`: every endpoint
 * discover reads, answering in the documented envelope `{success, errors, messages, result,
 * result_info}` with the documented shapes (extra fields included, as the real API sends them), page
 * numbers (`page`, `per_page`, `result_info.total_pages`) where the API pages, a cursor for R2
 * buckets (per `cf-r2-jurisdiction`), a single page for Workers domains. It can refuse an endpoint
 * (a missing token permission) and answer chosen requests with 429 and `Retry-After`.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

type Obj = Record<string, any>;

export interface FakeAccountData {
  readonly account: string;
  readonly team: string;
  readonly zones: Array<{ id: string; name: string; plan?: string }>;
  readonly tunnels: Obj[];
  /** Remote configurations by tunnel id: the `config` object. */
  readonly configurations: Record<string, Obj>;
  /** DNS records by zone id (all types). */
  readonly records: Record<string, Obj[]>;
  readonly apps: Obj[];
  readonly policies: Obj[];
  readonly groups: Obj[];
  readonly identityProviders: Obj[];
  readonly serviceTokens: Obj[];
  /** Buckets by jurisdiction; a jurisdiction not listed answers 403. */
  readonly buckets: Record<string, Obj[]>;
  /** Lifecycle rules and r2.dev by `<jurisdiction>/<bucket>`. */
  readonly lifecycle: Record<string, Obj[]>;
  readonly r2dev: Record<string, boolean>;
  readonly pages: Obj[];
  readonly workerDomains: Obj[];
}

export class FakeAccount {
  public url = '';
  /** Every request, as `METHOD /path?query` (with ` [jurisdiction]` for R2). */
  public readonly requests: string[] = [];
  /** Request numbers (1-based) answered with 429. */
  public readonly rateLimited = new Set<number>();
  public retryAfter = '1';
  /** Path prefixes (after /client/v4) answered with 403, as for a token without that permission. */
  public readonly forbidden = new Set<string>();
  private server?: http.Server;

  constructor(
    public readonly data: FakeAccountData,
    private readonly token: string,
  ) {}

  public async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/client/v4`;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const jurisdiction = String(req.headers['cf-r2-jurisdiction'] ?? 'default');
    const path = url.pathname.replace(/^\/client\/v4/, '');
    this.requests.push(`${req.method} ${path}${url.search}${path.includes('/r2/') ? ` [${jurisdiction}]` : ''}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
      send(status, { success: false, errors: [{ code, message }], messages: [], result: null }, headers);
    if (this.rateLimited.has(this.requests.length)) return fail(429, 971, 'Please wait and consider throttling your request speed', { 'retry-after': this.retryAfter });
    if (req.headers.authorization !== `Bearer ${this.token}`) return fail(403, 10000, 'Authentication error');
    if ([...this.forbidden].some((p) => path.startsWith(p))) return fail(403, 10000, 'Authentication error');
    const ok = (result: unknown, extra: Obj = {}) => send(200, { success: true, errors: [], messages: [], result, ...extra });
    const page = Number(url.searchParams.get('page') ?? '1');
    const perPage = Number(url.searchParams.get('per_page') ?? '20');
    const paged = (items: unknown[]) =>
      ok(items.slice((page - 1) * perPage, page * perPage), {
        result_info: { page, per_page: perPage, count: Math.max(0, Math.min(perPage, items.length - (page - 1) * perPage)), total_count: items.length, total_pages: Math.max(1, Math.ceil(items.length / perPage)) },
      });
    const d = this.data;
    const acc = `/accounts/${d.account}`;
    let m: RegExpExecArray | null;

    if (path === '/zones') {
      if (url.searchParams.get('account.id') !== d.account) return paged([]);
      const zones = d.zones.filter((z) => z.name === url.searchParams.get('name'));
      return paged(zones.map((z) => ({ id: z.id, name: z.name, status: 'active', paused: false, type: 'full', account: { id: d.account, name: 'Example' }, plan: { id: 'p', name: `${z.plan ?? 'free'} plan`, legacy_id: z.plan ?? 'free' } })));
    }
    if ((m = /^\/zones\/([0-9a-f]{32})\/dns_records$/.exec(path))) {
      const type = url.searchParams.get('type');
      return paged((d.records[m[1]] ?? []).filter((r) => !type || r.type === type).map((r) => ({ zone_id: m![1], ttl: 1, proxiable: true, comment: null, tags: [], created_on: '2025-01-01T00:00:00Z', modified_on: '2025-01-01T00:00:00Z', ...r })));
    }
    if (path === `${acc}/access/organizations`) return ok({ name: 'Example', auth_domain: `${d.team}.cloudflareaccess.com`, is_ui_read_only: false, session_duration: '24h' });
    if (path === `${acc}/cfd_tunnel`) {
      const live = d.tunnels.filter((t) => url.searchParams.get('is_deleted') !== 'false' || !t.deleted_at);
      return paged(live.map((t) => ({ account_tag: d.account, created_at: '2025-01-01T00:00:00Z', connections: [], conns_active_at: null, conns_inactive_at: null, tun_type: 'cfd_tunnel', metadata: {}, status: 'healthy', deleted_at: null, ...t })));
    }
    if ((m = new RegExp(`^${acc}/cfd_tunnel/([0-9a-f-]{36})/configurations$`).exec(path))) {
      const config = d.configurations[m[1]];
      if (!config) return fail(404, 1003, 'Tunnel configuration not found');
      return ok({ account_id: d.account, tunnel_id: m[1], version: 3, config, source: 'cloudflare', created_at: '2025-01-01T00:00:00Z' });
    }
    const lists: Record<string, Obj[]> = {
      [`${acc}/access/apps`]: d.apps,
      [`${acc}/access/policies`]: d.policies,
      [`${acc}/access/groups`]: d.groups,
      [`${acc}/access/identity_providers`]: d.identityProviders,
      [`${acc}/access/service_tokens`]: d.serviceTokens,
      [`${acc}/pages/projects`]: d.pages,
    };
    if (lists[path]) return paged(lists[path]);
    if (path === `${acc}/workers/domains`) return ok(d.workerDomains);
    if (path === `${acc}/r2/buckets`) {
      const all = d.buckets[jurisdiction];
      if (!all) return fail(403, 10042, `Please enable R2 for the ${jurisdiction} jurisdiction`);
      const start = Number(url.searchParams.get('cursor') ?? '0');
      const slice = all.slice(start, start + perPage);
      const next = start + perPage < all.length ? String(start + perPage) : '';
      return ok({ buckets: slice.map((b) => ({ creation_date: '2025-01-01T00:00:00.000Z', jurisdiction, storage_class: 'Standard', ...b })) }, { result_info: { cursor: next, per_page: perPage } });
    }
    if ((m = new RegExp(`^${acc}/r2/buckets/([a-z0-9-]+)/(lifecycle|domains/managed)$`).exec(path))) {
      const key = `${jurisdiction}/${m[1]}`;
      if (!d.buckets[jurisdiction]?.some((b) => b.name === m![1])) return fail(404, 10006, 'The specified bucket does not exist.');
      if (m[2] === 'lifecycle') return ok({ rules: d.lifecycle[key] ?? [] });
      return ok({ bucketId: `bucket-${m[1]}`, domain: `pub-${m[1]}.r2.dev`, enabled: d.r2dev[key] === true });
    }
    return fail(404, 7003, `Could not route to ${path}, perhaps your object identifier is invalid?`);
  }
}

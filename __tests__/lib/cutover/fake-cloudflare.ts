/**
 * A fake Cloudflare API v4 on 127.0.0.1 for the cutover tests: tunnels (list by name, get by id) and
 * DNS records (list with type / name.exact), paginated, in the documented envelope
 * `{success, errors, messages, result, result_info}`. It can answer 429, script a tunnel's status over
 * successive reads, and play the stacks: `POST /__deploy` (used by a fake `npx` on PATH) or `deploy()`
 * applies what a deploy of `standby` / `production` would do to tunnels and records.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface FakeTunnel {
  id: string;
  name: string;
  status: string;
  deleted?: boolean;
}

export interface FakeRecord {
  id: string;
  zoneId: string;
  name: string;
  type: string;
  content: string;
}

export interface FakeOptions {
  readonly token: string;
  readonly account: string;
  readonly keepPrimaryConnector: boolean;
  /** Status reads a started connector answers with before it is healthy. */
  readonly startupReads?: number;
}

export class FakeCloudflare {
  public url = '';
  public readonly tunnels: FakeTunnel[] = [];
  public readonly records: FakeRecord[] = [];
  /** Every request, as `METHOD /path?query`. */
  public readonly requests: string[] = [];
  /** The deploys the stacks received, with the TF_VAR_* they saw. */
  public readonly deploys: Array<{ stack: string; variables: Record<string, string> }> = [];
  /** Statuses the next reads of a tunnel return, in order (then its status field). */
  public readonly script = new Map<string, string[]>();
  /** Answer this many requests with 429 first. */
  public rateLimited = 0;
  public retryAfter: string | undefined = '0';
  /** Reads left before a started connector turns healthy, by tunnel id. */
  private readonly starting = new Map<string, number>();
  private server?: http.Server;

  constructor(private readonly options: FakeOptions) {}

  /** Two tunnels `<name>-primary` / `<name>-standby` and one proxied CNAME per hostname on `site`. */
  public seed(name: string, zoneOf: (hostname: string) => string, hostnames: readonly string[], site: 'primary' | 'standby'): this {
    this.tunnels.push({ id: `${name}-primary-uuid`, name: `${name}-primary`, status: 'healthy' });
    this.tunnels.push({ id: `${name}-standby-uuid`, name: `${name}-standby`, status: site === 'standby' ? 'healthy' : 'down' });
    this.tunnels.push({ id: 'old-uuid', name: `${name}-standby`, status: 'inactive', deleted: true }); // a deleted namesake
    hostnames.forEach((h, i) => this.records.push({ id: `rec-${i}`, zoneId: zoneOf(h), name: h, type: 'CNAME', content: this.cname(site) }));
    return this;
  }

  public tunnel(role: 'primary' | 'standby'): FakeTunnel {
    return this.tunnels.find((t) => !t.deleted && t.name.endsWith(`-${role}`))!;
  }

  public cname(role: 'primary' | 'standby'): string {
    return `${this.tunnel(role).id}.cfargotunnel.com`;
  }

  /** What a deploy does: the standby stack starts/stops its connector; production moves DNS and (keep false) the primary. */
  public deploy(stack: string, variables: Record<string, string>): void {
    this.deploys.push({ stack, variables });
    const activate = variables.activate_dns === 'true';
    const connector = (role: 'primary' | 'standby', on: boolean) => {
      const t = this.tunnel(role);
      if (on && t.status !== 'healthy') {
        t.status = 'inactive';
        this.starting.set(t.id, this.options.startupReads ?? 2);
      }
      if (!on) t.status = 'down';
    };
    if (stack === 'standby') connector('standby', activate);
    if (stack === 'production') {
      for (const r of this.records) r.content = this.cname(activate ? 'standby' : 'primary');
      if (!this.options.keepPrimaryConnector) connector('primary', !activate || variables.primary_connector_on === 'true');
    }
  }

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
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, code: number, message: string) => send(status, { success: false, errors: [{ code, message }], messages: [], result: null });
    if (req.method === 'POST' && url.pathname === '/client/v4/__deploy') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const { stack, variables } = JSON.parse(body);
        this.deploy(stack, variables);
        send(200, { success: true, errors: [], messages: [], result: null });
      });
      return;
    }
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (this.rateLimited > 0) {
      this.rateLimited -= 1;
      res.setHeader('retry-after', this.retryAfter ?? '');
      if (this.retryAfter === undefined) res.removeHeader('retry-after');
      return fail(429, 971, 'Please wait and consider throttling your request speed');
    }
    if (req.headers.authorization !== `Bearer ${this.options.token}`) return fail(403, 10000, 'Authentication error');
    const page = Number(url.searchParams.get('page') ?? '1');
    const perPage = Number(url.searchParams.get('per_page') ?? '20');
    const list = (items: unknown[]) =>
      send(200, {
        success: true,
        errors: [],
        messages: [],
        result: items.slice((page - 1) * perPage, page * perPage),
        result_info: { page, per_page: perPage, count: Math.min(perPage, Math.max(0, items.length - (page - 1) * perPage)), total_count: items.length, total_pages: Math.max(1, Math.ceil(items.length / perPage)) },
      });
    const prefix = `/client/v4/accounts/${this.options.account}/cfd_tunnel`;
    if (url.pathname === prefix) {
      const name = url.searchParams.get('name');
      const deleted = url.searchParams.get('is_deleted');
      return list(this.tunnels.filter((t) => (!name || t.name === name) && (deleted !== 'false' || !t.deleted)).map((t) => this.view(t, false)));
    }
    if (url.pathname.startsWith(`${prefix}/`)) {
      const t = this.tunnels.find((x) => x.id === url.pathname.slice(prefix.length + 1));
      if (!t) return fail(404, 1003, 'Tunnel not found');
      return send(200, { success: true, errors: [], messages: [], result: this.view(t, true) });
    }
    const zone = /^\/client\/v4\/zones\/([0-9a-f]{32})\/dns_records$/.exec(url.pathname);
    if (zone) {
      const type = url.searchParams.get('type');
      const exact = url.searchParams.get('name.exact');
      return list(
        this.records
          .filter((r) => r.zoneId === zone[1] && (!type || r.type === type) && (!exact || r.name === exact))
          .map((r) => ({ id: r.id, zone_id: r.zoneId, name: r.name, type: r.type, content: r.content, proxied: true, ttl: 1 })),
      );
    }
    return fail(404, 7003, `Could not route to ${url.pathname}, perhaps your object identifier is invalid?`);
  }

  /** A tunnel as the API shows it; a read by id advances a starting connector and the status script. */
  private view(t: FakeTunnel, read: boolean): Record<string, unknown> {
    let status = t.status;
    if (read) {
      const scripted = this.script.get(t.id);
      if (scripted?.length) status = scripted.shift()!;
      else if (this.starting.has(t.id)) {
        const left = this.starting.get(t.id)!;
        if (left <= 0) {
          this.starting.delete(t.id);
          t.status = status = 'healthy';
        } else this.starting.set(t.id, left - 1);
      }
    }
    // `connections` is deprecated and may be empty (FIELD-GUIDE "Cloudflare API reads"): the client must not read it.
    return { id: t.id, name: t.name, status, connections: [], conns_active_at: null, conns_inactive_at: null, tun_type: 'cfd_tunnel', deleted_at: t.deleted ? '2026-01-01T00:00:00Z' : null };
  }
}

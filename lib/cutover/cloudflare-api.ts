/**
 * A small read-only Cloudflare API v4 client for the cutover (tunnels by name, a tunnel's status, a
 * hostname's CNAME record) and for `npm run discover` (any list or object it reads). Global fetch
 * (Node 20); every response is the documented envelope `{success, errors, messages, result,
 * result_info}` (https://developers.cloudflare.com/fundamentals/api/). The API allows 1,200 requests
 * per five minutes per user (https://developers.cloudflare.com/fundamentals/api/reference/limits/):
 * the client never sends more than that in any five-minute window (a sliding window, waiting when it
 * is full), and retries HTTP 429 after `Retry-After` or an exponential back-off. List endpoints are
 * read page by page until `result_info.total_pages`, or by `result_info.cursor` (R2).
 *
 * The token is sent only as a bearer header and never appears in an error message.
 */
import { API_REQUESTS_PER_WINDOW } from '../core/limits';

/** The public API; tests point `baseUrl` at a fake server on 127.0.0.1. */
export const CLOUDFLARE_API_BASE = 'https://api.cloudflare.com/client/v4';

/** A failed API call, one line: method, path, HTTP status and the API's own error codes. */
export class CloudflareApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudflareApiError';
  }
}

/** A tunnel as `GET /accounts/{account}/cfd_tunnel` returns it (the fields the cutover reads). */
export interface TunnelInfo {
  /** The tunnel id. */
  readonly id: string;
  /** The tunnel name. */
  readonly name: string;
  /** inactive | degraded | healthy | down */
  readonly status: string;
}

/** What the cutover reads from Cloudflare; the model test implements it over its simulated world. */
export interface CutoverApi {
  /** The tunnel with exactly this name (not deleted), or undefined. */
  tunnelByName(accountId: string, name: string): Promise<TunnelInfo | undefined>;
  /** A tunnel's status right now. */
  tunnelStatus(accountId: string, tunnelId: string): Promise<string>;
  /** The content of the hostname's CNAME record, or undefined when there is none. */
  cnameContent(zoneId: string, hostname: string): Promise<string | undefined>;
}

/** How `CloudflareApi` talks to the API: the token, and the retry, paging and rate-limit settings. */
export interface CloudflareApiOptions {
  /** API token (CLOUDFLARE_API_TOKEN). */
  readonly token: string;
  /** @default CLOUDFLARE_API_BASE */
  readonly baseUrl?: string;
  /** @default 5 (attempts per request while the API answers 429) */
  readonly maxAttempts?: number;
  /** Back-off base when a 429 has no Retry-After, doubled per attempt. @default 1000 */
  readonly backoffMs?: number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default 100 */
  readonly perPage?: number;
  /**
   * At most this many requests in any `windowMs` (client side; 429s are retried as well).
   * @default 1200 (API_REQUESTS_PER_WINDOW)
   */
  readonly requestsPerWindow?: number;
  /** @default 300000 (five minutes) */
  readonly windowMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * Called with one line per page of a list that has more than one page, and when the client waits
   * for the rate limit (progress on large accounts).
   * @default - silent
   */
  readonly progress?: (line: string) => void;
}

/**
 * A sliding-window limit: at most `limit` starts in any `windowMs`. `take()` resolves when one more
 * request may start (at once while the window has room, else when its oldest start leaves it).
 */
export class RequestWindow {
  private readonly starts: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Wait, if needed, then record a start. Returns how long it waited (ms). */
  public async take(): Promise<number> {
    let waited = 0;
    for (;;) {
      const t = this.now();
      while (this.starts.length && this.starts[0] <= t - this.windowMs) this.starts.shift();
      if (this.starts.length < this.limit) {
        this.starts.push(t);
        return waited;
      }
      const wait = this.starts[0] + this.windowMs - t;
      waited += wait;
      await this.sleep(wait);
    }
  }
}

/**
 * The Cloudflare API v4 response envelope
 * (https://developers.cloudflare.com/fundamentals/api/how-to/make-api-calls/): `success`, `errors`,
 * `result` (null on an error, and on some successful calls) and, for lists, `result_info` (pages, or a
 * `cursor` where the list is paginated by cursor). Read from untrusted JSON, so every field may be missing.
 */
export interface Envelope<T> {
  /** Whether the call succeeded; anything but `true` is a failure. */
  readonly success?: boolean;
  /** What went wrong, when it did. */
  readonly errors?: ReadonlyArray<{ readonly code?: number; readonly message?: string }>;
  /** The answer. */
  readonly result?: T | null;
  /** Paging of a list. */
  readonly result_info?: {
    readonly page?: number;
    readonly per_page?: number;
    readonly total_pages?: number;
    readonly count?: number;
    readonly total_count?: number;
    readonly cursor?: string;
  };
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The real client (global fetch).
 *
 * @example
 * const api = new CloudflareApi({ token: process.env.CLOUDFLARE_API_TOKEN! });
 * const tunnel = await api.tunnelByName(accountId, 'example-standby');
 * const status = tunnel && (await api.tunnelStatus(accountId, tunnel.id)); // 'healthy' | 'degraded' | 'down' | 'inactive'
 */
export class CloudflareApi implements CutoverApi {
  private readonly base: string;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly perPage: number;
  private readonly window: RequestWindow;
  private sent = 0;

  constructor(private readonly options: CloudflareApiOptions) {
    this.base = (options.baseUrl ?? CLOUDFLARE_API_BASE).replace(/\/+$/, '');
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoffMs = options.backoffMs ?? 1000;
    this.sleep = options.sleep ?? wait;
    this.perPage = options.perPage ?? 100;
    this.window = new RequestWindow(options.requestsPerWindow ?? API_REQUESTS_PER_WINDOW, options.windowMs ?? 300_000, options.now ?? Date.now, this.sleep);
  }

  /** How many HTTP requests this client has sent (retries included). */
  public get requests(): number {
    return this.sent;
  }

  public async tunnelByName(accountId: string, name: string): Promise<TunnelInfo | undefined> {
    const tunnels = await this.list<TunnelInfo>(`/accounts/${accountId}/cfd_tunnel`, { name, is_deleted: 'false' });
    return tunnels.find((t) => t.name === name);
  }

  public async tunnelStatus(accountId: string, tunnelId: string): Promise<string> {
    // result.status; result.connections is deprecated ("will start returning an empty array"), see
    // https://developers.cloudflare.com/api/resources/zero_trust/subresources/tunnels/subresources/cloudflared/methods/get/
    const { result } = await this.get<TunnelInfo>(`/accounts/${accountId}/cfd_tunnel/${tunnelId}`, {});
    return result?.status ?? '';
  }

  public async cnameContent(zoneId: string, hostname: string): Promise<string | undefined> {
    const records = await this.list<{ name: string; type: string; content: string }>(`/zones/${zoneId}/dns_records`, {
      type: 'CNAME',
      'name.exact': hostname,
    });
    return records.find((r) => r.type === 'CNAME' && r.name.toLowerCase() === hostname.toLowerCase())?.content;
  }

  /** Every page of a list endpoint. */
  public async list<T>(path: string, query: Record<string, string>, headers: Record<string, string> = {}): Promise<T[]> {
    const all: T[] = [];
    for (let page = 1; ; page++) {
      const env = await this.get<T[]>(path, { ...query, page: String(page), per_page: String(this.perPage) }, headers);
      all.push(...(env.result ?? []));
      const pages = env.result_info?.total_pages ?? 1;
      if (pages > 1) this.options.progress?.(`GET ${path}: page ${page} of ${pages}`);
      if (page >= pages || (env.result ?? []).length === 0) return all;
    }
  }

  /**
   * Every page of a list paginated by cursor (R2 buckets: `result.<key>[]` and `result_info.cursor`,
   * https://developers.cloudflare.com/api/resources/r2/subresources/buckets/methods/list/).
   */
  public async listByCursor<T>(path: string, key: string, headers: Record<string, string> = {}): Promise<T[]> {
    const all: T[] = [];
    let cursor: string | undefined;
    for (let page = 1; ; page++) {
      const env = await this.get<Record<string, T[] | undefined>>(path, { per_page: String(this.perPage), ...(cursor ? { cursor } : {}) }, headers);
      const items = env.result?.[key] ?? [];
      all.push(...items);
      cursor = env.result_info?.cursor || undefined;
      if (cursor) this.options.progress?.(`GET ${path}: page ${page}, more follow`);
      if (!cursor || items.length === 0) return all;
    }
  }

  /** One GET, retried while the API answers 429; never more than the request window allows. */
  public async get<T>(path: string, query: Record<string, string>, headers: Record<string, string> = {}): Promise<Envelope<T>> {
    const url = `${this.base}${path}${Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : ''}`;
    const where = `GET ${path}`;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      const waited = await this.window.take();
      if (waited > 0) this.options.progress?.(`waited ${Math.ceil(waited / 1000)} s for the API rate limit (${this.options.requestsPerWindow ?? API_REQUESTS_PER_WINDOW} requests per ${Math.round((this.options.windowMs ?? 300_000) / 1000)} s)`);
      this.sent++;
      try {
        response = await fetch(url, { headers: { ...headers, authorization: `Bearer ${this.options.token}`, accept: 'application/json' } });
      } catch (error) {
        throw new CloudflareApiError(`${where}: ${(error as Error).message}`);
      }
      if (response.status === 429 && attempt < this.maxAttempts) {
        const retryAfter = Number(response.headers.get('retry-after'));
        await response.arrayBuffer().catch(() => undefined);
        await this.sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : this.backoffMs * 2 ** (attempt - 1));
        continue;
      }
      let body: Envelope<T> | undefined;
      try {
        body = (await response.json()) as Envelope<T>;
      } catch {
        body = undefined;
      }
      if (!response.ok || !body || body.success !== true) {
        const errors = (body?.errors ?? []).map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).filter(Boolean);
        const why = response.status === 429 ? `rate limited after ${attempt} attempts` : errors.join('; ') || 'no API error given';
        throw new CloudflareApiError(`${where}: HTTP ${response.status}: ${why}`);
      }
      return body;
    }
  }
}

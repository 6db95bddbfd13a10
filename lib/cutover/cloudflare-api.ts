/**
 * A small read-only Cloudflare API v4 client for the cutover: tunnels by name, a tunnel's status, and a
 * hostname's CNAME record. Global fetch (Node 20); every response is the documented envelope
 * `{success, errors, messages, result, result_info}` (https://developers.cloudflare.com/fundamentals/api/);
 * HTTP 429 is retried after `Retry-After` or an exponential back-off (the API allows 1,200 requests per
 * five minutes per user, https://developers.cloudflare.com/fundamentals/api/reference/limits/); list
 * endpoints are read page by page until `result_info.total_pages`.
 *
 * The token is sent only as a bearer header and never appears in an error message.
 */

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
  readonly id: string;
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
}

interface Envelope<T> {
  success: boolean;
  errors?: Array<{ code?: number; message?: string }>;
  result: T;
  result_info?: { page?: number; per_page?: number; total_pages?: number; count?: number; total_count?: number };
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

  constructor(private readonly options: CloudflareApiOptions) {
    this.base = (options.baseUrl ?? CLOUDFLARE_API_BASE).replace(/\/+$/, '');
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoffMs = options.backoffMs ?? 1000;
    this.sleep = options.sleep ?? wait;
    this.perPage = options.perPage ?? 100;
  }

  public async tunnelByName(accountId: string, name: string): Promise<TunnelInfo | undefined> {
    const tunnels = await this.list<TunnelInfo>(`/accounts/${accountId}/cfd_tunnel`, { name, is_deleted: 'false' });
    return tunnels.find((t) => t.name === name);
  }

  public async tunnelStatus(accountId: string, tunnelId: string): Promise<string> {
    // result.status; result.connections is deprecated and may be empty (FIELD-GUIDE "Cloudflare API reads").
    const { result } = await this.get<TunnelInfo>(`/accounts/${accountId}/cfd_tunnel/${tunnelId}`, {});
    return String(result?.status ?? '');
  }

  public async cnameContent(zoneId: string, hostname: string): Promise<string | undefined> {
    const records = await this.list<{ name: string; type: string; content: string }>(`/zones/${zoneId}/dns_records`, {
      type: 'CNAME',
      'name.exact': hostname,
    });
    return records.find((r) => r.type === 'CNAME' && r.name.toLowerCase() === hostname.toLowerCase())?.content;
  }

  /** Every page of a list endpoint. */
  public async list<T>(path: string, query: Record<string, string>): Promise<T[]> {
    const all: T[] = [];
    for (let page = 1; ; page++) {
      const env = await this.get<T[]>(path, { ...query, page: String(page), per_page: String(this.perPage) });
      all.push(...(env.result ?? []));
      const pages = env.result_info?.total_pages ?? 1;
      if (page >= pages || (env.result ?? []).length === 0) return all;
    }
  }

  /** One GET, retried while the API answers 429. */
  public async get<T>(path: string, query: Record<string, string>): Promise<Envelope<T>> {
    const url = `${this.base}${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`;
    const where = `GET ${path}`;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, { headers: { authorization: `Bearer ${this.options.token}`, accept: 'application/json' } });
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

/**
 * The cutover's Cloudflare API client against a fake API on 127.0.0.1 answering in the documented
 * envelope: reads by name, status, records, pagination, 429 back-off, the request window and one-line errors.
 */
import { API_REQUESTS_PER_WINDOW } from '../../../lib/core/limits';
import { CloudflareApi, CloudflareApiError, RequestWindow } from '../../../lib/cutover/cloudflare-api';
import { FakeCloudflare } from './fake-cloudflare';

const TOKEN = 'test-token-value';
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ZONE = 'fedcba9876543210fedcba9876543210';

let fake: FakeCloudflare;
let sleeps: number[];
const api = (token = TOKEN, options: Partial<ConstructorParameters<typeof CloudflareApi>[0]> = {}) =>
  new CloudflareApi({ token, baseUrl: fake.url, sleep: async (ms) => void sleeps.push(ms), ...options });

beforeEach(async () => {
  sleeps = [];
  fake = new FakeCloudflare({ token: TOKEN, account: ACCOUNT, keepPrimaryConnector: true });
  fake.seed('example', () => ZONE, ['admin.example.com', 'www.example.com'], 'primary');
  await fake.start();
});
afterEach(() => fake.stop());

test('a tunnel is found by its exact name, deleted namesakes excluded (is_deleted=false)', async () => {
  // GIVEN a live tunnel and a deleted one with the same name
  // WHEN it is looked up by name
  const t = await api().tunnelByName(ACCOUNT, 'example-standby');
  // THEN the live one comes back, and the query asked for undeleted tunnels by name
  expect(t).toMatchObject({ id: 'example-standby-uuid', name: 'example-standby' });
  expect(fake.requests[0]).toBe(`GET /client/v4/accounts/${ACCOUNT}/cfd_tunnel?name=example-standby&is_deleted=false&page=1&per_page=100`);
  expect(await api().tunnelByName(ACCOUNT, 'example-nothing')).toBeUndefined();
});

test("a tunnel's status is result.status of GET cfd_tunnel/{id} (the deprecated connections list is not read)", async () => {
  fake.script.set('example-standby-uuid', ['degraded']);
  expect(await api().tunnelStatus(ACCOUNT, 'example-standby-uuid')).toBe('degraded');
  expect(await api().tunnelStatus(ACCOUNT, 'example-standby-uuid')).toBe('down');
  expect(fake.requests).toEqual([`GET /client/v4/accounts/${ACCOUNT}/cfd_tunnel/example-standby-uuid`, `GET /client/v4/accounts/${ACCOUNT}/cfd_tunnel/example-standby-uuid`]);
});

test("a hostname's CNAME content, or undefined when it has none", async () => {
  expect(await api().cnameContent(ZONE, 'admin.example.com')).toBe('example-primary-uuid.cfargotunnel.com');
  expect(await api().cnameContent(ZONE, 'nothing.example.com')).toBeUndefined();
  expect(fake.requests[0]).toBe(`GET /client/v4/zones/${ZONE}/dns_records?type=CNAME&name.exact=admin.example.com&page=1&per_page=100`);
});

test('list endpoints are read page by page until result_info.total_pages', async () => {
  // GIVEN 250 tunnels with one name (an API with 100 per page)
  for (let i = 0; i < 248; i++) fake.tunnels.push({ id: `t-${i}`, name: 'example-primary', status: 'down' });
  // WHEN listed
  const all = await api().list<{ id: string }>(`/accounts/${ACCOUNT}/cfd_tunnel`, { name: 'example-primary' });
  // THEN all 249 come back in three requests
  expect(all).toHaveLength(249);
  expect(fake.requests.map((r) => /page=(\d+)/.exec(r)![1])).toEqual(['1', '2', '3']);
});

test('HTTP 429 is retried after Retry-After seconds', async () => {
  fake.rateLimited = 2;
  fake.retryAfter = '3';
  expect(await api().tunnelStatus(ACCOUNT, 'example-primary-uuid')).toBe('healthy');
  expect(sleeps).toEqual([3000, 3000]);
  expect(fake.requests).toHaveLength(3);
});

test('HTTP 429 without Retry-After backs off exponentially, and gives up with one line', async () => {
  fake.rateLimited = 10;
  fake.retryAfter = undefined;
  const error = await api(TOKEN, { maxAttempts: 4, backoffMs: 10 })
    .tunnelStatus(ACCOUNT, 'example-primary-uuid')
    .catch((e) => e);
  expect(sleeps).toEqual([10, 20, 40]);
  expect(error).toBeInstanceOf(CloudflareApiError);
  expect(error.message).toBe(`GET /accounts/${ACCOUNT}/cfd_tunnel/example-primary-uuid: HTTP 429: rate limited after 4 attempts`);
});

test("an API error is one line with the API's codes, and never contains the token", async () => {
  const error = await api('wrong-secret-token')
    .tunnelByName(ACCOUNT, 'example-primary')
    .catch((e) => e);
  expect(error).toBeInstanceOf(CloudflareApiError);
  expect(error.message).toBe(`GET /accounts/${ACCOUNT}/cfd_tunnel: HTTP 403: 10000 Authentication error`);
  expect(error.message).not.toContain('wrong-secret-token');
  const missing = await api().tunnelStatus(ACCOUNT, 'no-such-tunnel').catch((e) => e);
  expect(missing.message).toBe(`GET /accounts/${ACCOUNT}/cfd_tunnel/no-such-tunnel: HTTP 404: 1003 Tunnel not found`);
});

test('an unreachable API is one line too', async () => {
  const url = fake.url;
  await fake.stop();
  const error = await new CloudflareApi({ token: TOKEN, baseUrl: url }).tunnelStatus(ACCOUNT, 'x').catch((e) => e);
  expect(error).toBeInstanceOf(CloudflareApiError);
  expect(error.message).toMatch(new RegExp(`^GET /accounts/${ACCOUNT}/cfd_tunnel/x: fetch failed$`));
  await fake.start(); // for afterEach
});

test('never more than requestsPerWindow requests in any window: the client waits for the oldest to leave it, and says so', async () => {
  // GIVEN a window of 2 requests per second and a clock that only moves when the client sleeps
  let clock = 10_000;
  const lines: string[] = [];
  const client = api(TOKEN, {
    requestsPerWindow: 2,
    windowMs: 1000,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    progress: (l) => lines.push(l),
  });
  // WHEN five requests go out, 100 ms apart after the first two
  await client.tunnelStatus(ACCOUNT, 'example-primary-uuid');
  clock += 100;
  await client.tunnelStatus(ACCOUNT, 'example-primary-uuid');
  clock += 100;
  await client.tunnelStatus(ACCOUNT, 'example-primary-uuid');
  await client.tunnelStatus(ACCOUNT, 'example-primary-uuid');
  await client.tunnelStatus(ACCOUNT, 'example-primary-uuid');
  // THEN the third waits until the first is a second old, the fourth until the second is, and so on
  expect(sleeps).toEqual([800, 100, 900]);
  expect(client.requests).toBe(5);
  expect(lines[0]).toBe('waited 1 s for the API rate limit (2 requests per 1 s)');
});

test('the default window is the documented 1,200 requests per five minutes', async () => {
  // GIVEN the window a client gets by default (lib/core/limits.ts)
  let clock = 0;
  const window = new RequestWindow(API_REQUESTS_PER_WINDOW, 300_000, () => clock, async (ms) => void (clock += ms));
  // THEN 1,200 requests start at once and the next waits the whole five minutes
  for (let i = 0; i < 1200; i++) await window.take();
  expect(clock).toBe(0);
  expect(await window.take()).toBe(300_000);
  expect(API_REQUESTS_PER_WINDOW).toBe(1200);
});

/**
 * readGuestAttributes: the real client against a fake Compute Engine API on 127.0.0.1 answering
 * `instances.getGuestAttributes` in its documented shape
 * (cloud.google.com/compute/docs/reference/rest/v1/instances/getGuestAttributes).
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { GUEST_ATTRIBUTE_KEYS, GuestAttributesError, readGuestAttributes, ReadGuestAttributesOptions } from '../../../lib/google/guest-attributes';

const ACCESS_TOKEN = 'ya29.example-placeholder-access-token';
const PATH = '/compute/v1/projects/example-prod/zones/europe-west1-b/instances/edge-primary/getGuestAttributes';

interface Seen {
  path: string;
  queryPath: string | null;
  authorization: string | undefined;
}

let server: http.Server;
let baseUrl: string;
const seen: Seen[] = [];
/** The next answer: status and body. */
let answer: { status: number; body: string } = { status: 200, body: '{}' };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push({ path: url.pathname, queryPath: url.searchParams.get('queryPath'), authorization: req.headers.authorization });
    res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/compute/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

const options = (overrides: Partial<ReadGuestAttributesOptions> = {}): ReadGuestAttributesOptions => ({
  project: 'example-prod',
  zone: 'europe-west1-b',
  instance: 'edge-primary',
  accessToken: ACCESS_TOKEN,
  baseUrl,
  ...overrides,
});

async function failure(opts: ReadGuestAttributesOptions): Promise<GuestAttributesError> {
  try {
    await readGuestAttributes(opts);
  } catch (error) {
    expect(error).toBeInstanceOf(GuestAttributesError);
    expect((error as Error).message).not.toContain(ACCESS_TOKEN);
    return error as GuestAttributesError;
  }
  throw new Error('expected readGuestAttributes to fail');
}

test('reads the gatehouse/ namespace: key -> value, sorted, nothing from other namespaces', async () => {
  // GIVEN the host published its state (and another agent wrote its own namespace)
  answer = {
    status: 200,
    body: JSON.stringify({
      kind: 'compute#guestAttributes',
      queryPath: 'gatehouse/',
      queryValue: {
        items: [
          { namespace: 'gatehouse', key: 'token_version', value: '3' },
          { namespace: 'gatehouse', key: 'bootstrap', value: 'ok' },
          { namespace: 'gatehouse', key: 'connector', value: 'active' },
          { namespace: 'hostkeys', key: 'ssh-ed25519', value: 'AAAA' },
          { namespace: 'gatehouse', key: 'last_error', value: 'metadata server answered HTTP 503; keeping cloudflared.service active' },
          { namespace: 'gatehouse', key: 'cloudflared_version', value: '2026.7.2' },
        ],
      },
      selfLink: 'https://www.googleapis.com/compute/v1/projects/example-prod/zones/europe-west1-b/instances/edge-primary/guestAttributes/gatehouse/',
    }),
  };
  // WHEN
  const attributes = await readGuestAttributes(options());
  // THEN
  expect(attributes).toEqual({
    bootstrap: 'ok',
    cloudflared_version: '2026.7.2',
    connector: 'active',
    last_error: 'metadata server answered HTTP 503; keeping cloudflared.service active',
    token_version: '3',
  });
  expect(Object.keys(attributes)).toEqual([...GUEST_ATTRIBUTE_KEYS].sort());
  // AND the request was the documented one, with the token in the Authorization header only
  expect(seen).toEqual([{ path: PATH, queryPath: 'gatehouse/', authorization: `Bearer ${ACCESS_TOKEN}` }]);
});

test('an answer without items is an empty record', async () => {
  answer = { status: 200, body: JSON.stringify({ kind: 'compute#guestAttributes', queryPath: 'gatehouse/', queryValue: {} }) };
  expect(await readGuestAttributes(options({ baseUrl: `${baseUrl}/` }))).toEqual({});
  expect(seen[0].path).toBe(PATH);
});

test('another namespace can be read', async () => {
  answer = { status: 200, body: JSON.stringify({ queryValue: { items: [{ namespace: 'hostkeys', key: 'ssh-ed25519', value: 'AAAA' }] } }) };
  expect(await readGuestAttributes(options({ namespace: 'hostkeys' }))).toEqual({ 'ssh-ed25519': 'AAAA' });
  expect(seen[0].queryPath).toBe('hostkeys/');
});

test.each([
  [404, { error: { code: 404, message: "The resource 'projects/example-prod/zones/europe-west1-b/instances/edge-primary' was not found", status: 'NOT_FOUND' } }, "HTTP 404: The resource 'projects/example-prod/zones/europe-west1-b/instances/edge-primary' was not found"],
  [403, { error: { code: 403, message: "Required 'compute.instances.getGuestAttributes' permission", status: 'PERMISSION_DENIED' } }, "HTTP 403: Required 'compute.instances.getGuestAttributes' permission"],
  [500, 'not json', 'HTTP 500'],
])('an API error (%p) is a GuestAttributesError with its status and message', async (status, body, message) => {
  answer = { status, body: typeof body === 'string' ? body : JSON.stringify(body) };
  const error = await failure(options());
  expect(error.status).toBe(status);
  expect(error.message).toBe(`getGuestAttributes for instance edge-primary in example-prod/europe-west1-b: ${message}`);
});

test.each([
  ['not JSON', 'hello', 'the answer is not a guestAttributes object'],
  ['items not a list', JSON.stringify({ queryValue: { items: 'x' } }), 'the answer is not a guestAttributes object'],
  ['an item without a value', JSON.stringify({ queryValue: { items: [{ namespace: 'gatehouse', key: 'bootstrap' }] } }), 'an item is not {namespace, key, value}'],
])('a malformed answer (%s) is an error', async (_what, body, message) => {
  answer = { status: 200, body };
  expect((await failure(options())).message).toContain(message);
});

test('no answer at all (connection refused) is an error with status 0', async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const error = await failure(options({ baseUrl: `http://127.0.0.1:${port}/compute/v1` }));
  expect(error.status).toBe(0);
  expect(error.message).toContain(`no answer from http://127.0.0.1:${port}/compute/v1`);
});

test('bad arguments are refused before any request, all at once', async () => {
  const error = await failure(options({ project: 'Example_Prod', zone: 'europe-west1', instance: 'Edge', accessToken: 'has space' }));
  expect(error.message).toBe(
    'readGuestAttributes: project "Example_Prod" is not a project id; zone "europe-west1" is not a zone such as europe-west1-b; ' +
      'instance "Edge" is not an instance name; the access token is empty or has whitespace',
  );
  expect(seen).toEqual([]);
});

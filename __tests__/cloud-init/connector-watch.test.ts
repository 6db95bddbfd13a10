/**
 * The real watcher, token fetcher and status reporter (as rendered into user-data) run with bash
 * against fakes in this process: the GCE metadata server (attribute hanging GETs, service-account
 * token, guest-attribute PUTs), Secret Manager (versions that rotate) and a DNS-over-HTTPS resolver
 * (JSON API). systemctl is a stateful stand-in that logs its arguments, and every external command the
 * scripts run (curl, jq, base64, mv, ...) goes through a wrapper that records its argv, so the test can
 * prove that no token ever reaches a command line.
 */
import { ChildProcess, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { CONNECTOR_ACTIVATION_ATTRIBUTE, ConnectorUserDataOptions, renderConnectorUserData } from '../../lib/google/user-data';

/** Placeholders shaped like tunnel tokens (base64 JSON); not real credentials. */
const placeholderToken = (secret: string) =>
  Buffer.from(JSON.stringify({ a: 'example-account-tag', t: '00000000-0000-4000-8000-000000000000', s: Buffer.from(secret).toString('base64') })).toString(
    'base64',
  );
const PLACEHOLDER_TUNNEL_TOKEN = placeholderToken('placeholder');
const ROTATED_TUNNEL_TOKEN = placeholderToken('rotated-placeholder');
const PLACEHOLDER_ACCESS_TOKEN = 'ya29.example-placeholder-access-token';
const SECRET_VERSION = 'projects/example-project/secrets/edge-tunnel-token/versions/latest';
const ATTRIBUTE_PATH = `/computeMetadata/v1/instance/attributes/${CONNECTOR_ACTIVATION_ATTRIBUTE}`;
const GUEST_ATTRIBUTES_PATH = '/computeMetadata/v1/instance/guest-attributes/gatehouse/';
const DNS_RECORD = '_gatehouse-example-standby.example.com';
const WAIT_TIMEOUT_SEC = 2;
const UNIT = 'cloudflared.service';
/** External commands the scripts may run; each goes through the argv-recording wrapper. */
const WRAPPED = ['curl', 'jq', 'base64', 'mktemp', 'mv', 'mkdir', 'dirname', 'stat', 'cp', 'chmod', 'rm', 'sleep', 'cat', 'sha256sum', 'head', 'flock'];

interface AttributeRequest {
  n: number;
  flavor: string | undefined;
  waitForChange: string | null;
  lastEtag: string | null;
  timeoutSec: string | null;
  status: number;
  etag?: string;
  outcome: 'error' | 'missing' | 'immediate' | 'changed' | 'timeout';
}

/** What the fake resolver answers for the TXT record. */
type DnsAnswer = { txt: string[] } | { status: number } | { http: number } | { body: string };

/** Fake GCE metadata server + Secret Manager + DNS-over-HTTPS resolver, enough for the scripts. */
class FakeGoogle {
  public readonly attributeRequests: AttributeRequest[] = [];
  public readonly tokenRequests: Array<{ flavor: string | undefined }> = [];
  public readonly secretRequests: Array<{ path: string; authorization: string | undefined; status: number; version?: number }> = [];
  public readonly guestWrites: Array<{ key: string; value: string; flavor: string | undefined }> = [];
  public readonly dnsRequests: Array<{ name: string | null; type: string | null; accept: string | undefined }> = [];
  /** 1-based attribute request numbers answered with 503. */
  public failAttributeRequests = new Set<number>();
  /** How many Secret Manager requests to refuse (403) before answering. */
  public refuseSecretRequests = 0;
  /** The secret's versions, oldest first; version n is secretVersions[n - 1]. */
  public secretVersions = [PLACEHOLDER_TUNNEL_TOKEN];
  public dns: DnsAnswer = { status: 3 };
  /** The fake's base URL, once listening. */
  public url = '';
  /** Watchers started against this fake; killed when the scenario ends. */
  public readonly children = new Set<ChildProcess>();
  private value: string | undefined;
  private version = 0;
  private port = 0;
  private readonly held = new Set<{ respond: () => void; timer: NodeJS.Timeout }>();
  private server = this.newServer();

  public async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    return this.url;
  }

  public async close(): Promise<void> {
    for (const h of this.held) clearTimeout(h.timer);
    this.held.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** An outage: every connection is cut and refused until `resume`. */
  public async pause(): Promise<void> {
    await this.close();
    this.server = this.newServer();
  }

  public async resume(): Promise<void> {
    await this.listen();
  }

  /** Change the attribute (undefined deletes it); held hanging GETs answer at once. */
  public set(value: string | undefined): void {
    this.value = value;
    this.version += 1;
    for (const h of [...this.held]) h.respond();
  }

  /** Add a secret version (what a token rotation does to Secret Manager). */
  public rotate(token: string): void {
    this.secretVersions.push(token);
  }

  public get heldCount(): number {
    return this.held.size;
  }

  /** The last value written to each guest attribute. */
  public get guestAttributes(): Record<string, string> {
    return Object.fromEntries(this.guestWrites.map((w) => [w.key, w.value]));
  }

  private newServer(): http.Server {
    return http.createServer((req, res) => this.handle(req, res));
  }

  private get etag(): string {
    return createHash('sha256').update(`${this.version}:${this.value}`).digest('hex').slice(0, 16);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const flavor = req.headers['metadata-flavor'] as string | undefined;
    if (url.pathname === ATTRIBUTE_PATH) return this.attribute(url, flavor, res);
    if (url.pathname.startsWith(GUEST_ATTRIBUTES_PATH) && req.method === 'PUT') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (flavor !== 'Google') return void res.writeHead(403).end('missing Metadata-Flavor');
        this.guestWrites.push({ key: url.pathname.slice(GUEST_ATTRIBUTES_PATH.length), value: body, flavor });
        res.writeHead(200, { 'Metadata-Flavor': 'Google' }).end();
      });
      return;
    }
    if (url.pathname === '/computeMetadata/v1/instance/service-accounts/default/token') {
      this.tokenRequests.push({ flavor });
      if (flavor !== 'Google') return void res.writeHead(403).end('missing Metadata-Flavor');
      res.writeHead(200, { 'Content-Type': 'application/json', 'Metadata-Flavor': 'Google' });
      return void res.end(JSON.stringify({ access_token: PLACEHOLDER_ACCESS_TOKEN, expires_in: 3599, token_type: 'Bearer' }));
    }
    if (url.pathname === `/v1/${SECRET_VERSION}:access`) {
      const authorization = req.headers.authorization;
      let status = authorization === `Bearer ${PLACEHOLDER_ACCESS_TOKEN}` ? 200 : 401;
      if (status === 200 && this.refuseSecretRequests > 0) {
        this.refuseSecretRequests -= 1;
        status = 403;
      }
      const version = this.secretVersions.length;
      this.secretRequests.push({ path: url.pathname, authorization, status, ...(status === 200 ? { version } : {}) });
      if (status !== 200) return void res.writeHead(status, { 'Content-Type': 'application/json' }).end('{"error":{"code":403,"status":"PERMISSION_DENIED"}}');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      // AccessSecretVersionResponse: the name carries the project number and the resolved version.
      return void res.end(
        JSON.stringify({
          name: `projects/123456789012/secrets/edge-tunnel-token/versions/${version}`,
          payload: { data: Buffer.from(this.secretVersions[version - 1]).toString('base64'), dataCrc32c: '0' },
        }),
      );
    }
    if (url.pathname === '/dns-query') return this.doh(url, req, res);
    res.writeHead(404).end('not found');
  }

  /** DNS-over-HTTPS JSON (developers.cloudflare.com/1.1.1.1/encryption/dns-over-https/make-api-requests/dns-json/). */
  private doh(url: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
    const name = url.searchParams.get('name');
    this.dnsRequests.push({ name, type: url.searchParams.get('type'), accept: req.headers.accept });
    const answer = this.dns;
    if ('http' in answer) return void res.writeHead(answer.http).end('unavailable');
    if ('body' in answer) return void res.writeHead(200, { 'Content-Type': 'application/dns-json' }).end(answer.body);
    const question = [{ name, type: 16 }];
    const body =
      'txt' in answer
        ? { Status: 0, TC: false, RD: true, RA: true, AD: true, CD: false, Question: question, Answer: answer.txt.map((t) => ({ name, type: 16, TTL: 60, data: `"${t}"` })) }
        : { Status: answer.status, TC: false, RD: true, RA: true, AD: false, CD: false, Question: question };
    res.writeHead(200, { 'Content-Type': 'application/dns-json' }).end(JSON.stringify(body));
  }

  private attribute(url: URL, flavor: string | undefined, res: http.ServerResponse): void {
    const q = url.searchParams;
    const record: AttributeRequest = {
      n: this.attributeRequests.length + 1,
      flavor,
      waitForChange: q.get('wait_for_change'),
      lastEtag: q.get('last_etag'),
      timeoutSec: q.get('timeout_sec'),
      status: 0,
      outcome: 'immediate',
    };
    this.attributeRequests.push(record);
    const answer = (outcome: AttributeRequest['outcome']) => {
      record.outcome = outcome;
      if (this.value === undefined) {
        record.status = 404;
        record.outcome = 'missing';
        return void res.writeHead(404, { 'Metadata-Flavor': 'Google' }).end('not found');
      }
      record.status = 200;
      record.etag = this.etag;
      res.writeHead(200, { 'Metadata-Flavor': 'Google', ETag: this.etag, 'Content-Type': 'application/text' });
      res.end(this.value);
    };
    if (flavor !== 'Google') {
      record.status = 403;
      record.outcome = 'error';
      return void res.writeHead(403).end('missing Metadata-Flavor');
    }
    if (this.failAttributeRequests.has(record.n)) {
      record.status = 503;
      record.outcome = 'error';
      return void res.writeHead(503).end('service unavailable');
    }
    const waiting = q.get('wait_for_change') === 'true' && this.value !== undefined && q.get('last_etag') === this.etag;
    if (!waiting) return answer('immediate');
    // Hanging GET: answer when the value changes, or with the same value after timeout_sec.
    const timeoutMs = Math.min(Number(q.get('timeout_sec') ?? '60'), 10) * 1000;
    const hold = {
      respond: () => {
        clearTimeout(hold.timer);
        this.held.delete(hold);
        answer('changed');
      },
      timer: setTimeout(() => {
        this.held.delete(hold);
        answer('timeout');
      }, timeoutMs),
    };
    this.held.add(hold);
  }
}

/** One scenario's scratch directory, stand-ins and rendered scripts. */
interface Host {
  google: FakeGoogle;
  dir: string;
  argvLog: string;
  systemctlLog: string;
  tunnelEnv: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  watchScript: string;
  statusScript: string;
}

let tmpRoot: string;

beforeAll(async () => {
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-watch-'));
});

afterAll(() => {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

/**
 * Run one scenario against its own fakes (scenarios run concurrently: they mostly wait), and always
 * clean up its watchers and server.
 */
async function scenario(body: (google: FakeGoogle) => Promise<void>): Promise<void> {
  const google = new FakeGoogle();
  await google.listen();
  try {
    await body(google);
  } finally {
    for (const child of google.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await google.close();
  }
}

interface HostOptions {
  /** Extra environment for the scripts. */
  readonly env?: Record<string, string>;
  /** Write GATEHOUSE_STATE_DIR/bootstrap-done (gatehouse-bootstrap finished). @default true */
  readonly bootstrapped?: boolean;
}

/** Render the user-data, lay out its scripts and settings in a scratch dir, and build the stand-ins. */
function prepareHost(google: FakeGoogle, name: string, options: ConnectorUserDataOptions, hostOptions: HostOptions = {}): Host {
  const baseUrl = google.url;
  const dir = path.join(tmpRoot, name);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const argvLog = path.join(dir, 'argv.log');
  const systemctlLog = path.join(dir, 'systemctl.log');
  fs.writeFileSync(argvLog, '');
  fs.writeFileSync(systemctlLog, '');

  const config = parse(renderConnectorUserData(options)) as { write_files: Array<{ path: string; content: string }> };
  const content = (p: string) => {
    const entry = config.write_files.find((f) => f.path === p);
    if (!entry) throw new Error(`rendered user-data has no ${p}`);
    return entry.content;
  };
  const connectorEnv = path.join(dir, 'connector.env');
  fs.writeFileSync(connectorEnv, content('/etc/gatehouse/connector.env'));
  const script = (name: string) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, content(`/usr/local/sbin/${name}`), { mode: 0o755 });
    return target;
  };
  const fetchToken = script('gatehouse-fetch-token');
  const watchScript = script('gatehouse-connector-watch');
  const statusScript = script('gatehouse-status');

  // Argv recorder: logs the command line, then runs the real command.
  const recorder = path.join(dir, 'record-argv');
  fs.writeFileSync(
    recorder,
    [
      '#!/bin/bash',
      'name=${0##*/}',
      `{ printf '%s' "$name"; printf ' %q' "$@"; printf '\\n'; } >>"$ARGV_LOG"`,
      'PATH=$REAL_PATH exec "$name" "$@"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  for (const command of WRAPPED) fs.symlinkSync(recorder, path.join(bin, command));
  // systemctl stand-in: records argv and the call, and keeps the unit's state for is-active.
  fs.writeFileSync(
    path.join(bin, 'systemctl'),
    [
      '#!/bin/bash',
      `{ printf 'systemctl'; printf ' %q' "$@"; printf '\\n'; } >>"$ARGV_LOG"`,
      `printf '%s\\n' "$*" >>"$SYSTEMCTL_LOG"`,
      'case $1 in',
      '  start | restart) echo active >"$SYSTEMCTL_LOG.state" ;;',
      '  stop) echo inactive >"$SYSTEMCTL_LOG.state" ;;',
      '  is-active) [[ $(cat "$SYSTEMCTL_LOG.state" 2>/dev/null) == active ]] ;;',
      'esac',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );

  const stateDir = path.join(dir, 'state');
  fs.mkdirSync(stateDir);
  if (hostOptions.bootstrapped ?? true) fs.writeFileSync(path.join(stateDir, 'bootstrap-done'), '2026.7.2\n');
  const tunnelEnv = path.join(dir, 'etc', 'cloudflared', 'tunnel.env');
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH}`,
    REAL_PATH: process.env.PATH,
    HOME: dir,
    LANG: 'C',
    ARGV_LOG: argvLog,
    SYSTEMCTL_LOG: systemctlLog,
    GATEHOUSE_CONFIG: connectorEnv,
    GATEHOUSE_METADATA_URL: `${baseUrl}/computeMetadata/v1`,
    GATEHOUSE_SECRET_MANAGER_URL: baseUrl,
    GATEHOUSE_DOH_URL: `${baseUrl}/dns-query`,
    GATEHOUSE_SYSTEMCTL: path.join(bin, 'systemctl'),
    GATEHOUSE_FETCH_TOKEN: fetchToken,
    GATEHOUSE_STATUS: statusScript,
    GATEHOUSE_STATE_DIR: stateDir,
    GATEHOUSE_TUNNEL_ENV: tunnelEnv,
    GATEHOUSE_TOKEN_FILE_UID: String(process.getuid?.() ?? 0),
    GATEHOUSE_WAIT_TIMEOUT_SEC: String(WAIT_TIMEOUT_SEC),
    GATEHOUSE_BACKOFF_INITIAL_MS: '100',
    GATEHOUSE_BACKOFF_MAX_MS: '400',
    GATEHOUSE_MISSING_POLL_MS: '200',
    GATEHOUSE_DNS_POLL_MS: '100',
    GATEHOUSE_MAX_ITERATIONS: '200',
    ...hostOptions.env,
  };
  return { google, dir, argvLog, systemctlLog, tunnelEnv, stateDir, env, watchScript, statusScript };
}

interface Watcher {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWatcher(host: Host): Watcher {
  const child = spawn('bash', [host.watchScript], { env: host.env, stdio: ['ignore', 'ignore', 'pipe'] });
  host.google.children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => stderr, exited };
}

async function stopWatcher(watcher: Watcher): Promise<void> {
  watcher.child.kill('SIGTERM');
  expect(await watcher.exited).toEqual({ code: 0, signal: null });
}

/** start/stop/restart calls (is-active queries left out). */
function systemctlCalls(host: Host): string[] {
  return fs
    .readFileSync(host.systemctlLog, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('is-active'));
}

function statusFile(host: Host): Record<string, string> {
  const file = path.join(host.stateDir, 'status');
  if (!fs.existsSync(file)) return {};
  return Object.fromEntries(
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

async function waitFor(what: string, condition: () => boolean, watcher?: Watcher, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}\n--- watcher stderr ---\n${watcher?.stderr() ?? ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** No token of any kind on any recorded command line; and the recorder did see the scripts' commands. */
function expectNoTokenInArgv(host: Host, command = 'curl'): void {
  const argv = fs.readFileSync(host.argvLog, 'utf8');
  expect(argv).toMatch(new RegExp(`^${command} `, 'm'));
  for (const token of [PLACEHOLDER_TUNNEL_TOKEN, ROTATED_TUNNEL_TOKEN]) {
    for (const secret of [token, token.slice(0, 24), token.slice(-24), Buffer.from(token).toString('base64').slice(0, 24)]) {
      expect(argv).not.toContain(secret);
    }
  }
  expect(argv).not.toContain(PLACEHOLDER_ACCESS_TOKEN);
}

function expectTokenFile(host: Host, token = PLACEHOLDER_TUNNEL_TOKEN): void {
  const stat = fs.statSync(host.tunnelEnv);
  expect((stat.mode & 0o777).toString(8)).toBe('600');
  expect(fs.readFileSync(host.tunnelEnv, 'utf8')).toBe(`TUNNEL_TOKEN=${token}\n`);
  // Written atomically: no temporary file left next to it.
  expect(fs.readdirSync(path.dirname(host.tunnelEnv))).toEqual(['tunnel.env']);
}

function recordedVersion(host: Host): string {
  const file = path.join(host.stateDir, 'token-version');
  expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
  return fs.readFileSync(file, 'utf8').trim();
}

const SECRET_MANAGER_ON_METADATA: ConnectorUserDataOptions = {
  cloudflaredVersion: '2026.7.2',
  tokenSource: { kind: 'secret-manager', secretVersion: SECRET_VERSION },
  activation: { kind: 'gce-metadata', attribute: CONNECTOR_ACTIVATION_ATTRIBUTE },
};

function fileOptions(tokenFile: string, activation: ConnectorUserDataOptions['activation']): ConnectorUserDataOptions {
  return { cloudflaredVersion: '2026.7.2', tokenSource: { kind: 'file', path: tokenFile }, activation };
}

function writeTokenFile(file: string, mode: number, contents = `${PLACEHOLDER_TUNNEL_TOKEN}\n`): void {
  fs.writeFileSync(`${file}.new`, contents, { mode });
  fs.chmodSync(`${file}.new`, mode);
  fs.renameSync(`${file}.new`, file);
}

describe('gce-metadata activation with a Secret Manager token', () => {
  test.concurrent('active -> standby -> active starts, stops and starts cloudflared, riding out 503s', () =>
    scenario(async (google) => {
      const host = prepareHost(google, 'flip', SECRET_MANAGER_ON_METADATA, { env: { GATEHOUSE_WAIT_TIMEOUT_SEC: '1' } });
      google.set('active');
      google.failAttributeRequests = new Set([1, 4]); // the first request, and one in the middle
      const watcher = startWatcher(host);

      await waitFor('the first start', () => systemctlCalls(host).length >= 1, watcher);
      expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`]);
      expectTokenFile(host);

      // A hanging GET runs out (timeout_sec) with the value unchanged: nothing happens.
      await waitFor('a hanging GET to time out', () => google.attributeRequests.some((r) => r.outcome === 'timeout'), watcher);
      await waitFor('the 503 in the middle', () => google.attributeRequests.length >= 5, watcher);
      expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`]);

      await waitFor('a held request', () => google.heldCount > 0, watcher);
      google.set('standby');
      await waitFor('the stop', () => systemctlCalls(host).length >= 2, watcher);

      await waitFor('a held request', () => google.heldCount > 0, watcher);
      google.set('active');
      await waitFor('the second start', () => systemctlCalls(host).length >= 3, watcher);
      expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`, `stop --no-block ${UNIT}`, `start --no-block ${UNIT}`]);

      // SIGTERM during a hanging GET ends the watcher at once, cleanly.
      await waitFor('a held request', () => google.heldCount > 0, watcher);
      const stoppedAt = Date.now();
      await stopWatcher(watcher);
      expect(Date.now() - stoppedAt).toBeLessThan(1000); // well before the hanging GET's own timeout
      expect(systemctlCalls(host)).toHaveLength(3);

      // The metadata protocol: flavor header, wait_for_change, timeout_sec, and last_etag following ETag.
      const requests = google.attributeRequests;
      expect(requests.map((r) => r.status).filter((s) => s === 503)).toHaveLength(2);
      for (const r of requests) {
        expect(r).toMatchObject({ flavor: 'Google', waitForChange: 'true', timeoutSec: '1' });
      }
      expect(requests[0].lastEtag).toBe('NONE');
      for (let i = 1; i < requests.length; i++) {
        if (requests[i - 1].status === 200) expect(requests[i].lastEtag).toBe(requests[i - 1].etag);
      }
      expect(requests.filter((r) => r.outcome === 'changed')).toHaveLength(2);

      // Each activation checked the token version with the right credentials; the second found it current.
      expect(google.tokenRequests).toEqual([{ flavor: 'Google' }, { flavor: 'Google' }]);
      expect(google.secretRequests).toEqual([
        { path: `/v1/${SECRET_VERSION}:access`, authorization: `Bearer ${PLACEHOLDER_ACCESS_TOKEN}`, status: 200, version: 1 },
        { path: `/v1/${SECRET_VERSION}:access`, authorization: `Bearer ${PLACEHOLDER_ACCESS_TOKEN}`, status: 200, version: 1 },
      ]);
      expectTokenFile(host);
      expect(recordedVersion(host)).toBe('1');

      // The state was published as guest attributes, each value once (write on change only), and the
      // same facts are in the local status file.
      expect(google.guestWrites.every((w) => w.flavor === 'Google')).toBe(true);
      expect(google.guestWrites.map((w) => `${w.key}=${w.value}`)).toEqual([
        'last_error=metadata server answered HTTP 503; keeping cloudflared.service as it is',
        'token_version=1',
        'connector=active',
        'last_error=metadata server answered HTTP 503; keeping cloudflared.service active',
        'connector=standby',
        'connector=active',
      ]);
      expect(statusFile(host)).toEqual({
        connector: 'active',
        token_version: '1',
        last_error: 'metadata server answered HTTP 503; keeping cloudflared.service active',
      });
      expectNoTokenInArgv(host);
    }),
  );

  test.concurrent('a missing attribute means standby, an unknown value changes nothing, a failed token fetch is retried', () =>
    scenario(async (google) => {
      const host = prepareHost(google, 'missing', SECRET_MANAGER_ON_METADATA);
      google.set(undefined); // the attribute does not exist yet
      google.refuseSecretRequests = 1; // the first Secret Manager read fails (403)
      const watcher = startWatcher(host);

      await waitFor('the stop for a missing attribute', () => systemctlCalls(host).length >= 1, watcher);
      expect(systemctlCalls(host)).toEqual([`stop --no-block ${UNIT}`]);

      google.set('maintenance');
      await waitFor('the unknown value to be seen', () => watcher.stderr().includes("ignoring unknown value 'maintenance'"), watcher);

      google.set('active');
      await waitFor('the start', () => systemctlCalls(host).length >= 2, watcher);
      expect(google.secretRequests.map((r) => r.status)).toEqual([403, 200]);
      expect(watcher.stderr()).toContain('token fetch failed; cloudflared.service not started');
      expectTokenFile(host);

      google.set(undefined);
      await waitFor('the stop for a deleted attribute', () => systemctlCalls(host).length >= 3, watcher);
      expect(systemctlCalls(host)).toEqual([`stop --no-block ${UNIT}`, `start --no-block ${UNIT}`, `stop --no-block ${UNIT}`]);

      await stopWatcher(watcher);
      expectNoTokenInArgv(host);
    }),
  );

  test.concurrent('GATEHOUSE_MAX_ITERATIONS ends the loop with status 0', () =>
    scenario(async (google) => {
      const host = prepareHost(google, 'iterations', SECRET_MANAGER_ON_METADATA, { env: { GATEHOUSE_MAX_ITERATIONS: '3', GATEHOUSE_WAIT_TIMEOUT_SEC: '1' } });
      google.set('standby');
      google.failAttributeRequests = new Set([2]);
      const watcher = startWatcher(host);
      expect(await watcher.exited).toEqual({ code: 0, signal: null });
      expect(google.attributeRequests.map((r) => r.status)).toEqual([200, 503, 200]);
      expect(systemctlCalls(host)).toEqual([`stop --no-block ${UNIT}`]);
      expect(fs.existsSync(host.tunnelEnv)).toBe(false);
    }),
  );

  test.concurrent('rotation: a new Secret Manager version reaches the running connector within one check, with one restart', () =>
    scenario(async (google) => {
      // GIVEN an active host that checks its token every 200 ms
      const host = prepareHost(google, 'rotation', SECRET_MANAGER_ON_METADATA, { env: { GATEHOUSE_TOKEN_CHECK_MS: '200' } });
      google.set('active');
      const watcher = startWatcher(host);
      await waitFor('the start', () => systemctlCalls(host).length >= 1, watcher);
      expectTokenFile(host);
      expect(google.secretRequests).toHaveLength(1); // the check on activation

      // WHEN the token is rotated (a new secret version)
      google.rotate(ROTATED_TUNNEL_TOKEN);
      const rotatedAt = google.secretRequests.length;

      // THEN at the next check the env file holds the new token and cloudflared was restarted once
      await waitFor('the restart', () => systemctlCalls(host).length >= 2, watcher);
      expect(google.secretRequests.length).toBe(rotatedAt + 1);
      expectTokenFile(host, ROTATED_TUNNEL_TOKEN);
      expect(recordedVersion(host)).toBe('2');
      expect(watcher.stderr()).toContain('the tunnel token changed; restarting cloudflared.service');
      // AND the next check finds it current: still exactly one restart
      await waitFor('one more check', () => google.secretRequests.length >= rotatedAt + 2, watcher);
      expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`, `restart --no-block ${UNIT}`]);
      // The hanging GETs were cut short (timeout_sec 1, not 2) so that each check was on time.
      expect(google.attributeRequests.slice(1).map((r) => r.timeoutSec)).toEqual(google.attributeRequests.slice(1).map(() => '1'));
      expect(google.guestAttributes.token_version).toBe('2');
      expect(google.guestWrites.filter((w) => w.key === 'token_version').map((w) => w.value)).toEqual(['1', '2']);
      await stopWatcher(watcher);
      expectNoTokenInArgv(host);
    }),
  );

  test.concurrent('reboot: a fresh watcher with the env file and the recorded version starts without rewriting; a token rotated while it was down is applied with a restart', () =>
    scenario(async (google) => {
      // GIVEN a host that applied version 1 before it rebooted (env file and recorded version on disk)
      const host = prepareHost(google, 'reboot', SECRET_MANAGER_ON_METADATA);
      fs.mkdirSync(path.dirname(host.tunnelEnv), { recursive: true });
      fs.writeFileSync(host.tunnelEnv, `TUNNEL_TOKEN=${PLACEHOLDER_TUNNEL_TOKEN}\n`, { mode: 0o600 });
      fs.writeFileSync(path.join(host.stateDir, 'token-version'), '1\n', { mode: 0o600 });
      const before = fs.statSync(host.tunnelEnv);
      google.set('active');

      // WHEN the watcher starts after the reboot (cloudflared is not running)
      let watcher = startWatcher(host);
      await waitFor('the start', () => systemctlCalls(host).length >= 1, watcher);

      // THEN it checked the version once, kept the env file as it was, and started cloudflared
      expect(google.secretRequests.map((r) => r.version)).toEqual([1]);
      expect(fs.statSync(host.tunnelEnv).ino).toBe(before.ino);
      expect(fs.statSync(host.tunnelEnv).mtimeMs).toBe(before.mtimeMs);
      expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`]);
      await stopWatcher(watcher);

      // WHEN the token is rotated while the watcher is down, and a new watcher starts (cloudflared still running)
      google.rotate(ROTATED_TUNNEL_TOKEN);
      watcher = startWatcher(host);
      await waitFor('the restart', () => systemctlCalls(host).length >= 2, watcher);
      // THEN the running connector is restarted with the new token
      expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`, `restart --no-block ${UNIT}`]);
      expectTokenFile(host, ROTATED_TUNNEL_TOKEN);
      expect(recordedVersion(host)).toBe('2');
      await stopWatcher(watcher);
    }),
  );

  test.concurrent('metadata outage: refused connections and 503s keep the connector running; the error is published once it is back', () =>
    scenario(async (google) => {
      // GIVEN an active host
      const host = prepareHost(google, 'outage', SECRET_MANAGER_ON_METADATA);
      google.set('active');
      const watcher = startWatcher(host);
      await waitFor('the start', () => systemctlCalls(host).length >= 1, watcher);
      await waitFor('a held request', () => google.heldCount > 0, watcher);

      // WHEN the metadata server goes away (connections cut and refused), then answers 503 for a while
      await google.pause();
      await waitFor('an unreachable metadata server to be noticed', () => statusFile(host).last_error?.includes('HTTP 000') ?? false, watcher);
      await sleep(300);
      google.failAttributeRequests = new Set(Array.from({ length: 3 }, (_, i) => google.attributeRequests.length + 1 + i));
      await google.resume();
      await waitFor('the 503s', () => google.attributeRequests.filter((r) => r.status === 503).length === 3, watcher);
      await waitFor('a hanging GET again', () => google.heldCount > 0, watcher);

      // THEN cloudflared was never stopped, and the errors are in the status file and published
      expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`]);
      expect(watcher.stderr()).toContain('metadata server unreachable (HTTP 000); keeping cloudflared.service active');
      expect(watcher.stderr()).toContain('metadata server answered HTTP 503; keeping cloudflared.service active');
      expect(watcher.stderr()).toMatch(/retrying in 400ms/); // the back-off reached its cap
      await waitFor('the last error to be published', () => google.guestAttributes.last_error?.includes('HTTP 503') ?? false, watcher);
      expect(statusFile(host)).toMatchObject({ connector: 'active', last_error: 'metadata server answered HTTP 503; keeping cloudflared.service active' });
      await stopWatcher(watcher);
    }),
  );

  test.concurrent('cloudflared is not started before gatehouse-bootstrap finished', () =>
    scenario(async (google) => {
      // GIVEN an active host whose installer has not finished
      const host = prepareHost(google, 'bootstrap-pending', SECRET_MANAGER_ON_METADATA, { bootstrapped: false });
      google.set('active');
      const watcher = startWatcher(host);
      await waitFor('the refusal, published', () => google.guestAttributes.last_error?.startsWith('gatehouse-bootstrap has not finished') ?? false, watcher);
      await waitFor('a retry', () => (watcher.stderr().match(/gatehouse-bootstrap has not finished/g) ?? []).length >= 2, watcher);
      expect(systemctlCalls(host)).toEqual([]);
      expect(google.secretRequests).toEqual([]);

      // WHEN it finishes
      fs.writeFileSync(path.join(host.stateDir, 'bootstrap-done'), '2026.7.2\n');
      // THEN the connector starts on the next try
      await waitFor('the start', () => systemctlCalls(host).length >= 1, watcher);
      expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`]);
      await stopWatcher(watcher);
    }),
  );
});

describe('gatehouse-status', () => {
  test.concurrent('publishes only changes, at most GATEHOUSE_STATUS_MAX_WRITES a minute, and a held-back value later', () =>
    scenario(async (google) => {
      const host = prepareHost(google, 'status', SECRET_MANAGER_ON_METADATA, { env: { GATEHOUSE_STATUS_MAX_WRITES: '2' } });
      // Asynchronous: the fake metadata server answers from this process.
      const status = (...args: string[]) =>
        new Promise<{ status: number | null; stderr: string }>((resolve) => {
          const child = spawn('bash', [host.statusScript, ...args], { env: host.env, stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.on('close', (code) => resolve({ status: code, stderr }));
        });
      // GIVEN three facts set within a minute, one of them twice with the same value
      for (const args of [['connector', 'active'], ['connector', 'active'], ['bootstrap', 'ok'], ['last_error', 'bad', 'news\nhere']]) {
        return_ok(await status(...args));
      }
      // THEN the status file has all three, and only two were written as guest attributes
      expect(statusFile(host)).toEqual({ bootstrap: 'ok', connector: 'active', last_error: 'bad news here' });
      expect(google.guestWrites.map((w) => `${w.key}=${w.value}`)).toEqual(['connector=active', 'bootstrap=ok']);

      // WHEN the minute has passed (the budget is a file of write times), a flush publishes the rest
      fs.writeFileSync(path.join(host.stateDir, 'status.writes'), '1000\n1001\n');
      return_ok(await status('--flush'));
      expect(google.guestWrites.map((w) => w.key)).toEqual(['connector', 'bootstrap', 'last_error']);
      return_ok(await status('--flush'));
      expect(google.guestWrites).toHaveLength(3);

      // AND bad usage is refused without writing anything
      const bad = await status('password', 'x');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('usage: gatehouse-status KEY VALUE');
      expect(statusFile(host)).not.toHaveProperty('password');
    }),
  );

  function return_ok(result: { status: number | null; stderr: string }): void {
    expect({ status: result.status, stderr: result.stderr.replace(/^gatehouse-status: (\w+=.*|guest attribute budget.*)\n/gm, '') }).toEqual({ status: 0, stderr: '' });
  }
});

describe('dns-txt activation (an external host) with an operator-placed token file', () => {
  test.concurrent('follows the TXT record through DNS-over-HTTPS; a missing, unreadable or unknown answer keeps the state', () =>
    scenario(async (google) => {
      // GIVEN an external host whose record does not exist yet
      const tokenFile = path.join(tmpRoot, 'dns-token');
      writeTokenFile(tokenFile, 0o600);
      const host = prepareHost(google, 'dns-txt', fileOptions(tokenFile, { kind: 'dns-txt', record: DNS_RECORD }), { env: { GATEHOUSE_BACKOFF_MAX_MS: '200' } });
      google.dns = { status: 3 };
      const watcher = startWatcher(host);
      const logged = (what: string) => watcher.stderr().split(what).length - 1;
      /** Wait for `what` to be logged once more than now. */
      const nextLog = async (what: string) => {
        const seen = logged(what);
        await waitFor(what, () => logged(what) > seen, watcher);
      };

      // THEN it starts as standby: nothing is started (or stopped) until the first good answer
      await waitFor('NXDOMAIN answers', () => google.dnsRequests.length >= 2, watcher);
      expect(systemctlCalls(host)).toEqual([]);
      expect(watcher.stderr()).toContain(`TXT ${DNS_RECORD} has no answer; keeping cloudflared.service as it is`);

      // WHEN the record says active: the connector starts (token copied from the file)
      google.dns = { txt: ['active'] };
      await waitFor('the start', () => systemctlCalls(host).length >= 1, watcher);
      expectTokenFile(host);

      // WHEN the resolver fails (503), answers garbage, SERVFAIL, an unknown value, or nothing: nothing changes
      for (const [dns, what] of [
        [{ http: 503 }, 'DNS-over-HTTPS query failed (curl exit 22); keeping cloudflared.service active'],
        [{ body: '<html>' }, 'unreadable DNS-over-HTTPS answer'],
        [{ status: 2 }, 'DNS status 2'],
        [{ txt: ['maintenance'] }, `ignoring TXT ${DNS_RECORD} 'maintenance' (want active or standby); keeping cloudflared.service active`],
        [{ txt: ['active', 'standby'] }, `ignoring TXT ${DNS_RECORD} 'active | standby'`],
        [{ status: 3 }, `TXT ${DNS_RECORD} has no answer; keeping cloudflared.service active`],
      ] as Array<[DnsAnswer, string]>) {
        google.dns = dns;
        await nextLog(what);
      }
      expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`]);

      // WHEN the record says standby: the connector stops
      google.dns = { txt: ['standby'] };
      await waitFor('the stop', () => systemctlCalls(host).length >= 2, watcher);
      expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`, `stop --no-block ${UNIT}`]);
      await waitFor('the standby to be recorded', () => statusFile(host).connector === 'standby', watcher);
      await stopWatcher(watcher);

      // The DoH JSON API protocol: name, type and the dns-json accept header.
      for (const r of google.dnsRequests) expect(r).toEqual({ name: DNS_RECORD, type: 'TXT', accept: 'application/dns-json' });
      // No metadata server on an external host: nothing published there; the facts are in the status file.
      expect(google.guestWrites).toEqual([]);
      expect(google.attributeRequests).toEqual([]);
      expect(statusFile(host)).toMatchObject({ connector: 'standby', last_error: expect.stringContaining('unreadable DNS-over-HTTPS answer') });
      expect(statusFile(host).token_version).toMatch(/^sha256:[0-9a-f]{16}$/);
      expect(watcher.stderr()).toContain('gatehouse-status: connector=standby'); // the journal
    }),
  );
});

describe('always-on activation with an operator-placed token file', () => {
  function fileHost(google: FakeGoogle, name: string, mode: number, contents = `${PLACEHOLDER_TUNNEL_TOKEN}\n`, env: Record<string, string> = {}): Host {
    const tokenFile = path.join(tmpRoot, `${name}-token`);
    const host = prepareHost(google, name, fileOptions(tokenFile, { kind: 'always-on' }), { env: { GATEHOUSE_MAX_ITERATIONS: '1', ...env } });
    writeTokenFile(tokenFile, mode, contents);
    return host;
  }

  test.concurrent('copies the token into the env file and starts cloudflared once', () =>
    scenario(async (google) => {
      const host = fileHost(google, 'always-on', 0o600);
      const watcher = startWatcher(host);
      expect(await watcher.exited).toEqual({ code: 0, signal: null });
      expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`]);
      expectTokenFile(host);
      expect(google.attributeRequests).toEqual([]);
      const argv = fs.readFileSync(host.argvLog, 'utf8');
      expect(argv).not.toContain(PLACEHOLDER_TUNNEL_TOKEN);
      expect(argv).not.toContain(PLACEHOLDER_TUNNEL_TOKEN.slice(0, 24));
    }),
  );

  test.concurrent('accepts a token file that is already in TUNNEL_TOKEN= form', () =>
    scenario(async (google) => {
      const host = fileHost(google, 'env-form', 0o400, `TUNNEL_TOKEN=${PLACEHOLDER_TUNNEL_TOKEN}\r\n`);
      const watcher = startWatcher(host);
      expect(await watcher.exited).toEqual({ code: 0, signal: null });
      expectTokenFile(host);
    }),
  );

  test.concurrent('refuses a token file readable by group or others: no env file, no start', () =>
    scenario(async (google) => {
      const host = fileHost(google, 'loose-mode', 0o640);
      const watcher = startWatcher(host);
      expect(await watcher.exited).toEqual({ code: 1, signal: null });
      expect(watcher.stderr()).toContain('must not be accessible by group or others (mode 640');
      expect(systemctlCalls(host)).toEqual([]);
      expect(fs.existsSync(host.tunnelEnv)).toBe(false);
      expect(watcher.stderr()).not.toContain(PLACEHOLDER_TUNNEL_TOKEN);
    }),
  );

  test.concurrent('refuses a token file with a different owner', () =>
    scenario(async (google) => {
      const host = fileHost(google, 'wrong-owner', 0o600);
      host.env.GATEHOUSE_TOKEN_FILE_UID = '4242';
      const watcher = startWatcher(host);
      expect(await watcher.exited).toEqual({ code: 1, signal: null });
      expect(watcher.stderr()).toContain('must be owned by uid 4242');
      expect(systemctlCalls(host)).toEqual([]);
    }),
  );

  test.concurrent('rotation on an external host: a replaced token file is applied with one restart', () =>
    scenario(async (google) => {
      // GIVEN a running always-on host that checks its token every second
      const host = fileHost(google, 'file-rotation', 0o600, undefined, { GATEHOUSE_MAX_ITERATIONS: '0', GATEHOUSE_TOKEN_CHECK_MS: '200' });
      const tokenFile = path.join(tmpRoot, 'file-rotation-token');
      const watcher = startWatcher(host);
      await waitFor('the start', () => systemctlCalls(host).length >= 1, watcher);
      const first = statusFile(host).token_version;
      expect(first).toMatch(/^sha256:[0-9a-f]{16}$/);

      // WHEN the operator places the rotated token
      writeTokenFile(tokenFile, 0o600, `${ROTATED_TUNNEL_TOKEN}\n`);
      // THEN within a check the env file holds it and cloudflared was restarted once
      await waitFor('the restart', () => systemctlCalls(host).length >= 2, watcher);
      expectTokenFile(host, ROTATED_TUNNEL_TOKEN);
      expect(statusFile(host).token_version).not.toBe(first);
      await sleep(500);
      expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`, `restart --no-block ${UNIT}`]);
      await stopWatcher(watcher);
      expectNoTokenInArgv(host, 'cp');
    }),
  );
});

/**
 * The real watcher and token fetcher (as rendered into user-data) run with bash against a fake GCE
 * metadata server, service-account token endpoint and Secret Manager, all in this process.
 * systemctl is a stand-in that logs its arguments, and every external command the scripts run
 * (curl, jq, base64, mv, ...) goes through a wrapper that records its argv, so the test can prove
 * that no token ever reaches a command line.
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

/** A placeholder shaped like a tunnel token (base64 JSON); not a real credential. */
const PLACEHOLDER_TUNNEL_TOKEN = Buffer.from(
  JSON.stringify({ a: 'example-account-tag', t: '00000000-0000-4000-8000-000000000000', s: 'cGxhY2Vob2xkZXI=' }),
).toString('base64');
const PLACEHOLDER_ACCESS_TOKEN = 'ya29.example-placeholder-access-token';
const SECRET_VERSION = 'projects/example-project/secrets/edge-tunnel-token/versions/latest';
const ATTRIBUTE_PATH = `/computeMetadata/v1/instance/attributes/${CONNECTOR_ACTIVATION_ATTRIBUTE}`;
const WAIT_TIMEOUT_SEC = 2;
const UNIT = 'cloudflared.service';
/** External commands the scripts may run; each goes through the argv-recording wrapper. */
const WRAPPED = ['curl', 'jq', 'base64', 'mktemp', 'mv', 'mkdir', 'dirname', 'stat', 'cp', 'chmod', 'rm', 'sleep', 'cat'];

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

/** Fake GCE metadata server + Secret Manager, enough for the two scripts. */
class FakeGoogle {
  public readonly attributeRequests: AttributeRequest[] = [];
  public readonly tokenRequests: Array<{ flavor: string | undefined }> = [];
  public readonly secretRequests: Array<{ path: string; authorization: string | undefined; status: number }> = [];
  /** 1-based attribute request numbers answered with 503. */
  public failAttributeRequests = new Set<number>();
  /** How many Secret Manager requests to refuse (403) before answering. */
  public refuseSecretRequests = 0;
  private value: string | undefined;
  private version = 0;
  private readonly held = new Set<{ respond: () => void; timer: NodeJS.Timeout }>();
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  public async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async close(): Promise<void> {
    for (const h of this.held) clearTimeout(h.timer);
    this.held.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Change the attribute (undefined deletes it); held hanging GETs answer at once. */
  public set(value: string | undefined): void {
    this.value = value;
    this.version += 1;
    for (const h of [...this.held]) h.respond();
  }

  public get heldCount(): number {
    return this.held.size;
  }

  private get etag(): string {
    return createHash('sha256').update(`${this.version}:${this.value}`).digest('hex').slice(0, 16);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const flavor = req.headers['metadata-flavor'] as string | undefined;
    if (url.pathname === ATTRIBUTE_PATH) return this.attribute(url, flavor, res);
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
      this.secretRequests.push({ path: url.pathname, authorization, status });
      if (status !== 200) return void res.writeHead(status, { 'Content-Type': 'application/json' }).end('{"error":{}}');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(
        JSON.stringify({
          name: SECRET_VERSION.replace('/latest', '/3'),
          payload: { data: Buffer.from(PLACEHOLDER_TUNNEL_TOKEN).toString('base64') },
        }),
      );
    }
    res.writeHead(404).end('not found');
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
  dir: string;
  argvLog: string;
  systemctlLog: string;
  tunnelEnv: string;
  env: NodeJS.ProcessEnv;
  watchScript: string;
}

let tmpRoot: string;
let google: FakeGoogle;
let baseUrl: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-watch-'));
});

beforeEach(async () => {
  google = new FakeGoogle();
  baseUrl = await google.listen();
});

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await google.close();
});

afterAll(() => {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

/** Render the user-data, lay out its scripts and settings in a scratch dir, and build the stand-ins. */
function prepareHost(name: string, options: ConnectorUserDataOptions, extraEnv: Record<string, string> = {}): Host {
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
  const fetchToken = path.join(dir, 'gatehouse-fetch-token');
  const watchScript = path.join(dir, 'gatehouse-connector-watch');
  fs.writeFileSync(fetchToken, content('/usr/local/sbin/gatehouse-fetch-token'), { mode: 0o755 });
  fs.writeFileSync(watchScript, content('/usr/local/sbin/gatehouse-connector-watch'), { mode: 0o755 });

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
  // systemctl stand-in: records argv and the call itself, does nothing else.
  fs.writeFileSync(
    path.join(bin, 'systemctl'),
    [
      '#!/bin/bash',
      `{ printf 'systemctl'; printf ' %q' "$@"; printf '\\n'; } >>"$ARGV_LOG"`,
      `printf '%s\\n' "$*" >>"$SYSTEMCTL_LOG"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );

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
    GATEHOUSE_SYSTEMCTL: path.join(bin, 'systemctl'),
    GATEHOUSE_FETCH_TOKEN: fetchToken,
    GATEHOUSE_TUNNEL_ENV: tunnelEnv,
    GATEHOUSE_TOKEN_FILE_UID: String(process.getuid?.() ?? 0),
    GATEHOUSE_WAIT_TIMEOUT_SEC: String(WAIT_TIMEOUT_SEC),
    GATEHOUSE_BACKOFF_INITIAL_MS: '100',
    GATEHOUSE_BACKOFF_MAX_MS: '400',
    GATEHOUSE_MISSING_POLL_MS: '200',
    GATEHOUSE_MAX_ITERATIONS: '100',
    ...extraEnv,
  };
  return { dir, argvLog, systemctlLog, tunnelEnv, env, watchScript };
}

interface Watcher {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWatcher(host: Host): Watcher {
  const child = spawn('bash', [host.watchScript], { env: host.env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => stderr, exited };
}

function systemctlCalls(host: Host): string[] {
  return fs.readFileSync(host.systemctlLog, 'utf8').split('\n').filter(Boolean);
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

/** No token of any kind on any recorded command line; and the recorder did see the scripts' commands. */
function expectNoTokenInArgv(host: Host): void {
  const argv = fs.readFileSync(host.argvLog, 'utf8');
  expect(argv).toMatch(/^curl /m);
  for (const secret of [
    PLACEHOLDER_TUNNEL_TOKEN,
    PLACEHOLDER_TUNNEL_TOKEN.slice(0, 24),
    Buffer.from(PLACEHOLDER_TUNNEL_TOKEN).toString('base64').slice(0, 24),
    PLACEHOLDER_ACCESS_TOKEN,
  ]) {
    expect(argv).not.toContain(secret);
  }
}

function expectTokenFile(host: Host): void {
  const stat = fs.statSync(host.tunnelEnv);
  expect((stat.mode & 0o777).toString(8)).toBe('600');
  expect(fs.readFileSync(host.tunnelEnv, 'utf8')).toBe(`TUNNEL_TOKEN=${PLACEHOLDER_TUNNEL_TOKEN}\n`);
  // Written atomically: no temporary file left next to it.
  expect(fs.readdirSync(path.dirname(host.tunnelEnv))).toEqual(['tunnel.env']);
}

const SECRET_MANAGER_ON_METADATA: ConnectorUserDataOptions = {
  cloudflaredVersion: '2026.7.2',
  tokenSource: { kind: 'secret-manager', secretVersion: SECRET_VERSION },
  activation: { kind: 'gce-metadata', attribute: CONNECTOR_ACTIVATION_ATTRIBUTE },
};

describe('gce-metadata activation with a Secret Manager token', () => {
  test('active -> standby -> active starts, stops and starts cloudflared, riding out 503s', async () => {
    const host = prepareHost('flip', SECRET_MANAGER_ON_METADATA);
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
    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(1000); // well before the hanging GET's own timeout
    expect(systemctlCalls(host)).toHaveLength(3);

    // The metadata protocol: flavor header, wait_for_change, timeout_sec, and last_etag following ETag.
    const requests = google.attributeRequests;
    expect(requests.map((r) => r.status).filter((s) => s === 503)).toHaveLength(2);
    for (const r of requests) {
      expect(r).toMatchObject({ flavor: 'Google', waitForChange: 'true', timeoutSec: String(WAIT_TIMEOUT_SEC) });
    }
    expect(requests[0].lastEtag).toBe('NONE');
    for (let i = 1; i < requests.length; i++) {
      if (requests[i - 1].status === 200) expect(requests[i].lastEtag).toBe(requests[i - 1].etag);
    }
    expect(requests.filter((r) => r.outcome === 'changed')).toHaveLength(2);

    // The token was fetched once (the second activation reuses the env file), with the right credentials.
    expect(google.tokenRequests).toEqual([{ flavor: 'Google' }]);
    expect(google.secretRequests).toEqual([
      { path: `/v1/${SECRET_VERSION}:access`, authorization: `Bearer ${PLACEHOLDER_ACCESS_TOKEN}`, status: 200 },
    ]);
    expectTokenFile(host);
    expectNoTokenInArgv(host);
  });

  test('a missing attribute means standby, an unknown value changes nothing, a failed token fetch is retried', async () => {
    const host = prepareHost('missing', SECRET_MANAGER_ON_METADATA);
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
    expect(watcher.stderr()).toContain('token fetch failed');
    expectTokenFile(host);

    google.set(undefined);
    await waitFor('the stop for a deleted attribute', () => systemctlCalls(host).length >= 3, watcher);
    expect(systemctlCalls(host)).toEqual([`stop --no-block ${UNIT}`, `start --no-block ${UNIT}`, `stop --no-block ${UNIT}`]);

    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toEqual({ code: 0, signal: null });
    expectNoTokenInArgv(host);
  });

  test('GATEHOUSE_MAX_ITERATIONS ends the loop with status 0', async () => {
    const host = prepareHost('iterations', SECRET_MANAGER_ON_METADATA, {
      GATEHOUSE_MAX_ITERATIONS: '3',
      GATEHOUSE_WAIT_TIMEOUT_SEC: '1',
    });
    google.set('standby');
    google.failAttributeRequests = new Set([2]);
    const watcher = startWatcher(host);
    expect(await watcher.exited).toEqual({ code: 0, signal: null });
    expect(google.attributeRequests.map((r) => r.status)).toEqual([200, 503, 200]);
    expect(systemctlCalls(host)).toEqual([`stop --no-block ${UNIT}`]);
    expect(fs.existsSync(host.tunnelEnv)).toBe(false);
  });
});

describe('always-on activation with an operator-placed token file', () => {
  function fileHost(name: string, mode: number, contents = `${PLACEHOLDER_TUNNEL_TOKEN}\n`): Host {
    const tokenFile = path.join(tmpRoot, `${name}-token`);
    const host = prepareHost(name, {
      cloudflaredVersion: '2026.7.2',
      tokenSource: { kind: 'file', path: tokenFile },
      activation: { kind: 'always-on' },
    });
    fs.writeFileSync(tokenFile, contents);
    fs.chmodSync(tokenFile, mode);
    return host;
  }

  test('copies the token into the env file, starts cloudflared once and exits 0', async () => {
    const host = fileHost('always-on', 0o600);
    const watcher = startWatcher(host);
    expect(await watcher.exited).toEqual({ code: 0, signal: null });
    expect(systemctlCalls(host)).toEqual([`start --no-block ${UNIT}`]);
    expectTokenFile(host);
    expect(google.attributeRequests).toEqual([]);
    const argv = fs.readFileSync(host.argvLog, 'utf8');
    expect(argv).not.toContain(PLACEHOLDER_TUNNEL_TOKEN);
    expect(argv).not.toContain(PLACEHOLDER_TUNNEL_TOKEN.slice(0, 24));
  });

  test('accepts a token file that is already in TUNNEL_TOKEN= form', async () => {
    const host = fileHost('env-form', 0o400, `TUNNEL_TOKEN=${PLACEHOLDER_TUNNEL_TOKEN}\r\n`);
    const watcher = startWatcher(host);
    expect(await watcher.exited).toEqual({ code: 0, signal: null });
    expectTokenFile(host);
  });

  test('refuses a token file readable by group or others: no env file, no start, exit 1', async () => {
    const host = fileHost('loose-mode', 0o640);
    const watcher = startWatcher(host);
    expect(await watcher.exited).toEqual({ code: 1, signal: null });
    expect(watcher.stderr()).toContain('must not be accessible by group or others (mode 640');
    expect(systemctlCalls(host)).toEqual([]);
    expect(fs.existsSync(host.tunnelEnv)).toBe(false);
    expect(watcher.stderr()).not.toContain(PLACEHOLDER_TUNNEL_TOKEN);
  });

  test('refuses a token file with a different owner', async () => {
    const host = fileHost('wrong-owner', 0o600);
    host.env.GATEHOUSE_TOKEN_FILE_UID = '4242';
    const watcher = startWatcher(host);
    expect(await watcher.exited).toEqual({ code: 1, signal: null });
    expect(watcher.stderr()).toContain('must be owned by uid 4242');
    expect(systemctlCalls(host)).toEqual([]);
  });
});

/**
 * `gatehouse status`: terraform outputs from the state each synthesized stack's backend names (local
 * files in the documented state v4 shape; GCS through a fake `terraform output -json`), and each GCE
 * host's guest attributes from a fake Compute API on 127.0.0.1 answering in the documented shape
 * (instances.getGuestAttributes), with the token from the environment or a fake `gcloud`. What it
 * cannot read is named, with the reason, and counted.
 */
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import type { CommandContext } from '../../../lib/cli/command';
import { main } from '../../../lib/cli/main';
import { formatOutput, stackOutputs } from '../../../lib/cli/status';
import { parseDeployment } from '../../../lib/config/load';

const ROOT = path.join(__dirname, '..', '..', '..');
const TODAY = '2026-11-22';
const EXAMPLE = path.join(ROOT, 'deployment.example.yaml');
const MINI = `name: mini
cloudflare: {account_id: 0123456789abcdef0123456789abcdef, zone: example.com, zone_id: fedcba9876543210fedcba9876543210, team_name: example}
access_policies:
  allow-staff: {decision: allow, include: [{email_domain: example.com}]}
apps:
  internal: {hostnames: [admin.example.com], policies: [allow-staff]}
routes:
  - {hostname: admin.example.com, service: 'http://localhost:3000'}
sites:
  primary: {external: {name: edge}}
`;
const TOKEN = 'ya29.status-test-placeholder-token';

let dir: string;
let mini: string;
let out: string;
let server: http.Server;
let api: string;
const seen: Array<{ path: string; authorization?: string }> = [];

/** A state file in terraform's v4 format (https://developer.hashicorp.com/terraform/language/state). */
const state = (outputs: Record<string, { value: unknown; type: unknown; sensitive?: boolean }>) => JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'x', outputs, resources: [] });

const jsonError = (text: string): string => {
  try {
    JSON.parse(text);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
};

async function cli(argv: string[], env: NodeJS.ProcessEnv) {
  const lines: string[] = [];
  const ctx: CommandContext = { env: { GATEHOUSE_TODAY: TODAY, ...env }, cwd: dir, out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`) };
  const status = await main(argv, ctx);
  return { status, lines };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-status-'));
  mini = path.join(dir, 'mini.yaml');
  fs.writeFileSync(mini, MINI);
  out = path.join(dir, 'out');
  // GIVEN the small deployment synthesized, with state for access only
  const synth = await cli(['synth', mini, '--output', out], {});
  expect(synth.status).toBe(0);
  fs.mkdirSync(path.join(dir, 'state', 'mini'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'state', 'mini', 'access.tfstate'),
    state({
      internal_aud: { value: 'aud-1234', type: 'string' },
      service_token_secret: { value: 'a-secret-value-that-must-not-print', type: 'string', sensitive: true },
      'cross-stack-output-aws_x': { value: 'wiring', type: 'string' },
      hostnames: { value: ['admin.example.com'], type: ['list', 'string'] },
    }),
  );
  // AND a fake Compute API: edge-primary has published its state, edge-standby nothing (404)
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push({ path: url.pathname, authorization: req.headers.authorization });
    if (url.pathname.includes('/instances/edge-primary/') && url.searchParams.get('queryPath') === 'gatehouse/') {
      const items = [
        ['connector', 'active'],
        ['bootstrap', 'ok'],
        ['cloudflared_version', '2026.7.2'],
      ].map(([key, value]) => ({ namespace: 'gatehouse', key, value }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'compute#guestAttributes', queryPath: 'gatehouse/', queryValue: { items } }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 404, message: 'The resource was not found', status: 'NOT_FOUND' } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/compute/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
});

test('outputs from local state, sensitive ones hidden; a stack without state is "not deployed"; nothing missed', async () => {
  const r = await cli(['status', mini, '--output', out], {});
  expect(r).toEqual({
    status: 0,
    lines: [
      `gatehouse status: deployment mini (${mini}); active site: primary`,
      `stack access: state ${path.join(dir, 'state', 'mini', 'access.tfstate')}: 3 outputs`,
      '  hostnames = ["admin.example.com"]',
      '  internal_aud = "aud-1234"',
      '  service_token_secret = (sensitive)',
      `stack production: not deployed (no state at ${path.join(dir, 'state', 'mini', 'production.tfstate')})`,
      'host primary edge: not created by gatehouse; on the host: cat /var/lib/gatehouse/status',
      'gatehouse status: read everything',
    ],
  });
});

test("another deployment's synth, unreadable state, and no synth at all are named and counted", async () => {
  const other = path.join(dir, 'other.yaml');
  fs.writeFileSync(other, MINI.replace('name: mini', 'name: other'));
  const stale = await cli(['status', other, '--output', out], {});
  expect(stale.lines).toContain(`stack access: could not read: ${out} holds another deployment's stacks; run gatehouse synth first`);
  expect(stale.lines.at(-1)).toBe('gatehouse status: could not read 2: stack access (stale synth), stack production (stale synth)');

  const broken = path.join(dir, 'state', 'mini', 'production.tfstate');
  fs.writeFileSync(broken, '{ not json');
  try {
    const r = await cli(['status', mini, '--output', out], {});
    expect(r.lines).toContain(`stack production: could not read ${broken}: ${jsonError('{ not json')}`);
    expect(r.lines.at(-1)).toBe('gatehouse status: could not read 1: stack production (unreadable state)');
  } finally {
    fs.rmSync(broken);
  }

  const empty = await cli(['status', mini, '--output', path.join(dir, 'nothing-here')], {});
  expect(empty.lines).toContain(`stacks: could not read: no synthesized stacks in ${path.join(dir, 'nothing-here')}; run gatehouse synth first`);
});

describe('GCE hosts: guest attributes', () => {
  const hostsOnly = (lines: string[]) => lines.filter((l) => l.startsWith('host ') || l.startsWith('gatehouse status: could'));

  test('with GOOGLE_OAUTH_ACCESS_TOKEN: each host one line; a host that published nothing says why; the token never prints', async () => {
    const r = await cli(['status', EXAMPLE, '--output', path.join(dir, 'no-synth')], { GOOGLE_OAUTH_ACCESS_TOKEN: TOKEN, GATEHOUSE_COMPUTE_API: api, PATH: '/nonexistent' });
    expect(hostsOnly(r.lines)).toEqual([
      'host primary edge-primary (example-prod-123/europe-west1-b): bootstrap=ok cloudflared_version=2026.7.2 connector=active',
      'host standby edge-standby (example-prod-123/us-central1-a): could not read guest attributes: getGuestAttributes for instance edge-standby in example-prod-123/us-central1-a: HTTP 404: The resource was not found',
      'gatehouse status: could not read 2: stacks (not synthesized), host standby (The resource was not found)',
    ]);
    expect(seen.map((s) => [s.path, s.authorization])).toEqual([
      ['/compute/v1/projects/example-prod-123/zones/europe-west1-b/instances/edge-primary/getGuestAttributes', `Bearer ${TOKEN}`],
      ['/compute/v1/projects/example-prod-123/zones/us-central1-a/instances/edge-standby/getGuestAttributes', `Bearer ${TOKEN}`],
    ]);
    expect(r.lines.join('\n')).not.toContain(TOKEN);
  });

  test('the token from gcloud auth print-access-token when the environment has none', async () => {
    const bin = fs.mkdtempSync(path.join(dir, 'bin-'));
    fs.writeFileSync(path.join(bin, 'gcloud'), `#!/bin/sh\n[ "$*" = "auth print-access-token --quiet" ] && echo ${TOKEN}-from-gcloud\n`, { mode: 0o755 });
    const r = await cli(['status', EXAMPLE, '--output', path.join(dir, 'no-synth')], { GATEHOUSE_COMPUTE_API: api, PATH: bin });
    expect(hostsOnly(r.lines)[0]).toBe('host primary edge-primary (example-prod-123/europe-west1-b): bootstrap=ok cloudflared_version=2026.7.2 connector=active');
    expect(seen[0].authorization).toBe(`Bearer ${TOKEN}-from-gcloud`);
  });

  test('no credentials at all: each host says so, nothing is requested', async () => {
    const r = await cli(['status', EXAMPLE, '--output', path.join(dir, 'no-synth')], { GATEHOUSE_COMPUTE_API: api, PATH: '/nonexistent' });
    const why = 'no Google credentials: set GOOGLE_OAUTH_ACCESS_TOKEN or install gcloud and sign in (gcloud auth login)';
    expect(hostsOnly(r.lines)).toEqual([
      `host primary edge-primary (example-prod-123/europe-west1-b): could not read guest attributes: ${why}`,
      `host standby edge-standby (example-prod-123/us-central1-a): could not read guest attributes: ${why}`,
      'gatehouse status: could not read 3: stacks (not synthesized), host primary (no Google credentials), host standby (no Google credentials)',
    ]);
    expect(seen).toEqual([]);
  });
});

describe('GCS state', () => {
  const d = parseDeployment(`${MINI}backend: {type: gcs, bucket: example-state}\n`, 'gcs.yaml', { today: TODAY }).deployment;
  let outdir: string;
  let stackDir: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(dir, 'gcs-'));
    stackDir = path.join(outdir, 'stacks', 'access');
    fs.mkdirSync(stackDir, { recursive: true });
    fs.writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { gcs: { bucket: 'example-state', prefix: 'gatehouse/mini/access' } } } }));
  });

  test('a stack directory terraform has not initialized: named, with the command that initializes it', () => {
    expect(stackOutputs(d, outdir, 'access', {})).toEqual({
      lines: [`stack access: could not read state in gs://example-state/gatehouse/mini/access: ${stackDir} is not initialized; run npm run diff -- access once`],
      missed: 'stack access (not initialized)',
    });
  });

  test('an initialized one: terraform output -json in the stack directory, sensitive values hidden; a failure is one line', () => {
    fs.mkdirSync(path.join(stackDir, '.terraform'));
    const bin = fs.mkdtempSync(path.join(dir, 'tf-'));
    const log = path.join(bin, 'log');
    fs.writeFileSync(
      path.join(bin, 'terraform'),
      `#!/bin/sh\necho "$PWD $*" >> '${log}'\n[ -f fail ] && { echo 'Error: Failed to get existing workspaces: storage: bucket does not exist' >&2; exit 1; }\necho '{"aud":{"sensitive":false,"type":"string","value":"aud-1"},"secret":{"sensitive":true,"type":"string","value":"shh-do-not-print"}}'\n`,
      { mode: 0o755 },
    );
    const ok = stackOutputs(d, outdir, 'access', { PATH: `${bin}:${process.env.PATH}` });
    expect(ok).toEqual({ lines: ['stack access: state gs://example-state/gatehouse/mini/access: 2 outputs', '  aud = "aud-1"', '  secret = (sensitive)'] });
    expect(fs.readFileSync(log, 'utf8')).toBe(`${stackDir} output -json -no-color\n`);
    fs.writeFileSync(path.join(stackDir, 'fail'), '');
    expect(stackOutputs(d, outdir, 'access', { PATH: `${bin}:${process.env.PATH}` })).toEqual({
      lines: ['stack access: could not read state in gs://example-state/gatehouse/mini/access: terraform output failed: Error: Failed to get existing workspaces: storage: bucket does not exist'],
      missed: 'stack access (terraform output failed)',
    });
  });
});

test('an output prints as name = JSON; a sensitive one never; a secret-looking value is redacted anyway', () => {
  expect(formatOutput('n', { value: { a: 1 } })).toBe('n = {"a":1}');
  expect(formatOutput('n', { value: 'x', sensitive: true })).toBe('n = (sensitive)');
  expect(formatOutput('n', { value: 'GOCSPX-abcdefghijklmnopqrstuvwxyz12' })).not.toContain('GOCSPX-abcdefghijklmnopqrstuvwxyz12');
});

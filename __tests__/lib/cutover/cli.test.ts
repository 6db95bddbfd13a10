/**
 * `npm run cutover` as the operator runs it: `node bin/gatehouse.js cutover <args>`. --help and
 * bad flags touch nothing; a full run synthesizes the file, reads a fake Cloudflare API on 127.0.0.1
 * and runs each deploy step as a child `npx cdktf deploy ...` (a fake `npx` on PATH that records its
 * argv and environment and plays the stack on the fake API), then writes the file.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CUTOVER_USAGE, parseCutoverArgs } from '../../../lib/cutover/args';
import * as os from 'os';
import { FakeCloudflare } from './fake-cloudflare';

const ROOT = path.join(__dirname, '..', '..', '..');
const TOKEN = 'test-token-value';
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const TODAY = '2026-11-22'; // as __tests__/helpers.ts (not imported: it loads the whole app)

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cutover-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const runSync = (args: string[]) =>
  spawnSync(process.execPath, ['bin/gatehouse.js', 'cutover', ...args], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: path.join(dir, 'out'), GATEHOUSE_TODAY: TODAY },
    encoding: 'utf8',
  });

test('npm run cutover -- --help prints usage, exits 0 and runs nothing', () => {
  const r = spawnSync('npm', ['run', '--silent', 'cutover', '--', '--help'], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: path.join(dir, 'out') },
    encoding: 'utf8',
  });
  expect([r.status, r.stderr, r.stdout]).toEqual([0, '', CUTOVER_USAGE]);
  expect(fs.existsSync(path.join(dir, 'out'))).toBe(false); // not even a synth
});

test('an unknown flag is one line and exit 2, and runs nothing', () => {
  const r = runSync(['--to', 'standby', '--yes']);
  expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'gatehouse cutover: unknown option "--yes"; run npm run cutover -- --help\n']);
  expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
});

test.each([
  [[], '--to must be standby or primary (got nothing); run npm run cutover -- --help'],
  [['--to', 'secondary'], '--to must be standby or primary (got "secondary"); run npm run cutover -- --help'],
  [['--to', 'standby', '--timeout', '0'], '--timeout needs a number of seconds greater than 0 (got "0")'],
  [['--to=standby', '--interval'], '--interval needs a number of seconds greater than 0 (got nothing)'],
  [['--to', 'standby', '--dry-run=yes'], '--dry-run takes no value (got "yes")'],
])('argument errors: %j -> %s', (argv, error) => {
  expect(parseCutoverArgs(argv)).toEqual({ error });
});

test('arguments: --to, --dry-run, --timeout, --interval (both --flag value and --flag=value); --help wins', () => {
  expect(parseCutoverArgs(['--to=primary', '--dry-run', '--timeout', '600', '--interval=2.5'])).toEqual({
    help: false,
    args: { to: 'primary', dryRun: true, timeoutSeconds: 600, intervalSeconds: 2.5 },
  });
  expect(parseCutoverArgs(['--to', 'standby'])).toEqual({ help: false, args: { to: 'standby', dryRun: false, timeoutSeconds: 300, intervalSeconds: 5 } });
  expect(parseCutoverArgs(['--bogus', '-h'])).toEqual({ help: true });
});

test('a full cutover from the command line: child deploys get TF_VAR_* in their environment, not on argv; the file is recorded', async () => {
  // GIVEN a fake API with both tunnels and the records on the primary, and a fake npx that plays the stacks
  const fake = new FakeCloudflare({ token: TOKEN, account: ACCOUNT, keepPrimaryConnector: true, startupReads: 1 });
  fake.seed('example', () => 'fedcba9876543210fedcba9876543210', ['admin.example.com', 'api.example.com', 'labs.example.com', 'www.example.com'], 'primary');
  await fake.start();
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const log = path.join(dir, 'npx.log');
  fs.writeFileSync(
    path.join(bin, 'npx'),
    [
      '#!/bin/sh',
      `printf '%s|%s|%s\\n' "$*" "$(env | grep '^TF_VAR_' | sort | tr '\\n' ' ')" "$CLOUDFLARE_API_TOKEN" >> '${log}'`,
      'vars=$(env | sed -n "s/^TF_VAR_\\([a-z_]*\\)=\\(.*\\)$/\\"\\1\\":\\"\\2\\"/p" | paste -sd, -)',
      `curl -sf -X POST -d "{\\"stack\\":\\"$3\\",\\"variables\\":{$vars}}" "$GATEHOUSE_CLOUDFLARE_API/__deploy" > /dev/null`,
    ].join('\n'),
    { mode: 0o755 },
  );
  const file = path.join(dir, 'deployment.yaml');
  fs.copyFileSync(path.join(ROOT, 'deployment.example.yaml'), file);
  // WHEN the operator runs the cutover
  const child = spawn(process.execPath, ['bin/gatehouse.js', 'cutover', '--to', 'standby', '--interval', '0.01', '--timeout', '5'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      CDKTF_OUTDIR: path.join(dir, 'out'),
      GATEHOUSE_TODAY: TODAY,
      GATEHOUSE_DEPLOYMENT: file,
      GATEHOUSE_CLOUDFLARE_API: fake.url,
      CLOUDFLARE_API_TOKEN: TOKEN,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  await fake.stop();
  // THEN it succeeded, each deploy step ran with its variables in the environment only
  expect([status, stderr]).toEqual([0, '']);
  expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual([
    `cdktf deploy standby --ignore-missing-stack-dependencies --auto-approve|TF_VAR_activate_dns=true |${TOKEN}`,
    `cdktf deploy production --ignore-missing-stack-dependencies --auto-approve|TF_VAR_activate_dns=true |${TOKEN}`,
  ]);
  expect(fake.records.every((r) => r.content === 'example-standby-uuid.cfargotunnel.com')).toBe(true);
  expect(stdout).toContain('gatehouse cutover: done: every public record points at the standby tunnel example-standby');
  expect(fs.readFileSync(file, 'utf8')).toContain('  keep_primary_connector_on_cutover: true\n  cloudflared_version: 2026.7.2\n  active: standby\n');
});

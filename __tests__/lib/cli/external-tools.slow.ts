/**
 * gatehouse under the real cdktf CLI, with a real browser, and every npm script through npm itself.
 * Each starts heavy external programs (cdktf-cli runs terraform several times; mermaid-cli starts
 * Chromium; a dozen npm processes), so they run in their own timed CI step (`npm run test:slow`, jest.slow.config.js, run by .ci/run),
 * not in npm test, where the same --help paths run in-process (__tests__/lib/cli/cli.test.ts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COMMANDS } from '../../../lib/cli/commands';
import { findBrowser } from '../../../lib/cli/render';

const ROOT = path.join(__dirname, '..', '..', '..');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-tools-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The environment of a user's shell: no npm run variables, checkpoint off as every documented command has it. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', GATEHOUSE_TODAY: '2026-11-22', ...extra };
  for (const k of Object.keys(env)) if (k === 'INIT_CWD' || k.startsWith('npm_')) delete env[k];
  return env;
}

describe('npx cdktf synth (the real cdktf-cli, offline)', () => {
  test('a successful synth prints no [ERROR] line: the summary is ordinary output, and the picture is written', () => {
    // GIVEN a terraform CLI configuration that exists (an unset or missing one makes terraform warn on
    // stderr, which cdktf-cli shows as [ERROR] lines of its own, before the app runs)
    const config = path.join(dir, 'terraformrc');
    fs.writeFileSync(config, '');
    const out = path.join(dir, 'cdktf-out');
    // WHEN the example is synthesized through cdktf-cli
    const r = spawnSync('npx', ['cdktf', 'synth', '--output', out], { cwd: ROOT, env: userEnv({ TF_CLI_CONFIG_FILE: config, FORCE_COLOR: '0' }), encoding: 'utf8', timeout: 180_000 });
    // THEN it succeeds without a single [ERROR] line, shows the policy pack's summary, and writes the stacks and gatehouse.mmd
    expect(r.status).toBe(0);
    expect(`${r.stdout}\n${r.stderr}`).not.toContain('[ERROR]');
    expect(r.stdout).toMatch(/gatehouse policy pack: \d+ rules checked \d+ times: \d+ compliant, 0 errors/);
    expect(r.stdout).toContain('Generated Terraform code for the stacks: access, production, standby');
    expect(fs.readdirSync(out).sort()).toEqual(['gatehouse-compliance.json', 'gatehouse.mmd', 'manifest.json', 'stacks']);
  });
});

describe('gatehouse graph --svg (mermaid-cli in a real browser)', () => {
  const browser = findBrowser(process.env);

  test(browser ? `renders the example's picture to SVG with ${browser}` : 'no browser here: the note, and no SVG', () => {
    const out = path.join(dir, 'graph');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'gatehouse.js'), 'graph', '--svg', '--output', out], { cwd: ROOT, env: userEnv(), encoding: 'utf8', timeout: 180_000 });
    expect(r.status).toBe(0);
    if (!browser) {
      console.log('gatehouse graph --svg: no browser on this machine; rendering skipped (install chromium to run it)');
      expect(r.stderr).toMatch(/^gatehouse graph: no SVG: no browser found/);
      expect(fs.existsSync(path.join(out, 'gatehouse.svg'))).toBe(false);
      return;
    }
    expect(r.stderr).toBe('');
    const svg = fs.readFileSync(path.join(out, 'gatehouse.svg'), 'utf8');
    expect(svg).toMatch(/^<svg[^>]+aria-roledescription="flowchart-v2"/);
    for (const text of ['admin.example.com', 'Access app internal', 'tunnel example-primary', 'GCE host edge-standby', 'bucket example-backups', 'after cutover']) {
      expect(svg).toContain(text);
    }
  });
});

describe('--help through npm and npx, for real', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const scripts = ['validate', 'synth', 'graph', 'status', 'diff', 'deploy', 'cutover', 'cutover:plan', 'schema', 'build'];

  test('npx gatehouse --help and every npm script -- --help exit 0, print usage, and change no file in the checkout', () => {
    expect(Object.keys(manifest.scripts)).toEqual(expect.arrayContaining(scripts));
    const status = () => spawnSync('git', ['status', '--porcelain', '--ignored'], { cwd: ROOT, encoding: 'utf8' }).stdout;
    const before = status();
    const npx = spawnSync('npx', ['--no-install', 'gatehouse', '--help'], { cwd: ROOT, env: userEnv(), encoding: 'utf8' });
    expect([npx.status, npx.stderr]).toEqual([0, '']);
    expect(npx.stdout).toContain(`commands:\n${COMMANDS.map((c) => `  ${c.name}`)[0]}`);
    for (const script of scripts) {
      const r = spawnSync('npm', ['run', '--silent', script, '--', '--help'], { cwd: ROOT, env: userEnv(), encoding: 'utf8' });
      expect([script, r.status, r.stderr]).toEqual([script, 0, '']);
      expect([script, r.stdout]).toEqual([script, expect.stringMatching(/^usage: /)]);
    }
    expect(status()).toBe(before);
  });
});

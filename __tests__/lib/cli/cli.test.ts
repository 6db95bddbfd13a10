/**
 * The gatehouse command line (lib/cli): every command's --help and a bad option through `main`, the
 * real `bin/gatehouse.js` and npm scripts where the process matters (where the user is, what npm
 * passes), the files synth and graph write, and the deploy/diff preflight against a fake `npx` that
 * records what it was asked to run. One synth of the example is shared (beforeAll).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CommandContext } from '../../../lib/cli/command';
import { COMMANDS } from '../../../lib/cli/commands';
import { main, usage } from '../../../lib/cli/main';
import { googleCredentialsFound, matchStacks } from '../../../lib/cli/deploy';
import { loadDeployment } from '../../../lib/config/load';
import { deploymentMermaid } from '../../../lib/graph/mermaid';

const ROOT = path.join(__dirname, '..', '..', '..');
const TODAY = '2026-11-22';
const EXAMPLE = path.join(ROOT, 'deployment.example.yaml');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-'));
  mini = path.join(dir, 'mini.yaml');
  fs.writeFileSync(mini, MINI);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A fresh empty directory under the suite's temporary directory. */
let n = 0;
const fresh = (name = 'case') => fs.mkdtempSync(path.join(dir, `${name}-${n++}-`));
const listing = (d: string): string[] => (fs.existsSync(d) ? fs.readdirSync(d, { recursive: true }).map(String).sort() : []);

/** A small deployment (one gated route, a host gatehouse does not create): quick to synthesize. */
const MINI = `name: mini
cloudflare: {account_id: 0123456789abcdef0123456789abcdef, zone: example.com, zone_id: fedcba9876543210fedcba9876543210, team_name: example}
identity_providers:
  workspace: {type: google-workspace, client_id: 123456789012-example.apps.googleusercontent.com, apps_domain: example.com}
access_policies:
  allow-staff: {decision: allow, include: [{email_domain: example.com}]}
apps:
  internal: {hostnames: [admin.example.com], policies: [allow-staff], idps: [workspace]}
routes:
  - {hostname: admin.example.com, service: 'http://localhost:3000'}
sites:
  primary: {external: {name: edge}}
`;
let mini: string;

/** Run `main` in this process with a recording context; `cwd` is the project directory (default: a fresh one). */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = fresh('cwd')) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = { env: { PATH: process.env.PATH, GATEHOUSE_TODAY: TODAY, ...env }, cwd, out: (l) => out.push(l), err: (l) => err.push(l) };
  const status = await main(argv, ctx);
  return { status, out: out.join('\n'), err: err.join('\n'), errLines: err.join('\n').split('\n').filter(Boolean) };
}

describe('--help and bad options: every command', () => {
  test('gatehouse --help lists exactly the commands in the table, and writes nothing', async () => {
    const r = await cli(['--help']);
    expect([r.status, r.err]).toEqual([0, '']);
    expect(r.out).toBe(usage().trimEnd());
    const listed = r.out.split('\n').filter((l) => /^ {2}[a-z]/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
    expect(listed).toEqual(COMMANDS.map((c) => c.name));
  });

  test('no command: the usage on stderr, exit 2; an unknown command or option: one line, exit 2', async () => {
    const none = await cli([]);
    expect([none.status, none.out]).toEqual([2, '']);
    expect(none.err).toContain('usage: gatehouse <command>');
    expect(await cli(['frobnicate'])).toMatchObject({ status: 2, out: '', errLines: [expect.stringMatching(/^gatehouse: unknown command "frobnicate"; the commands are validate, synth, /)] });
    expect(await cli(['--frobnicate'])).toMatchObject({ status: 2, errLines: [expect.stringMatching(/^gatehouse: unknown option "--frobnicate"/)] });
    expect(await cli(['--version'])).toMatchObject({ status: 0, out: manifest.version });
  });

  test.each(COMMANDS.map((c) => [c.name]))('gatehouse %s --help prints its usage, exits 0 and touches nothing', async (name) => {
    // GIVEN settings that would make the command fail or write if it ran
    const where = fresh('help');
    const env = { INIT_CWD: where, CDKTF_OUTDIR: path.join(where, 'out'), GATEHOUSE_DEPLOYMENT: path.join(where, 'missing.yaml') };
    for (const argv of [[name, '--help'], [name, 'some.yaml', '--bogus', '-h']]) {
      // WHEN --help is anywhere in its arguments
      const r = await cli(argv, env);
      // THEN the usage, nothing else
      expect([r.status, r.err]).toEqual([0, '']);
      expect(r.out).toBe(COMMANDS.find((c) => c.name === name)!.usage.trimEnd());
      expect(r.out).toMatch(/^usage: (gatehouse|npm run) /);
    }
    expect(listing(where)).toEqual([]);
  });

  test.each(COMMANDS.map((c) => [c.name]))('gatehouse %s --frobnicate is one line and exit 2, and touches nothing', async (name) => {
    const where = fresh('bad-option');
    const r = await cli([name, ...(name === 'cutover' ? ['--to', 'standby'] : []), '--frobnicate'], { INIT_CWD: where, CDKTF_OUTDIR: path.join(where, 'out') });
    expect([r.status, r.out, r.errLines.length]).toEqual([2, '', 1]);
    expect(r.err).toMatch(new RegExp(`^gatehouse ${name}: unknown option "--frobnicate"; run (gatehouse ${name} --help|npm run cutover -- --help)$`));
    expect(listing(where)).toEqual([]);
  });

  test('arguments: a value option without a value, a flag with one, too many files, deploy without a stack', async () => {
    expect((await cli(['synth', '--output'])).err).toBe('gatehouse synth: --output needs a value; run gatehouse synth --help');
    expect((await cli(['graph', '--svg=yes'])).err).toBe('gatehouse graph: --svg takes no value (got "yes")');
    expect((await cli(['validate', 'a.yaml', 'b.yaml'])).err).toBe('gatehouse validate: takes at most 1 deployment file; got also "b.yaml"');
    expect((await cli(['deploy'])).err).toBe('gatehouse deploy: names no stack; run gatehouse deploy --help');
    expect((await cli(['diff', 'access', 'production'])).err).toBe('gatehouse diff: takes at most 1 stack; got also "production"');
    expect((await cli(['deploy', 'access', '--var', 'x=1'])).err).toBe('gatehouse deploy: unknown option "--var"; run gatehouse deploy --help');
    expect((await cli(['deploy', 'access', '--parallelism', 'many'])).err).toBe('gatehouse deploy: --parallelism needs a whole number (got "many")');
    for (const argv of [['synth', '--output'], ['deploy'], ['diff', 'a', 'b']]) expect((await cli(argv)).status).toBe(2);
  });
});

describe('processes: the real command, npm scripts, where the user is', () => {
  const env = (extra: NodeJS.ProcessEnv = {}) => {
    const e: NodeJS.ProcessEnv = { ...process.env, GATEHOUSE_TODAY: TODAY, ...extra };
    for (const k of Object.keys(e)) if (k === 'INIT_CWD' || k.startsWith('npm_')) delete e[k];
    return e;
  };

  test('node bin/gatehouse.js --help exits 0 and writes nothing where it runs', () => {
    const where = fresh('bin-help');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'gatehouse.js'), 'synth', '--help'], { cwd: where, env: env(), encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('usage: gatehouse synth [file] [--output <dir>]');
    expect(listing(where)).toEqual([]);
  });

  test('a relative GATEHOUSE_DEPLOYMENT is relative to the directory npm run was started in, and messages show the resolved path', () => {
    const sub = path.join(ROOT, 'examples', 'sso-portal');
    const ok = spawnSync('npm', ['run', '--silent', 'validate'], { cwd: sub, env: env({ GATEHOUSE_DEPLOYMENT: 'deployment.yaml' }), encoding: 'utf8' });
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toBe(`gatehouse validate: ${path.join(sub, 'deployment.yaml')}: valid: deployment portal with 2 apps, 2 Pages sites, 1 Worker\n`);
    const missing = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'gatehouse.js'), 'validate'], { cwd: sub, env: env({ GATEHOUSE_DEPLOYMENT: '../nope.yaml' }), encoding: 'utf8' });
    expect([missing.status, missing.stdout]).toEqual([1, '']);
    expect(missing.stderr).toBe(
      `gatehouse validate: 1 problem; nothing was written\n  ${path.join(ROOT, 'examples', 'nope.yaml')}: (root): no such file; set GATEHOUSE_DEPLOYMENT to a deployment yaml file\n`,
    );
  });

  test('npm run schema -- --help and npm run cutover:plan -- --help print usage and rewrite nothing', () => {
    const schema = path.join(ROOT, 'deployment.schema.json');
    const before = fs.statSync(schema).mtimeMs;
    const out = spawnSync('sh', ['-c', 'npm run --silent schema -- --help && echo --- && npm run --silent cutover:plan -- --help'], { cwd: ROOT, env: env(), encoding: 'utf8' });
    expect([out.status, out.stderr]).toEqual([0, '']);
    const [schemaHelp, planHelp] = out.stdout.split('---\n');
    expect(schemaHelp).toMatch(/^usage: npm run schema\n/);
    expect(planHelp).toBe(`${COMMANDS.find((c) => c.name === 'cutover-plan')!.usage}`);
    expect(fs.statSync(schema).mtimeMs).toBe(before);
  });

  test('every user-facing npm script runs the gatehouse command of the same name (so each answers --help as above)', () => {
    const scripts: Record<string, string> = manifest.scripts;
    const viaCli = Object.entries(scripts).filter(([, s]) => s.startsWith('node bin/gatehouse.js '));
    expect(Object.fromEntries(viaCli)).toEqual({
      validate: 'node bin/gatehouse.js validate',
      synth: 'node bin/gatehouse.js synth',
      graph: 'node bin/gatehouse.js graph',
      status: 'node bin/gatehouse.js status',
      diff: 'node bin/gatehouse.js diff',
      deploy: 'node bin/gatehouse.js deploy',
      cutover: 'node bin/gatehouse.js cutover',
      'cutover:plan': 'node bin/gatehouse.js cutover-plan',
      discover: 'node bin/gatehouse.js discover',
    });
    for (const [, s] of viaCli) expect(COMMANDS.map((c) => c.name)).toContain(s.split(' ')[2]);
    expect(Object.values(scripts).some((s) => /\bcdktf (synth|diff|deploy)\b/.test(s))).toBe(false); // cdktf only through the preflight
  });

  test('node bin/synth.js (the cdktf app command) answers --help and refuses an unknown option, synthesizing nothing', () => {
    const where = fresh('synth-js');
    const help = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), '--help'], { cwd: where, env: env({ CDKTF_OUTDIR: path.join(where, 'out') }), encoding: 'utf8' });
    expect([help.status, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toMatch(/^usage: node bin\/synth.js/);
    const bad = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), '--frobnicate'], { cwd: where, env: env({ CDKTF_OUTDIR: path.join(where, 'out') }), encoding: 'utf8' });
    expect([bad.status, bad.stdout, bad.stderr]).toEqual([2, '', 'bin/synth.js: unknown option "--frobnicate"; run node bin/synth.js --help\n']);
    expect(listing(where)).toEqual([]);
  });
});

describe('synth and graph write the picture', () => {
  let parent: string;
  let result: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    // GIVEN an output directory whose parent does not exist yet
    parent = path.join(fresh('synth'), 'new');
    result = await cli(['synth', mini, '--output', path.join(parent, 'out')]);
  });

  test('synth creates the missing parent, writes the stacks, the report and gatehouse.mmd, and says where', () => {
    expect([result.status, result.err]).toEqual([0, '']);
    expect(result.out.split('\n')).toEqual([
      expect.stringMatching(/^gatehouse policy pack: \d+ rules checked \d+ times: \d+ compliant, 0 errors/),
      `gatehouse synth: wrote stacks access, production and gatehouse.mmd to ${path.join(parent, 'out')}`,
    ]);
    expect(listing(path.join(parent, 'out')).filter((f) => !f.includes(path.sep))).toEqual(['gatehouse-compliance.json', 'gatehouse.mmd', 'manifest.json', 'stacks']);
    expect(fs.readFileSync(path.join(parent, 'out', 'gatehouse.mmd'), 'utf8')).toBe(deploymentMermaid(loadDeployment(mini, { today: TODAY }).deployment));
  });

  test('without --output: CDKTF_OUTDIR relative to where the user is, else cdktf.out in the project directory', async () => {
    const project = fresh('project-dir');
    const user = fresh('user-dir');
    expect((await cli(['graph', mini], {}, project)).out).toBe(`gatehouse graph: wrote ${path.join(project, 'cdktf.out', 'gatehouse.mmd')}`);
    expect((await cli(['graph', mini], { INIT_CWD: user, CDKTF_OUTDIR: 'pictures' }, project)).out).toBe(`gatehouse graph: wrote ${path.join(user, 'pictures', 'gatehouse.mmd')}`);
  });

  test('graph writes only the picture, byte-identical on a second run; --svg without a browser is a note, not a failure', async () => {
    const out = path.join(fresh('graph'), 'out');
    const first = await cli(['graph', EXAMPLE, '--output', out]);
    const bytes = fs.readFileSync(path.join(out, 'gatehouse.mmd'));
    const second = await cli(['graph', EXAMPLE, '--output', out, '--svg'], { PUPPETEER_EXECUTABLE_PATH: path.join(out, 'no-browser') });
    expect([first.status, first.err, first.out]).toEqual([0, '', `gatehouse graph: wrote ${path.join(out, 'gatehouse.mmd')}`]);
    expect([second.status, second.errLines]).toEqual([
      0,
      [`gatehouse graph: no SVG: PUPPETEER_EXECUTABLE_PATH ${path.join(out, 'no-browser')} does not exist; the picture is the Mermaid source ${path.join(out, 'gatehouse.mmd')}`],
    ]);
    expect(listing(out)).toEqual(['gatehouse.mmd']);
    expect(fs.readFileSync(path.join(out, 'gatehouse.mmd')).equals(bytes)).toBe(true);
  });

  test('an output directory that cannot be created is one line naming it, exit 1, no trace', async () => {
    // (a plain name: messages hide values that look like secrets, and a random mkdtemp name can)
    const plain = path.join(os.tmpdir(), `gatehouse-cli-test-${process.pid}`);
    fs.mkdirSync(plain, { recursive: true });
    const blocker = path.join(plain, 'file');
    fs.writeFileSync(blocker, 'not a directory');
    const target = path.join(blocker, 'sub', 'out');
    for (const command of ['synth', 'graph']) {
      const r = await cli([command, mini, '--output', target]);
      expect([r.status, r.out.includes('wrote'), r.errLines.length]).toEqual([1, false, 2]);
      expect(r.errLines[1]).toMatch(new RegExp(`^  ${target.replace(/[/.]/g, '\\$&')}(/gatehouse\\.mmd)?: cannot be written.*a file is in the way`));
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    fs.rmSync(plain, { recursive: true, force: true });
  });

  test('a bad file: one line per problem, exit 1, and synth, graph and validate write nothing', async () => {
    const where = fresh('bad');
    const file = path.join(where, 'bad.yaml');
    fs.writeFileSync(file, 'name: x\n');
    for (const command of ['validate', 'synth', 'graph']) {
      const r = await cli([command, file, ...(command === 'validate' ? [] : ['--output', path.join(where, 'out')])]);
      expect([r.status, r.out, r.errLines]).toEqual([
        1,
        '',
        [
          `gatehouse ${command}: 2 problems; nothing was written`,
          `  ${file}: name: must be 2-21 lower-case letters, digits and hyphens, starting with a letter (got "x")`,
          `  ${file}: cloudflare: is required (object)`,
        ],
      ]);
    }
    expect(listing(where)).toEqual(['bad.yaml']);
  });
});

describe('deploy and diff: the preflight before terraform', () => {
  type Run = Awaited<ReturnType<typeof cli>> & { log: string; project: string };
  /** In a project directory with cdktf-cli installed (this repository's node_modules) and a fake npx that records and exits 3. */
  const run = async (argv: string[], extra: NodeJS.ProcessEnv): Promise<Run> => {
    const project = fresh('project');
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'));
    fs.writeFileSync(path.join(project, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'node bin/synth.js', output: 'out' }));
    fs.mkdirSync(path.join(project, 'fake-bin'));
    const log = path.join(project, 'npx.log');
    fs.writeFileSync(path.join(project, 'fake-bin', 'npx'), `#!/bin/sh\nprintf '%s|%s|%s\\n' "$*" "$CHECKPOINT_DISABLE" "$GATEHOUSE_DEPLOYMENT" >> '${log}'\nexit 3\n`, { mode: 0o755 });
    const env = { PATH: `${path.join(project, 'fake-bin')}:${process.env.PATH}`, HOME: project, GATEHOUSE_DEPLOYMENT: mini, ...extra };
    const r = await cli(argv, env, project);
    return { ...r, log: fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '', project };
  };

  test('missing credentials: every one named in one line, and cdktf never starts', async () => {
    const r = await run(['deploy', 'access', 'production'], {});
    expect([r.status, r.out, r.log]).toEqual([1, '', '']);
    expect(r.errLines).toEqual([
      'gatehouse deploy: refused before terraform runs: CLOUDFLARE_API_TOKEN is not set: the Cloudflare provider and the cutover read it (README: secrets); ' +
        'TF_VAR_workspace_client_secret is not set: access declares the sensitive variable workspace_client_secret with no default',
    ]);
  });

  test("all set: the project's cdktf runs once, on exactly the output just synthesized, with checkpoint off; its exit status is cdktf's", async () => {
    const r = await run(['deploy', 'access', 'production', '--auto-approve', '--parallelism', '2'], { CLOUDFLARE_API_TOKEN: 'test-token', TF_VAR_workspace_client_secret: 'test-secret' });
    expect([r.status, r.err]).toEqual([3, '']);
    expect(r.log.trim().split('\n')).toEqual([`cdktf deploy access production --skip-synth --auto-approve --parallelism 2|1|${mini}`]);
    expect(listing(path.join(r.project, 'out')).filter((f) => !f.includes(path.sep))).toEqual(['gatehouse-compliance.json', 'gatehouse.mmd', 'manifest.json', 'stacks']);
  });

  test('diff: one stack; a pattern that matches no stack is refused before cdktf runs', async () => {
    const r = await run(['diff', 'tenants-*'], { CLOUDFLARE_API_TOKEN: 't' });
    expect([r.status, r.err, r.log]).toEqual([1, 'gatehouse diff: refused: no stack matches "tenants-*"; mini.yaml gives access, production', '']);
    const ok = await run(['diff', 'production', '--refresh-only'], { CLOUDFLARE_API_TOKEN: 't' });
    expect([ok.status, ok.log]).toEqual([3, `cdktf diff production --skip-synth --refresh-only|1|${mini}\n`]);
  });

  test('state in GCS and no Google credentials found: one warning line, and cdktf still runs', async () => {
    const gcs = path.join(dir, 'mini-gcs.yaml');
    fs.writeFileSync(gcs, `${MINI}backend: {type: gcs, bucket: example-state}\n`);
    const r = await run(['diff', 'access', '--file', gcs], { CLOUDFLARE_API_TOKEN: 't', TF_VAR_workspace_client_secret: 's' });
    expect([r.status, r.log]).toEqual([3, `cdktf diff access --skip-synth|1|${gcs}\n`]);
    expect(r.errLines).toEqual([expect.stringMatching(/^gatehouse: warning: no Google credentials found for access \(GOOGLE_APPLICATION_CREDENTIALS, .*metadata server provides them$/)]);
  });

  test('Google credentials the GCE stacks need: a warning when none can be found, not a refusal (a GCE metadata server may provide them)', () => {
    expect(googleCredentialsFound({ HOME: '/nonexistent' }, () => false)).toBe(false);
    expect(googleCredentialsFound({ GOOGLE_OAUTH_ACCESS_TOKEN: 'x' }, () => false)).toBe(true);
    expect(googleCredentialsFound({ GOOGLE_APPLICATION_CREDENTIALS: '/k.json' }, (f) => f === '/k.json')).toBe(true);
    expect(googleCredentialsFound({ GOOGLE_APPLICATION_CREDENTIALS: '/k.json' }, () => false)).toBe(false);
    expect(googleCredentialsFound({ HOME: '/home/u' }, (f) => f === '/home/u/.config/gcloud/application_default_credentials.json')).toBe(true);
    expect(googleCredentialsFound({ CLOUDSDK_CONFIG: '/c', HOME: '/home/u' }, (f) => f === '/c/application_default_credentials.json')).toBe(true);
  });

  test('stack patterns match like cdktf: * is any run of characters', () => {
    expect(matchStacks(['tenants-*', 'access'], ['access', 'production', 'tenants-0', 'tenants-1'])).toEqual({ matched: ['access', 'tenants-0', 'tenants-1'], unmatched: [] });
    expect(matchStacks(['prod'], ['production'])).toEqual({ matched: [], unmatched: ['prod'] });
  });
});

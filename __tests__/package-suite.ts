/**
 * The published package, as a cdktf user gets it: `npm pack`, installed from the tarball into a fresh
 * TypeScript cdktf app (no YAML), whose main.ts is the README's "Use as a library" example. It uses
 * TunnelHost, AccessGatedApp and ManagedBucket directly and applies the policy pack as an Aspect.
 *
 * One pack, one install, one synth per run (beforeAll), in one of two modes:
 * - quick (`__tests__/package.test.ts`, in npm test): the package's JavaScript is built
 *   (scripts/build.js --no-types) and the app's dependencies are installed offline: the peers (cdktf,
 *   constructs, the providers) and yaml/zod/re2js are linked from this repository's node_modules, as
 *   a user's project has them; a test checks that the package declares exactly the modules its dist
 *   requires.
 * - full (`__tests__/package.slow.ts`, `npm run test:slow`, run by .ci/run): the declarations are
 *   built too, the dependencies come from the registry, and tsc type-checks the app against the
 *   installed .d.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';
import { transformSync } from 'esbuild';
import { build } from '../scripts/build.js';

const ROOT = path.join(__dirname, '..');
const MODULES = path.join(ROOT, 'node_modules');
const PEERS = ['cdktf', 'constructs', '@cdktf/provider-cloudflare', '@cdktf/provider-google', '@cdktf/provider-null'];
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** The first ```ts block of README's "Use as a library" section: the user's whole main.ts. */
export function readmeLibraryExample(readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Use as a library'));
  const block = section && /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md has no ```ts block under "## Use as a library"');
  return block[1];
}

const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) => {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

/**
 * Registers the package tests: `full` builds the declarations, installs the dependencies from the
 * registry and type-checks the app (CI's slow step); quick links them from node_modules.
 */
export function packageSuite({ full: FULL }: { full: boolean }): void {
  let dir: string;
  let files: string[];
  let app: string;
  type Ran = { status: number | null; stdout: string; stderr: string };
  let example: Ran;
  let leak: Ran;
  let stack: Record<string, any>;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-package-'));
    // GIVEN the repository's files (tracked and new, not ignored) and a build of dist/
    const stage = path.join(dir, 'stage');
    for (const f of run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], ROOT).split('\0').filter(Boolean)) {
      if (!fs.existsSync(path.join(ROOT, f))) continue; // deleted in the work tree
      fs.mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(stage, f));
    }
    build({ out: path.join(stage, 'dist'), types: FULL });
    // WHEN it is packed (prepack would build again) and installed into a fresh cdktf app
    const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], stage));
    files = packed[0].files.map((f: { path: string }) => f.path).sort();
    app = path.join(dir, 'app');
    fs.mkdirSync(app);
    const link = (name: string) => [name, `file:${path.join(MODULES, name)}`];
    const linked = [...PEERS, ...(FULL ? ['@types/node'] : Object.keys(manifest.dependencies))];
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', private: true, dependencies: Object.fromEntries(linked.map(link)) }));
    run('npm', ['install', FULL ? '--prefer-offline' : '--offline', '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', path.join(dir, packed[0].filename)], app);
    // AND its main.ts is the README example (and a copy whose tunnel token output is not sensitive)
    const source = readmeLibraryExample();
    const leaky = source.replace("{ value: site.connectorToken, sensitive: true }", '{ value: site.connectorToken }');
    expect(leaky).not.toBe(source);
    fs.writeFileSync(path.join(app, 'main.ts'), source);
    const js = (ts: string) => transformSync(ts, { loader: 'ts', format: 'cjs', target: 'node20' }).code;
    fs.writeFileSync(path.join(app, 'main.js'), js(source));
    fs.writeFileSync(path.join(app, 'leak.js'), js(leaky));
    // Both programs in one process (the framework and providers load once): main.js as the user runs it,
    // then leak.js, whose synth must throw; each into its own output directory.
    fs.writeFileSync(
      path.join(app, 'run-both.js'),
      [
        "process.env.CDKTF_OUTDIR = 'main.out';",
        "require('./main.js');",
        "require('fs').writeFileSync('main.ok', '');",
        "process.env.CDKTF_OUTDIR = 'leak.out';",
        "try { require('./leak.js'); } catch (e) { require('fs').writeFileSync('leak.err', e.message); process.exitCode = 7; }",
      ].join('\n'),
    );
    const both = spawnSync(process.execPath, ['run-both.js'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    example = { status: fs.existsSync(path.join(app, 'main.ok')) ? 0 : both.status, stdout: both.stdout, stderr: both.stderr };
    leak = { status: both.status, stdout: '', stderr: fs.existsSync(path.join(app, 'leak.err')) ? fs.readFileSync(path.join(app, 'leak.err'), 'utf8') : '' };
    const out = path.join(app, 'main.out', 'stacks', 'edge', 'cdk.tf.json');
    stack = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : {};
  }, 120_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const resources = (type: string): Array<Record<string, any>> => Object.values(stack.resource?.[type] ?? {});

  describe('npm pack', () => {
    test('the tarball holds only what a user needs: dist, the bin, the cloud-init templates and scripts, the schema, the example, the docs', () => {
      const allowed = /^(dist\/(lib|stacks)\/.+\.(js|d\.ts)|bin\/gatehouse\.js|cloud-init\/[a-z-]+\.(yaml|sh)|deployment\.(schema\.json|example\.yaml)|docs\/[a-z-]+\.md|README\.md|UPGRADING\.md|LICENSE|package\.json)$/;
      expect(files.filter((f) => !allowed.test(f))).toEqual([]);
      for (const needed of ['package.json', 'README.md', 'bin/gatehouse.js', 'cloud-init/connector-host.yaml', 'deployment.schema.json', 'dist/lib/index.js', 'dist/lib/deployment/index.js', 'dist/lib/cli/main.js']) {
        expect(files).toContain(needed);
      }
      expect(files.filter((f) => f.startsWith('cloud-init/'))).toEqual(fs.readdirSync(path.join(ROOT, 'cloud-init')).map((f) => `cloud-init/${f}`).sort());
      if (FULL) expect(files).toEqual(expect.arrayContaining(['dist/lib/index.d.ts', 'dist/lib/deployment/index.d.ts']));
    });

    test('declares exactly the packages its dist requires: peers for the framework and providers, dependencies for the rest', () => {
      const required = new Set<string>();
      for (const f of files.filter((x) => x.endsWith('.js'))) {
        const text = fs.readFileSync(path.join(app, 'node_modules', 'gatehouse', f), 'utf8');
        for (const [, spec] of text.matchAll(/require\("([^".][^"]*)"\)/g)) {
          if (builtinModules.includes(spec.replace(/^node:/, ''))) continue;
          required.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
        }
      }
      // mermaid-cli is found at run time only if the user installed it (gatehouse graph --svg); esbuild only in a source checkout.
      expect([...required].sort()).toEqual([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)].sort());
      expect(Object.keys(manifest.peerDependencies).sort()).toEqual([...PEERS].sort());
      for (const peer of PEERS) expect(manifest.devDependencies[peer]).toMatch(/^\d+\.\d+\.\d+$/); // pinned dev copy
    });

    test('the exports resolve from the installed package: gatehouse (constructs) and gatehouse/deployment (the YAML front end)', () => {
      const installed = path.join(app, 'node_modules', 'gatehouse');
      expect(require.resolve('gatehouse', { paths: [app] })).toBe(path.join(installed, 'dist', 'lib', 'index.js'));
      expect(require.resolve('gatehouse/deployment', { paths: [app] })).toBe(path.join(installed, 'dist', 'lib', 'deployment', 'index.js'));
      for (const entry of Object.values<Record<string, string>>(manifest.exports).filter((e) => typeof e === 'object')) {
        for (const target of Object.values(entry)) if (FULL || target.endsWith('.js')) expect(files).toContain(target.replace(/^\.\//, ''));
      }
    });
  });

  describe('the README example, installed from the tarball into a TypeScript cdktf app', () => {
    test('synthesizes TunnelHost, AccessGatedApp and ManagedBucket resources from the package', () => {
      expect([example.status, example.stderr]).toEqual([0, '']);
      const [tunnel] = resources('cloudflare_zero_trust_tunnel_cloudflared');
      expect(tunnel).toMatchObject({ name: 'example-primary', config_src: 'cloudflare' });
      const [config] = resources('cloudflare_zero_trust_tunnel_cloudflared_config');
      expect(config.config.ingress[0]).toMatchObject({ hostname: 'admin.example.com', service: 'http://localhost:3000' });
      expect(config.config.ingress[0].origin_request.access).toMatchObject({ required: true, team_name: 'example' });
      expect(config.config.ingress.at(-1)).toEqual({ service: 'http_status:404' });
      expect(resources('cloudflare_dns_record')).toEqual([expect.objectContaining({ name: 'admin.example.com', type: 'CNAME', proxied: true })]);
      const [accessApp] = resources('cloudflare_zero_trust_access_application');
      expect(accessApp).toMatchObject({ name: 'internal', type: 'self_hosted' });
      expect(accessApp.destinations).toEqual([{ type: 'public', uri: 'admin.example.com' }]);
      expect(resources('cloudflare_r2_bucket')).toEqual([expect.objectContaining({ name: 'example-backups' })]);
      expect(resources('cloudflare_r2_bucket')[0].lifecycle).toMatchObject({ prevent_destroy: true });
      // The GCE host's user-data is rendered from the package's own cloud-init templates.
      const [instance] = resources('google_compute_instance');
      expect(instance.name).toBe('edge-primary');
      expect(JSON.stringify(instance.metadata)).toContain('#cloud-config');
    });

    test('the user applies the policy pack as an Aspect: a clean stack passes, a leaked secret fails the synth', () => {
      expect(example.stdout).toMatch(/^gatehouse policy pack: \d+ rules checked \d+ times: \d+ compliant, 0 errors, 0 warnings/m);
      expect(leak.status).toBe(7); // leak.js's synth threw
      expect(leak.stderr).toContain('[Gatehouse-OutputSecretsSensitive] output tunnel_token carries a secret but is not sensitive');
      expect(fs.existsSync(path.join(app, 'leak.out', 'stacks', 'edge', 'cdk.tf.json'))).toBe(false);
    });

    test('the installed gatehouse command runs from dist: --help, and validate on the packaged example', () => {
      const bin = path.join(app, 'node_modules', '.bin', 'gatehouse');
      const help = spawnSync(bin, ['--help'], { cwd: app, encoding: 'utf8' });
      expect([help.status, help.stderr]).toEqual([0, '']);
      expect(help.stdout).toContain('usage: gatehouse <command>');
      const valid = spawnSync(bin, ['validate', 'node_modules/gatehouse/deployment.example.yaml'], { cwd: app, env: { ...process.env, INIT_CWD: app }, encoding: 'utf8' });
      expect([valid.status, valid.stderr]).toEqual([0, '']);
      expect(valid.stdout).toContain(`${path.join(app, 'node_modules', 'gatehouse', 'deployment.example.yaml')}: valid`);
    });

    if (FULL) test('type-checks against the installed declarations (tsc, cdktf template settings)', () => {
      fs.writeFileSync(
        path.join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { target: 'ES2018', module: 'CommonJS', lib: ['es2018'], strict: true, noImplicitReturns: true, noUnusedLocals: true, noUnusedParameters: true, skipLibCheck: true, types: ['node'], noEmit: true },
          files: ['main.ts', 'front-end.ts'],
        }),
      );
      // gatehouse/deployment's types resolve under the template's classic (node10) module resolution too (typesVersions).
      fs.writeFileSync(
        path.join(app, 'front-end.ts'),
        "import { deploymentMermaid, loadDeployment } from 'gatehouse/deployment';\nexport const draw = (file: string): string => deploymentMermaid(loadDeployment(file).deployment);\n",
      );
      run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', app], app);
    });
  });
}

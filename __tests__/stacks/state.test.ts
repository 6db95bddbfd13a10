/**
 * Local state: the backend path and the cross-stack remote-state path name the same file, outside
 * the output directory and per deployment, and a new synth keeps terraform's files in the stack
 * directories. State at an old path is refused with the command that moves it. Checked with the real
 * terraform binary (terraform_remote_state and `state mv` are built in, so no provider is needed).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { buildStacks } from '../../lib/app';
import { runCli } from '../../lib/core/cli';
import { synthAtomically } from '../../lib/synth';
import { deploymentFrom, exampleInput, tempDir, TODAY } from '../helpers';

const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
const tf = (cwd: string, ...args: string[]) => execFileSync('terraform', args, { cwd, env, stdio: 'pipe' }).toString();

let root: string;
let outdir: string;
beforeAll(() => {
  root = tempDir('gatehouse-state-');
  outdir = path.join(root, 'cdktf.out');
  synthAtomically((app) => buildStacks(app, deploymentFrom(exampleInput()), { today: TODAY }).report, outdir);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const stackJson = (id: string) => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8'));

test('state lives next to the output directory, never inside it, under the deployment name', () => {
  const backend = stackJson('access').terraform.backend.local.path;
  expect(path.resolve(outdir, 'stacks', 'access', backend)).toBe(path.join(root, 'state', 'example', 'access.tfstate'));
});

test('a consumer stack reads the producer state through the synthesized remote-state config (terraform apply)', () => {
  // GIVEN the access stack's backend, applied with a stand-in output
  const accessBackend = stackJson('access').terraform.backend;
  const probe = path.join(outdir, 'stacks', 'access-probe');
  fs.mkdirSync(probe);
  fs.writeFileSync(path.join(probe, 'main.tf.json'), JSON.stringify({ terraform: { backend: accessBackend }, output: { aud: { value: 'aud-from-access' } } }));
  tf(probe, 'init', '-input=false');
  tf(probe, 'apply', '-auto-approve', '-input=false');
  // WHEN the production stack's own remote-state config reads it from production's directory
  const remote = stackJson('production').data.terraform_remote_state['cross-stack-reference-input-access'];
  const consumer = path.join(outdir, 'stacks', 'production-probe');
  fs.mkdirSync(consumer);
  fs.writeFileSync(
    path.join(consumer, 'main.tf.json'),
    JSON.stringify({
      data: { terraform_remote_state: { access: { backend: remote.backend, config: remote.config } } },
      output: { seen: { value: '${data.terraform_remote_state.access.outputs.aud}' } },
    }),
  );
  tf(consumer, 'init', '-input=false');
  tf(consumer, 'apply', '-auto-approve', '-input=false');
  // THEN it sees the value, and the state file sits beside the output directory
  expect(tf(consumer, 'output', '-raw', 'seen')).toBe('aud-from-access');
  expect(fs.existsSync(path.join(root, 'state', 'example', 'access.tfstate'))).toBe(true);
  fs.rmSync(probe, { recursive: true });
  fs.rmSync(consumer, { recursive: true });
});

test('a new synth replaces the synthesized files and keeps terraform files in the stack directories', () => {
  // GIVEN terraform's own files in a stack directory, and a stale synthesized file
  const dir = path.join(outdir, 'stacks', 'production');
  fs.mkdirSync(path.join(dir, '.terraform'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.terraform', 'marker'), 'x');
  fs.writeFileSync(path.join(dir, '.terraform.lock.hcl'), '# lock');
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), '{}');
  // WHEN synthesized again
  synthAtomically((app) => buildStacks(app, deploymentFrom(exampleInput()), { today: TODAY }).report, outdir);
  // THEN terraform's files are still there and the stack file is fresh
  expect(fs.readFileSync(path.join(dir, '.terraform', 'marker'), 'utf8')).toBe('x');
  expect(fs.existsSync(path.join(dir, '.terraform.lock.hcl'))).toBe(true);
  expect(stackJson('production').resource.cloudflare_dns_record).toBeDefined();
});

/**
 * Build the stacks as a synth into `dir/cdktf.out` would (the state checks run there), without writing
 * anything: the problem lines (none when the build goes through) and the stacks.
 */
function build(dir: string, input: Record<string, any>) {
  const lines: string[] = [];
  let stacks: ReturnType<typeof buildStacks> | undefined;
  const status = runCli(
    () => {
      stacks = buildStacks(new App({ outdir: path.join(dir, 'cdktf.out') }), deploymentFrom(input), { today: TODAY });
    },
    (l) => lines.push(l),
  );
  return { status, problems: lines.slice(1).map((l) => l.trim()), stacks };
}

describe('two deployments in one checkout', () => {
  test('synthesize to distinct local state files and distinct GCS prefixes', () => {
    // GIVEN the example and a staging copy with another name, built in one checkout (one output directory,
    // as two `npm run synth` runs with different GATEHOUSE_DEPLOYMENT give)
    const dir = tempDir('gatehouse-two-');
    try {
      const statePaths = (input: Record<string, any>) => {
        const { stacks } = build(dir, input);
        return [stacks!.access, stacks!.standby!, stacks!.production].map((stack) =>
          path.resolve(dir, 'cdktf.out', 'stacks', stack.node.id, stack.toTerraform().terraform.backend.local.path),
        );
      };
      // THEN every stack's state file differs between the two
      const expected = (name: string) => ['access', 'standby', 'production'].map((id) => path.join(dir, 'state', name, `${id}.tfstate`));
      expect(statePaths(exampleInput())).toEqual(expected('example'));
      expect(statePaths({ ...exampleInput(), name: 'staging' })).toEqual(expected('staging'));
      // AND with a GCS backend and no prefix, each deployment gets gatehouse/<name>/<stack>
      const gcs = (input: Record<string, any>) => {
        input.backend = { type: 'gcs', bucket: 'example-tfstate' };
        return build(dir, input).stacks!.production.toTerraform().terraform.backend.gcs;
      };
      expect(gcs(exampleInput())).toEqual({ bucket: 'example-tfstate', prefix: 'gatehouse/example/production' });
      expect(gcs({ ...exampleInput(), name: 'staging' })).toEqual({ bucket: 'example-tfstate', prefix: 'gatehouse/staging/production' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('state at the path used before state was kept per deployment', () => {
  test('is refused, one line per file with the exact command; running the commands lets synth go on', () => {
    // GIVEN old state files (and a backup) beside the output directory
    const dir = tempDir('gatehouse-legacy-');
    try {
      for (const f of ['terraform.access.tfstate', 'terraform.production.tfstate', 'terraform.production.tfstate.backup']) {
        fs.writeFileSync(path.join(dir, f), '{"version":4,"serial":1,"lineage":"x","resources":[]}');
      }
      // WHEN synthesized
      const first = build(dir, exampleInput());
      // THEN it is refused, each file with one line and its mv command
      expect(first.status).toBe(1);
      expect(first.problems).toHaveLength(2);
      const state = path.join(dir, 'state', 'example');
      expect(first.problems[1]).toBe(
        `${path.join(dir, 'terraform.production.tfstate')}: is local state from before state was kept per deployment, which nothing reads any ` +
          `more; if it is deployment example's, move it: mkdir -p ${state} && mv ${path.join(dir, 'terraform.production.tfstate')} ` +
          `${path.join(state, 'production.tfstate')} && mv ${path.join(dir, 'terraform.production.tfstate.backup')} ${path.join(state, 'production.tfstate.backup')}`,
      );
      // WHEN the printed commands are run THEN the state is where the stacks read it, and synth goes on
      for (const line of first.problems) execFileSync('sh', ['-c', line.slice(line.indexOf('move it: ') + 'move it: '.length)]);
      expect(fs.readdirSync(state).sort()).toEqual(['access.tfstate', 'production.tfstate', 'production.tfstate.backup']);
      expect(build(dir, exampleInput()).status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file at both paths is refused without a command that would overwrite one', () => {
    const dir = tempDir('gatehouse-legacy-');
    try {
      fs.mkdirSync(path.join(dir, 'state', 'example'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'terraform.access.tfstate'), '{}');
      fs.writeFileSync(path.join(dir, 'state', 'example', 'access.tfstate'), '{}');
      const { problems } = build(dir, exampleInput());
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('exists too; keep the one that is current');
      expect(problems[0]).not.toContain('mv ');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Pages resources still in the production state (deployments from before the pages stack)', () => {
  test('are refused with the exact terraform state mv commands, which terraform runs; then synth goes on', () => {
    // GIVEN the example with a Pages site, and a production state holding its three resources from before
    const dir = tempDir('gatehouse-pages-move-');
    try {
      const input = { ...exampleInput(), pages: { docs: { project: 'example-docs', domains: ['docs.example.com'] } } };
      const pagesJson = build(dir, input).stacks!.pages!.toTerraform();
      const addresses = Object.entries<Record<string, unknown>>(pagesJson.resource).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));
      expect(addresses).toHaveLength(3);
      const stateDir = path.join(dir, 'state', 'example');
      fs.mkdirSync(stateDir, { recursive: true });
      const resource = (address: string) => {
        const [type, name] = address.split('.');
        return { mode: 'managed', type, name, provider: 'provider["registry.terraform.io/cloudflare/cloudflare"]', instances: [{ schema_version: 0, attributes: { id: name }, sensitive_attributes: [] }] };
      };
      const other = 'cloudflare_dns_record.dns_admin_1234ABCD';
      fs.writeFileSync(
        path.join(stateDir, 'production.tfstate'),
        JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'l-1', outputs: {}, resources: [...addresses, other].map(resource), check_results: null }),
      );
      // WHEN synthesized
      const first = build(dir, input);
      // THEN it is refused, one line per resource with its command
      expect(first.status).toBe(1);
      const prod = path.join(stateDir, 'production.tfstate');
      const pages = path.join(stateDir, 'pages.tfstate');
      expect([...first.problems].sort()).toEqual(
        addresses
          .map(
            (a) =>
              `${prod}: holds ${a}, which now belongs to stack pages; move it before deploying (else production would destroy it): ` +
              `terraform state mv -state=${prod} -state-out=${pages} ${a} ${a}`,
          )
          .sort(),
      );
      // WHEN terraform runs the printed commands
      for (const line of first.problems) tf(dir, ...line.slice(line.indexOf('terraform state mv ') + 'terraform '.length).split(' '));
      // THEN the Pages resources are in the pages state, the rest stays in production, and synth goes on
      const addressesIn = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')).resources.map((r: any) => `${r.type}.${r.name}`).sort();
      expect(addressesIn(pages)).toEqual([...addresses].sort());
      expect(addressesIn(prod)).toEqual([other]);
      expect(build(dir, input).status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

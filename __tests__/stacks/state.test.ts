/**
 * Local state: the backend path and the cross-stack remote-state path name the same file, outside
 * the output directory, and a new synth keeps terraform's files in the stack directories. Checked
 * with the real terraform binary (terraform_remote_state is built in, so no provider is needed).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildStacks } from '../../lib/app';
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

test('state lives next to the output directory, never inside it', () => {
  const backend = stackJson('access').terraform.backend.local.path;
  expect(path.resolve(outdir, 'stacks', 'access', backend)).toBe(path.join(root, 'terraform.access.tfstate'));
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
  expect(fs.existsSync(path.join(root, 'terraform.access.tfstate'))).toBe(true);
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

/**
 * What an `adopt:` entry does after the first deploy, checked with the real terraform binary
 * (offline: `terraform_data` is built in, no provider is downloaded). An import block whose address
 * is already in the state is skipped, whatever id it names, so the entries may stay in the file;
 * if the state loses the resource, the block imports it again. docs/adopt.md "After the first
 * deploy" states these facts.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../../helpers';

let dir: string;
const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };

/** terraform with its exit status and output (plan's -detailed-exitcode: 0 no changes, 2 changes). */
function terraform(...args: string[]): { status: number; out: string } {
  try {
    return { status: 0, out: execFileSync('terraform', [...args, '-no-color'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] }).toString() };
  } catch (e) {
    const err = e as { status: number; stdout: Buffer; stderr: Buffer };
    return { status: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

/** The configuration: one resource (standing in for an adopted object) and an import block naming `id`. */
function configure(id: string): void {
  fs.writeFileSync(
    path.join(dir, 'main.tf.json'),
    JSON.stringify({ resource: { terraform_data: { adopted: { input: 'managed by gatehouse' } } }, import: [{ to: 'terraform_data.adopted', id }] }),
  );
}

const summary = (out: string) => /^(Plan: .*|No changes\..*)$/m.exec(out)?.[1];

beforeAll(() => {
  dir = tempDir('gatehouse-import-');
  configure('first-id');
  expect(terraform('init', '-input=false').status).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('an import block for a resource already in the state is skipped, even with another id, and imports again once the state loses it', () => {
  // GIVEN an object that exists and an import block for it: the first plan imports, nothing is destroyed
  const first = terraform('plan', '-input=false', '-detailed-exitcode');
  expect(summary(first.out)).toBe('Plan: 1 to import, 0 to add, 1 to change, 0 to destroy.');
  expect(terraform('apply', '-input=false', '-auto-approve').status).toBe(0);

  // WHEN the block stays after the deploy THEN the next plan has nothing to do
  const again = terraform('plan', '-input=false', '-detailed-exitcode');
  expect([again.status, summary(again.out)]).toEqual([0, 'No changes. Your infrastructure matches the configuration.']);

  // WHEN the block names another id THEN it is still skipped: the state, not the block, says what is managed
  configure('another-id');
  const other = terraform('plan', '-input=false', '-detailed-exitcode');
  expect([other.status, summary(other.out)]).toEqual([0, 'No changes. Your infrastructure matches the configuration.']);

  // WHEN the state loses the resource THEN the block adopts the object again instead of creating a second one
  expect(terraform('state', 'rm', 'terraform_data.adopted').status).toBe(0);
  const lost = terraform('plan', '-input=false', '-detailed-exitcode');
  expect(summary(lost.out)).toBe('Plan: 1 to import, 0 to add, 1 to change, 0 to destroy.');
  expect(lost.out).toContain('(imported from "another-id")');
});

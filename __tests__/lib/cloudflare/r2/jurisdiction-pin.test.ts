/**
 * Jurisdiction is immutable: provider 5.14 would plan an in-place edit, so ManagedBucket ties it to a
 * trigger that plans a replacement, which prevent_destroy refuses. This runs the synthesized lifecycle
 * through the real terraform binary, offline, with terraform_data standing in for the provider
 * resources (same addresses, same lifecycle blocks).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdktf';
import { Jurisdiction, ManagedBucket } from '../../../../lib/cloudflare/r2/bucket';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };

function synthesized(jurisdiction: Jurisdiction) {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      new ManagedBucket(scope, 'backups', { accountId: ACCOUNT, bucketName: 'example-backups', jurisdiction });
    }),
  );
  const [[pinId, pin]] = Object.entries<any>(json.resource.null_resource);
  const [[bucketId, bucket]] = Object.entries<any>(json.resource.cloudflare_r2_bucket);
  return { pinId, pin, bucketId, bucket };
}

/** The same graph with terraform_data in place of the provider resources. */
function standIn(jurisdiction: Jurisdiction): string {
  const { pinId, pin, bucketId, bucket } = synthesized(jurisdiction);
  const rewrite = (address: string) => address.replace(/^null_resource\./, 'terraform_data.');
  return JSON.stringify({
    resource: {
      terraform_data: {
        [pinId]: { triggers_replace: pin.triggers },
        [bucketId]: {
          input: bucket.name,
          lifecycle: { prevent_destroy: bucket.lifecycle.prevent_destroy, replace_triggered_by: bucket.lifecycle.replace_triggered_by.map(rewrite) },
        },
      },
    },
  });
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-pin-'));
  fs.writeFileSync(path.join(dir, 'main.tf.json'), standIn(Jurisdiction.DEFAULT));
  execFileSync('terraform', ['init', '-input=false'], { cwd: dir, env, stdio: 'pipe' });
  execFileSync('terraform', ['apply', '-auto-approve', '-input=false'], { cwd: dir, env, stdio: 'pipe' });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the synthesized replace_triggered_by is a bare address terraform accepts', () => {
  const { bucket } = synthesized(Jurisdiction.DEFAULT);
  expect(bucket.lifecycle.prevent_destroy).toBe(true);
  expect(bucket.lifecycle.replace_triggered_by).toEqual([expect.stringMatching(/^null_resource\.[A-Za-z0-9_-]+$/)]);
});

test('an unchanged jurisdiction plans no change', () => {
  const plan = spawnSync('terraform', ['plan', '-input=false', '-detailed-exitcode'], { cwd: dir, env, encoding: 'utf8' });
  expect(plan.status).toBe(0);
});

test('fails at plan time if the jurisdiction changes: prevent_destroy refuses the replacement', () => {
  fs.writeFileSync(path.join(dir, 'main.tf.json'), standIn(Jurisdiction.EU));
  const plan = spawnSync('terraform', ['plan', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8' });
  expect(plan.status).toBe(1);
  expect(plan.stderr).toContain('Instance cannot be destroyed');
  expect(plan.stderr).toContain('lifecycle.prevent_destroy');
});

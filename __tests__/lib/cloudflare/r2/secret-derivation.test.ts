/**
 * Real tool check: the real `terraform` binary (on PATH, offline, no providers, no init) evaluates
 * the synthesized S3 secret derivation with a stub token and must agree with Node's sha256.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformOutput } from 'cdktf';
import { ManagedBucket } from '../../../../lib/cloudflare/r2/bucket';
import { ACCOUNT_ID, synth } from './support';

const STUB_ID = '0d1c2b3a495867768594a3b2c1d0e0f1';
const STUB_VALUE = 'stub-Token_value.for-tests-0123456789abcdefXYZ';
const MEMBER = 'serviceAccount:connector@example-project.iam.gserviceaccount.com';

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Run terraform in `dir` with no prompts, no update checks and the user's CLI config ignored. */
function terraform(dir: string, ...args: string[]): string {
  return execFileSync('terraform', [`-chdir=${dir}`, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_CLI_CONFIG_FILE: '/dev/null' },
  });
}

describe('S3 secret derivation evaluated by terraform', () => {
  // GIVEN a bucket grant delivered to Secret Manager, with an output of its secret access key
  const s = synth((scope) => {
    const bucket = new ManagedBucket(scope, 'b', { accountId: ACCOUNT_ID, bucketName: 'example-backups' });
    const creds = bucket.grantReadWrite('restic', {
      deliverTo: { project: 'example-project', secretId: 'example-backups-restic', member: MEMBER },
    });
    new TerraformOutput(scope, 'secret_access_key', { value: creds.secretAccessKey, sensitive: true });
  });
  const tokenAddress = `cloudflare_account_token.${s.logicalId('b/credentials-restic/token')}`;

  /** The synthesized expression with the token's attributes replaced by stub locals. */
  const stubbed = (expression: string): string => {
    const replaced = expression.split(`${tokenAddress}.value`).join('local.stub_value').split(`${tokenAddress}.id`).join('local.stub_id');
    expect(replaced).not.toContain('cloudflare_account_token.');
    return replaced;
  };

  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-secret-derivation-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the secret access key is the sha256 hex of the token value, as terraform computes it', () => {
    // GIVEN the synthesized output expression, which references the token value
    const expression = s.output('secret_access_key') as string;
    expect(expression).toContain(`${tokenAddress}.value`);
    // AND the secret version payload
    const payload: string = s.at('google_secret_manager_secret_version', 'b/credentials-restic/secret-version').secret_data;
    fs.writeFileSync(
      path.join(dir, 'main.tf.json'),
      JSON.stringify({
        locals: { stub_value: STUB_VALUE, stub_id: STUB_ID },
        output: {
          s: { value: stubbed(expression), sensitive: true },
          payload: { value: stubbed(payload), sensitive: true },
        },
      }),
    );

    // WHEN terraform applies the configuration (no resources, no providers: no init needed) and reads the outputs
    terraform(dir, 'apply', '-auto-approve', '-input=false', '-no-color');
    const secret = terraform(dir, 'output', '-raw', 's');
    const delivered = JSON.parse(terraform(dir, 'output', '-raw', 'payload'));

    // THEN terraform's sha256 equals Node's, lower-case hex
    expect(secret).toBe(sha256Hex(STUB_VALUE));
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    // AND the delivered JSON carries the same credentials
    expect(delivered).toEqual({
      access_key_id: STUB_ID,
      secret_access_key: sha256Hex(STUB_VALUE),
      endpoint: `https://${ACCOUNT_ID}.r2.cloudflarestorage.com`,
      bucket: 'example-backups',
      region: 'auto',
    });
  });
});

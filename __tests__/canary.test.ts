/**
 * Canary: secrets passed the documented way (TF_VAR_* variables, CLOUDFLARE_API_TOKEN, Google
 * credentials) never appear anywhere under cdktf.out, through the real `cdktf synth` CLI.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir, TODAY } from './helpers';

const ROOT = path.join(__dirname, '..');
const CANARIES = {
  TF_VAR_workspace_client_secret: 'canary-idp-secret-7f3a9c',
  CLOUDFLARE_API_TOKEN: 'canary-cloudflare-token-51be02',
  GOOGLE_CREDENTIALS: '{"type":"service_account","private_key":"canary-google-key-c0ffee"}',
  GOOGLE_OAUTH_ACCESS_TOKEN: 'canary-google-oauth-9d8e7f',
};
const NEEDLES = ['7f3a9c', '51be02', 'c0ffee', '9d8e7f'];

/** Every file under a directory, recursively. */
function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

test('no secret passed the documented way appears under cdktf.out', () => {
  const dir = tempDir();
  try {
    const credentialsFile = path.join(dir, 'adc.json');
    fs.writeFileSync(credentialsFile, CANARIES.GOOGLE_CREDENTIALS);
    const outdir = path.join(dir, 'cdktf.out');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf'), 'synth', '--output', outdir], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...CANARIES,
        GOOGLE_APPLICATION_CREDENTIALS: credentialsFile,
        GATEHOUSE_TODAY: TODAY,
        CHECKPOINT_DISABLE: '1',
        CI: 'true',
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect([r.status, r.stderr.includes('Error')]).toEqual([0, false]);
    const files = walk(outdir);
    expect(files.map((f) => path.relative(outdir, f))).toEqual(
      expect.arrayContaining(['manifest.json', 'gatehouse-compliance.json', 'stacks/production/cdk.tf.json', 'stacks/standby/cdk.tf.json']),
    );
    for (const f of files) {
      const text = fs.readFileSync(f, 'latin1');
      for (const needle of NEEDLES) expect([path.relative(outdir, f), text.includes(needle)]).toEqual([path.relative(outdir, f), false]);
    }
    // The secret is referenced, never inlined.
    const access = fs.readFileSync(path.join(outdir, 'stacks', 'access', 'cdk.tf.json'), 'utf8');
    expect(access).toContain('${var.workspace_client_secret}');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the same holds for the app command run directly (cdktf-cli strips TF_VAR_* before it runs the app)', () => {
  const dir = tempDir();
  try {
    const outdir = path.join(dir, 'cdktf.out');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js')], {
      cwd: ROOT,
      env: { ...process.env, ...CANARIES, GATEHOUSE_TODAY: TODAY, CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    for (const f of walk(outdir)) {
      const text = fs.readFileSync(f, 'latin1');
      for (const needle of NEEDLES) expect([path.relative(outdir, f), text.includes(needle)]).toEqual([path.relative(outdir, f), false]);
    }
    expect(r.stdout + r.stderr).not.toMatch(new RegExp(NEEDLES.join('|')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

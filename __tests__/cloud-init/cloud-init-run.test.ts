/**
 * The rendered user-data through cloud-init itself: its own bootcmd, write_files and runcmd modules
 * (`cloud-init --file <user-data> single --name <module>`) write into a throwaway root, so the files
 * land exactly where the units expect them, with the modes and owners the template says, and the
 * first-boot and later-boot command sequences do what they should.
 *
 * The throwaway root: a private mount namespace (`unshare --mount`) with overlays on /etc, /usr/local,
 * /var/lib, /var/log and /run whose upper layers live on a tmpfs, so nothing reaches the real system.
 * That needs root (CAP_SYS_ADMIN); CI runs as root (and fails here if it cannot). As another user outside CI
 * the test is skipped, and says so.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONNECTOR_ACTIVATION_ATTRIBUTE, renderConnectorUserData } from '../../lib/google/user-data';

const CLOUD_INIT_DIR = path.join(__dirname, '..', '..', 'cloud-init');
const canMount = process.getuid?.() === 0 && spawnSync('unshare', ['--mount', 'true']).status === 0;
// In CI (.ci/run sets CI=true, as root) these tests must run: there a missing mount namespace fails them instead of skipping.
const rootTest = canMount || process.env.CI ? test : test.skip;
if (!canMount && !process.env.CI) console.warn('cloud-init-run.test.ts: skipped; needs root and unshare --mount (CI runs as root)');
if (!canMount && process.env.CI) test('CI runs as root with unshare --mount (the cloud-init tests need a private mount namespace)', () => expect(canMount).toBe(true));

const SCRIPTS = ['gatehouse-bootstrap', 'gatehouse-fetch-token', 'gatehouse-connector-watch', 'gatehouse-status'];
const UNITS = ['gatehouse-bootstrap.service', 'gatehouse-connector-watch.service', 'cloudflared.service'];

const BOOT = path.join(__dirname, 'throwaway-boot.sh');

rootTest('cloud-init writes every file where the units expect it, and enables the units on the first and every later boot', () => {
  // GIVEN the rendered user-data of a GCE host and a systemctl stand-in
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cloud-init-'));
  try {
    fs.mkdirSync(path.join(scratch, 'overlay'));
    fs.mkdirSync(path.join(scratch, 'bin'));
    const systemctlLog = path.join(scratch, 'systemctl.log');
    fs.writeFileSync(systemctlLog, '');
    fs.writeFileSync(path.join(scratch, 'bin', 'systemctl'), `#!/bin/sh\nprintf '%s\\n' "$*" >>"${systemctlLog}"\n`, { mode: 0o755 });
    const userData = path.join(scratch, 'user-data.yaml');
    fs.writeFileSync(
      userData,
      renderConnectorUserData({
        cloudflaredVersion: '2026.7.2',
        tokenSource: { kind: 'secret-manager', secretVersion: 'projects/example-prod/secrets/edge-primary-tunnel-token/versions/latest' },
        activation: { kind: 'gce-metadata', attribute: CONNECTOR_ACTIVATION_ATTRIBUTE },
      }),
    );

    // WHEN cloud-init's own modules run it in a throwaway root
    const result = spawnSync('unshare', ['--mount', '--propagation', 'private', 'bash', BOOT], {
      env: { ...process.env, SCRATCH: scratch, USER_DATA: userData, SYSTEMCTL_LOG: systemctlLog, PATH: `${scratch}/bin:${process.env.PATH}` },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const sections = Object.fromEntries(
      result.stdout
        .split(/^@@ /m)
        .filter(Boolean)
        .map((chunk) => {
          const [name, ...lines] = chunk.split('\n');
          return [name, lines.filter(Boolean)];
        }),
    );

    // THEN the first boot's bootcmd found nothing to enable (write_files had not run yet) ...
    expect(sections['first-boot-bootcmd']).toEqual([]);
    // ... runcmd reloaded and enabled both units without blocking ...
    const enable = 'enable --now --no-block gatehouse-bootstrap.service gatehouse-connector-watch.service';
    expect(sections['first-boot-runcmd']).toEqual(['daemon-reload', enable]);
    // ... and every later boot's bootcmd enables and starts them again (healing a failed first runcmd)
    expect(sections['later-boot-bootcmd']).toEqual([enable]);

    // AND the files are where the units and scripts look, with the template's modes and owners
    expect(sections.files.sort()).toEqual(
      [
        '/etc/gatehouse/connector.env 644 root:root',
        ...SCRIPTS.map((s) => `/usr/local/sbin/${s} 755 root:root`),
        ...UNITS.map((u) => `/etc/systemd/system/${u} 644 root:root`),
      ].sort(),
    );
    // AND the scripts are the checked files in cloud-init/, byte for byte, and parse
    const sums = Object.fromEntries(sections.sha256.map((l: string) => l.split(/\s+/).reverse()));
    for (const script of SCRIPTS) {
      const source = fs.readFileSync(path.join(CLOUD_INIT_DIR, `${script}.sh`));
      expect(sums[script]).toBe(createHash('sha256').update(source).digest('hex'));
    }
    expect(sections.syntax).toEqual(SCRIPTS.map((s) => `/usr/local/sbin/${s} ok`).sort());
    // AND the units verify in place
    expect(sections.verify).toEqual(['verify exit 0']);
    expect(sections.env).toContain('GATEHOUSE_ACTIVATION=gce-metadata');
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});

test('the throwaway boot script itself is shellcheck-clean', () => {
  const result = spawnSync('shellcheck', [BOOT], { encoding: 'utf8' });
  if (result.error) throw new Error(`shellcheck is required for this test (${result.error.message})`);
  expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({ status: 0, output: '' });
});

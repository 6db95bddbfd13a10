/**
 * gatehouse-bootstrap (as rendered into user-data) against a simulated package system: stand-ins for
 * curl, apt-get, apt-mark, dpkg, dpkg-query and cloudflared that keep their state in files, so an
 * attempt can fail the way a first boot does (curl exit 28 before Cloud NAT is up, an install cut off
 * half-way) and the next attempt sees the consequences. gpg is real: the pinned-key check runs on
 * throwaway keys. gpg is required (.ci/run installs gnupg): a missing tool fails instead of skipping.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { CLOUDFLARE_APT_KEY_FINGERPRINT, ConnectorUserDataOptions, renderConnectorUserData } from '../../lib/google/user-data';

const KEY_URL = 'https://pkg.cloudflare.com/cloudflare-main.gpg';
const OPTIONS: ConnectorUserDataOptions = {
  cloudflaredVersion: '2026.7.2',
  tokenSource: { kind: 'file', path: '/etc/gatehouse/tunnel-token' },
  activation: { kind: 'always-on' },
};

let tmp: string;
let fingerprints: string[];
let keyFile: string;

function gpg(gnupgHome: string, ...args: string[]): string {
  const result = spawnSync('gpg', ['--batch', ...args], { env: { ...process.env, GNUPGHOME: gnupgHome }, encoding: 'utf8' });
  if (result.error) throw new Error(`gpg is required for this test (${result.error.message}); install gnupg (CI does)`);
  expect(result.status).toBe(0);
  return result.stdout;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bootstrap-'));
  // Two throwaway keys served in one file: the pinned one and another that must not be trusted.
  const home = path.join(tmp, 'keys');
  fs.mkdirSync(home, { mode: 0o700 });
  gpg(home, '--passphrase', '', '--quick-gen-key', 'Example Packaging <packages@example.com>', 'ed25519', 'sign', 'never');
  gpg(home, '--passphrase', '', '--quick-gen-key', 'Example Other <other@example.com>', 'ed25519', 'sign', 'never');
  fingerprints = gpg(home, '--with-colons', '--list-keys')
    .split('\n')
    .filter((l) => l.startsWith('fpr:'))
    .map((l) => l.split(':')[9]);
  expect(fingerprints).toHaveLength(2);
  keyFile = path.join(tmp, 'served.asc');
  fs.writeFileSync(keyFile, gpg(home, '--armor', '--export'));
  spawnSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: home } });
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * The simulated package system. State files in `fake/`:
 * - installed: "<package> <version>" lines (what dpkg-query reports);
 * - curl-failures: how many more curl calls time out (exit 28);
 * - break-next-install: the next install of cloudflared is cut off half-way (dpkg left interrupted);
 * - interrupted: dpkg --audit reports a half-configured package; apt-get refuses to install;
 * - held: packages held with apt-mark (dpkg-query then reports "hold ok installed").
 */
const FAKES: Record<string, string> = {
  curl: `#!/bin/bash
printf 'curl %s\\n' "$*" >>"$FAKE/calls.log"
n=$(cat "$FAKE/curl-failures" 2>/dev/null || echo 0)
if ((n > 0)); then echo $((n - 1)) >"$FAKE/curl-failures"; echo "curl: (28) Connection timed out after 10001 milliseconds" >&2; exit 28; fi
while [[ $# -gt 0 ]]; do if [[ $1 == -o ]]; then cp "$SERVED_KEY" "$2"; fi; shift; done
`,
  'apt-get': `#!/bin/bash
args=()
for a in "$@"; do [[ $a == -o || $a == -q || $a == DPkg::* || $a == Acquire::* || $a == Dpkg::* ]] || args+=("$a"); done
printf 'apt-get %s\\n' "\${args[*]}" >>"$FAKE/calls.log"
[[ \${args[0]} == install ]] || exit 0
if [[ -e $FAKE/interrupted ]]; then echo "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem." >&2; exit 100; fi
for a in "\${args[@]:1}"; do
  [[ $a == -* ]] && continue
  name=\${a%%=*}; version=1.0; [[ $a == *=* ]] && version=\${a#*=}
  if [[ $name == cloudflared && -e $FAKE/break-next-install ]]; then
    rm -f "$FAKE/break-next-install"; touch "$FAKE/interrupted"; echo "Killed" >&2; exit 100
  fi
  grep -v "^$name " "$FAKE/installed" >"$FAKE/installed.new"; echo "$name $version" >>"$FAKE/installed.new"; mv "$FAKE/installed.new" "$FAKE/installed"
done
`,
  'apt-mark': `#!/bin/bash
printf 'apt-mark %s\\n' "$*" >>"$FAKE/calls.log"
[[ $1 == hold ]] && echo "$2" >>"$FAKE/held"
`,
  dpkg: `#!/bin/bash
printf 'dpkg %s\\n' "$*" >>"$FAKE/calls.log"
if [[ $1 == --audit ]]; then [[ -e $FAKE/interrupted ]] && echo "The following packages are only half configured: cloudflared"; exit 0; fi
if [[ $1 == --configure ]]; then rm -f "$FAKE/interrupted"; fi
`,
  'dpkg-query': `#!/bin/bash
format=$2; name=$3
line=$(grep "^$name " "$FAKE/installed") || { echo "dpkg-query: no packages found matching $name" >&2; exit 1; }
grep -qx "$name" "$FAKE/held" 2>/dev/null && want=hold || want=install
case $format in *Status*) printf '%s ok installed' "$want" ;; *Version*) printf '%s' "\${line#* }" ;; esac
`,
  cloudflared: `#!/bin/bash
line=$(grep '^cloudflared ' "$FAKE/installed") || exit 127
echo "cloudflared version \${line#* } (built 2026-07-01-0000 UTC)"
`,
};

interface Host {
  dir: string;
  fake: string;
  run: (env?: Record<string, string>) => { status: number | null; stderr: string; calls: string[] };
  keyring: string;
  sourceList: string;
  stateDir: string;
}

function prepareHost(name: string, options: ConnectorUserDataOptions = OPTIONS): Host {
  const dir = path.join(tmp, name);
  const bin = path.join(dir, 'bin');
  const fake = path.join(dir, 'fake');
  fs.mkdirSync(bin, { recursive: true });
  fs.mkdirSync(fake);
  for (const [command, body] of Object.entries(FAKES)) fs.writeFileSync(path.join(bin, command), body, { mode: 0o755 });
  fs.writeFileSync(path.join(fake, 'installed'), 'ca-certificates 1.0\ncurl 1.0\ngnupg 1.0\n');

  const config = parse(renderConnectorUserData(options)) as { write_files: Array<{ path: string; content: string }> };
  const content = (p: string) => config.write_files.find((f) => f.path === p)!.content;
  fs.writeFileSync(path.join(dir, 'connector.env'), content('/etc/gatehouse/connector.env'));
  fs.writeFileSync(path.join(dir, 'gatehouse-bootstrap'), content('/usr/local/sbin/gatehouse-bootstrap'), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'gatehouse-status'), content('/usr/local/sbin/gatehouse-status'), { mode: 0o755 });

  const keyring = path.join(dir, 'out', 'cloudflare-main.gpg');
  const sourceList = path.join(dir, 'out', 'cloudflared.list');
  fs.mkdirSync(path.join(dir, 'out'));
  const stateDir = path.join(dir, 'state');
  const run = (env: Record<string, string> = {}) => {
    fs.writeFileSync(path.join(fake, 'calls.log'), '');
    const result = spawnSync('bash', [path.join(dir, 'gatehouse-bootstrap')], {
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: dir,
        LANG: 'C',
        FAKE: fake,
        SERVED_KEY: keyFile,
        GATEHOUSE_CONFIG: path.join(dir, 'connector.env'),
        GATEHOUSE_STATE_DIR: stateDir,
        GATEHOUSE_STATUS: path.join(dir, 'gatehouse-status'),
        GATEHOUSE_APT_KEYRING: keyring,
        GATEHOUSE_APT_SOURCE_LIST: sourceList,
        GATEHOUSE_BOOTSTRAP_BACKOFF_INITIAL_MS: '20',
        GATEHOUSE_BOOTSTRAP_BACKOFF_MAX_MS: '60',
        GATEHOUSE_BOOTSTRAP_MAX_ATTEMPTS: '6',
        ...env,
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: result.status, stderr: result.stderr, calls: fs.readFileSync(path.join(fake, 'calls.log'), 'utf8').split('\n').filter(Boolean) };
  };
  return { dir, fake, run, keyring, sourceList, stateDir };
}

const statusFile = (host: Host): Record<string, string> =>
  Object.fromEntries(
    fs
      .readFileSync(path.join(host.stateDir, 'status'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('gatehouse-bootstrap', () => {
  test('recovers from a failing installer: curl times out, then an install is cut off half-way, then it works', () => {
    // GIVEN a fresh host without jq and cloudflared, whose first download times out (curl exit 28)
    // and whose first cloudflared install is killed half-way (dpkg left interrupted)
    const host = prepareHost('recovers');
    fs.writeFileSync(path.join(host.dir, 'connector.env'), fs.readFileSync(path.join(host.dir, 'connector.env'), 'utf8').replace(CLOUDFLARE_APT_KEY_FINGERPRINT, fingerprints[0]));
    fs.writeFileSync(path.join(host.fake, 'curl-failures'), '1');
    fs.writeFileSync(path.join(host.fake, 'break-next-install'), '');

    // WHEN the installer runs
    const first = host.run();

    // THEN it retried with back-off and ended installed and held
    expect(first.stderr).toContain(`attempt 1 failed: could not download ${KEY_URL} (curl exit 28)`);
    expect(first.stderr).toContain('retrying in 20ms');
    expect(first.stderr).toContain('attempt 2 failed: apt-get install cloudflared=2026.7.2 failed');
    expect(first.stderr).toContain('retrying in 40ms');
    expect(first.stderr).toContain('dpkg reports an interrupted install; running dpkg --configure -a');
    expect(first.stderr).toContain('cloudflared 2026.7.2 is installed (attempt 3)');
    expect(first.status).toBe(0);
    const installs = first.calls.filter((c) => /^(apt-get install|dpkg --configure|apt-mark)/.test(c));
    expect(installs).toEqual([
      'apt-get install --yes --no-install-recommends jq',
      'apt-get install --yes --no-install-recommends --allow-downgrades --allow-change-held-packages cloudflared=2026.7.2',
      'dpkg --configure -a',
      'apt-get install --yes --no-install-recommends --allow-downgrades --allow-change-held-packages cloudflared=2026.7.2',
      'apt-mark hold cloudflared',
    ]);
    expect(first.calls.filter((c) => c.startsWith('curl '))[0]).toMatch(/--proto =https .*https:\/\/pkg\.cloudflare\.com\/cloudflare-main\.gpg$/);

    // AND the watcher's gate and the status are set
    expect(fs.readFileSync(path.join(host.stateDir, 'bootstrap-done'), 'utf8')).toBe('2026.7.2\n');
    expect(statusFile(host)).toEqual({
      bootstrap: 'ok',
      cloudflared_version: '2026.7.2',
      last_error: 'bootstrap: apt-get install cloudflared=2026.7.2 failed',
    });

    // AND only the pinned key is trusted, by the repository line
    fs.mkdirSync(path.join(host.dir, 'check'), { mode: 0o700 });
    const trusted = gpg(path.join(host.dir, 'check'), '--with-colons', '--show-keys', host.keyring);
    expect(trusted.split('\n').filter((l) => l.startsWith('pub:'))).toHaveLength(1);
    expect(trusted).toContain(`fpr:::::::::${fingerprints[0]}:`);
    expect(trusted).not.toContain(fingerprints[1]);
    expect(fs.readFileSync(host.sourceList, 'utf8')).toBe(`deb [signed-by=${host.keyring}] https://pkg.cloudflare.com/cloudflared any main\n`);

    // WHEN it runs again (every later boot)
    const again = host.run();
    // THEN it is a quick success with no network and no package changes (held stays held)
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('(attempt 1)');
    expect(again.calls).toEqual([]);

    // AND if the hold was lifted by hand, it is put back, still without the network
    fs.writeFileSync(path.join(host.fake, 'held'), '');
    const unheld = host.run();
    expect(unheld.status).toBe(0);
    expect(unheld.calls).toEqual(['apt-mark hold cloudflared']);
  });

  test('trusts no key but the pinned one: refuses, retries, and gives up only when told to', () => {
    // GIVEN the served key file does not hold the pinned (default) fingerprint
    const host = prepareHost('wrong-key');
    // WHEN the installer runs with two attempts allowed
    const result = host.run({ GATEHOUSE_BOOTSTRAP_MAX_ATTEMPTS: '2' });
    // THEN both attempts refuse the key, and nothing is trusted or installed
    expect(result.status).toBe(1);
    expect(result.stderr.match(/attempt \d failed: .* does not hold the pinned key/g)).toHaveLength(2);
    expect(result.stderr).toContain(`${KEY_URL} does not hold the pinned key ${CLOUDFLARE_APT_KEY_FINGERPRINT} (found: ${fingerprints.join(' ')}); refusing it`);
    expect(result.stderr).toContain('giving up after 2 attempts');
    expect(fs.existsSync(host.keyring)).toBe(false);
    expect(fs.existsSync(host.sourceList)).toBe(false);
    expect(result.calls.filter((c) => c.includes('cloudflared='))).toEqual([]);
    expect(fs.existsSync(path.join(host.stateDir, 'bootstrap-done'))).toBe(false);
    expect(statusFile(host).bootstrap).toMatch(/^failed: https:\/\/pkg\.cloudflare\.com\/cloudflare-main\.gpg does not hold the pinned key/);
  });

  test('refuses bad settings with one line and no package work', () => {
    const host = prepareHost('bad-settings');
    fs.writeFileSync(path.join(host.dir, 'connector.env'), 'GATEHOUSE_CLOUDFLARED_VERSION=latest\n');
    const result = host.run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("GATEHOUSE_CLOUDFLARED_VERSION must be a cloudflared release such as 2026.7.2 (got 'latest')");
    expect(result.calls).toEqual([]);
  });
});

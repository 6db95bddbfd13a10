/**
 * renderConnectorUserData: the rendered #cloud-config for every branch, its validation, and real-tool
 * checks (cloud-init schema, shellcheck, systemd-analyze when present). cloud-init and shellcheck
 * are required: a missing tool fails the test instead of skipping it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseDocument } from 'yaml';
import { GatehouseError, looksLikeSecret, SECRET_NOT_SHOWN } from '../../lib/core/errors';
import {
  CLOUDFLARE_APT_KEY_FINGERPRINT,
  CONNECTOR_ACTIVATION_ATTRIBUTE,
  ConnectorUserDataOptions,
  renderConnectorUserData,
} from '../../lib/google/user-data';

const CLOUD_INIT_DIR = path.join(__dirname, '..', '..', 'cloud-init');
const SECRET_VERSION = 'projects/example-project/secrets/edge-tunnel-token/versions/latest';

const BASE: ConnectorUserDataOptions = {
  cloudflaredVersion: '2026.7.2',
  tokenSource: { kind: 'secret-manager', secretVersion: SECRET_VERSION },
  activation: { kind: 'gce-metadata', attribute: CONNECTOR_ACTIVATION_ATTRIBUTE },
};
const FILE_ALWAYS_ON: ConnectorUserDataOptions = {
  cloudflaredVersion: '2026.5.0',
  tokenSource: { kind: 'file', path: '/etc/gatehouse/tunnel-token' },
  activation: { kind: 'always-on' },
};
const BRANCHES: Array<[string, ConnectorUserDataOptions]> = [
  ['secret-manager + gce-metadata', BASE],
  ['secret-manager + always-on', { ...BASE, activation: { kind: 'always-on' } }],
  ['file + gce-metadata', { ...FILE_ALWAYS_ON, activation: { kind: 'gce-metadata', attribute: 'edge-connector_2' } }],
  ['file + always-on', FILE_ALWAYS_ON],
];

interface WriteFile {
  path: string;
  content: string;
  owner?: string;
  permissions?: string;
}
interface CloudConfig {
  packages: string[];
  write_files: WriteFile[];
  runcmd: Array<string | string[]>;
  bootcmd?: Array<string | string[]>;
}

function rendered(options: ConnectorUserDataOptions = BASE): { text: string; config: CloudConfig } {
  const text = renderConnectorUserData(options);
  return { text, config: parse(text) as CloudConfig };
}

function file(config: CloudConfig, filePath: string): WriteFile {
  const found = config.write_files.find((f) => f.path === filePath);
  if (!found) throw new Error(`no write_files entry for ${filePath}`);
  return found;
}

/** Lines of a systemd unit or env file, trimmed, without blanks and comments. */
function settings(content: string): string[] {
  return content
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function envSettings(config: CloudConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of settings(file(config, '/etc/gatehouse/connector.env').content)) {
    const eq = line.indexOf('=');
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** Render a validation failure's message (or fail if the options were accepted). */
function failure(options: unknown): string {
  try {
    renderConnectorUserData(options as ConnectorUserDataOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    return (error as Error).message;
  }
  throw new Error('expected renderConnectorUserData to throw');
}

/** Run a tool; a missing binary is a test failure, not a skip. */
function run(command: string, args: string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, { input, encoding: 'utf8' });
  if (result.error) {
    throw new Error(`${command} is required for this test (${result.error.message}); install it (CI does)`);
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** runcmd/bootcmd as cloud-init runs them: one sh script, list entries shell-quoted. */
function commandsAsScript(commands: Array<string | string[]>): string {
  const lines = commands.map((c) => (Array.isArray(c) ? c.map(shellQuote).join(' ') : c));
  return `#!/bin/sh\n${lines.join('\n')}\n`;
}

function shellOf(script: string): string {
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(script);
  const interpreter = shebang?.[1].endsWith('/env') ? shebang[2] : shebang?.[1];
  return path.basename(interpreter ?? 'sh');
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-user-data-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('template', () => {
  test('is a #cloud-config YAML document on its own, with every placeholder', () => {
    const template = fs.readFileSync(path.join(CLOUD_INIT_DIR, 'connector-host.yaml'), 'utf8');
    expect(template.startsWith('#cloud-config\n')).toBe(true);
    expect(parseDocument(template).errors).toEqual([]);
    const placeholders = [...new Set(template.match(/@@[A-Z0-9_]+@@/g))].sort();
    expect(placeholders).toEqual([
      '@@ACTIVATION@@',
      '@@ATTRIBUTE@@',
      '@@CLOUDFLARED_VERSION@@',
      '@@CLOUDFLARE_APT_KEY_FINGERPRINT@@',
      '@@CONNECTOR_WATCH_SCRIPT@@',
      '@@FETCH_TOKEN_SCRIPT@@',
      '@@SECRET_VERSION@@',
      '@@TOKEN_FILE@@',
      '@@TOKEN_SOURCE@@',
    ]);
  });
});

describe('rendered user-data', () => {
  test('starts with #cloud-config and has no placeholder left', () => {
    const { text } = rendered();
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    expect(text).not.toContain('@@');
  });

  test('exports the activation attribute name', () => {
    expect(CONNECTOR_ACTIVATION_ATTRIBUTE).toBe('gatehouse-connector');
  });

  test('installs cloudflared from the Cloudflare apt repository, key checked by fingerprint, version pinned and held', () => {
    const { config } = rendered();
    expect(config.packages).toEqual(expect.arrayContaining(['curl', 'jq', 'gnupg', 'ca-certificates']));
    const install = file(config, '/usr/local/sbin/gatehouse-install-cloudflared');
    expect(install.permissions).toBe('0755');
    const script = install.content;
    expect(script).toContain(`fingerprint='${CLOUDFLARE_APT_KEY_FINGERPRINT}'`);
    expect(script).toContain("key_url='https://pkg.cloudflare.com/cloudflare-main.gpg'");
    expect(script).toContain("keyring='/usr/share/keyrings/cloudflare-main.gpg'");
    expect(script).toContain('deb [signed-by=$keyring] https://pkg.cloudflare.com/cloudflared any main');
    expect(script).toContain('gpg --batch --export "$fingerprint"');
    expect(script).toContain("version='2026.7.2'");
    expect(script).toContain('apt-get install --yes --no-install-recommends "cloudflared=$version"');
    expect(script).toContain('apt-mark hold cloudflared');
    // The install runs before the watcher is enabled, and any failure stops the sequence.
    expect(config.runcmd).toEqual([
      'set -e',
      '/usr/local/sbin/gatehouse-install-cloudflared',
      'systemctl daemon-reload',
      'systemctl enable --now gatehouse-connector-watch.service',
    ]);
  });

  test('pins another cloudflared version and a custom fingerprint (normalized)', () => {
    const fingerprint = 'fba8 c0ee 6361 7c5e ed69  5c43 254b 391d 8cac cbf8';
    const { config } = rendered({ ...BASE, cloudflaredVersion: '2025.11.1', aptKeyFingerprint: fingerprint });
    const script = file(config, '/usr/local/sbin/gatehouse-install-cloudflared').content;
    expect(script).toContain("version='2025.11.1'");
    expect(script).toContain("fingerprint='FBA8C0EE63617C5EED695C43254B391D8CACCBF8'");
    expect(script).not.toContain(CLOUDFLARE_APT_KEY_FINGERPRINT);
  });

  test('writes a hardened cloudflared unit that takes the token only from its environment file', () => {
    const { config } = rendered();
    const unit = file(config, '/etc/systemd/system/cloudflared.service');
    expect(unit.permissions).toBe('0644');
    const lines = settings(unit.content);
    expect(lines).toEqual(
      expect.arrayContaining([
        'Type=notify',
        'EnvironmentFile=/etc/cloudflared/tunnel.env',
        'ExecStart=/usr/bin/cloudflared --no-autoupdate tunnel run',
        'Restart=on-failure',
        'DynamicUser=yes',
        'NoNewPrivileges=yes',
        'CapabilityBoundingSet=',
        'AmbientCapabilities=',
        'ProtectSystem=strict',
        'ProtectHome=yes',
        'PrivateTmp=yes',
        'PrivateDevices=yes',
        'ProtectKernelTunables=yes',
        'ProtectKernelModules=yes',
        'ProtectControlGroups=yes',
        'RestrictSUIDSGID=yes',
        'SystemCallFilter=@system-service',
      ]),
    );
    expect(lines.filter((l) => l.startsWith('ExecStart'))).toHaveLength(1);
    // Never enabled by itself: no [Install] section, so only the watcher starts it.
    expect(lines).not.toContain('[Install]');
    expect(lines.some((l) => l.startsWith('WantedBy='))).toBe(false);
  });

  test('writes an enabled watcher unit that restarts always (except after always-on is done)', () => {
    const { config } = rendered();
    const lines = settings(file(config, '/etc/systemd/system/gatehouse-connector-watch.service').content);
    expect(lines).toEqual(
      expect.arrayContaining([
        'ExecStart=/usr/local/sbin/gatehouse-connector-watch',
        'Restart=always',
        'RestartPreventExitStatus=0',
        'ConfigurationDirectory=cloudflared',
        'ConfigurationDirectoryMode=0700',
        'NoNewPrivileges=yes',
        'ProtectSystem=strict',
        '[Install]',
        'WantedBy=multi-user.target',
      ]),
    );
  });

  test('inlines both host scripts byte for byte, executable and root-owned', () => {
    const { config } = rendered();
    for (const [target, source] of [
      ['/usr/local/sbin/gatehouse-fetch-token', 'gatehouse-fetch-token.sh'],
      ['/usr/local/sbin/gatehouse-connector-watch', 'gatehouse-connector-watch.sh'],
    ]) {
      const entry = file(config, target);
      expect(entry.content).toBe(fs.readFileSync(path.join(CLOUD_INIT_DIR, source), 'utf8'));
      expect(entry.permissions).toBe('0755');
      expect(entry.owner).toBe('root:root');
    }
  });

  test('secret-manager + gce-metadata settings', () => {
    const { config } = rendered();
    expect(envSettings(config)).toEqual({
      GATEHOUSE_TOKEN_SOURCE: 'secret-manager',
      GATEHOUSE_SECRET_VERSION: SECRET_VERSION,
      GATEHOUSE_TOKEN_FILE: '',
      GATEHOUSE_ACTIVATION: 'gce-metadata',
      GATEHOUSE_ATTRIBUTE: 'gatehouse-connector',
    });
    expect(file(config, '/etc/gatehouse/connector.env').permissions).toBe('0644');
  });

  test('file + always-on settings', () => {
    const { config } = rendered(FILE_ALWAYS_ON);
    expect(envSettings(config)).toEqual({
      GATEHOUSE_TOKEN_SOURCE: 'file',
      GATEHOUSE_SECRET_VERSION: '',
      GATEHOUSE_TOKEN_FILE: '/etc/gatehouse/tunnel-token',
      GATEHOUSE_ACTIVATION: 'always-on',
      GATEHOUSE_ATTRIBUTE: '',
    });
    expect(file(config, '/usr/local/sbin/gatehouse-install-cloudflared').content).toContain("version='2026.5.0'");
  });

  test('mixed branches: secret-manager + always-on, file + gce-metadata', () => {
    expect(envSettings(rendered(BRANCHES[1][1]).config)).toMatchObject({
      GATEHOUSE_TOKEN_SOURCE: 'secret-manager',
      GATEHOUSE_ACTIVATION: 'always-on',
      GATEHOUSE_ATTRIBUTE: '',
    });
    expect(envSettings(rendered(BRANCHES[2][1]).config)).toMatchObject({
      GATEHOUSE_TOKEN_SOURCE: 'file',
      GATEHOUSE_ACTIVATION: 'gce-metadata',
      GATEHOUSE_ATTRIBUTE: 'edge-connector_2',
    });
  });

  test.each(BRANCHES)('%s: carries no token and never the token-on-argv forms', (_name, options) => {
    const { text } = rendered(options);
    expect(text).not.toMatch(/--token\b/);
    expect(text).not.toMatch(/--token-file\b/);
    expect(text).not.toMatch(/service\s+install/);
    expect(text).not.toMatch(/TUNNEL_TOKEN=[A-Za-z0-9+/_-]{8,}/);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9]{10,}/); // a base64 JSON token
  });

  test('accepts cdktf tokens inside values (resolved at synth time)', () => {
    const secretVersion = 'projects/${TfToken[TOKEN.7]}/secrets/edge-tunnel-token/versions/latest';
    const { config } = rendered({ ...BASE, tokenSource: { kind: 'secret-manager', secretVersion } });
    expect(envSettings(config).GATEHOUSE_SECRET_VERSION).toBe(secretVersion);
  });

  test('is deterministic', () => {
    const reordered: ConnectorUserDataOptions = {
      activation: { attribute: CONNECTOR_ACTIVATION_ATTRIBUTE, kind: 'gce-metadata' },
      tokenSource: { secretVersion: SECRET_VERSION, kind: 'secret-manager' },
      cloudflaredVersion: '2026.7.2',
    };
    const first = renderConnectorUserData(BASE);
    expect(renderConnectorUserData(BASE)).toBe(first);
    expect(renderConnectorUserData(reordered)).toBe(first);
    expect(renderConnectorUserData(FILE_ALWAYS_ON)).toBe(renderConnectorUserData(FILE_ALWAYS_ON));
  });
});

describe('validation', () => {
  test.each(['2026.07.2', '2026.7', 'v2026.7.2', '2026.13.1', 'latest', '2026.7.2; rm -rf /', ''])(
    'fails if cloudflaredVersion is %j',
    (cloudflaredVersion) => {
      const message = failure({ ...BASE, cloudflaredVersion });
      expect(message).toContain('cloudflaredVersion');
      expect(message).toContain(JSON.stringify(cloudflaredVersion));
      expect(message).toContain('YYYY.M.P');
    },
  );

  test('fails if cloudflaredVersion is missing', () => {
    expect(failure({ ...BASE, cloudflaredVersion: undefined })).toMatch(/cloudflaredVersion: is required/);
  });

  test.each(['ABCD', 'CC94B39C77AE7342A68B89628A682D308D4E5E7Z', `${CLOUDFLARE_APT_KEY_FINGERPRINT}00`])(
    'fails if aptKeyFingerprint is %j',
    (aptKeyFingerprint) => {
      const message = failure({ ...BASE, aptKeyFingerprint });
      expect(message).toContain('aptKeyFingerprint');
      // A 40-character random-looking value is never echoed (issue 14: secret-safe messages).
      expect(message).toContain(looksLikeSecret(aptKeyFingerprint) ? SECRET_NOT_SHOWN : JSON.stringify(aptKeyFingerprint));
      expect(message).toContain('40 hex digits');
    },
  );

  test.each([
    'projects/example-project/secrets/edge-tunnel-token',
    'edge-tunnel-token',
    'projects/Example/secrets/s/versions/latest',
    'projects/example-project/secrets/s/versions/latest\nGATEHOUSE_ACTIVATION=always-on',
    'projects/example-project/secrets/s t/versions/1',
  ])('fails if tokenSource.secretVersion is %j', (secretVersion) => {
    const message = failure({ ...BASE, tokenSource: { kind: 'secret-manager', secretVersion } });
    expect(message).toContain('tokenSource.secretVersion');
    expect(message).toContain(JSON.stringify(secretVersion).slice(0, 40));
    expect(message).toContain('projects/PROJECT/secrets/SECRET/versions/VERSION');
  });

  test.each(['etc/gatehouse/token', '/etc/gatehouse/../shadow', '/etc/./token', '/etc/gatehouse/', '/etc/my token', '/etc/$(id)'])(
    'fails if tokenSource.path is %j',
    (tokenPath) => {
      const message = failure({ ...FILE_ALWAYS_ON, tokenSource: { kind: 'file', path: tokenPath } });
      expect(message).toContain('tokenSource.path');
      expect(message).toContain(JSON.stringify(tokenPath));
      expect(message).toContain('absolute file path');
    },
  );

  test.each(['Gatehouse-Connector', 'has space', '', 'a/b', 'x'.repeat(129)])('fails if activation.attribute is %j', (attribute) => {
    const message = failure({ ...BASE, activation: { kind: 'gce-metadata', attribute } });
    expect(message).toContain('activation.attribute');
    expect(message).toContain(JSON.stringify(attribute).slice(0, 40));
    expect(message).toContain("a-z, 0-9, '-' and '_'");
  });

  test('fails if the token source or activation kind is unknown', () => {
    const message = failure({ ...BASE, tokenSource: { kind: 'metadata' }, activation: { kind: 'cron' } });
    expect(message).toContain('tokenSource.kind: must be "secret-manager" or "file" (got "metadata")');
    expect(message).toContain('activation.kind: must be "gce-metadata" or "always-on" (got "cron")');
  });

  test('fails listing every problem, one line each', () => {
    const message = failure({
      cloudflaredVersion: '2026.07.2',
      aptKeyFingerprint: 'nope',
      tokenSource: { kind: 'file', path: 'relative/token' },
      activation: { kind: 'gce-metadata', attribute: 'Bad Name' },
    });
    const lines = message.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^renderConnectorUserData: cloudflaredVersion: .* \(got "2026\.07\.2"\)$/);
    expect(lines[1]).toMatch(/^renderConnectorUserData: aptKeyFingerprint: .* \(got "nope"\)$/);
    expect(lines[2]).toMatch(/^renderConnectorUserData: tokenSource\.path: .* \(got "relative\/token"\)$/);
    expect(lines[3]).toMatch(/^renderConnectorUserData: activation\.attribute: .* \(got "Bad Name"\)$/);
  });
});

describe('real tools', () => {
  test.each(BRANCHES)('%s: passes `cloud-init schema --config-file`', (name, options) => {
    const target = path.join(tmp, `${name.replace(/\W+/g, '-')}.yaml`);
    fs.writeFileSync(target, renderConnectorUserData(options));
    const result = run('cloud-init', ['schema', '--config-file', target]);
    // 22.x prints "Valid cloud-config: <file>"; newer releases word it differently, so match loosely.
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/\bvalid\b/i);
    expect(result.output).not.toMatch(/error|deprecat/i);
  });

  test('cloud-init schema really rejects a broken document (the check has teeth)', () => {
    const target = path.join(tmp, 'broken.yaml');
    fs.writeFileSync(target, renderConnectorUserData(BASE).replace("permissions: '0644'", 'permissions: 420'));
    const result = run('cloud-init', ['schema', '--config-file', target]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('permissions');
  });

  test.each(BRANCHES)('%s: every script passes shellcheck', (_name, options) => {
    const { config } = rendered(options);
    const scripts: Array<[string, string]> = config.write_files
      .filter((f) => f.content.startsWith('#!'))
      .map((f) => [f.path, f.content]);
    scripts.push(['runcmd', commandsAsScript(config.runcmd)]);
    if (config.bootcmd) scripts.push(['bootcmd', commandsAsScript(config.bootcmd)]);
    expect(scripts.map(([p]) => p)).toEqual([
      '/usr/local/sbin/gatehouse-install-cloudflared',
      '/usr/local/sbin/gatehouse-fetch-token',
      '/usr/local/sbin/gatehouse-connector-watch',
      'runcmd',
    ]);
    for (const [where, script] of scripts) {
      const result = run('shellcheck', [`--shell=${shellOf(script)}`, '--external-sources', '-'], script);
      expect({ where, ...result }).toEqual({ where, status: 0, output: '' });
    }
  });

  test('the script files in cloud-init/ pass shellcheck', () => {
    const files = fs.readdirSync(CLOUD_INIT_DIR).filter((f) => f.endsWith('.sh'));
    expect(files.sort()).toEqual(['gatehouse-connector-watch.sh', 'gatehouse-fetch-token.sh']);
    const result = run('shellcheck', files.map((f) => path.join(CLOUD_INIT_DIR, f)));
    expect(result).toEqual({ status: 0, output: '' });
  });

  // gpg is required (.ci/run installs gnupg): a missing tool fails instead of skipping.
  test('the install script trusts only the pinned key and installs the pinned version', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'install-'));
    const gnupgHome = path.join(dir, 'gnupg');
    fs.mkdirSync(gnupgHome, { mode: 0o700 });
    const gpg = (...args: string[]) => {
      const result = spawnSync('gpg', ['--batch', ...args], { env: { ...process.env, GNUPGHOME: gnupgHome }, encoding: 'utf8' });
      expect(result.status).toBe(0);
      return result.stdout;
    };
    // Two throwaway keys in one file: the pinned one and another that must not be trusted.
    gpg('--passphrase', '', '--quick-gen-key', 'Example Packaging <packages@example.com>', 'ed25519', 'sign', 'never');
    gpg('--passphrase', '', '--quick-gen-key', 'Example Other <other@example.com>', 'ed25519', 'sign', 'never');
    const fingerprints = gpg('--with-colons', '--list-keys')
      .split('\n')
      .filter((l) => l.startsWith('fpr:'))
      .map((l) => l.split(':')[9]);
    expect(fingerprints).toHaveLength(2);
    const keyFile = path.join(dir, 'served.asc');
    fs.writeFileSync(keyFile, gpg('--armor', '--export'));
    spawnSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: gnupgHome } });

    // Stand-ins: curl serves the local key file; apt-get, apt-mark and cloudflared only log.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const log = path.join(dir, 'calls.log');
    fs.writeFileSync(
      path.join(bin, 'curl'),
      `#!/bin/bash\nprintf 'curl %s\\n' "$*" >>"${log}"\nwhile [[ $# -gt 0 ]]; do if [[ $1 == -o ]]; then cp "${keyFile}" "$2"; fi; shift; done\n`,
      { mode: 0o755 },
    );
    for (const command of ['apt-get', 'apt-mark', 'cloudflared']) {
      fs.writeFileSync(path.join(bin, command), `#!/bin/sh\nprintf '${command} %s\\n' "$*" >>"${log}"\n`, { mode: 0o755 });
    }

    const install = (fingerprint: string) => {
      fs.writeFileSync(log, '');
      const keyring = path.join(dir, 'out', 'cloudflare-main.gpg');
      const sourceList = path.join(dir, 'out', 'cloudflared.list');
      fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
      fs.mkdirSync(path.join(dir, 'out'));
      const script = file(rendered({ ...BASE, aptKeyFingerprint: fingerprint }).config, '/usr/local/sbin/gatehouse-install-cloudflared')
        .content.replace("keyring='/usr/share/keyrings/cloudflare-main.gpg'", `keyring='${keyring}'`)
        .replace("source_list='/etc/apt/sources.list.d/cloudflared.list'", `source_list='${sourceList}'`);
      const result = spawnSync('bash', ['-c', script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
      return { status: result.status, stderr: result.stderr, keyring, sourceList, calls: fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) };
    };

    const good = install(fingerprints[0]);
    expect(good.status).toBe(0);
    const trusted = gpg('--with-colons', '--show-keys', good.keyring);
    const trustedPrimaries = trusted.split('\n').filter((l) => l.startsWith('pub:'));
    expect(trustedPrimaries).toHaveLength(1);
    expect(trusted).toContain(`fpr:::::::::${fingerprints[0]}:`);
    expect(trusted).not.toContain(fingerprints[1]);
    expect(fs.readFileSync(good.sourceList, 'utf8')).toBe(
      `deb [signed-by=${good.keyring}] https://pkg.cloudflare.com/cloudflared any main\n`,
    );
    expect(good.calls[0]).toMatch(/^curl .*--proto =https .*https:\/\/pkg\.cloudflare\.com\/cloudflare-main\.gpg$/);
    expect(good.calls.slice(1)).toEqual([
      'apt-get update',
      'apt-get install --yes --no-install-recommends cloudflared=2026.7.2',
      'apt-mark hold cloudflared',
      'cloudflared --version',
    ]);

    const wrong = install(CLOUDFLARE_APT_KEY_FINGERPRINT);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain(`does not hold the pinned key ${CLOUDFLARE_APT_KEY_FINGERPRINT}`);
    expect(fs.existsSync(wrong.keyring)).toBe(false);
    expect(fs.existsSync(wrong.sourceList)).toBe(false);
    expect(wrong.calls.filter((c) => !c.startsWith('curl '))).toEqual([]);
  });

  // systemd-analyze is required (.ci/run installs systemd): a missing tool fails instead of skipping.
  test('systemd units parse without warnings (systemd-analyze verify)', () => {
    const { config } = rendered();
    const units = config.write_files.filter((f) => f.path.endsWith('.service'));
    expect(units.map((u) => path.basename(u.path))).toEqual(['cloudflared.service', 'gatehouse-connector-watch.service']);
    const dir = fs.mkdtempSync(path.join(tmp, 'units-'));
    const paths = units.map((u) => {
      const target = path.join(dir, path.basename(u.path));
      // The binaries do not exist here; everything else is checked as written.
      fs.writeFileSync(target, u.content.replace(/^ExecStart=.*$/m, 'ExecStart=/bin/true'));
      return target;
    });
    const result = run('systemd-analyze', ['verify', '--man=no', ...paths]);
    expect(result).toEqual({ status: 0, output: '' });
  });
});

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
const DNS_RECORD = '_gatehouse-example-standby.example.com';
const FILE_DNS_TXT: ConnectorUserDataOptions = { ...FILE_ALWAYS_ON, activation: { kind: 'dns-txt', record: DNS_RECORD } };
const BRANCHES: Array<[string, ConnectorUserDataOptions]> = [
  ['secret-manager + gce-metadata', BASE],
  ['secret-manager + always-on', { ...BASE, activation: { kind: 'always-on' } }],
  ['file + gce-metadata', { ...FILE_ALWAYS_ON, activation: { kind: 'gce-metadata', attribute: 'edge-connector_2' } }],
  ['file + always-on', FILE_ALWAYS_ON],
  ['file + dns-txt', FILE_DNS_TXT],
];
/** Every host script: where it lands, and its source file. */
const SCRIPTS: Array<[string, string]> = [
  ['/usr/local/sbin/gatehouse-bootstrap', 'gatehouse-bootstrap.sh'],
  ['/usr/local/sbin/gatehouse-fetch-token', 'gatehouse-fetch-token.sh'],
  ['/usr/local/sbin/gatehouse-connector-watch', 'gatehouse-connector-watch.sh'],
  ['/usr/local/sbin/gatehouse-status', 'gatehouse-status.sh'],
];
const UNITS = ['gatehouse-bootstrap.service', 'cloudflared.service', 'gatehouse-connector-watch.service'];

interface WriteFile {
  path: string;
  content: string;
  owner?: string;
  permissions?: string;
}
interface CloudConfig {
  packages?: string[];
  package_update?: boolean;
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
      '@@BOOTSTRAP_SCRIPT@@',
      '@@CLOUDFLARED_VERSION@@',
      '@@CLOUDFLARE_APT_KEY_FINGERPRINT@@',
      '@@CONNECTOR_WATCH_SCRIPT@@',
      '@@DNS_RECORD@@',
      '@@FETCH_TOKEN_SCRIPT@@',
      '@@GUEST_ATTRIBUTES@@',
      '@@SECRET_VERSION@@',
      '@@STATUS_SCRIPT@@',
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

  test.each(BRANCHES)('%s: no one-shot installer: cloud-init installs no package and only writes files and enables units', (_name, options) => {
    // GIVEN the rendered user-data
    const { config } = rendered(options);
    // THEN nothing needs the network at first boot
    expect(config.packages).toBeUndefined();
    expect(config.package_update).toBeUndefined();
    expect(Object.keys(config).sort()).toEqual(['bootcmd', 'runcmd', 'write_files']);
    // AND runcmd only reloads and enables, without `set -e` (each line runs whatever happened before)
    expect(config.runcmd).toEqual([
      'systemctl daemon-reload',
      'systemctl enable --now --no-block gatehouse-bootstrap.service gatehouse-connector-watch.service',
    ]);
    // AND bootcmd (every boot) enables and starts the same units once their files exist
    expect(config.bootcmd).toEqual([
      'if [ -f /etc/systemd/system/gatehouse-bootstrap.service ] && [ -f /etc/systemd/system/gatehouse-connector-watch.service ]; ' +
        'then systemctl enable --now --no-block gatehouse-bootstrap.service gatehouse-connector-watch.service; fi',
    ]);
  });

  test('the installer pins the version and the key fingerprint through connector.env, and installs the prerequisites itself', () => {
    const { config } = rendered();
    expect(envSettings(config)).toMatchObject({
      GATEHOUSE_CLOUDFLARED_VERSION: '2026.7.2',
      GATEHOUSE_APT_KEY_FINGERPRINT: CLOUDFLARE_APT_KEY_FINGERPRINT,
    });
    const script = file(config, '/usr/local/sbin/gatehouse-bootstrap').content;
    expect(script).toContain("key_url=${GATEHOUSE_APT_KEY_URL:-https://pkg.cloudflare.com/cloudflare-main.gpg}");
    expect(script).toContain('https://pkg.cloudflare.com/cloudflared any main');
    expect(script).toContain('prerequisites=(ca-certificates curl gnupg jq)');
    expect(script).toContain('"cloudflared=$version"');
    expect(script).toContain('apt-mark hold cloudflared');
    expect(script).toContain('dpkg --configure -a');
  });

  test('the installer unit runs as exec (boot never waits for it), restarts on failure without a start limit, enabled at boot', () => {
    const { config } = rendered();
    const unit = file(config, '/etc/systemd/system/gatehouse-bootstrap.service');
    expect(unit.permissions).toBe('0644');
    expect(settings(unit.content)).toEqual(
      expect.arrayContaining([
        'After=network-online.target',
        'Wants=network-online.target',
        'StartLimitIntervalSec=0',
        'Type=exec',
        'RemainAfterExit=yes',
        'ExecStart=/usr/local/sbin/gatehouse-bootstrap',
        'Restart=on-failure',
        'RestartSec=30s',
        'TimeoutStartSec=infinity',
        'StateDirectory=gatehouse',
        '[Install]',
        'WantedBy=multi-user.target',
      ]),
    );
  });

  test('pins another cloudflared version and a custom fingerprint (normalized)', () => {
    const fingerprint = 'fba8 c0ee 6361 7c5e ed69  5c43 254b 391d 8cac cbf8';
    const { config, text } = rendered({ ...BASE, cloudflaredVersion: '2025.11.1', aptKeyFingerprint: fingerprint });
    expect(envSettings(config)).toMatchObject({
      GATEHOUSE_CLOUDFLARED_VERSION: '2025.11.1',
      GATEHOUSE_APT_KEY_FINGERPRINT: 'FBA8C0EE63617C5EED695C43254B391D8CACCBF8',
    });
    expect(text).not.toContain(CLOUDFLARE_APT_KEY_FINGERPRINT);
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

  test('writes an enabled watcher unit that restarts always (except after a clean stop), ordered after the installer', () => {
    const { config } = rendered();
    const lines = settings(file(config, '/etc/systemd/system/gatehouse-connector-watch.service').content);
    expect(lines).toEqual(
      expect.arrayContaining([
        'After=network-online.target gatehouse-bootstrap.service',
        'Wants=network-online.target gatehouse-bootstrap.service',
        'ExecStart=/usr/local/sbin/gatehouse-connector-watch',
        'Restart=always',
        'RestartPreventExitStatus=0',
        'ConfigurationDirectory=cloudflared',
        'ConfigurationDirectoryMode=0700',
        'StateDirectory=gatehouse',
        'NoNewPrivileges=yes',
        'ProtectSystem=strict',
        '[Install]',
        'WantedBy=multi-user.target',
      ]),
    );
    // Ordering alone does not make a failed install wait: the watcher also checks bootstrap-done itself.
    expect(file(config, '/usr/local/sbin/gatehouse-connector-watch').content).toContain('bootstrap_done() { [[ -s $state_dir/bootstrap-done ]]; }');
  });

  test('inlines every host script byte for byte, executable and root-owned', () => {
    const { config } = rendered();
    const inlined = config.write_files.filter((f) => f.content.startsWith('#!')).map((f) => f.path);
    expect(inlined).toEqual(SCRIPTS.map(([target]) => target));
    for (const [target, source] of SCRIPTS) {
      const entry = file(config, target);
      expect(entry.content).toBe(fs.readFileSync(path.join(CLOUD_INIT_DIR, source), 'utf8'));
      expect(entry.permissions).toBe('0755');
      expect(entry.owner).toBe('root:root');
    }
  });

  test('secret-manager + gce-metadata settings: guest attributes on', () => {
    const { config } = rendered();
    expect(envSettings(config)).toEqual({
      GATEHOUSE_CLOUDFLARED_VERSION: '2026.7.2',
      GATEHOUSE_APT_KEY_FINGERPRINT: CLOUDFLARE_APT_KEY_FINGERPRINT,
      GATEHOUSE_TOKEN_SOURCE: 'secret-manager',
      GATEHOUSE_SECRET_VERSION: SECRET_VERSION,
      GATEHOUSE_TOKEN_FILE: '',
      GATEHOUSE_ACTIVATION: 'gce-metadata',
      GATEHOUSE_ATTRIBUTE: 'gatehouse-connector',
      GATEHOUSE_DNS_RECORD: '',
      GATEHOUSE_GUEST_ATTRIBUTES: 'true',
    });
    expect(file(config, '/etc/gatehouse/connector.env').permissions).toBe('0644');
  });

  test('file + always-on settings: no metadata server, so no guest attributes', () => {
    const { config } = rendered(FILE_ALWAYS_ON);
    expect(envSettings(config)).toEqual({
      GATEHOUSE_CLOUDFLARED_VERSION: '2026.5.0',
      GATEHOUSE_APT_KEY_FINGERPRINT: CLOUDFLARE_APT_KEY_FINGERPRINT,
      GATEHOUSE_TOKEN_SOURCE: 'file',
      GATEHOUSE_SECRET_VERSION: '',
      GATEHOUSE_TOKEN_FILE: '/etc/gatehouse/tunnel-token',
      GATEHOUSE_ACTIVATION: 'always-on',
      GATEHOUSE_ATTRIBUTE: '',
      GATEHOUSE_DNS_RECORD: '',
      GATEHOUSE_GUEST_ATTRIBUTES: 'false',
    });
  });

  test('file + dns-txt settings: the record, and no guest attributes', () => {
    expect(envSettings(rendered(FILE_DNS_TXT).config)).toMatchObject({
      GATEHOUSE_TOKEN_SOURCE: 'file',
      GATEHOUSE_ACTIVATION: 'dns-txt',
      GATEHOUSE_ATTRIBUTE: '',
      GATEHOUSE_DNS_RECORD: DNS_RECORD,
      GATEHOUSE_GUEST_ATTRIBUTES: 'false',
    });
  });

  test('mixed branches: secret-manager + always-on, file + gce-metadata (both on GCE: guest attributes on)', () => {
    expect(envSettings(rendered(BRANCHES[1][1]).config)).toMatchObject({
      GATEHOUSE_TOKEN_SOURCE: 'secret-manager',
      GATEHOUSE_ACTIVATION: 'always-on',
      GATEHOUSE_ATTRIBUTE: '',
      GATEHOUSE_GUEST_ATTRIBUTES: 'true',
    });
    expect(envSettings(rendered(BRANCHES[2][1]).config)).toMatchObject({
      GATEHOUSE_TOKEN_SOURCE: 'file',
      GATEHOUSE_ACTIVATION: 'gce-metadata',
      GATEHOUSE_ATTRIBUTE: 'edge-connector_2',
      GATEHOUSE_GUEST_ATTRIBUTES: 'true',
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
    expect(renderConnectorUserData(FILE_DNS_TXT)).toBe(renderConnectorUserData({ ...FILE_DNS_TXT, activation: { record: DNS_RECORD, kind: 'dns-txt' } }));
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

  test.each([
    'gatehouse-example-standby.example.com',
    '_gatehouse-example-standby',
    '_gatehouse-Example.example.com',
    '_gatehouse-.example.com',
    '_gatehouse-example.example.com.',
    `_gatehouse-${'x'.repeat(53)}.example.com`,
    `_gatehouse-x.${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example.com`, // 280 characters
    '_gatehouse-x.example.com\nGATEHOUSE_ACTIVATION=always-on',
    '',
  ])('fails if activation.record is %j', (record) => {
    const message = failure({ ...FILE_DNS_TXT, activation: { kind: 'dns-txt', record } });
    expect(message).toContain('activation.record');
    expect(message).toContain(JSON.stringify(record).slice(0, 40));
    expect(message).toContain("first label starts with '_gatehouse-'");
  });

  test('fails if the dns-txt record is missing', () => {
    expect(failure({ ...FILE_DNS_TXT, activation: { kind: 'dns-txt' } })).toMatch(/activation\.record: is required and must be a lower-case DNS name/);
  });

  test('fails if the token source or activation kind is unknown', () => {
    const message = failure({ ...BASE, tokenSource: { kind: 'metadata' }, activation: { kind: 'cron' } });
    expect(message).toContain('tokenSource.kind: must be "secret-manager" or "file" (got "metadata")');
    expect(message).toContain('activation.kind: must be "gce-metadata", "dns-txt" or "always-on" (got "cron")');
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

  test.each(BRANCHES)('%s: every script is shellcheck-clean (inlined files byte for byte; runcmd and bootcmd as sh)', (_name, options) => {
    // GIVEN every script in the rendered user-data
    const { config } = rendered(options);
    const inlined = config.write_files.filter((f) => f.content.startsWith('#!'));
    // THEN the inlined ones are exactly the checked files in cloud-init/ (next test) ...
    expect(inlined.map((f) => [f.path, f.content])).toEqual(
      SCRIPTS.map(([target, source]) => [target, fs.readFileSync(path.join(CLOUD_INIT_DIR, source), 'utf8')]),
    );
    // ... AND runcmd and bootcmd, as cloud-init runs them (one sh script each), pass shellcheck
    for (const [where, script] of [
      ['runcmd', commandsAsScript(config.runcmd)],
      ['bootcmd', commandsAsScript(config.bootcmd ?? [])],
    ]) {
      const result = run('shellcheck', [`--shell=${shellOf(script)}`, '-'], script);
      expect({ where, ...result }).toEqual({ where, status: 0, output: '' });
    }
  });

  test('the script files in cloud-init/ pass shellcheck', () => {
    const files = fs.readdirSync(CLOUD_INIT_DIR).filter((f) => f.endsWith('.sh'));
    expect(files.sort()).toEqual(SCRIPTS.map(([, source]) => source).sort());
    const result = run('shellcheck', files.map((f) => path.join(CLOUD_INIT_DIR, f)));
    expect(result).toEqual({ status: 0, output: '' });
  });

  test('shellcheck really rejects a broken script (the check has teeth)', () => {
    const result = run('shellcheck', ['--shell=bash', '-'], '#!/bin/bash\nrm -rf $1/*\n');
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('SC2115');
  });

  // systemd-analyze is required (.ci/run installs systemd): a missing tool fails instead of skipping.
  test('every systemd unit parses without warnings (systemd-analyze verify), and the units are the same in every branch', () => {
    const units = (options: ConnectorUserDataOptions) => rendered(options).config.write_files.filter((f) => f.path.endsWith('.service'));
    const all = units(BASE);
    expect(all.map((u) => path.basename(u.path))).toEqual(UNITS);
    for (const [, options] of BRANCHES) expect(units(options)).toEqual(all);
    const dir = fs.mkdtempSync(path.join(tmp, 'units-'));
    const paths = all.map((u) => {
      const target = path.join(dir, path.basename(u.path));
      // The binaries do not exist here; everything else is checked as written.
      fs.writeFileSync(target, u.content.replace(/^ExecStart=.*$/m, 'ExecStart=/bin/true'));
      return target;
    });
    const result = run('systemd-analyze', ['verify', '--man=no', ...paths]);
    expect(result).toEqual({ status: 0, output: '' });
  });

  test('systemd-analyze verify really rejects a broken unit (the check has teeth)', () => {
    const target = path.join(tmp, 'broken.service');
    fs.writeFileSync(target, '[Service]\nType=oneshot\nExecStart=/bin/true\nRestart=sometimes\n');
    const result = run('systemd-analyze', ['verify', '--man=no', target]);
    expect(result.output).toContain('Failed to parse service restart specifier');
  });
});

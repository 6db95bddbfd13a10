import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cutoverPlan } from '../../lib/cutover/plan';
import { evaluate } from '../../lib/cutover/evaluate';
import { renderConnectorUserData } from '../../lib/google/user-data';
import { deploymentFrom, exampleInput, resources, synthAll, synthToDir, SynthJson, tempDir, TODAY } from '../helpers';
import { FORCES_REPLACEMENT } from '../replacement';

const ROOT = path.join(__dirname, '..', '..');
/** The example, synthesized once for the suite (kept on disk for the byte-for-byte comparison). */
const exampleDir = tempDir();
synthToDir(deploymentFrom(exampleInput()), exampleDir);
const example: Record<string, SynthJson> = Object.fromEntries(
  fs.readdirSync(path.join(exampleDir, 'stacks')).map((id) => [id, JSON.parse(fs.readFileSync(path.join(exampleDir, 'stacks', id, 'cdk.tf.json'), 'utf8'))]),
);
afterAll(() => fs.rmSync(exampleDir, { recursive: true, force: true }));

/** Every [json path, string] in a value. */
function strings(value: unknown, at = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (k === '//' ? [] : strings(v, at ? `${at}.${k}` : k)));
  }
  return [];
}

describe('snapshots (change detectors)', () => {
  test.each(['access', 'standby', 'production'])('%s', (stack) => {
    expect(example[stack]).toMatchSnapshot();
  });
});

describe('synthesis', () => {
  test('two synths of the same input are byte-identical', () => {
    const d = deploymentFrom(exampleInput());
    const [a, b] = [exampleDir, tempDir()];
    try {
      synthToDir(d, b);
      const files = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).sort();
      expect(files(a)).toEqual(files(b));
      for (const f of files(a)) {
        if (fs.statSync(path.join(a, f)).isFile()) expect(fs.readFileSync(path.join(a, f))).toEqual(fs.readFileSync(path.join(b, f)));
      }
      expect(files(a)).toEqual(expect.arrayContaining(['stacks/production/cdk.tf.json', 'stacks/standby/cdk.tf.json']));
    } finally {
      fs.rmSync(b, { recursive: true });
    }
  });

  test('importing a stack module runs nothing', () => {
    // a fresh process that imports every stack module (through the app command's esbuild loader)
    const out = spawnSync(process.execPath, ['bin/synth.js', '__tests__/fixtures/entries/import-stacks.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(out.status).toBe(0);
    expect(out.stdout + out.stderr).toBe('');
  });

  test('each stack configures its own providers and a local backend by default', () => {
    expect(Object.keys(example.access.provider)).toEqual(['cloudflare']);
    expect(Object.keys(example.standby.provider).sort()).toEqual(['cloudflare', 'google']);
    expect(Object.keys(example.production.provider).sort()).toEqual(['cloudflare', 'google', 'null']);
    expect(example.production.terraform.backend).toEqual({ local: { path: '../../../state/example/production.tfstate' } });
  });

  test('site options reach the hosts: deletion protection, stopping for updates, egress', () => {
    const input = exampleInput();
    Object.assign(input.sites.primary, { deletion_protection: false, allow_stopping_for_update: true, egress: 'external-ip' });
    const s = synthAll(deploymentFrom(input));
    const [[, primary]] = resources(s.production, 'google_compute_instance');
    expect(primary).toMatchObject({ deletion_protection: false, allow_stopping_for_update: true });
    expect(primary.network_interface[0].access_config).toEqual([{}]);
    expect(resources(s.production, 'google_compute_router_nat')).toEqual([]);
    const [[, standby]] = resources(s.standby, 'google_compute_instance');
    expect(standby).toMatchObject({ deletion_protection: true, allow_stopping_for_update: false });
    expect(resources(s.standby, 'google_compute_router_nat')).toHaveLength(1);
  });

  test('a gcs backend puts each stack under its own prefix', () => {
    const input = exampleInput();
    input.backend = { type: 'gcs', bucket: 'example-tfstate', prefix: 'edge/' };
    const s = synthAll(deploymentFrom(input));
    expect(s.production.terraform.backend).toEqual({ gcs: { bucket: 'example-tfstate', prefix: 'edge/production' } });
    expect(s.standby.terraform.backend).toEqual({ gcs: { bucket: 'example-tfstate', prefix: 'edge/standby' } });
  });
});

describe('DNS ownership', () => {
  const routed = exampleInput().routes.map((r: { hostname: string }) => r.hostname);

  test('production owns exactly one proxied CNAME per public hostname', () => {
    const records = resources(example.production, 'cloudflare_dns_record').map(([, r]) => r);
    expect(records.map((r) => r.name).sort()).toEqual([...routed].sort());
    for (const r of records) {
      expect(r).toMatchObject({ type: 'CNAME', proxied: true, ttl: 1, zone_id: 'fedcba9876543210fedcba9876543210' });
    }
  });

  test('standby and access manage no DNS record', () => {
    expect(resources(example.standby, 'cloudflare_dns_record')).toEqual([]);
    expect(resources(example.access, 'cloudflare_dns_record')).toEqual([]);
  });
});

describe('tunnels', () => {
  test.each(['production', 'standby'])('%s: remotely managed, ingress ends with exactly one catch-all', (stack) => {
    const [[, tunnel]] = resources(example[stack], 'cloudflare_zero_trust_tunnel_cloudflared');
    expect(tunnel.config_src).toBe('cloudflare');
    const [[, config]] = resources(example[stack], 'cloudflare_zero_trust_tunnel_cloudflared_config');
    const ingress = config.config.ingress;
    expect(ingress[ingress.length - 1]).toEqual({ service: 'http_status:404' });
    expect(ingress.filter((r: SynthJson) => !r.hostname)).toHaveLength(1);
  });

  test('both sites get identical routes generated from the same file', () => {
    const ingress = (s: string) => resources(example[s], 'cloudflare_zero_trust_tunnel_cloudflared_config')[0][1].config.ingress;
    expect(ingress('standby')).toEqual(ingress('production'));
  });

  test('gated routes carry the Access JWT check; the public route does not', () => {
    const [[, config]] = resources(example.production, 'cloudflare_zero_trust_tunnel_cloudflared_config');
    const byHost = Object.fromEntries(config.config.ingress.filter((r: SynthJson) => r.hostname).map((r: SynthJson) => [r.hostname, r]));
    for (const h of ['admin.example.com', 'api.example.com', 'labs.example.com']) {
      expect(byHost[h].origin_request.access).toMatchObject({ required: true, team_name: 'example' });
      expect(byHost[h].origin_request.access.aud_tag).toHaveLength(1);
      expect(byHost[h].origin_request.access.aud_tag[0]).toContain('cross-stack-reference-input-access');
    }
    expect(byHost['www.example.com'].origin_request).toBeUndefined();
    expect(byHost['labs.example.com'].origin_request).toMatchObject({ no_tls_verify: true, origin_server_name: 'labs.internal.example.net' });
  });

  test.each(['production', 'standby'])('%s: the connector token flows only through sensitive values and Secret Manager', (stack) => {
    const s = example[stack];
    const uses = strings({ resource: s.resource, output: s.output }).filter(([, v]) => v.includes('cloudflare_zero_trust_tunnel_cloudflared_token'));
    expect(uses.length).toBeGreaterThan(0);
    for (const [at, v] of uses) {
      expect(v).toMatch(/^\$\{sensitive\(data\.cloudflare_zero_trust_tunnel_cloudflared_token\.[^)]+\.token\)\}$/);
      expect(at).toMatch(/^(resource\.google_secret_manager_secret_version\.[^.]+\.secret_data|output\.connector_token\.value)$/);
    }
    expect(s.output.connector_token.sensitive).toBe(true);
    const [[, instance]] = resources(s, 'google_compute_instance');
    expect(JSON.stringify(instance.metadata)).not.toContain('tunnel_cloudflared_token');
  });

  test.each(['production', 'standby'])('%s: the firewall opens no web port to the internet', (stack) => {
    const firewalls = resources(example[stack], 'google_compute_firewall').map(([, f]) => f);
    for (const f of firewalls.filter((x) => x.direction === 'INGRESS' && x.allow)) {
      expect(f.source_ranges).not.toContain('0.0.0.0/0');
    }
    const denies = firewalls.filter((f) => f.deny && f.direction === 'INGRESS').map((f) => ({ source_ranges: f.source_ranges, deny: f.deny }));
    expect(denies).toHaveLength(2);
    expect(denies).toEqual(
      expect.arrayContaining([
        { source_ranges: ['0.0.0.0/0'], deny: [{ protocol: 'tcp', ports: ['80', '443'] }] },
        { source_ranges: ['0.0.0.0/0'], deny: [{ protocol: 'tcp', ports: ['22', '3389'] }] },
      ]),
    );
    // and egress is limited: a deny of everything else at 65000
    expect(firewalls.filter((f) => f.direction === 'EGRESS' && f.deny).map((f) => [f.priority, f.deny])).toEqual([[65000, [{ protocol: 'all' }]]]);
  });
});

describe('user-data through terraform', () => {
  test.each(['production', 'standby'])('%s: the instance metadata and the output evaluate to exactly the rendered user-data', (stack) => {
    const [[, instance]] = resources(example[stack], 'google_compute_instance');
    const site = exampleInput().sites[stack === 'production' ? 'primary' : 'standby'];
    const rendered = renderConnectorUserData({
      cloudflaredVersion: exampleInput().sites.cloudflared_version,
      tokenSource: { kind: 'secret-manager', secretVersion: `projects/${site.project}/secrets/${site.name}-tunnel-token/versions/latest` },
      activation: { kind: 'gce-metadata', attribute: 'gatehouse-connector' },
    });
    expect(rendered).toMatch(/\$\{GATEHOUSE_/); // shell expansions that terraform would otherwise interpolate
    const values = evaluate({
      expressions: { metadata: instance.metadata['user-data'], output: example[stack].output.user_data.value },
      variables: {},
    });
    expect(values).toEqual({ metadata: rendered, output: rendered });
  });

  test.each(['access', 'standby', 'production'])('%s: every literal string is a valid terraform template', (stack) => {
    // A stray ${ or %{ in literal text would be a template error at plan time.
    const literals = strings(example[stack]).filter(([, v]) => /[$%]\{/.test(v));
    for (const [at, v] of literals) {
      const stripped = v.replace(/\$\$\{|%%\{/g, '');
      const opens = (stripped.match(/[$%]\{/g) ?? []).length;
      expect([at, opens > 0 ? /^\$\{[\s\S]*\}$|\$\{[a-z]/.test(stripped) : true]).toEqual([at, true]);
    }
  });
});

describe('Access', () => {
  test('the access stack gates the internal hostnames with one Google Workspace app', () => {
    const [[, app]] = resources(example.access, 'cloudflare_zero_trust_access_application');
    expect(app).toMatchObject({
      type: 'self_hosted',
      auto_redirect_to_identity: true,
      session_duration: '24h',
      destinations: [
        { type: 'public', uri: 'admin.example.com' },
        { type: 'public', uri: 'api.example.com' },
        { type: 'public', uri: 'labs.example.com' },
      ],
    });
    expect(app.allowed_idps).toEqual(['${cloudflare_zero_trust_access_identity_provider.idp-workspace_resource_58E8B27D.id}']);
    const [[, idp]] = resources(example.access, 'cloudflare_zero_trust_access_identity_provider');
    expect(idp.type).toBe('google-apps');
    expect(idp.config.client_secret).toBe('${var.workspace_client_secret}');
    expect(example.access.variable.workspace_client_secret).toMatchObject({ sensitive: true, nullable: false });
    expect(example.access.variable.workspace_client_secret.default).toBeUndefined();
    expect(example.access.output.app_internal_aud.value).toBe('${cloudflare_zero_trust_access_application.app-internal_resource_A87EAC7E.aud}');
  });
});

describe('cutover', () => {
  const plan = cutoverPlan(example.production, example.standby);

  test('activate_dns is a bool, default false (sites.active: primary), not nullable, in both site stacks', () => {
    for (const s of ['production', 'standby']) {
      expect(example[s].variable.activate_dns).toMatchObject({ type: 'bool', default: false, nullable: false });
    }
  });

  test('every public CNAME evaluates (real terraform) to the primary when false and the standby when true', () => {
    expect(plan).toHaveLength(4);
    for (const p of plan) {
      expect(p.whenFalse).toBe('example-primary-id.cfargotunnel.com');
      expect(p.whenTrue).toBe('example-standby-id.cfargotunnel.com');
    }
  });

  test('npm run cutover:plan prints every record before and after', () => {
    const outdir = tempDir();
    try {
      const r = spawnSync(process.execPath, ['bin/gatehouse.js', 'cutover-plan'], {
        cwd: ROOT,
        env: { ...process.env, GATEHOUSE_TODAY: TODAY, CDKTF_OUTDIR: path.join(outdir, 'out') },
        encoding: 'utf8',
      });
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n').filter(Boolean)).toEqual([
        'hostname           activate_dns=false -> activate_dns=true',
        'admin.example.com  example-primary-id.cfargotunnel.com -> example-standby-id.cfargotunnel.com',
        'api.example.com    example-primary-id.cfargotunnel.com -> example-standby-id.cfargotunnel.com',
        'labs.example.com   example-primary-id.cfargotunnel.com -> example-standby-id.cfargotunnel.com',
        'www.example.com    example-primary-id.cfargotunnel.com -> example-standby-id.cfargotunnel.com',
        '4 records; the same 4 addresses under both values (in-place content update)',
      ]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  // Everything a cutover changes or reads: its variables, the live DNS reads and the tunnel status reads.
  // (sites.active only changes the default of activate_dns: __tests__/stacks/cutover.test.ts.)
  const CUTOVER_INPUTS = /var\.(activate_dns|primary_connector_on|skip_tunnel_health_gate)\b|data\.cloudflare_dns_records\.|data\.cloudflare_zero_trust_tunnel_cloudflared\./;

  test('no count or for_each depends on a cutover input, so addresses are identical for every value', () => {
    for (const s of ['access', 'standby', 'production']) {
      const meta = strings(example[s].resource).filter(([at, v]) => /\.(count|for_each)$/.test(at) && CUTOVER_INPUTS.test(v));
      expect(meta).toEqual([]);
    }
  });

  // The attributes that change with a cutover input, and that none forces replacement, are checked for every
  // kind of site (GCE, external, keep_primary_connector_on_cutover false) in __tests__/stacks/cutover.test.ts,
  // which synthesizes those deployments anyway.

  test('token_rotation reaches both tunnels as an in-place tunnel_secret; nothing else changes, nothing is replaced', () => {
    // GIVEN token_rotation on both sites
    const input = exampleInput();
    input.sites.primary.token_rotation = 1;
    input.sites.standby.token_rotation = 2;
    const rotated = synthAll(deploymentFrom(input));
    for (const [stack, generation] of [['production', 1], ['standby', 2]] as const) {
      // THEN the only changed attributes are the tunnel secret (and the new generator)
      const diff = new Set<string>();
      for (const [type, byId] of Object.entries<Record<string, SynthJson>>(rotated[stack].resource)) {
        for (const [id, config] of Object.entries(byId)) {
          const before = example[stack].resource[type]?.[id];
          if (!before) diff.add(`${type} (new)`);
          else for (const k of new Set([...Object.keys(before), ...Object.keys(config)])) if (JSON.stringify(before[k]) !== JSON.stringify(config[k])) diff.add(`${type}.${k}`);
        }
      }
      expect([...diff].sort()).toEqual(['cloudflare_zero_trust_tunnel_cloudflared.tunnel_secret', 'terraform_data (new)']);
      expect(FORCES_REPLACEMENT.cloudflare_zero_trust_tunnel_cloudflared).not.toContain('tunnel_secret');
      const [[, generator]] = resources(rotated[stack], 'terraform_data');
      expect(generator.triggers_replace).toEqual({ rotation: generation });
    }
    // AND terraform makes a base64 secret of 32 bytes from it, a new one each time it is evaluated
    const [[, generator]] = resources(rotated.production, 'terraform_data');
    const inner = (generator.input.secret as string).replace(/^\$\{sensitive\((.*)\)\}$/, '$1');
    const values = evaluate({ expressions: { a: `\${${inner}}`, b: `\${${inner}}` }, variables: {} }) as Record<string, string>;
    for (const v of Object.values(values)) {
      expect(v).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(v, 'base64')).toHaveLength(32);
    }
    expect(values.a).not.toBe(values.b);
  });

  test('by default the primary keeps its connector after a cutover', () => {
    const [[, instance]] = resources(example.production, 'google_compute_instance');
    expect(instance.metadata['gatehouse-connector']).toBe('active');
    expect(JSON.stringify(instance.depends_on)).not.toContain('cloudflare_dns_record');
    expect(instance.lifecycle).toBeUndefined();
  });

  test('production outputs what every public record points at', () => {
    const records = resources(example.production, 'cloudflare_dns_record');
    expect(example.production.output.public_record_targets.value).toEqual(
      Object.fromEntries(records.map(([id, r]) => [r.name, `\${cloudflare_dns_record.${id}.content}`])),
    );
  });
});

describe('outputs', () => {
  test('every output that carries a secret is sensitive', () => {
    for (const s of ['access', 'standby', 'production']) {
      for (const [name, out] of Object.entries<SynthJson>(example[s].output ?? {})) {
        const v = JSON.stringify(out.value);
        if (/token|secret|\.value|user_data|sha256/.test(`${name} ${v}`) && !name.startsWith('cross-stack-output')) {
          expect([name, out.sensitive]).toEqual([name, true]);
        }
      }
    }
  });
});

describe('command line', () => {
  const run = (env: Record<string, string>) => {
    const outdir = tempDir();
    const r = spawnSync(process.execPath, ['bin/synth.js'], {
      cwd: ROOT,
      env: { ...process.env, GATEHOUSE_TODAY: TODAY, ...env, CDKTF_OUTDIR: path.join(outdir, 'out') },
      encoding: 'utf8',
    });
    const wrote = fs.existsSync(path.join(outdir, 'out'));
    const reportFile = path.join(outdir, 'out', 'gatehouse-compliance.json');
    const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : undefined;
    fs.rmSync(outdir, { recursive: true });
    return { ...r, wrote, report };
  };

  test('a bad file exits non-zero with one line per problem, no stack trace, and writes nothing', () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.yaml');
    const input = exampleInput();
    input.routes[0].service = 'ftp://localhost';
    input.apps.internal.session_duration = 'forever';
    fs.writeFileSync(file, JSON.stringify(input));
    const r = run({ GATEHOUSE_DEPLOYMENT: file });
    fs.rmSync(dir, { recursive: true });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'gatehouse: 2 problems; nothing was synthesized',
      `  ${file}: apps.internal.session_duration: must be a duration such as 30m, 8h or 24h (units ns, us, ms, s, m, h) (got "forever")`,
      `  ${file}: routes[0].service: scheme must be one of http, https, unix, unix+tls, tcp, ssh, rdp, smb (got "ftp://localhost")`,
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.wrote).toBe(false);
  });

  test('a missing file exits non-zero with one line naming it', () => {
    const r = run({ GATEHOUSE_DEPLOYMENT: '/nonexistent/edge.yaml' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/nonexistent/edge.yaml: (root): no such file; set GATEHOUSE_DEPLOYMENT to a deployment yaml file');
    expect(r.wrote).toBe(false);
  });

  test('the example synthesizes with zero policy errors, a one-screen summary and a report', () => {
    const r = run({});
    // stdout: under cdktf synth, cdktf-cli prints every chunk of an app's stderr as an "[ERROR]" line.
    expect([r.status, r.stderr, r.stdout]).toEqual([
      0,
      '',
      'gatehouse policy pack: 22 rules checked 158 times: 158 compliant, 0 errors, 0 warnings, 0 could not validate, 0 suppressed\n',
    ]);
    expect(r.report.version).toBe(1);
    expect(r.report.findings).toHaveLength(158);
    expect(r.report.findings[0]).toEqual({
      stack: 'access',
      rule: expect.stringMatching(/^Gatehouse-/),
      level: expect.stringMatching(/^(error|warning)$/),
      path: expect.stringMatching(/^access\//),
      result: 'compliant',
    });
  });
});

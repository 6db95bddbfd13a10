/**
 * The scenario gallery: each seed system as a gatehouse deployment (examples/<name>/deployment.yaml).
 * Each example synthesizes with zero policy errors and is checked against its seed's described
 * behaviour, plus a snapshot per stack as a change detector.
 */
import * as path from 'path';
import { loadDeployment } from '../lib/config/load';
import { GatehouseError } from '../lib/core/errors';
import { cutoverPlan } from '../lib/cutover/plan';
import { evaluate } from '../lib/cutover/evaluate';
import { tenantHostname } from '../lib/tenants/plan';
import { synthExample, SynthJson } from './helpers';

const all = (json: SynthJson, type: string): SynthJson[] => Object.values(json.resource?.[type] ?? {});
const EXAMPLES = ['onprem-gateway', 'sso-portal', 'managed-fleet', 'active-standby', 'workspace-trio', 'adopt-active-standby'];
const synthesized = Object.fromEntries(EXAMPLES.map((name) => [name, synthExample(name)]));

describe.each(EXAMPLES)('%s', (name) => {
  test('synthesizes with zero policy errors and zero warnings', () => {
    const { report } = synthesized[name];
    const failing = report.findings.filter((f) => f.result !== 'compliant');
    expect(failing).toEqual([]);
    expect(report.findings.length).toBeGreaterThan(0);
  });

  test('snapshot of every stack', () => {
    expect(synthesized[name].stacks).toMatchSnapshot();
  });
});

describe('onprem-gateway (SME: four domains, on-prem services through a tunnel, per-concern tokens)', () => {
  const { stacks } = synthesized['onprem-gateway'];
  const production = stacks.production;

  test('four domains in one account: each public site is a Pages project with a proxied CNAME in its own zone, in the pages stack', () => {
    const projects = all(stacks.pages, 'cloudflare_pages_project').map((p) => p.name).sort();
    expect(projects).toEqual(['onprem-cellar', 'onprem-manual', 'onprem-net', 'onprem-shop', 'onprem-www']);
    expect(all(production, 'cloudflare_pages_project')).toEqual([]);
    const zoneOf = Object.fromEntries(all(stacks.pages, 'cloudflare_dns_record').filter((r) => String(r.content).includes('pages_project')).map((r) => [r.name, r.zone_id]));
    expect(zoneOf).toEqual({
      'www.example.com': 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1',
      'manual.example.com': 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1',
      'www.example.net': 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2',
      'www.shop.example.com': 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3',
      'www.cellar.example.net': 'd4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4',
    });
  });

  test('on-prem services go through a tunnel dialled out by a host gatehouse does not create', () => {
    expect(all(production, 'google_compute_instance')).toEqual([]);
    expect(stacks.standby).toBeUndefined();
    const [tunnel] = all(production, 'cloudflare_zero_trust_tunnel_cloudflared');
    expect(tunnel.config_src).toBe('cloudflare');
    const ingress = all(production, 'cloudflare_zero_trust_tunnel_cloudflared_config')[0].config.ingress;
    expect(ingress.map((r: SynthJson) => r.hostname ?? r.service)).toEqual([
      'dash.example.com', 'console.example.com', 'chat.example.com', 'crm.example.com', 'archive.example.com', 'vault.example.com', 'http_status:404',
    ]);
    // every tool is gated (employees log in with Google), and the connector enforces the JWT
    for (const rule of ingress.slice(0, -1)) expect(rule.origin_request.access.required).toBe(true);
    // the host gets user-data that reads the token from a root-only file and follows its TXT activation record
    expect(production.output.user_data.sensitive).toBe(true);
    expect(production.output.user_data.value).toContain('GATEHOUSE_TOKEN_SOURCE=file');
    expect(production.output.user_data.value).toContain('GATEHOUSE_ACTIVATION=dns-txt');
    expect(production.output.user_data.value).toContain('GATEHOUSE_DNS_RECORD=_gatehouse-onprem-primary.example.com');
  });

  test('one Access policy: the company domain plus one outside email', () => {
    const [group] = all(stacks.access, 'cloudflare_zero_trust_access_group');
    expect(group.include).toEqual([{ email_domain: { domain: 'example.com' } }, { email: { email: 'consultant@example.net' } }]);
    const apps = Object.fromEntries(all(stacks.access, 'cloudflare_zero_trust_access_application').map((a) => [a.name, a]));
    expect(Object.keys(apps).sort()).toEqual(['internal-data', 'internal-docs', 'internal-tools']);
    // the outside consultant signs in with a one-time PIN (Workspace signs in example.com accounts only)
    for (const app of Object.values<SynthJson>(apps)) expect(app.allowed_idps).toHaveLength(2);
  });

  test('the internal manual on Pages is gated on its domain, on onprem-manual.pages.dev and on every preview, by an app of its own', () => {
    const [app] = all(stacks.access, 'cloudflare_zero_trust_access_application').filter((a) => a.name === 'internal-docs');
    expect(app.destinations.map((d: SynthJson) => d.uri)).toEqual(['manual.example.com', 'onprem-manual.pages.dev', '*.onprem-manual.pages.dev']);
  });

  test('the Worker has its D1 database bound as DB, and four buckets hold the data', () => {
    const [script] = all(production, 'cloudflare_workers_script');
    expect(script.bindings[0]).toEqual({ name: 'DB', type: 'd1', id: expect.stringContaining('cloudflare_d1_database.') });
    expect(all(production, 'cloudflare_d1_database').map((d) => d.name)).toEqual(['onprem-data']);
    expect(all(production, 'cloudflare_workers_custom_domain').map((d) => d.hostname)).toEqual(['mcp.example.com']);
    expect(all(production, 'cloudflare_r2_bucket').map((b) => b.name).sort()).toEqual([
      'onprem-backups', 'onprem-mail-archive', 'onprem-public-assets', 'onprem-reports',
    ]);
  });

  test('API tokens are split per concern: pages-deploy, dns-admin, workers-deploy, tunnel-admin', () => {
    const tokens: Record<string, SynthJson> = Object.fromEntries(all(production, 'cloudflare_account_token').map((t) => [t.name, t]));
    expect(Object.keys(tokens).sort()).toEqual(['dns-admin', 'pages-deploy', 'tunnel-admin', 'workers-deploy']);
    const scope = (t: SynthJson) => t.policies.map((p: SynthJson) => p.resources);
    expect(scope(tokens['pages-deploy'])).toEqual(['${jsonencode({"com.cloudflare.api.account.0123456789abcdef0123456789abcdef" = "*"})}']);
    expect(scope(tokens['dns-admin'])[0]).toContain('com.cloudflare.api.account.zone.d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4');
    expect(scope(tokens['workers-deploy'])[1]).toBe('${jsonencode({"com.cloudflare.api.account.zone.a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1" = "*"})}');
    for (const t of Object.values(tokens)) expect(t.expires_on).toBe('2030-06-30T00:00:00Z');
    for (const name of Object.keys(tokens)) expect(production.output[`api_token_${name.replace(/-/g, '_')}`].sensitive).toBe(true);
  });

  test('permission groups are chosen by name (terraform evaluates the selection and the postcondition)', () => {
    const token = all(production, 'cloudflare_account_token').find((t) => t.name === 'dns-admin')!;
    const [write, read] = token.policies[0].permission_groups.map((g: SynthJson) => g.id);
    const lookups = production.data.cloudflare_account_api_token_permission_groups_list;
    const id = Object.keys(lookups).find((k) => k.startsWith('token-dns-admin'))!;
    const ref = `data.cloudflare_account_api_token_permission_groups_list.${id}.result`;
    const [post] = lookups[id].lifecycle.postcondition;
    const groups = [
      { id: 'id-pages', name: 'Pages Write' },
      { id: 'id-dns-write', name: 'DNS Write' },
      { id: 'id-zone-read', name: 'Zone Read' },
    ];
    const run = (list: unknown[]) =>
      evaluate({ expressions: { write, read, ok: post.condition.replace('self.result', ref) }, stubs: { [ref]: list }, variables: {} });
    expect(run(groups)).toEqual({ write: 'id-dns-write', read: 'id-zone-read', ok: true });
    expect(post.error_message).toContain('DNS Write, Zone Read');
    expect(evaluate({ expressions: { ok: post.condition.replace('self.result', ref) }, stubs: { [ref]: groups.slice(0, 2) }, variables: {} }).ok).toBe(false);
  });
});

describe('sso-portal (Entra, one app over portal and API, CORS, AUD to the API)', () => {
  const { stacks } = synthesized['sso-portal'];
  const apps = Object.fromEntries(all(stacks.access, 'cloudflare_zero_trust_access_application').map((a) => [a.name, a]));

  test('one Access app spans the portal and its API, so the login cookie works across both', () => {
    expect(apps.portal.destinations).toEqual([
      { type: 'public', uri: 'portal.example.com' },
      { type: 'public', uri: 'portal-api.example.com' },
      { type: 'public', uri: 'portal-web.pages.dev' },
      { type: 'public', uri: '*.portal-web.pages.dev' },
    ]);
    expect(apps.portal.auto_redirect_to_identity).toBe(true);
    expect(apps.portal.policies.map((p: SynthJson) => p.precedence)).toEqual([1, 2]);
  });

  test('CORS lets the portal call the API with credentials', () => {
    expect(apps.portal.cors_headers).toEqual({
      allowed_origins: ['https://portal.example.com'],
      allowed_methods: ['GET', 'POST', 'OPTIONS'],
      allow_credentials: true,
    });
  });

  test('Entra is the identity provider and its secret is a sensitive variable', () => {
    const [idp] = all(stacks.access, 'cloudflare_zero_trust_access_identity_provider');
    expect(idp.type).toBe('azureAD');
    expect(idp.config.client_secret).toBe('${var.entra_client_secret}');
    expect(stacks.access.variable.entra_client_secret.sensitive).toBe(true);
  });

  test('the AUD is output and handed to the API Worker, which also gets its D1 database', () => {
    expect(stacks.access.output.app_portal_aud.value).toContain('.aud}');
    const [script] = all(stacks.production, 'cloudflare_workers_script');
    const bindings = Object.fromEntries(script.bindings.map((b: SynthJson) => [b.name, b]));
    expect(bindings.ACCESS_AUD).toEqual({ name: 'ACCESS_AUD', type: 'plain_text', text: expect.stringContaining('cross-stack-reference-input-access') });
    expect(bindings.ACCESS_TEAM_DOMAIN.text).toBe('example.cloudflareaccess.com');
    expect(bindings.DB.type).toBe('d1');
    expect(script.content_file).toMatch(/^assets\/.+\/worker\.js$/);
    expect(script.content_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(all(stacks.production, 'cloudflare_workers_custom_domain')[0].hostname).toBe('portal-api.example.com');
  });

  test('the portal and the docs are Pages sites, gated on their domains and on pages.dev (site and previews)', () => {
    expect(all(stacks.pages, 'cloudflare_pages_domain').map((d) => d.name).sort()).toEqual(['docs.example.com', 'portal.example.com']);
    expect(apps.docs.destinations.map((d: SynthJson) => d.uri)).toEqual(['docs.example.com', 'portal-docs.pages.dev', '*.portal-docs.pages.dev']);
  });

  test('the engine authenticates with a machine service token admitted by a non_identity policy', () => {
    const policies = Object.fromEntries(all(stacks.access, 'cloudflare_zero_trust_access_policy').map((p) => [p.name, p]));
    expect(policies['allow-engine'].decision).toBe('non_identity');
    expect(policies['allow-engine'].include).toEqual([{ service_token: { token_id: expect.stringContaining('cloudflare_zero_trust_access_service_token.') } }]);
    expect(stacks.access.output.service_token_engine_client_secret.sensitive).toBe(true);
  });

  test('nothing is routed through a tunnel', () => {
    expect(all(stacks.production, 'cloudflare_zero_trust_tunnel_cloudflared')).toEqual([]);
  });
});

describe('managed-fleet (tunnel, hostname, bucket and scoped keys per tenant)', () => {
  const { stacks, deployment } = synthesized['managed-fleet'];
  const shards = Object.keys(stacks).filter((s) => s.startsWith('tenants-'));
  const everywhere = (type: string) => shards.flatMap((s) => all(stacks[s], type));

  test('every enabled tenant has its tunnel, hostname, bucket and keys; the disabled one keeps only its bucket', () => {
    const tunnels = everywhere('cloudflare_zero_trust_tunnel_cloudflared').map((t) => t.name).sort();
    expect(tunnels).toEqual(['cloud-t-acme-123', 'cloud-t-globex', 'cloud-t-hooli', 'cloud-t-initech']);
    const records = everywhere('cloudflare_dns_record').map((r) => r.name).sort();
    expect(records).toEqual(
      [
        'acme-123.example.com', 'ws1.acme-123.example.com', 'ws2.acme-123.example.com', 'hooli-admin.example.com',
        tenantHostname({ id: 'globex' }, 'example.com'), tenantHostname({ id: 'initech' }, 'example.com'),
      ].sort(),
    );
    expect(everywhere('cloudflare_r2_bucket').map((b) => b.name).sort()).toEqual(['cloud-t-acme-123', 'cloud-t-globex', 'cloud-t-hooli', 'cloud-t-initech', 'cloud-t-umbrella']);
    expect(everywhere('cloudflare_account_token').map((t) => t.name).sort()).toEqual([
      'r2-cloud-t-acme-123-hub', 'r2-cloud-t-globex-hub', 'r2-cloud-t-hooli-hub', 'r2-cloud-t-initech-hub',
    ]);
  });

  test('the disabled tenant\'s bucket expires everything after its retention', () => {
    const lifecycle = everywhere('cloudflare_r2_bucket_lifecycle').find((l) => String(l.bucket_name).includes('umbrella'))!;
    expect(lifecycle.rules[1]).toMatchObject({ id: 'retired-expire-all', delete_objects_transition: { condition: { type: 'Date', date: '2027-01-04T00:00:00Z' } } });
  });

  test('the rotation value drives each tenant key trigger; one tenant is gated by Access', () => {
    const triggers = everywhere('null_resource').filter((n) => n.triggers?.rotation).map((n) => n.triggers.rotation).sort();
    expect(triggers).toEqual(['1', '1', '1', '3']);
    const apps = everywhere('cloudflare_zero_trust_access_application');
    expect(apps.map((a) => a.destinations)).toEqual([[{ type: 'public', uri: 'hooli-admin.example.com' }]]);
    expect(deployment.tenants.members).toHaveLength(5);
  });
});

describe('active-standby (the activate_dns cutover)', () => {
  const { stacks } = synthesized['active-standby'];

  test('every public CNAME evaluates (terraform) to the primary when false and the standby when true', () => {
    const plan = cutoverPlan(stacks.production, stacks.standby);
    expect(plan.map((p) => p.hostname).sort()).toEqual(['api.example.com', 'crm.example.com', 'grafana.ops.example.com', 'mcp.example.com', 'scan.example.com', 'www.example.com']);
    for (const p of plan) expect([p.whenFalse, p.whenTrue]).toEqual(['heatwave-primary-id.cfargotunnel.com', 'heatwave-standby-id.cfargotunnel.com']);
  });

  test('the standby exists ahead of time, with its connector stopped until promotion, and owns no record', () => {
    expect(all(stacks.standby, 'cloudflare_dns_record')).toEqual([]);
    const [standbyHost] = all(stacks.standby, 'google_compute_instance');
    expect(standbyHost.metadata['gatehouse-connector']).toBe('${var.activate_dns ? "active" : "standby"}');
    const [primaryHost] = all(stacks.production, 'google_compute_instance');
    expect(primaryHost.metadata['gatehouse-connector']).toBe('active');
  });

  test('state lives in GCS, one prefix per stack', () => {
    expect(stacks.production.terraform.backend).toEqual({ gcs: { bucket: 'heatwave-tfstate', prefix: 'edge/production' } });
  });
});

describe('active-standby: paths and a wildcard app (issue 17)', () => {
  const { stacks, report } = synthesized['active-standby'];
  const apps = Object.fromEntries(all(stacks.access, 'cloudflare_zero_trust_access_application').map((a) => [a.name, a]));
  const policies = Object.fromEntries(Object.entries<SynthJson>(stacks.access.resource.cloudflare_zero_trust_access_policy).map(([id, p]) => [`\${cloudflare_zero_trust_access_policy.${id}.id}`, p]));
  const ingress = all(stacks.production, 'cloudflare_zero_trust_tunnel_cloudflared_config')[0].config.ingress as SynthJson[];
  const rule = (hostname: string, p?: string) => ingress.find((r) => r.hostname === hostname && r.path === p)!;

  test('an Access app whose destination has a path, with a bypass policy: the public webhook path of the gated CRM', () => {
    const app = apps['public crm.example.com/webhooks'];
    expect(app.destinations).toEqual([{ type: 'public', uri: 'crm.example.com/webhooks' }]);
    const [policy] = app.policies.map((p: SynthJson) => policies[p.id]);
    expect(policy).toMatchObject({ decision: 'bypass', include: [{ everyone: {} }], name: 'public crm.example.com/webhooks: payment provider webhooks, verified by their signature' });
    // its construct id derives from the hostname and path, never an index: reordering routes renames nothing
    const [id] = Object.entries<SynthJson>(stacks.access.resource.cloudflare_zero_trust_access_application).find(([, a]) => a === app)!;
    expect(id).toMatch(/^public-path-crmexamplecom2Fwebhooks_app_resource_[0-9A-F]{8}$/);
    expect(app.app_launcher_visible).toBe(false);
    // the connector requires no token on the public path, and the CRM's token on the rest
    expect(rule('crm.example.com', '^/webhooks(/|$)')).not.toHaveProperty('origin_request');
    expect(rule('crm.example.com').origin_request.access.aud_tag).toHaveLength(1);
  });

  test('an Access app whose destination has a path, with a non_identity policy: CI reads /api of a dashboard only', () => {
    expect(apps['metrics-ci'].destinations).toEqual([{ type: 'public', uri: 'grafana.ops.example.com/api' }]);
    const [policy] = apps['metrics-ci'].policies.map((p: SynthJson) => policies[p.id]);
    expect(policy).toMatchObject({ decision: 'non_identity', include: [{ service_token: { token_id: expect.stringContaining('service_token') } }] });
  });

  test('a wildcard app gates a route: *.ops.example.com covers grafana.ops.example.com, whose rule accepts it and the /api app', () => {
    expect(apps.ops.destinations).toEqual([{ type: 'public', uri: '*.ops.example.com' }]);
    const access = rule('grafana.ops.example.com').origin_request.access;
    expect(access.required).toBe(true);
    expect(access.aud_tag).toHaveLength(2);
    expect(report.findings.filter((f) => f.rule === 'Gatehouse-AccessRouteCoverage').every((f) => f.result === 'compliant')).toBe(true);
  });
});

describe('onprem-gateway: the Worker\'s buckets, secret and nightly cron; the time-bound consultant (issue 17)', () => {
  const { stacks, report } = synthesized['onprem-gateway'];

  test('a Worker with R2 bucket bindings and a secret binding (from a sensitive variable)', () => {
    const [script] = all(stacks.production, 'cloudflare_workers_script');
    const byName = Object.fromEntries(script.bindings.map((b: SynthJson) => [b.name, b]));
    expect(byName.BACKUPS).toEqual({ name: 'BACKUPS', type: 'r2_bucket', bucket_name: expect.stringContaining('cloudflare_r2_bucket.') });
    expect(Object.values<SynthJson>(byName).filter((b) => b.type === 'r2_bucket').map((b) => b.name)).toEqual(['BACKUPS', 'ARCHIVE', 'REPORTS']);
    expect(byName.SOURCE_API_TOKEN).toEqual({ name: 'SOURCE_API_TOKEN', type: 'secret_text', text: '${var.core_source_api_token}' });
    expect(stacks.production.variable.core_source_api_token).toMatchObject({ type: 'string', sensitive: true, nullable: false });
    expect(stacks.production.variable.core_source_api_token).not.toHaveProperty('default');
  });

  test('a cloudflare_workers_cron_trigger: the nightly data update; workers.dev is off', () => {
    expect(all(stacks.production, 'cloudflare_workers_cron_trigger')).toEqual([
      expect.objectContaining({ script_name: 'onprem-core', schedules: [{ cron: '0 3 * * *' }] }),
    ]);
    expect(all(stacks.production, 'cloudflare_workers_script_subdomain')).toEqual([expect.objectContaining({ script_name: 'onprem-core', enabled: false })]);
  });

  test('an account member with an expiry, in the access stack, checked at synth by the pack', () => {
    expect(all(stacks.access, 'cloudflare_account_member')).toEqual([
      expect.objectContaining({ email: 'consultant@example.net', roles: [expect.stringContaining('data.cloudflare_account_roles.')] }),
    ]);
    expect(report.findings.filter((f) => f.rule === 'Gatehouse-AccountMemberExpired')).toEqual([expect.objectContaining({ result: 'compliant' })]);
  });

  test('the same file warns 14 days before the consultant\'s expiry and refuses on it, naming the member (checks only)', () => {
    const file = path.join(__dirname, '..', 'examples', 'onprem-gateway', 'deployment.yaml');
    expect(loadDeployment(file, { today: '2030-05-17' }).warnings).toEqual([
      expect.stringContaining('account_members.consultant.expires: the access of consultant@example.net ends in 14 days: remove account_members.consultant by then'),
    ]);
    expect(loadDeployment(file, { today: '2030-05-16' }).warnings).toEqual([]);
    let refused: unknown;
    try {
      loadDeployment(file, { today: '2030-05-31' });
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(GatehouseError);
    expect((refused as GatehouseError).lines()).toEqual([expect.stringContaining('account_members.consultant.expires: the access of consultant@example.net has ended (today is 2030-05-31): remove account_members.consultant')]);
  });
});

describe('sso-portal: the docs site built by Pages (issue 17)', () => {
  const { stacks } = synthesized['sso-portal'];

  test('a cloudflare_pages_project with a build config, environment variables and its Git source', () => {
    const docs = all(stacks.pages, 'cloudflare_pages_project').find((p) => p.name === 'portal-docs')!;
    expect(docs.build_config).toEqual({ build_command: 'pip install -r requirements.txt && mkdocs build', destination_dir: 'site', root_dir: '/' });
    expect(docs.deployment_configs.production.env_vars).toEqual({ PYTHON_VERSION: { type: 'plain_text', value: '3.12' } });
    expect(docs.deployment_configs.preview.env_vars).toEqual({ PYTHON_VERSION: { type: 'plain_text', value: '3.12' } });
    expect(docs.source).toEqual({
      type: 'github',
      config: { owner: 'example', repo_name: 'portal-docs', production_branch: 'main', preview_deployment_setting: 'custom', preview_branch_includes: ['docs/*'] },
    });
  });
});

describe('managed-fleet: HTTPS hubs and workspace hosts (issue 17)', () => {
  const { stacks } = synthesized['managed-fleet'];
  const shards = Object.keys(stacks).filter((s) => s.startsWith('tenants-'));
  const rules = shards.flatMap((s) => all(stacks[s], 'cloudflare_zero_trust_tunnel_cloudflared_config')).flatMap((c) => c.config.ingress as SynthJson[]);

  test('a tenant ingress rule with origin_request.no_tls_verify (a hub with a self-signed certificate)', () => {
    const globex = rules.find((r) => r.hostname === tenantHostname({ id: 'globex' }, 'example.com'))!;
    expect(globex).toEqual({ hostname: globex.hostname, service: 'https://localhost:8443', origin_request: { no_tls_verify: true } });
    expect(rules.filter((r) => r.origin_request?.no_tls_verify)).toHaveLength(1);
  });

  test("a tenant's workspace hosts are routed through its tunnel, with records of their own; buckets in the fleet's location", () => {
    expect(rules.filter((r) => String(r.hostname).endsWith('acme-123.example.com')).map((r) => r.hostname)).toEqual(['acme-123.example.com', 'ws1.acme-123.example.com', 'ws2.acme-123.example.com']);
    const records = shards.flatMap((s) => all(stacks[s], 'cloudflare_dns_record')).map((r) => r.name);
    expect(records).toEqual(expect.arrayContaining(['ws1.acme-123.example.com', 'ws2.acme-123.example.com']));
    for (const b of shards.flatMap((s) => all(stacks[s], 'cloudflare_r2_bucket'))) expect(b.location).toBe('enam');
  });
});

describe('workspace-trio (ADR: Google Workspace OIDC in front of three internal hostnames)', () => {
  const { stacks } = synthesized['workspace-trio'];
  const apps = all(stacks.access, 'cloudflare_zero_trust_access_application');

  test('three self-hosted apps, one per hostname: 24h sessions, auto-redirect, only the Workspace IdP', () => {
    expect(apps.map((a) => a.domain).sort()).toEqual(['admin.example.com', 'api.example.com', 'labs.example.com']);
    for (const a of apps) {
      expect(a).toMatchObject({ type: 'self_hosted', session_duration: '24h', auto_redirect_to_identity: true });
      expect(a.allowed_idps).toEqual([expect.stringContaining('cloudflare_zero_trust_access_identity_provider.')]);
    }
  });

  test('one group (the email domain) referenced by one policy per app; no allow-any, no service token', () => {
    const [group] = all(stacks.access, 'cloudflare_zero_trust_access_group');
    expect(group.include).toEqual([{ email_domain: { domain: 'example.com' } }]);
    const policies = all(stacks.access, 'cloudflare_zero_trust_access_policy');
    expect(policies).toHaveLength(3);
    for (const p of policies) expect(p).toMatchObject({ decision: 'allow', include: [{ group: { id: expect.stringContaining('access_group') } }] });
    expect(all(stacks.access, 'cloudflare_zero_trust_access_service_token')).toEqual([]);
    const [idp] = all(stacks.access, 'cloudflare_zero_trust_access_identity_provider');
    expect(idp).toMatchObject({ type: 'google-apps', config: { client_secret: '${var.workspace_client_secret}', apps_domain: 'example.com' } });
  });

  test('each tunnel route enforces its own app\'s AUD at the connector (defence in depth)', () => {
    const ingress = all(stacks.production, 'cloudflare_zero_trust_tunnel_cloudflared_config')[0].config.ingress;
    const auds = ingress.slice(0, -1).map((r: SynthJson) => r.origin_request.access.aud_tag[0]);
    expect(new Set(auds).size).toBe(3);
  });
});

describe('adopt-active-standby (the production/standby seed, already running, taken over: docs/adopt.md)', () => {
  const { stacks } = synthesized['adopt-active-standby'];
  const ACCOUNT = '0123456789abcdef0123456789abcdef';
  const ZONE = 'c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5';
  const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  /** Provider 5.14's documented import-id format of each type (docs/resources/<type>.md "Import"), as the ids of this account. */
  const FORMAT: Record<string, RegExp> = {
    cloudflare_zero_trust_tunnel_cloudflared: new RegExp(`^${ACCOUNT}/${UUID}$`),
    cloudflare_zero_trust_tunnel_cloudflared_config: new RegExp(`^${ACCOUNT}/${UUID}$`),
    cloudflare_dns_record: new RegExp(`^${ZONE}/[0-9a-f]{32}$`),
    cloudflare_zero_trust_access_identity_provider: new RegExp(`^accounts/${ACCOUNT}/${UUID}$`),
    cloudflare_zero_trust_access_group: new RegExp(`^accounts/${ACCOUNT}/${UUID}$`),
    cloudflare_zero_trust_access_policy: new RegExp(`^${ACCOUNT}/${UUID}$`),
    cloudflare_zero_trust_access_application: new RegExp(`^accounts/${ACCOUNT}/${UUID}$`),
  };
  /** The import blocks of a stack, each resolved to the resource its `to` names in that stack. */
  const imports = (stack: string) =>
    (stacks[stack].import ?? []).map((b: SynthJson) => {
      const [type, name] = String(b.to).split('.');
      return { type, id: b.id as string, to: b.to as string, resource: stacks[stack].resource?.[type]?.[name] as SynthJson | undefined };
    });

  test('every import block is top-level, its `to` a gatehouse resource of the same stack and its `id` in the documented format of its type', () => {
    const blocks = ['access', 'standby', 'production'].flatMap((s) => imports(s).map((b: SynthJson) => ({ ...b, stack: s })));
    expect(blocks.length).toBe(13); // 11 entries; each tunnel brings its configuration
    for (const b of blocks) {
      expect([b.to, b.resource !== undefined]).toEqual([b.to, true]);
      expect([b.type, b.id]).toEqual([b.type, expect.stringMatching(FORMAT[b.type])]);
    }
  });

  test('the tunnels: each site adopts its own tunnel and its remote configuration (same id), in its own stack', () => {
    const byType = (stack: string, type: string) => imports(stack).filter((b: SynthJson) => b.type === type).map((b: SynthJson) => b.id);
    expect(byType('production', 'cloudflare_zero_trust_tunnel_cloudflared')).toEqual([`${ACCOUNT}/6f1d2c3b-4a59-4e8d-9c7b-0a1b2c3d4e5f`]);
    expect(byType('production', 'cloudflare_zero_trust_tunnel_cloudflared_config')).toEqual([`${ACCOUNT}/6f1d2c3b-4a59-4e8d-9c7b-0a1b2c3d4e5f`]);
    expect(byType('standby', 'cloudflare_zero_trust_tunnel_cloudflared')).toEqual([`${ACCOUNT}/7a2e3d4c-5b6a-4f9e-8d0c-1b2c3d4e5f60`]);
    expect(byType('standby', 'cloudflare_zero_trust_tunnel_cloudflared_config')).toEqual([`${ACCOUNT}/7a2e3d4c-5b6a-4f9e-8d0c-1b2c3d4e5f60`]);
    // the hosts are not gatehouse's: nothing of theirs is created or imported
    for (const s of ['production', 'standby']) expect(all(stacks[s], 'google_compute_instance')).toEqual([]);
  });

  test('each of the five public records is imported into the record of its own hostname; only the new TXT activation records are created', () => {
    const records = imports('production').filter((b: SynthJson) => b.type === 'cloudflare_dns_record');
    expect(Object.fromEntries(records.map((b: SynthJson) => [b.resource.name, b.id]))).toEqual({
      'crm.example.com': `${ZONE}/1e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b`,
      'www.example.com': `${ZONE}/2f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c`,
      'api.example.com': `${ZONE}/3a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d`,
      'scan.example.com': `${ZONE}/4b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e`,
      'mcp.example.com': `${ZONE}/5c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f`,
    });
    for (const b of records) expect(b.resource).toMatchObject({ type: 'CNAME', proxied: true, zone_id: ZONE });
    const imported = new Set(records.map((b: SynthJson) => b.to));
    const created = ['production', 'standby'].flatMap((s) =>
      Object.entries<SynthJson>(stacks[s].resource.cloudflare_dns_record ?? {}).filter(([name]) => !imported.has(`cloudflare_dns_record.${name}`)).map(([, r]) => r.name),
    );
    expect(created.sort()).toEqual(['_gatehouse-edge-primary.example.com', '_gatehouse-edge-standby.example.com']);
  });

  test('the Access app, its policy, group and Google Workspace IdP are imported into the access stack', () => {
    expect(Object.fromEntries(imports('access').map((b: SynthJson) => [b.type, [b.resource.name, b.id]]))).toEqual({
      cloudflare_zero_trust_access_identity_provider: ['workspace', `accounts/${ACCOUNT}/8b3f4e5d-6c7b-4a0f-9e1d-2c3d4e5f6a71`],
      cloudflare_zero_trust_access_group: ['staff', `accounts/${ACCOUNT}/9c4a5f6e-7d8c-4b1a-8f2e-3d4e5f6a7b82`],
      cloudflare_zero_trust_access_policy: ['allow-staff', `${ACCOUNT}/ad5b6a7f-8e9d-4c2b-9a3f-4e5f6a7b8c93`],
      cloudflare_zero_trust_access_application: ['crm', `accounts/${ACCOUNT}/be6c7b8a-9f0e-4d3c-8b4a-5f6a7b8c9da4`],
    });
  });

  test('no resource of an adoptable type is left to be created, except the new activation records', () => {
    const adoptable = Object.keys(FORMAT);
    for (const s of ['access', 'standby', 'production']) {
      const imported = new Set(imports(s).map((b: SynthJson) => b.to));
      const missing = adoptable.flatMap((type) =>
        Object.entries<SynthJson>(stacks[s].resource?.[type] ?? {}).filter(([name, r]) => !imported.has(`${type}.${name}`) && !String(r.name).startsWith('_gatehouse-')).map(([name]) => `${type}.${name}`),
      );
      expect([s, missing]).toEqual([s, []]);
    }
  });
});

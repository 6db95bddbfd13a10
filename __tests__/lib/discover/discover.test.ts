/**
 * `gatehouse discover` (`npm run discover`) against a fake Cloudflare API on 127.0.0.1 (documented envelope and shapes),
 * three realistic accounts (accounts.ts). Each printed file is loaded as any deployment file is
 * (loadDeployment), then synthesized: every discovered object becomes an import block, and no
 * resource of an adoptable type is left to be created except the new TXT activation records. Secrets
 * never reach the output; the command line answers --help without a request and refuses a bad option
 * in one line with exit status 2.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { buildStacks } from '../../../lib/app';
import { loadDeployment, LoadedDeployment } from '../../../lib/config/load';
import { runDiscover } from '../../../lib/discover/run';
import { SynthJson, tempDir, TODAY } from '../../helpers';
import { ACCOUNT, EDGE, edgeAccount, LIVE_SECRET, MIXED, mixedAccount, NET_ZONE, TRIO, trioAccount, ZONE } from './accounts';
import { FakeAccount, FakeAccountData } from './fake-account';

const TOKEN = 'discover-test-token-value';
const ROOT = path.join(__dirname, '..', '..', '..');
/** The resource types an adopt: entry can import into. */
const ADOPTABLE = [
  'cloudflare_zero_trust_tunnel_cloudflared',
  'cloudflare_zero_trust_tunnel_cloudflared_config',
  'cloudflare_dns_record',
  'cloudflare_zero_trust_access_identity_provider',
  'cloudflare_zero_trust_access_group',
  'cloudflare_zero_trust_access_policy',
  'cloudflare_zero_trust_access_service_token',
  'cloudflare_zero_trust_access_application',
  'cloudflare_r2_bucket',
  'cloudflare_pages_project',
  'cloudflare_pages_domain',
  'cloudflare_workers_script',
  'cloudflare_workers_custom_domain',
  'cloudflare_d1_database',
];

interface Discovered {
  readonly code: number;
  readonly out: string;
  readonly err: string[];
  readonly sleeps: number[];
  readonly requests: string[];
}

async function discover(data: FakeAccountData, argv: string[], setup: (fake: FakeAccount) => void = () => undefined, env: NodeJS.ProcessEnv = {}): Promise<Discovered> {
  const fake = new FakeAccount(data, TOKEN);
  setup(fake);
  await fake.start();
  let out = '';
  const err: string[] = [];
  const sleeps: number[] = [];
  try {
    const code = await runDiscover(argv, {
      env: { CLOUDFLARE_API_TOKEN: TOKEN, GATEHOUSE_CLOUDFLARE_API: fake.url, GATEHOUSE_TODAY: TODAY, ...env },
      out: (t) => (out += t),
      err: (l) => err.push(l),
      sleep: async (ms) => void sleeps.push(ms),
    });
    return { code, out, err, sleeps, requests: fake.requests };
  } finally {
    await fake.stop();
  }
}

/** Load the printed file as a deployment file, then synthesize it; stacks by id. */
function loadAndSynth(text: string, o: { skipValidation: boolean }): { loaded: LoadedDeployment; stacks: Record<string, SynthJson> } {
  const dir = tempDir('gatehouse-discovered-');
  try {
    const file = path.join(dir, 'deployment.yaml');
    fs.writeFileSync(file, text);
    const loaded = loadDeployment(file, { today: TODAY });
    const outdir = path.join(dir, 'cdktf.out');
    const app = new App({ outdir, skipValidation: o.skipValidation });
    buildStacks(app, loaded.model, { today: TODAY, checkState: false });
    app.synth();
    const ids = fs.readdirSync(path.join(outdir, 'stacks')).sort();
    return { loaded, stacks: Object.fromEntries(ids.map((id) => [id, JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8'))])) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every import block of the app: `id` -> the resource its `to` names, with its type and stack. */
function imported(stacks: Record<string, SynthJson>): Map<string, { stack: string; type: string; resource: SynthJson }> {
  const out = new Map<string, { stack: string; type: string; resource: SynthJson }>();
  for (const [stack, json] of Object.entries(stacks)) {
    for (const b of json.import ?? []) {
      const [type, name] = String(b.to).split('.');
      const resource = json.resource?.[type]?.[name];
      expect([b.to, resource !== undefined]).toEqual([b.to, true]);
      out.set(`${type} ${b.id}`, { stack, type, resource });
    }
  }
  return out;
}

/** Resources of an adoptable type with no import block, except gatehouse's own activation records. */
function createdAdoptable(stacks: Record<string, SynthJson>): string[] {
  return Object.entries(stacks).flatMap(([stack, json]) => {
    const targets = new Set((json.import ?? []).map((b: SynthJson) => b.to));
    return ADOPTABLE.flatMap((type) =>
      Object.entries<SynthJson>(json.resource?.[type] ?? {})
        .filter(([name, r]) => !targets.has(`${type}.${name}`) && !String(r.name).startsWith('_gatehouse-'))
        .map(([name]) => `${stack}: ${type}.${name}`),
    );
  });
}

/** The commented list under a heading of the printed file. */
function listed(out: string, heading: 'Review' | 'Could not express'): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`# ${heading}`));
  const items: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith('#   - ')) break;
    items.push(l.slice(6));
  }
  return items;
}

describe('edge: the production/standby seed (two tunnels, five hostnames, the CRM behind Google Workspace)', () => {
  let run: Discovered;
  let result: ReturnType<typeof loadAndSynth>;
  beforeAll(async () => {
    run = await discover(edgeAccount(), ['--account', ACCOUNT, '--zone', 'example.com', '--name', 'edge'], (fake) => {
      // the API rate-limits one request: discover waits Retry-After and goes on
      fake.rateLimited.add(8);
      fake.retryAfter = '3';
    });
    result = loadAndSynth(run.out, { skipValidation: false });
  });

  test('prints a deployment file that validates as any deployment file does, with every existing object under adopt:', () => {
    expect(run.code).toBe(0);
    expect(result.loaded.warnings).toEqual([]);
    expect(result.loaded.deployment.adopt).toEqual({
      tunnels: { primary: EDGE.dal, standby: EDGE.chi },
      dns_records: Object.fromEntries(EDGE.hostnames.map((h, i) => [h, EDGE.record(i)])),
      identity_providers: { 'google-workspace': EDGE.idp },
      access_groups: { 'example-staff': EDGE.group },
      access_policies: { 'allow-staff': EDGE.policy },
      service_tokens: {},
      apps: { crm: EDGE.app },
      buckets: ['edge-backups'],
      pages_projects: [],
      pages_domains: [],
      workers_scripts: [],
      workers_domains: {},
      d1_databases: {},
    });
  });

  test('round trip: synth imports every discovered object into its resource, and leaves nothing adoptable to be created', () => {
    const blocks = imported(result.stacks);
    const id = (type: string, importId: string) => blocks.get(`cloudflare_${type} ${importId}`);
    expect(id('zero_trust_tunnel_cloudflared', `${ACCOUNT}/${EDGE.dal}`)).toMatchObject({ stack: 'production', resource: { name: 'edge-primary', config_src: 'cloudflare' } });
    expect(id('zero_trust_tunnel_cloudflared_config', `${ACCOUNT}/${EDGE.chi}`)?.stack).toBe('standby');
    EDGE.hostnames.forEach((h, i) => expect(id('dns_record', `${ZONE}/${EDGE.record(i)}`)?.resource.name).toBe(h));
    expect(id('zero_trust_access_application', `accounts/${ACCOUNT}/${EDGE.app}`)?.resource.destinations).toEqual([{ type: 'public', uri: 'crm.example.com' }]);
    expect(id('zero_trust_access_policy', `${ACCOUNT}/${EDGE.policy}`)?.resource.decision).toBe('allow');
    expect(id('zero_trust_access_group', `accounts/${ACCOUNT}/${EDGE.group}`)?.resource.include).toEqual([{ email_domain: { domain: 'example.com' } }]);
    expect(id('zero_trust_access_identity_provider', `accounts/${ACCOUNT}/${EDGE.idp}`)?.resource.type).toBe('google-apps');
    expect(id('r2_bucket', `${ACCOUNT}/edge-backups/default`)?.resource.location).toBe('enam');
    expect(blocks.size).toBe(14);
    expect(createdAdoptable(result.stacks)).toEqual([]);
  });

  test('the live ingress, lifecycle and gating are kept: five routes on both tunnels, the CRM gated, the bucket rules unchanged', () => {
    const ingress = Object.values<SynthJson>(result.stacks.production.resource.cloudflare_zero_trust_tunnel_cloudflared_config)[0].config.ingress;
    expect(ingress.map((r: SynthJson) => [r.hostname ?? null, r.service])).toEqual([...EDGE.hostnames.map((h) => [h, 'http://localhost:80']), [null, 'http_status:404']]);
    expect(ingress[0].origin_request.access.required).toBe(true);
    const lifecycle = Object.values<SynthJson>(result.stacks.production.resource.cloudflare_r2_bucket_lifecycle)[0].rules;
    expect(lifecycle.map((r: SynthJson) => r.delete_objects_transition?.condition.max_age ?? r.abort_multipart_uploads_transition?.condition.max_age)).toEqual(expect.arrayContaining([90 * 86400, 7 * 86400]));
  });

  test('what it left out, and what needs a person, are listed at the top, each with the reason', () => {
    expect(listed(run.out, 'Could not express')).toEqual([
      expect.stringMatching(/^not read: R2 buckets \(fedramp\): GET .*: HTTP 403: /),
      `Access app "App Launcher" (${EDGE.launcher}): its type is app_launcher; gatehouse manages self-hosted apps only`,
      expect.stringContaining(`tunnel "old-box" (${EDGE.old}): is locally managed (config_src local)`),
    ]);
    const review = listed(run.out, 'Review');
    expect(review).toContain('identity_providers.google-workspace: set TF_VAR_google_workspace_client_secret to its client secret before deploying (the secret is never read; the first deploy writes it)');
    expect(review).toContain('tunnel "edge-dal": the first deploy renames it edge-primary (in place: same id, token and CNAME target)');
    expect(review.filter((l) => l.includes('written public with a placeholder reason'))).toHaveLength(4);
    expect(review).toContain("routes[0] (crm.example.com): the first deploy adds the connector-side Access check (originRequest.access with the app's AUD): cloudflared then refuses a request without the app's token");
    // a deleted tunnel is not asked for at all
    expect(run.requests.some((r) => r.includes(EDGE.gone))).toBe(false);
  });

  test('paginated and rate limited: the 429 is waited out (Retry-After), progress goes to stderr, and the client secret and the token never show', () => {
    expect(run.sleeps).toEqual([3000]);
    expect(run.requests.filter((r) => r.includes('/access/apps'))).toHaveLength(2);
    expect(run.err).toContain('discover: tunnels: 3 (5 requests so far)');
    expect(run.err[run.err.length - 1]).toBe('discover: 12 existing objects to adopt; 9 to review and 3 not expressed (listed at the top of the file)');
    for (const text of [run.out, ...run.err]) {
      expect(text).not.toContain(LIVE_SECRET);
      expect(text).not.toContain(TOKEN);
    }
    expect(run.out).toContain('secret_variable: google_workspace_client_secret');
  });

  test('two runs over the same account print the same bytes', async () => {
    const again = await discover(edgeAccount(), ['--account', ACCOUNT, '--zone', 'example.com', '--name', 'edge']);
    expect(again.out).toBe(run.out);
  });
});

describe('trio: the Google Workspace ADR seed (three apps, one policy each, one group, one tunnel)', () => {
  let run: Discovered;
  let result: ReturnType<typeof loadAndSynth>;
  beforeAll(async () => {
    run = await discover(trioAccount(), ['--account', ACCOUNT, '--zone', 'example.com']);
    result = loadAndSynth(run.out, { skipValidation: true });
  });

  test('the three apps, their policies, the group and the IdP are adopted by name; the name defaults to the zone label', () => {
    const d = result.loaded.deployment;
    expect(d.name).toBe('example');
    expect(d.adopt.apps).toEqual({ admin: TRIO.app(0), api: TRIO.app(1), labs: TRIO.app(2) });
    expect(d.adopt.access_policies).toEqual({ 'allow-org-admin': TRIO.policy(0), 'allow-org-api': TRIO.policy(1), 'allow-org-labs': TRIO.policy(2) });
    expect(d.apps.labs).toMatchObject({ hostnames: ['labs.example.com'], policies: ['allow-org-labs'], idps: ['google-workspace'], session_duration: '24h' });
    expect(d.routes[2]).toMatchObject({ hostname: 'labs.example.com', service: 'https://localhost:8443', origin: { no_tls_verify: true, origin_server_name: 'labs.internal.example.net', connect_timeout_seconds: 30 } });
    expect(d.sites?.standby).toBeUndefined();
  });

  test('round trip: an import for each discovered object (1 tunnel + config, 3 records, 3 apps, 3 policies, 1 group, 1 IdP), nothing adoptable created', () => {
    const blocks = imported(result.stacks);
    expect([...blocks.values()].map((b) => b.type).sort()).toEqual(
      [
        'cloudflare_dns_record', 'cloudflare_dns_record', 'cloudflare_dns_record',
        'cloudflare_zero_trust_access_application', 'cloudflare_zero_trust_access_application', 'cloudflare_zero_trust_access_application',
        'cloudflare_zero_trust_access_group', 'cloudflare_zero_trust_access_identity_provider',
        'cloudflare_zero_trust_access_policy', 'cloudflare_zero_trust_access_policy', 'cloudflare_zero_trust_access_policy',
        'cloudflare_zero_trust_tunnel_cloudflared', 'cloudflare_zero_trust_tunnel_cloudflared_config',
      ].sort(),
    );
    expect(createdAdoptable(result.stacks)).toEqual([]);
  });
});

describe('mixed: a larger account with what discover cannot express', () => {
  let run: Discovered;
  let result: ReturnType<typeof loadAndSynth>;
  beforeAll(async () => {
    run = await discover(mixedAccount(), ['--account', ACCOUNT, '--zone', 'example.com,example.net', '--name', 'mixed']);
    result = loadAndSynth(run.out, { skipValidation: true });
  });

  test('large lists are read page by page, with a progress line per page', () => {
    expect(run.requests.filter((r) => r.startsWith(`GET /zones/${ZONE}/dns_records?type=CNAME`))).toEqual([1, 2, 3].map((p) => `GET /zones/${ZONE}/dns_records?type=CNAME&page=${p}&per_page=100`));
    expect(run.err.filter((l) => l.includes('dns_records: page'))).toEqual([1, 2, 3].map((p) => `discover: GET /zones/${ZONE}/dns_records: page ${p} of 3`));
  });

  test('an app is adopted only whole: one with a policy gatehouse cannot write, or one the checks refuse, stays out with its policy, and its route keeps its edge gate as a public route to review', () => {
    const d = result.loaded.deployment;
    expect(Object.keys(d.apps)).toEqual(['portal']);
    expect(Object.keys(d.access_policies).sort()).toEqual(['ci', 'engineers']);
    const unexpressed = listed(run.out, 'Could not express');
    expect(unexpressed).toContain(`Access policy "office network" (${MIXED.policies.office}): has a ip rule, which gatehouse policies cannot hold (groups, emails, email domains, service tokens, everyone)`);
    expect(unexpressed).toContain(`Access app "Legacy" (${MIXED.apps.legacy}): its policy "office network" could not be expressed (see above), and leaving it out would change who gets in`);
    expect(unexpressed).toContain(
      `Access policy "anyone" (${MIXED.policies.open}): refused by the deployment checks: access_policies.anyone.include[0]: an allow policy must not admit everyone; name groups, domains or emails instead (got {"everyone":true})`,
    );
    expect(unexpressed).toContain(`Access app "Open" (${MIXED.apps.open}): uses Access policy "anyone" (${MIXED.policies.open}), which could not be expressed, and leaving it out would change who gets in`);
    expect(d.routes.find((r) => r.hostname === 'open.example.com')?.public?.reason).toBe('REVIEW: gated at the edge by Access app "Open", which stays outside gatehouse');
    // the routes of the tunnel are all kept: its first deploy writes the whole ingress
    expect(d.routes.map((r) => r.hostname)).toEqual(['portal.example.com', 'status.example.net', 'legacy.example.com', 'open.example.com']);
  });

  test('identity providers: Entra adopted with a secret variable name, GitHub referenced by id; the Entra group rule, the service token and CORS carried over', () => {
    const d = result.loaded.deployment;
    expect(d.identity_providers.github).toEqual({ type: 'existing', id: MIXED.github });
    expect(d.identity_providers['microsoft-entra-id']).toMatchObject({ type: 'entra', support_groups: true, secret_variable: 'microsoft_entra_id_client_secret' });
    expect(d.adopt.identity_providers).toEqual({ 'microsoft-entra-id': MIXED.entra });
    expect(d.access_groups.engineers.idp_groups).toEqual([{ idp: 'microsoft-entra-id', group: '11111111-2222-4333-8444-555555555555' }]);
    expect(d.apps.portal).toMatchObject({ policies: ['engineers', 'ci'], cors: { allowed_origins: ['https://docs.example.com'], allow_credentials: true, max_age: 600 } });
    expect(d.service_tokens['ci-deploys'].decision_record).toBe('REVIEW: the decision that approved this token');
    for (const text of [run.out, ...run.err]) expect(text).not.toContain(LIVE_SECRET);
  });

  test('Pages, a Worker domain and buckets in two jurisdictions round-trip into imports; a Pages project with secret variables stays out', () => {
    const blocks = imported(result.stacks);
    expect(blocks.get(`cloudflare_pages_project ${ACCOUNT}/example-docs`)?.stack).toBe('pages');
    expect(blocks.get(`cloudflare_pages_domain ${ACCOUNT}/example-docs/docs.example.com`)?.stack).toBe('pages');
    expect(blocks.get(`cloudflare_dns_record ${ZONE}/${MIXED.records.docs}`)).toMatchObject({ stack: 'pages', resource: { name: 'docs.example.com' } });
    expect(blocks.get(`cloudflare_dns_record ${NET_ZONE}/${MIXED.records.status}`)?.resource.zone_id).toBe(NET_ZONE);
    expect(blocks.get(`cloudflare_workers_custom_domain ${ACCOUNT}/${MIXED.workerDomain}`)?.resource.hostname).toBe('api.example.com');
    expect(blocks.get(`cloudflare_r2_bucket ${ACCOUNT}/mixed-vault/eu`)?.resource.jurisdiction).toBe('eu');
    expect(blocks.get(`cloudflare_zero_trust_access_service_token accounts/${ACCOUNT}/${MIXED.token}`)).toBeDefined();
    expect(listed(run.out, 'Could not express')).toContain(
      'Pages project "example-shop": has secret environment variables, and provider 5.14 cannot import such a project (docs/resources/pages_project.md); remove them, import, then set them again',
    );
    expect(createdAdoptable(result.stacks)).toEqual([]);
  });

  test('settings it keeps only with a person\'s word are in the review list: r2.dev on, a prefix lifecycle rule that goes', () => {
    const review = listed(run.out, 'Review');
    expect(review).toContain('buckets.mixed-assets: r2.dev public access is on: kept on, with a placeholder reason; write the real one, or remove public to turn it off');
    expect(review).toContain(
      "buckets.mixed-assets lifecycle rule logs: applies to the prefix logs/, and gatehouse writes whole-bucket rules; the first deploy replaces the bucket's rules with the file's, so this rule goes",
    );
  });
});

test('after a lost state, the TXT activation records an earlier deploy left are found and adopted too: the round trip creates nothing adoptable', async () => {
  // GIVEN the edge account as gatehouse left it: its tunnels renamed, and the hosts' activation records
  const data = edgeAccount();
  data.records[ZONE].push(
    { id: 'f'.repeat(31) + '1', name: '_gatehouse-edge-primary.example.com', type: 'TXT', content: 'active', proxied: false },
    { id: 'f'.repeat(31) + '2', name: '_gatehouse-edge-standby.example.com', type: 'TXT', content: 'standby', proxied: false },
    { id: 'f'.repeat(31) + '3', name: '_gatehouse-other-primary.example.com', type: 'TXT', content: 'active', proxied: false },
  );
  const run = await discover(data, ['--account', ACCOUNT, '--zone', 'example.com', '--name', 'edge']);
  const { loaded, stacks } = loadAndSynth(run.out, { skipValidation: true });
  // THEN both are adopted (the other deployment's is not), into the site stacks' activation records
  expect(Object.keys(loaded.deployment.adopt.dns_records).filter((n) => n.startsWith('_'))).toEqual(['_gatehouse-edge-primary.example.com', '_gatehouse-edge-standby.example.com']);
  const blocks = imported(stacks);
  expect(blocks.get(`cloudflare_dns_record ${ZONE}/${'f'.repeat(31)}1`)).toMatchObject({ stack: 'production', resource: { type: 'TXT', name: '_gatehouse-edge-primary.example.com' } });
  expect(blocks.get(`cloudflare_dns_record ${ZONE}/${'f'.repeat(31)}2`)).toMatchObject({ stack: 'standby', resource: { type: 'TXT', name: '_gatehouse-edge-standby.example.com' } });
  const everyRecord = Object.values(stacks).flatMap((s) => Object.keys(s.resource?.cloudflare_dns_record ?? {}));
  expect(everyRecord).toHaveLength(7);
  expect([...blocks.values()].filter((b) => b.type === 'cloudflare_dns_record')).toHaveLength(7);
});

describe('the command line', () => {
  test('npm run discover -- --help prints the usage, exits 0 and sends no request', () => {
    const r = spawnSync('npm', ['run', '-s', 'discover', '--', '--help'], { cwd: ROOT, env: { ...process.env, GATEHOUSE_CLOUDFLARE_API: 'http://127.0.0.1:9/client/v4' }, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^usage: gatehouse discover --account <id> --zone <zone>/);
  });

  test('a bad option is one line and exit 2, before anything is read', async () => {
    const r = await discover(edgeAccount(), ['--acount', ACCOUNT]);
    expect([r.code, r.err, r.out, r.requests]).toEqual([2, ['gatehouse discover: unknown option "--acount"; run gatehouse discover --help'], '', []]);
    const bare = await discover(edgeAccount(), ['--zone', 'example.com']);
    expect([bare.code, bare.err]).toEqual([2, ['gatehouse discover: --account is required (or set CLOUDFLARE_ACCOUNT_ID); run gatehouse discover --help']]);
    const cli = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'gatehouse.js'), 'discover', '--zone'], { cwd: ROOT, encoding: 'utf8' });
    expect([cli.status, cli.stderr]).toEqual([2, 'gatehouse discover: --zone needs a value; run gatehouse discover --help\n']);
  });

  test('no token, or a zone the account does not have: one line, exit 1', async () => {
    const noToken = await discover(edgeAccount(), ['--account', ACCOUNT, '--zone', 'example.com'], undefined, { CLOUDFLARE_API_TOKEN: '' });
    expect([noToken.code, noToken.err, noToken.requests]).toEqual([1, ['gatehouse discover: CLOUDFLARE_API_TOKEN is not set: discover reads the account with it (read permissions are enough; see --help)'], []]);
    const zone = await discover(edgeAccount(), ['--account', ACCOUNT, '--zone', 'example.org']);
    expect([zone.code, zone.err, zone.out]).toEqual([1, [`gatehouse discover: --zone example.org: is not a zone of account ${ACCOUNT}, or the token cannot read it (it needs Zone Read)`], '']);
  });

  test('a token without an Access permission: the rest is read and the gap is listed', async () => {
    const r = await discover(edgeAccount(), ['--account', ACCOUNT, '--zone', 'example.com', '--name', 'edge'], (fake) => fake.forbidden.add(`/accounts/${ACCOUNT}/access/apps`));
    expect(r.code).toBe(0);
    expect(listed(r.out, 'Could not express')[0]).toBe(`not read: Access apps: GET /accounts/${ACCOUNT}/access/apps: HTTP 403: 10000 Authentication error`);
    // without the apps, the CRM's route is written public for review, saying why; the file still validates
    expect(r.out).toContain('reason: "REVIEW: the Access apps could not be read; check whether one gates this hostname"');
  });
});

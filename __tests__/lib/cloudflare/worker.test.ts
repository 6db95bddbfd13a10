import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformVariable } from 'cdktf';
import { AccessGatedApp, IAccessGatedApp } from '../../../lib/cloudflare/access/app';
import { AccessPolicy } from '../../../lib/cloudflare/access/policy';
import { AccessDecision } from '../../../lib/cloudflare/access/rules';
import { WorkerEndpoint, WorkerEndpointProps } from '../../../lib/cloudflare/worker';
import { ACCOUNT_ID, expectProblem, newStack, problemsOf, synth } from './access/support';
import { Zone } from '../../../lib/cloudflare/zone';

const SCRIPT = 'cloudflare_workers_script';
const CUSTOM_DOMAIN = 'cloudflare_workers_custom_domain';
const D1 = 'cloudflare_d1_database';
const ZONE_ID = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0';
const MODULE_SOURCE = 'export default { async fetch() { return new Response("ok"); } };\n';

// Written at load time: some describe blocks synthesize while jest collects the tests.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-worker-test-'));
const moduleFile = path.join(dir, 'api-worker.js');
fs.writeFileSync(moduleFile, MODULE_SOURCE);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const fakeApp: IAccessGatedApp = {
  applicationId: 'app-id-1',
  aud: 'aud-0123456789abcdef',
  hostnames: ['api.example.com'],
  teamName: 'example',
};

function props(overrides: Partial<WorkerEndpointProps> = {}): WorkerEndpointProps {
  return { accountId: ACCOUNT_ID, zone: Zone.fromZoneId(ZONE_ID), scriptName: 'portal-api', hostname: 'api.example.com', ...overrides };
}

function build(overrides: Partial<WorkerEndpointProps> = {}): WorkerEndpoint {
  return new WorkerEndpoint(newStack(), 'api', props(overrides));
}

describe('WorkerEndpoint on a custom domain only (no module)', () => {
  // GIVEN no module: the script is deployed elsewhere
  let endpoint: WorkerEndpoint | undefined;
  // WHEN
  const s = synth((scope) => {
    endpoint = new WorkerEndpoint(scope, 'api', props());
  });

  test('creates a workers custom domain routing the hostname to the script name', () => {
    // THEN
    expect(s.at(CUSTOM_DOMAIN, 'api/domain')).toEqual({
      account_id: ACCOUNT_ID,
      zone_id: ZONE_ID,
      hostname: 'api.example.com',
      service: 'portal-api',
    });
  });

  test('creates no script and no database', () => {
    // THEN
    expect(Object.keys(s.json.resource)).toEqual([CUSTOM_DOMAIN]);
    expect(s.resources(SCRIPT)).toHaveLength(0);
    expect(s.resources(D1)).toHaveLength(0);
    expect(endpoint!.script).toBeUndefined();
    expect(endpoint!.database).toBeUndefined();
  });

  test('the custom domain has no depends_on', () => {
    expect(s.at(CUSTOM_DOMAIN, 'api/domain').depends_on).toBeUndefined();
  });

  test('exposes the hostname and the custom domain', () => {
    expect(endpoint!.hostname).toBe('api.example.com');
    expect(endpoint!.customDomain.terraformResourceType).toBe(CUSTOM_DOMAIN);
  });
});

describe('WorkerEndpoint with a module only', () => {
  // GIVEN a module file written to a temp dir, no D1, no Access
  const build = () => synth((scope) => new WorkerEndpoint(scope, 'api', props({ module: { file: moduleFile } })));

  test('deploys the script with the account and the script name', () => {
    // WHEN
    const script = build().at(SCRIPT, 'api/script');
    // THEN
    expect(script.account_id).toBe(ACCOUNT_ID);
    expect(script.script_name).toBe('portal-api');
  });

  test('content_file is the asset copy: a relative path under assets/ ending in the file name', () => {
    // WHEN
    const file: string = build().at(SCRIPT, 'api/script').content_file;
    // THEN
    expect(path.isAbsolute(file)).toBe(false);
    expect(file).toMatch(/^assets\/[A-Za-z0-9_-]+\/[0-9A-F]+\/api-worker\.js$/);
    expect(file).not.toContain(dir);
  });

  test('content_sha256 is the sha256 of the module file', () => {
    // WHEN
    const script = build().at(SCRIPT, 'api/script');
    // THEN
    const expected = createHash('sha256').update(MODULE_SOURCE).digest('hex');
    expect(script.content_sha256).toBe(expected);
    expect(script.content_sha256).toBe(createHash('sha256').update(fs.readFileSync(moduleFile)).digest('hex'));
  });

  test('main_module is the file basename and compatibility_date defaults to 2026-01-01', () => {
    // WHEN
    const script = build().at(SCRIPT, 'api/script');
    // THEN
    expect(script.main_module).toBe('api-worker.js');
    expect(script.compatibility_date).toBe('2026-01-01');
  });

  test('has exactly these keys: no bindings without D1 or Access', () => {
    // WHEN
    const script = build().at(SCRIPT, 'api/script');
    // THEN
    expect(Object.keys(script).sort()).toEqual(['account_id', 'compatibility_date', 'content_file', 'content_sha256', 'main_module', 'script_name']);
    expect(script.bindings).toBeUndefined();
  });

  test('creates no database', () => {
    expect(build().resources(D1)).toHaveLength(0);
  });

  test('the custom domain depends on the script and still routes by script name', () => {
    // WHEN
    const s = build();
    // THEN
    expect(s.at(CUSTOM_DOMAIN, 'api/domain')).toEqual({
      account_id: ACCOUNT_ID,
      zone_id: ZONE_ID,
      hostname: 'api.example.com',
      service: 'portal-api',
      depends_on: [`${SCRIPT}.${s.logicalId('api/script')}`],
    });
  });

  test('a changed module is a changed hash', () => {
    // GIVEN a second file with other content
    const other = path.join(dir, 'other.js');
    fs.writeFileSync(other, 'export default {};\n');
    // WHEN
    const script = synth((scope) => new WorkerEndpoint(scope, 'api', props({ module: { file: other } }))).at(SCRIPT, 'api/script');
    // THEN
    expect(script.content_sha256).toBe(createHash('sha256').update('export default {};\n').digest('hex'));
    expect(script.main_module).toBe('other.js');
  });
});

describe('WorkerEndpoint with a custom compatibility date', () => {
  test('uses the given compatibility date', () => {
    // GIVEN compatibilityDate 2025-06-01
    const s = synth((scope) => new WorkerEndpoint(scope, 'api', props({ module: { file: moduleFile, compatibilityDate: '2025-06-01' } })));
    // THEN
    expect(s.at(SCRIPT, 'api/script').compatibility_date).toBe('2025-06-01');
  });
});

describe('WorkerEndpoint with a D1 database', () => {
  // GIVEN a module and a D1 database name
  let endpoint: WorkerEndpoint | undefined;
  // WHEN
  const s = synth((scope) => {
    endpoint = new WorkerEndpoint(scope, 'api', props({ module: { file: moduleFile }, d1DatabaseName: 'portal' }));
  });

  test('creates the database in the account', () => {
    // THEN
    expect(s.resources(D1)).toHaveLength(1);
    expect(s.at(D1, 'api/database')).toEqual({ account_id: ACCOUNT_ID, name: 'portal' });
    expect(endpoint!.database).toBeDefined();
  });

  test('binds it as DB by its uuid', () => {
    // THEN
    expect(s.at(SCRIPT, 'api/script').bindings).toEqual([{ name: 'DB', type: 'd1', id: `\${${D1}.${s.logicalId('api/database')}.uuid}` }]);
  });
});

describe('WorkerEndpoint with Access', () => {
  test('binds ACCESS_AUD and ACCESS_TEAM_DOMAIN as plain text (fake app)', () => {
    // GIVEN a module and an Access app
    // WHEN
    const s = synth((scope) => new WorkerEndpoint(scope, 'api', props({ module: { file: moduleFile }, access: fakeApp })));
    // THEN
    expect(s.at(SCRIPT, 'api/script').bindings).toEqual([
      { name: 'ACCESS_AUD', type: 'plain_text', text: 'aud-0123456789abcdef' },
      { name: 'ACCESS_TEAM_DOMAIN', type: 'plain_text', text: 'example.cloudflareaccess.com' },
    ]);
    expect(s.resources(D1)).toHaveLength(0);
  });

  test('the AUD of a real AccessGatedApp is a reference to the application aud', () => {
    // GIVEN a real Access app over the hostname
    // WHEN
    const s = synth((scope) => {
      const app = new AccessGatedApp(scope, 'app', {
        accountId: ACCOUNT_ID,
        name: 'api',
        teamName: 'example',
        hostnames: ['api.example.com'],
        policies: [AccessPolicy.fromPolicyId('11111111-1111-4111-8111-111111111111', AccessDecision.ALLOW)],
      });
      new WorkerEndpoint(scope, 'api', props({ module: { file: moduleFile }, access: app }));
    });
    // THEN
    const appRef = `cloudflare_zero_trust_access_application.${s.logicalId('app/resource')}`;
    expect(s.at(SCRIPT, 'api/script').bindings).toEqual([
      { name: 'ACCESS_AUD', type: 'plain_text', text: `\${${appRef}.aud}` },
      { name: 'ACCESS_TEAM_DOMAIN', type: 'plain_text', text: 'example.cloudflareaccess.com' },
    ]);
  });

  test('with D1 and Access, DB comes first and then the two Access variables', () => {
    // GIVEN both
    const s = synth((scope) => new WorkerEndpoint(scope, 'api', props({ module: { file: moduleFile }, d1DatabaseName: 'portal', access: fakeApp })));
    // THEN
    expect(s.at(SCRIPT, 'api/script').bindings).toEqual([
      { name: 'DB', type: 'd1', id: `\${${D1}.${s.logicalId('api/database')}.uuid}` },
      { name: 'ACCESS_AUD', type: 'plain_text', text: 'aud-0123456789abcdef' },
      { name: 'ACCESS_TEAM_DOMAIN', type: 'plain_text', text: 'example.cloudflareaccess.com' },
    ]);
    expect(s.at(CUSTOM_DOMAIN, 'api/domain').depends_on).toEqual([`${SCRIPT}.${s.logicalId('api/script')}`]);
  });
});

describe('WorkerEndpoint with a token hostname', () => {
  test('skips hostname validation and passes the reference through', () => {
    // GIVEN a hostname from a Terraform variable
    const s = synth((scope) => {
      const hostname = new TerraformVariable(scope, 'host', { type: 'string' }).stringValue;
      new WorkerEndpoint(scope, 'api', props({ hostname }));
    });
    // THEN
    expect(s.at(CUSTOM_DOMAIN, 'api/domain').hostname).toBe('${var.host}');
  });
});

describe('WorkerEndpoint validation', () => {
  test('fails if the hostname is not a fully qualified hostname', () => {
    const p = expectProblem(() => build({ hostname: 'api' }), 'api.hostname', 'must be a fully qualified hostname');
    expect(p.value).toBe('api');
  });

  test('fails if the hostname carries a port', () => {
    const p = expectProblem(() => build({ hostname: 'api.example.com:8443' }), 'api.hostname', 'must not carry a port');
    expect(p.value).toBe('api.example.com:8443');
  });

  test('fails if the hostname is a wildcard', () => {
    const p = expectProblem(() => build({ hostname: '*.example.com' }), 'api.hostname', 'must not be a wildcard');
    expect(p.value).toBe('*.example.com');
  });

  test('fails if the hostname is a workers.dev host', () => {
    const p = expectProblem(() => build({ hostname: 'portal-api.example.workers.dev' }), 'api.hostname', 'a workers.dev host cannot be protected by Access');
    expect(p.value).toBe('portal-api.example.workers.dev');
  });

  test('fails if the script name is upper case', () => {
    const p = expectProblem(() => build({ scriptName: 'Portal-API' }), 'api.scriptName', 'must be lower-case letters, digits, hyphens and underscores');
    expect(p.value).toBe('Portal-API');
  });

  test('fails if the script name is longer than 63 characters', () => {
    const name = 'a'.repeat(64);
    const p = expectProblem(() => build({ scriptName: name }), 'api.scriptName', 'at most 63');
    expect(p.value).toBe(name);
    expect(() => build({ scriptName: 'a'.repeat(63) })).not.toThrow();
  });

  test('fails if access is given without a module', () => {
    const p = expectProblem(() => build({ access: fakeApp }), 'api.access', 'needs module');
    expect('value' in p).toBe(false);
  });

  test('fails if a D1 database is given without a module', () => {
    const p = expectProblem(() => build({ d1DatabaseName: 'portal' }), 'api.d1DatabaseName', 'needs module');
    expect('value' in p).toBe(false);
  });

  test('fails if the module path is relative', () => {
    const p = expectProblem(() => build({ module: { file: 'worker/index.js' } }), 'api.module.file', 'must be an absolute path');
    expect(p.value).toBe('worker/index.js');
  });

  test('fails if the module file does not exist', () => {
    const missing = path.join(dir, 'missing.js');
    const p = expectProblem(() => build({ module: { file: missing } }), 'api.module.file', 'must be an existing file');
    expect(p.value).toBe(missing);
  });

  test('fails if the module path is a directory', () => {
    expectProblem(() => build({ module: { file: dir } }), 'api.module.file', 'must be an existing file');
  });

  test('fails if the compatibility date is not a date', () => {
    expectProblem(() => build({ module: { file: path.join(dir, 'api-worker.js'), compatibilityDate: 'soon' } }), 'api.module.compatibilityDate', 'must be a date');
  });

  test('fails if the D1 database name is empty or invalid', () => {
    expectProblem(() => build({ module: { file: path.join(dir, 'api-worker.js') }, d1DatabaseName: '' }), 'api.d1DatabaseName', 'must be a d1 database name');
  });

  test('fails if the hostname is the bare workers.dev', () => {
    expectProblem(() => build({ hostname: 'workers.dev' }), 'api.hostname', 'custom domain');
  });

  test('reports every problem at once', () => {
    // GIVEN a workers.dev hostname, a bad script name and Access without a module
    const problems = problemsOf(() => build({ hostname: 'x.example.workers.dev', scriptName: 'X', access: fakeApp, d1DatabaseName: 'db' }));
    // THEN
    expect(problems.map((p) => p.path)).toEqual(['api.hostname', 'api.scriptName', 'api.access', 'api.d1DatabaseName']);
  });
});

describe('WorkerEndpoint with R2 buckets, secrets, crons and workers.dev', () => {
  // GIVEN a deployed module with two buckets (one in the EU), a secret from a sensitive variable, a nightly cron and workers.dev on
  let secret!: string;
  let endpoint!: WorkerEndpoint;
  const s = synth((scope) => {
    secret = new TerraformVariable(scope, 'api_bearer_token', { type: 'string', sensitive: true }).stringValue;
    endpoint = new WorkerEndpoint(scope, 'api', props({
      module: { file: moduleFile },
      d1DatabaseName: 'portal',
      r2Buckets: { BACKUPS: { bucketName: 'example-backups', jurisdiction: 'default' }, ARCHIVE: { bucketName: 'example-archive', jurisdiction: 'eu' } },
      secrets: { API_TOKEN: secret },
      crons: ['0 3 * * *', ' */15  *  * * mon-fri '],
      workersDev: true,
    }));
  });
  const script = s.at(SCRIPT, 'api/script');

  test('binds each bucket as r2_bucket, with the jurisdiction of a bucket outside the default one', () => {
    expect(script.bindings.filter((b: Record<string, unknown>) => b.type === 'r2_bucket')).toEqual([
      { name: 'BACKUPS', type: 'r2_bucket', bucket_name: 'example-backups' },
      { name: 'ARCHIVE', type: 'r2_bucket', bucket_name: 'example-archive', jurisdiction: 'eu' },
    ]);
  });

  test('binds each secret as secret_text from its variable reference, after DB', () => {
    expect(script.bindings.map((b: Record<string, unknown>) => b.name)).toEqual(['DB', 'BACKUPS', 'ARCHIVE', 'API_TOKEN']);
    expect(script.bindings[3]).toEqual({ name: 'API_TOKEN', type: 'secret_text', text: '${var.api_bearer_token}' });
  });

  test('one cron trigger resource holds every schedule (whitespace normalized), after the script', () => {
    const cron = s.only('cloudflare_workers_cron_trigger');
    expect(cron).toMatchObject({ account_id: ACCOUNT_ID, script_name: 'portal-api', schedules: [{ cron: '0 3 * * *' }, { cron: '*/15 * * * mon-fri' }] });
    expect(cron.depends_on).toEqual([`${SCRIPT}.${s.logicalId('api/script')}`]);
    expect(endpoint.cronTrigger).toBeDefined();
  });

  test('workers.dev is managed: enabled as asked, previews off, after the script', () => {
    expect(s.only('cloudflare_workers_script_subdomain')).toMatchObject({ account_id: ACCOUNT_ID, script_name: 'portal-api', enabled: true, previews_enabled: false });
    const off = synth((scope) => new WorkerEndpoint(scope, 'api', props({ module: { file: moduleFile }, workersDev: false }))).only('cloudflare_workers_script_subdomain');
    expect(off.enabled).toBe(false);
  });

  test('without crons or workersDev neither resource exists', () => {
    const plain = synth((scope) => new WorkerEndpoint(scope, 'api', props({ module: { file: moduleFile } })));
    expect(plain.resources('cloudflare_workers_cron_trigger')).toHaveLength(0);
    expect(plain.resources('cloudflare_workers_script_subdomain')).toHaveLength(0);
  });
});

describe('WorkerEndpoint bindings: fails if', () => {
  const withModule = (overrides: Partial<WorkerEndpointProps>) => build({ module: { file: moduleFile }, ...overrides });

  test('a binding name is not a javascript identifier', () => {
    const p = expectProblem(() => withModule({ r2Buckets: { 'my-bucket': { bucketName: 'b', jurisdiction: 'default' } } }), 'api.r2Buckets', 'is not a javascript identifier');
    expect(p.value).toBe('my-bucket');
  });

  test('a binding name repeats across bindings (DB, ACCESS_AUD, buckets, secrets)', () => {
    const stack = newStack();
    const v = new TerraformVariable(stack, 'v', { type: 'string', sensitive: true }).stringValue;
    const p = expectProblem(
      () => new WorkerEndpoint(stack, 'api', props({ module: { file: moduleFile }, d1DatabaseName: 'portal', access: fakeApp, r2Buckets: { DB: { bucketName: 'b', jurisdiction: 'default' } }, secrets: { ACCESS_AUD: v } })),
      'api.r2Buckets',
      'binds DB, which d1DatabaseName binds already; every binding of a script has its own name',
    );
    expect(p.value).toBe('DB');
    expectProblem(
      () => new WorkerEndpoint(stack, 'api2', props({ module: { file: moduleFile }, access: fakeApp, secrets: { ACCESS_AUD: v } })),
      'api2.secrets',
      'binds ACCESS_AUD, which access binds already',
    );
  });

  test('a secret is a literal (never echoed)', () => {
    const p = expectProblem(() => withModule({ secrets: { TOKEN: 'literal-token-value' } }), 'api.secrets.TOKEN', 'must be a reference to a sensitive variable, never a literal');
    expect(p).not.toHaveProperty('value');
  });

  test.each([['0 3 * *', 'must have five fields'], ['0 25 * * *', 'has an hour field Workers do not accept']])('a cron is not one Workers accept: %p', (cron, message) => {
    const p = expectProblem(() => withModule({ crons: ['0 3 * * *', cron] }), 'api.crons[1]', message);
    expect(p.value).toBe(cron);
  });

  test('every bad cron is its own problem', () => {
    expect(problemsOf(() => withModule({ crons: ['x', '0 3 * * *', '99 * * * *'] })).map((p) => p.path)).toEqual(['api.crons[0]', 'api.crons[2]']);
  });

  test.each([
    ['r2Buckets', { r2Buckets: { B: { bucketName: 'b', jurisdiction: 'default' } } }],
    ['crons', { crons: ['0 3 * * *'] }],
    ['workersDev', { workersDev: false }],
  ] as const)('%s is given without a module', (prop, overrides) => {
    expectProblem(() => build(overrides as Partial<WorkerEndpointProps>), `api.${prop}`, 'needs module: gatehouse sets it on the script it deploys');
  });
});

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

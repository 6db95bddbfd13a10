/**
 * Adoption (`adopt:`): one object of every adoptable kind, synthesized once with and once without
 * the section. The import blocks land in the stack that owns each resource, each `to` names a
 * resource of that stack and each `id` has the format provider 5.14 documents for the type; the
 * resources themselves are byte-identical, so every check applies to an adopted object as to a new
 * one. The import-id table of docs/adopt.md is the one in lib/cloudflare/import-ids.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { ZeroTrustAccessPolicy } from '@cdktf/provider-cloudflare/lib/zero-trust-access-policy';
import { stringify } from 'yaml';
import { buildStacks } from '../../../lib/app';
import { applyPolicyPack } from '../../../lib/checks/pack';
import { IMPORT_ID_FORMATS } from '../../../lib/cloudflare/import-ids';
import { parseDeployment } from '../../../lib/config/load';
import { GatehouseError } from '../../../lib/core/errors';
import { adoptExisting } from '../../../lib/deployment/adopt';
import type { DeploymentModel } from '../../../lib/deployment/model';
import { exampleInput, SynthJson, tempDir, TODAY } from '../../helpers';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ZONE = 'fedcba9876543210fedcba9876543210';
const NET_ZONE = 'abababababababababababababababab';
const uuid = (n: number) => `${String(n).padStart(8, '0')}-4f50-4617-8293-a4b5c6d7e8f9`;
const hex = (n: number) => String(n).padStart(32, '0');
const SSO_PORTAL = path.join(__dirname, '..', '..', '..', 'examples', 'sso-portal');

/** The example plus one object of every adoptable kind, and (with `adopt`) an entry for each. */
function everything(adopt: boolean): Record<string, any> {
  const d = exampleInput();
  d.cloudflare.extra_zones = [{ zone: 'example.net', zone_id: NET_ZONE }];
  d.routes.push({ hostname: 'status.example.net', service: 'http://localhost:9000', public: { reason: 'the public status page of the service' } });
  d.service_tokens = { ci: { decision_record: 'ADR-0012' } };
  d.access_policies.ci = { decision: 'non_identity', include: [{ service_token: 'ci' }] };
  d.apps.internal.policies.push('ci');
  d.pages = { docs: { project: 'example-docs', domains: ['docs.example.com'], pages_dev: { public: { reason: 'the manual is public documentation' } } } };
  d.workers = { edge: { script: 'example-edge', hostname: 'edge.example.com', module_file: 'worker.js', d1: { database: 'example-data' } } };
  d.buckets['example-vault'] = { jurisdiction: 'eu' };
  if (adopt) {
    d.adopt = {
      tunnels: { primary: uuid(1), standby: uuid(2) },
      dns_records: { 'admin.example.com': hex(1), 'status.example.net': hex(2), 'docs.example.com': hex(3) },
      identity_providers: { workspace: uuid(3) },
      access_groups: { staff: uuid(4) },
      access_policies: { 'allow-staff': uuid(5) },
      service_tokens: { ci: uuid(6) },
      apps: { internal: uuid(7) },
      buckets: ['example-backups', 'example-vault'],
      pages_projects: ['docs'],
      pages_domains: ['docs.example.com'],
      workers_scripts: ['edge'],
      workers_domains: { 'edge.example.com': hex(4) },
      d1_databases: { edge: uuid(8) },
    };
  }
  return d;
}

/** Synthesize (validations skipped: terraform's version check per import runs in examples.test.ts). */
function synth(input: Record<string, any>): Record<string, SynthJson> {
  const { model } = parseDeployment(stringify(input), 'adopt.yaml', { today: TODAY, deploymentDir: SSO_PORTAL });
  const outdir = tempDir('gatehouse-adopt-');
  try {
    const app = new App({ outdir, skipValidation: true });
    buildStacks(app, model, { today: TODAY, deploymentDir: SSO_PORTAL, checkState: false });
    app.synth();
    const ids = fs.readdirSync(path.join(outdir, 'stacks')).sort();
    return Object.fromEntries(ids.map((id) => [id, JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8'))]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

let adopted: Record<string, SynthJson>;
let created: Record<string, SynthJson>;
beforeAll(() => {
  adopted = synth(everything(true));
  created = synth(everything(false));
});

/** The import blocks of a stack as `type -> [id, ...]`, each checked to point at a resource of the stack. */
function imports(stack: string): Record<string, string[]> {
  const json = adopted[stack];
  const out: Record<string, string[]> = {};
  for (const block of json.import ?? []) {
    const [type, name] = String(block.to).split('.');
    expect([stack, block.to, json.resource?.[type]?.[name] !== undefined]).toEqual([stack, block.to, true]);
    (out[type] ??= []).push(block.id);
  }
  return out;
}

describe('every adoptable kind becomes an import block in the stack that owns it', () => {
  test('access: identity provider, group, policy, service token and app, each accounts/<account>/<id> or <account>/<id> (policy)', () => {
    expect(imports('access')).toEqual({
      cloudflare_zero_trust_access_identity_provider: [`accounts/${ACCOUNT}/${uuid(3)}`],
      cloudflare_zero_trust_access_group: [`accounts/${ACCOUNT}/${uuid(4)}`],
      cloudflare_zero_trust_access_policy: [`${ACCOUNT}/${uuid(5)}`],
      cloudflare_zero_trust_access_service_token: [`accounts/${ACCOUNT}/${uuid(6)}`],
      cloudflare_zero_trust_access_application: [`accounts/${ACCOUNT}/${uuid(7)}`],
    });
  });

  test('standby: its tunnel and the tunnel configuration, both <account>/<tunnel uuid>', () => {
    expect(imports('standby')).toEqual({
      cloudflare_zero_trust_tunnel_cloudflared: [`${ACCOUNT}/${uuid(2)}`],
      cloudflare_zero_trust_tunnel_cloudflared_config: [`${ACCOUNT}/${uuid(2)}`],
    });
  });

  test('production: the primary tunnel and configuration, route records in their own zone, buckets with their jurisdiction, the Worker script, custom domain and D1 database', () => {
    expect(imports('production')).toEqual({
      cloudflare_zero_trust_tunnel_cloudflared: [`${ACCOUNT}/${uuid(1)}`],
      cloudflare_zero_trust_tunnel_cloudflared_config: [`${ACCOUNT}/${uuid(1)}`],
      cloudflare_dns_record: [`${ZONE}/${hex(1)}`, `${NET_ZONE}/${hex(2)}`],
      cloudflare_r2_bucket: [`${ACCOUNT}/example-backups/default`, `${ACCOUNT}/example-vault/eu`],
      cloudflare_workers_script: [`${ACCOUNT}/example-edge`],
      cloudflare_workers_custom_domain: [`${ACCOUNT}/${hex(4)}`],
      cloudflare_d1_database: [`${ACCOUNT}/${uuid(8)}`],
    });
  });

  test('pages: the project by name, its domain by project and hostname, and the domain CNAME in its zone', () => {
    expect(imports('pages')).toEqual({
      cloudflare_pages_project: [`${ACCOUNT}/example-docs`],
      cloudflare_pages_domain: [`${ACCOUNT}/example-docs/docs.example.com`],
      cloudflare_dns_record: [`${ZONE}/${hex(3)}`],
    });
  });

  test('each record import targets the record of its own hostname', () => {
    const to = (stack: string, id: string) => adopted[stack].import.find((b: SynthJson) => b.id === id).to.split('.')[1];
    expect(adopted.production.resource.cloudflare_dns_record[to('production', `${ZONE}/${hex(1)}`)].name).toBe('admin.example.com');
    expect(adopted.production.resource.cloudflare_dns_record[to('production', `${NET_ZONE}/${hex(2)}`)]).toMatchObject({ name: 'status.example.net', zone_id: NET_ZONE });
    expect(adopted.pages.resource.cloudflare_dns_record[to('pages', `${ZONE}/${hex(3)}`)].name).toBe('docs.example.com');
  });

  test('adoption changes nothing but the import blocks: every resource is byte-identical to a new one', () => {
    for (const stack of Object.keys(created)) {
      const { import: blocks, ...rest } = structuredClone(adopted[stack]);
      // cdktf lists the imported resources in the stack's metadata too
      expect(Object.values<string[]>(rest['//'].metadata.imports).flat()).toHaveLength(blocks.length);
      delete rest['//'].metadata.imports;
      expect([stack, rest]).toEqual([stack, created[stack]]);
      expect(created[stack].import).toBeUndefined();
    }
    expect(Object.keys(adopted).sort()).toEqual(Object.keys(created).sort());
  });
});

describe('adoptExisting', () => {
  const model = (stack: string, p: string[], type: string) =>
    ({ adoptions: [{ at: 'adopt.apps.x', kind: 'access_application', id: uuid(1), targets: [{ stack, path: p, resourceType: type, importId: 'a/b' }] }] }) as unknown as DeploymentModel;

  test('refuses, in one line naming the entry, a path that finds no resource of the expected type (a bug, never silent)', () => {
    const app = new App({ outdir: tempDir() });
    const stack = new TerraformStack(app, 'access');
    new CloudflareProvider(stack, 'cloudflare', {});
    const lines = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as GatehouseError).lines();
      }
      return [];
    };
    expect(lines(() => adoptExisting(new Map([['access', stack]]), model('access', ['app-x', 'resource'], 'cloudflare_zero_trust_access_application')))).toEqual([
      'adopt.apps.x: found no cloudflare_zero_trust_access_application at access/app-x/resource to import into (a bug in lib/deployment/adoptions.ts)',
    ]);
    expect(lines(() => adoptExisting(new Map([['access', stack]]), model('production', ['x'], 'cloudflare_dns_record')))).toEqual([
      'adopt.apps.x: adopts into stack production, which this deployment does not build (a bug in lib/deployment/adoptions.ts)',
    ]);
    // a resource of another type at the path is refused too
    expect(lines(() => adoptExisting(new Map([['access', stack]]), model('access', ['cloudflare'], 'cloudflare_dns_record')))[0]).toContain('found no cloudflare_dns_record at access/cloudflare');
  });
});

test('the policy pack refuses an imported policy that admits everyone, like a new one', () => {
  // GIVEN a raw allow-everyone policy (the AccessPolicy construct itself refuses to build one), imported
  const app = new App({ outdir: tempDir(), skipValidation: true });
  const stack = new TerraformStack(app, 'access');
  new CloudflareProvider(stack, 'cloudflare', {});
  const policy = new ZeroTrustAccessPolicy(stack, 'open', { accountId: ACCOUNT, name: 'open', decision: 'allow', include: [{ everyone: {} }] });
  policy.importFrom(`${ACCOUNT}/${uuid(9)}`);
  applyPolicyPack([stack], { today: TODAY });
  // WHEN synthesized THEN the pack fails the synth on it
  expect(() => app.synth()).toThrow(/Gatehouse-AccessNoAllowEveryone/);
  fs.rmSync(app.outdir, { recursive: true, force: true });
});

test('docs/adopt.md lists exactly the import-id formats gatehouse uses, each with its provider doc and source line', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'adopt.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `(cloudflare_[a-z0-9_]+)` \| `([^`]+)` \| .*?\[([^\]]+)\]\(https:\/\/github\.com\/cloudflare\/terraform-provider-cloudflare\/blob\/v5\.14\.0\/([^)#]+)#L(\d+)\) .*?\[([^\]]+)\]\(https:\/\/github\.com\/cloudflare\/terraform-provider-cloudflare\/blob\/v5\.14\.0\/([^)#]+)#L(\d+)\)/gm)];
  expect(rows.map((r) => ({ resourceType: r[1], format: r[2], doc: `${r[4]}:${r[5]}`, source: `${r[7]}:${r[8]}` }))).toEqual(
    IMPORT_ID_FORMATS.map((f) => ({ resourceType: f.resourceType, format: f.format, doc: f.doc, source: f.source })),
  );
});

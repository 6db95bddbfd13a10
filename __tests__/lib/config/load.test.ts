import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { GatehouseError } from '../../../lib/core/errors';
import { DEFAULT_DEPLOYMENT, deploymentPath, loadDeployment, parseDeployment } from '../../../lib/config/load';
import { deploymentJsonSchema } from '../../../lib/config/json-schema';
import type { GceSiteSpec } from '../../../lib/config/schema';
import { exampleInput, tempDir, TODAY } from '../../helpers';

/** Parse a mutated example and return the problem lines (or [] when valid). */
function problemsOf(mutate: (d: Record<string, any>) => void): string[] {
  const input = exampleInput();
  mutate(input);
  try {
    parseDeployment(stringify(input), 'deploy.yaml', { today: TODAY });
    return [];
  } catch (e) {
    if (!(e instanceof GatehouseError)) throw e;
    return e.lines();
  }
}

describe('the example deployment', () => {
  test('is valid and fills defaults', () => {
    // GIVEN the committed example WHEN it is loaded
    const { deployment, warnings } = loadDeployment(DEFAULT_DEPLOYMENT, { today: TODAY });
    // THEN defaults are filled in and nothing is warned
    expect(warnings).toEqual([]);
    expect(deployment.backend).toEqual({ type: 'local' });
    expect(deployment.apps.internal.app_launcher_visible).toBe(true);
    expect(deployment.apps.internal.cookies).toEqual({ http_only: true, same_site: 'lax', binding_cookie: false });
    const primary = deployment.sites!.primary as GceSiteSpec;
    expect(primary.machine_type).toBe('e2-small');
    expect(primary.image).toBe('ubuntu-os-cloud/ubuntu-2404-lts-amd64');
    expect(primary.ssh_via_iap).toBe(false);
    expect(deployment.buckets['example-assets'].jurisdiction).toBe('default');
    expect(deployment.buckets['example-backups'].credentials.restic.two_slot).toBe(true);
  });

  test('GATEHOUSE_DEPLOYMENT selects the file, the example is the default', () => {
    expect(deploymentPath({})).toBe(DEFAULT_DEPLOYMENT);
    expect(deploymentPath({ GATEHOUSE_DEPLOYMENT: '/srv/edge.yaml' })).toBe('/srv/edge.yaml');
  });

  test('deployment.schema.json is in sync with the zod schema (run `npm run schema`)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'deployment.schema.json'), 'utf8');
    expect(committed).toBe(deploymentJsonSchema());
  });
});

describe('file-level failures name the file', () => {
  test('fails if the file is missing', () => {
    expect(() => loadDeployment('/nonexistent/edge.yaml')).toThrow(
      '/nonexistent/edge.yaml: (root): no such file; set GATEHOUSE_DEPLOYMENT to a deployment yaml file',
    );
  });

  test('fails if the path is a directory', () => {
    const dir = tempDir();
    try {
      expect(() => loadDeployment(dir)).toThrow('is a directory, not a file');
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  test('fails if the yaml is malformed, with line and column', () => {
    expect(() => parseDeployment('name: x\ncloudflare: [\n', 'bad.yaml')).toThrow(/^bad\.yaml: line \d+, column \d+: malformed yaml: /);
  });

  test('fails if a key is duplicated', () => {
    expect(() => parseDeployment('name: a\nname: b\n', 'dup.yaml')).toThrow(/dup\.yaml: line 2, column 1: malformed yaml: Map keys must be unique/);
  });

  test('fails if the document is not a mapping', () => {
    expect(() => parseDeployment('- a\n- b\n', 'list.yaml')).toThrow('list.yaml: (root): must be a yaml mapping with name, cloudflare and sites (got ["a","b"])');
  });

  test('anchors and aliases are allowed, far beyond the yaml default of 100 aliases', () => {
    const routes = Array.from({ length: 150 }, (_, i) => `  - hostname: s${i}.example.com\n    service: http://localhost:80\n    public: *why\n`).join('');
    const text = fs.readFileSync(DEFAULT_DEPLOYMENT, 'utf8').replace(/^routes:\n(?: {2}.*\n|\n)*/m, `x-why: &why {reason: shared public reason text}\nroutes:\n${routes}`);
    expect(() => parseDeployment(text, 'aliases.yaml', { today: TODAY })).toThrow('x-why: is not a known field');
  });

  test('yaml merge keys (<<: *defaults) merge, as yaml 1.1 and most yaml tools read them', () => {
    // GIVEN a route whose service comes from an anchored mapping through a merge key
    const text = fs
      .readFileSync(DEFAULT_DEPLOYMENT, 'utf8')
      .replace('  - hostname: admin.example.com\n    service: http://localhost:3000\n', '  - hostname: admin.example.com\n    <<: &local {service: http://localhost:3000}\n');
    // WHEN it is parsed THEN the route has the merged service and no unknown field <<
    expect(parseDeployment(text, 'merge.yaml', { today: TODAY }).deployment.routes[0]).toMatchObject({ hostname: 'admin.example.com', service: 'http://localhost:3000' });
  });

  test('reports every problem at once, one line each', () => {
    const lines = problemsOf((d) => {
      d.name = 'Bad Name';
      d.cloudflare.account_id = 'xyz';
      d.routes[0].service = 'ftp://localhost';
    });
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l.split('\n')).toHaveLength(1);
  });
});

// Every validation's "fails if ..." case lives in the bad-input corpus (__tests__/fixtures/invalid),
// run by __tests__/corpus.test.ts.

describe('sits exactly at the limit', () => {
  test('an app with 5 hostnames is valid', () => {
    const lines = problemsOf((d) => {
      d.apps.internal.hostnames = ['admin', 'api', 'labs', 'ops', 'docs'].map((h) => `${h}.example.com`);
    });
    expect(lines).toEqual([]);
  });

  test('a 730h session is valid and a 1m session is valid', () => {
    expect(problemsOf((d) => (d.apps.internal.session_duration = '730h'))).toEqual([]);
    expect(problemsOf((d) => (d.apps.internal.session_duration = '1m'))).toEqual([]);
  });

  test('an entra secret expiring in 30 days warns, in 31 days does not', () => {
    const entra = (expires: string) => ({ type: 'entra', client_id: '00000000-0000-4000-8000-0000000000c1', directory_id: '11111111-2222-4333-8444-555555555555', secret_expires: expires });
    const warn = (expires: string) => {
      const input = exampleInput();
      input.identity_providers.entra = entra(expires);
      return parseDeployment(stringify(input), 'deploy.yaml', { today: TODAY }).warnings;
    };
    expect(warn('2026-12-22')).toEqual([
      'deploy.yaml: identity_providers.entra.secret_expires: the entra client secret expires in 30 days; rotate it before then (got "2026-12-22")',
    ]);
    expect(warn('2026-12-23')).toEqual([]);
  });
});

/**
 * The access stack from a deployment (built, not written to disk): honest policy sessions, the
 * pages.dev destinations of gated Pages sites, and the compliance report's sessions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { buildStacks } from '../../lib/app';
import { deploymentFrom, exampleInput, resources, tempDir, TODAY } from '../helpers';

const POLICY = 'cloudflare_zero_trust_access_policy';
const APP = 'cloudflare_zero_trust_access_application';

let dir: string;
beforeAll(() => (dir = tempDir()));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function build(mutate: (d: Record<string, any>) => void) {
  const input = exampleInput();
  mutate(input);
  return buildStacks(new App({ outdir: path.join(dir, 'cdktf.out') }), deploymentFrom(input), { today: TODAY, checkState: false });
}

describe('honest sessions', () => {
  test('with every app at 8h and no policy session, every policy those apps use synthesizes session_duration 8h', () => {
    // GIVEN two apps at 8h using two policies that declare no session
    const { access } = build((d) => {
      d.apps.internal.session_duration = '8h';
      d.access_policies['allow-admins'] = { decision: 'allow', include: [{ email: 'admin@example.com' }] };
      d.apps.ops = { hostnames: ['ops.example.com'], policies: ['allow-admins', 'allow-staff'], idps: ['workspace'], session_duration: '8h' };
    });
    // WHEN the access stack is synthesized
    const policies = resources(access.toTerraform(), POLICY);
    // THEN no policy carries 24h: each has its apps' 8h
    expect(policies.map(([, p]) => [p.name, p.session_duration])).toEqual([
      ['allow-staff', '8h'],
      ['allow-admins', '8h'],
    ]);
  });

  test('a session the policy declares is written as declared; an unused policy gets none (no hard-coded 24h)', () => {
    const { access } = build((d) => {
      d.access_policies['allow-staff'].session_duration = '2h';
      d.access_policies.spare = { decision: 'allow', include: [{ group: 'staff' }] };
    });
    const byName = Object.fromEntries(resources(access.toTerraform(), POLICY).map(([, p]) => [p.name, p]));
    expect(byName['allow-staff'].session_duration).toBe('2h');
    expect(byName.spare).not.toHaveProperty('session_duration');
  });

  test("the compliance report lists each app's effective session", () => {
    const { report } = build((d) => {
      d.apps.internal.session_duration = '8h';
      d.tenants = { members: [{ id: 'acme', access: { policies: ['allow-staff'] } }] };
      d.access_policies['allow-staff'].session_duration = '8h';
    });
    expect(report.sessions).toEqual([
      { app: 'apps.internal', appSession: '8h', policies: [{ policy: 'allow-staff', session: '8h' }], effective: '8h' },
      { app: 'tenant acme', appSession: '24h', policies: [{ policy: 'allow-staff', session: '8h' }], effective: '8h' },
    ]);
    expect(JSON.parse(report.toJson()).sessions).toEqual(report.sessions);
  });
});

describe('Pages under Access', () => {
  test("a gated Pages domain brings <project>.pages.dev and *.<project>.pages.dev under the same Access app; an ungated site's do not", () => {
    const { access, pages } = build((d) => {
      d.pages = { docs: { project: 'example-docs', domains: ['docs.example.com'] }, www: { project: 'example-www', domains: ['web.example.com'] } };
      d.apps.docs = { hostnames: ['docs.example.com'], policies: ['allow-staff'], idps: ['workspace'] };
    });
    const apps = Object.fromEntries(resources(access.toTerraform(), APP).map(([, a]) => [a.name, a]));
    expect(apps.docs.destinations).toEqual([
      { type: 'public', uri: 'docs.example.com' },
      { type: 'public', uri: 'example-docs.pages.dev' },
      { type: 'public', uri: '*.example-docs.pages.dev' },
    ]);
    expect(JSON.stringify(apps)).not.toContain('example-www.pages.dev');
    // and the sites live in the pages stack, which access depends on
    expect(resources(pages!.toTerraform(), 'cloudflare_pages_project').map(([, p]) => p.name)).toEqual(['example-docs', 'example-www']);
    expect(access.dependencies).toContain(pages);
  });

  test('no Pages sites, no pages stack', () => {
    expect(build(() => {}).pages).toBeUndefined();
  });
});

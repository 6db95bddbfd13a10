/**
 * PublicPathBypass: a public path on a gated hostname, as a more specific Access app whose one
 * reusable policy bypasses Access for everyone; the only construct that writes such a policy, and
 * never for a whole host.
 */
import { Construct } from 'constructs';
import { PublicPathBypass, PublicPathBypassProps } from '../../../../lib/cloudflare/access/bypass';
import { ACCOUNT_ID, expectProblem, Json, newStack, problemsOf, synth } from './support';

const APP = 'cloudflare_zero_trust_access_application';
const POLICY = 'cloudflare_zero_trust_access_policy';

function props(overrides: Partial<PublicPathBypassProps> = {}): PublicPathBypassProps {
  return { accountId: ACCOUNT_ID, teamName: 'example', hostname: 'wiki.example.com', path: '/docs', reason: 'the user manual is public', ...overrides };
}

function build(overrides: Partial<PublicPathBypassProps> = {}, scope: Construct = newStack()): PublicPathBypass {
  return new PublicPathBypass(scope, 'docs', props(overrides));
}

describe('PublicPathBypass', () => {
  // GIVEN a public /docs on wiki.example.com
  let bypass!: PublicPathBypass;
  const s = synth((scope) => {
    bypass = build({}, scope);
  });
  const app: Json = s.at(APP, 'docs/app/resource');
  const policy: Json = s.at(POLICY, 'docs/policy/resource');

  test('the app covers exactly the path (and below), hidden from the App Launcher', () => {
    expect(app.destinations).toEqual([{ type: 'public', uri: 'wiki.example.com/docs' }]);
    expect(app.domain).toBe('wiki.example.com/docs');
    expect(app.name).toBe('public wiki.example.com/docs');
    expect(app.app_launcher_visible).toBe(false);
    expect(app.type).toBe('self_hosted');
  });

  test('one reusable policy bypasses Access for everyone, and its name carries the reason', () => {
    expect(policy).toMatchObject({ account_id: ACCOUNT_ID, decision: 'bypass', include: [{ everyone: {} }] });
    expect(policy.name).toBe('public wiki.example.com/docs: the user manual is public');
    expect(app.policies).toEqual([{ id: `\${${POLICY}.${s.logicalId('docs/policy/resource')}.id}`, precedence: 1 }]);
  });

  test('is a bypass app (connector rules do not wait for its AUD) and records the public path for the pack', () => {
    expect(bypass.bypass).toBe(true);
    expect(bypass.hostnames).toEqual(['wiki.example.com/docs']);
    expect(bypass.reason).toBe('the user manual is public');
    const resource = s.stack.node.findAll().find((c) => c.node.path.endsWith('docs/app/resource'))!;
    expect(resource.node.metadata.find((m) => m.type === 'gatehouse:public-path')?.data).toEqual({
      destination: 'wiki.example.com/docs',
      reason: 'the user manual is public',
    });
  });

  test('a wildcard host and a deeper path are fine', () => {
    expect(build({ hostname: '*.example.com', path: '/health' }).hostnames).toEqual(['*.example.com/health']);
    expect(build({ path: '/api/v1/status' }).hostnames).toEqual(['wiki.example.com/api/v1/status']);
  });
});

describe('PublicPathBypass: fails if', () => {
  test.each(['/', '/*', ''])('the path would cover the whole host: %p', (path) => {
    const p = expectProblem(() => build({ path }), 'docs.path', path === '' ? 'it starts with /' : 'whole host');
    expect(p.value).toBe(path);
  });

  test('the path is not a literal path', () => {
    expectProblem(() => build({ path: '/do*s' }), 'docs.path', 'the only wildcard gatehouse accepts is a final /*');
  });

  test('the hostname is not a hostname', () => {
    expectProblem(() => build({ hostname: 'Wiki.example.com' }), 'docs.hostname', 'must be lower case');
  });

  test('the reason is shorter than 10 characters', () => {
    const p = expectProblem(() => build({ reason: 'public' }), 'docs.reason', 'at least 10 characters');
    expect(p.value).toBe('public');
  });

  test('every problem is reported at once', () => {
    expect(problemsOf(() => build({ hostname: 'x', path: '/', reason: '' }))).toHaveLength(3);
  });
});

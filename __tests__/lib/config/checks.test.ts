/**
 * The deployment checks (lib/config/checks): one small pure function of the model per section, run in
 * a fixed order. The corpus (__tests__/fixtures) pins each line; this pins the order across sections
 * and the split of errors and warnings, at the function level (no synth).
 */
import { DeploymentSchema } from '../../../lib/config/schema';
import { checkDeployment, DEPLOYMENT_CHECKS } from '../../../lib/config/checks';
import { resolveModel } from '../../../lib/deployment/model';
import { exampleInput, TODAY } from '../../helpers';

/** Paths of the errors and warnings of a shape-valid input, in report order. */
function report(mutate: (d: Record<string, any>) => void): { errors: string[]; warnings: string[] } {
  const input = exampleInput();
  mutate(input);
  const { errors, warnings } = checkDeployment(resolveModel(DeploymentSchema.parse(input), { today: TODAY }));
  return { errors: errors.problems.map((p) => p.path), warnings: warnings.problems.map((p) => p.path) };
}

test('the example has no finding in any check', () => {
  expect(report(() => undefined)).toEqual({ errors: [], warnings: [] });
  expect(DEPLOYMENT_CHECKS.length).toBeGreaterThanOrEqual(15);
});

test('one mistake per section is reported in file order: zones, providers, groups, policies, apps, routes, sites, owners, tokens, buckets, tenants, limits, expiry', () => {
  const { errors } = report((d) => {
    d.cloudflare.extra_zones = [{ zone: 'example.com', zone_id: 'ee'.repeat(16) }];
    d.identity_providers.entra = { type: 'entra', client_id: '00000000-0000-4000-8000-0000000000c1', directory_id: '00000000-0000-4000-8000-000000000002', secret_expires: '2026-01-01' };
    d.access_groups.empty = {};
    d.access_policies.all = { decision: 'allow', include: [{ everyone: true }] };
    d.apps.internal.idps = ['nobody'];
    d.routes.push({ hostname: 'open.example.com', service: 'http://localhost:1' });
    d.sites.standby.zone = 'europe-west1-b';
    d.workers = { www: { hostname: 'www.example.com' } };
    d.api_tokens = { t: { preset: 'dns-admin', expires: '2020-01-01' } };
    d.buckets['example-assets'].lifecycle.delete_after_days = 1;
    d.buckets['example-assets'].lock = { retain_days: 2 };
    d.tenants = { members: [{ id: 'www', subdomain: 'www' }], public_reason: 'each tenant hub signs its own users in' };
    d.cloudflare.limits = { tunnels: 1 };
  });
  expect(errors).toEqual([
    'cloudflare.extra_zones[0].zone',
    'access_groups.empty',
    'access_policies.all.include[0]',
    'apps.internal.idps[0]',
    'routes[4].hostname',
    'sites.standby.zone',
    'workers.www.hostname',
    'api_tokens.t.expires',
    'buckets.example-assets.lifecycle.delete_after_days',
    'tenants.members[0].subdomain',
    'cloudflare.limits.tunnels',
    'identity_providers.entra.secret_expires',
  ]);
});

test('warnings keep their own order (bucket retention, secret expiry, then identities no provider signs in), and files are looked for only in a sound document', () => {
  const { errors, warnings } = report((d) => {
    d.buckets.old = { retired: { since: '2026-11-20', retain_days: 10 }, lock: { retain_days: 20 } };
    d.identity_providers.entra = { type: 'entra', client_id: '00000000-0000-4000-8000-0000000000c1', directory_id: '00000000-0000-4000-8000-000000000002', secret_expires: '2026-12-01' };
    d.access_groups.staff.emails = ['consultant@example.net'];
  });
  expect(errors).toEqual([]);
  expect(warnings).toEqual(['buckets.old.retired.retain_days', 'identity_providers.entra.secret_expires', 'access_groups.staff.emails[0]']);
});

import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { GatehouseError } from '../../../lib/core/errors';
import { DEFAULT_DEPLOYMENT, deploymentPath, loadDeployment, parseDeployment } from '../../../lib/config/load';
import { deploymentJsonSchema } from '../../../lib/config/json-schema';
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
    expect(deployment.sites.primary.machine_type).toBe('e2-small');
    expect(deployment.sites.primary.image).toBe('ubuntu-os-cloud/ubuntu-2404-lts-amd64');
    expect(deployment.sites.primary.ssh_via_iap).toBe(false);
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
    const text = fs.readFileSync(DEFAULT_DEPLOYMENT, 'utf8').replace(/^routes:\n(?:  .*\n|\n)*/m, `x-why: &why {reason: shared public reason text}\nroutes:\n${routes}`);
    expect(() => parseDeployment(text, 'aliases.yaml', { today: TODAY })).toThrow('x-why: is not a known field');
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

// Each row: a validation, the mutation that breaks it, and the exact line it must produce.
const failures: Array<[string, (d: Record<string, any>) => void, string]> = [
  ['an unknown field is present', (d) => (d.cloudflare.zonee = 'x'), 'deploy.yaml: cloudflare.zonee: is not a known field; check the spelling against deployment.schema.json'],
  ['a required section is missing', (d) => delete d.sites, 'deploy.yaml: sites: is required (object)'],
  ['the name is invalid', (d) => (d.name = 'Bad Name'), 'deploy.yaml: name: must be 2-21 lower-case letters, digits and hyphens, starting with a letter (got "Bad Name")'],
  ['the account id is not 32 hex', (d) => (d.cloudflare.account_id = 'xyz'), 'deploy.yaml: cloudflare.account_id: must be a 32-character lower-case hex id (got "xyz")'],
  ['the zone id is not 32 hex', (d) => (d.cloudflare.zone_id = 'ABC'), 'deploy.yaml: cloudflare.zone_id: must be a 32-character lower-case hex id (got "ABC")'],
  ['the team name is invalid', (d) => (d.cloudflare.team_name = 'Example Team'), 'deploy.yaml: cloudflare.team_name: must be the <team> in <team>.cloudflareaccess.com, lower case (got "Example Team")'],
  ['the plan is unknown', (d) => (d.cloudflare.plan = 'gold'), 'deploy.yaml: cloudflare.plan: invalid option: expected one of "free"|"pro"|"business"|"enterprise" (got "gold")'],
  ['an identity provider type is unknown', (d) => (d.identity_providers.workspace.type = 'okta'), 'deploy.yaml: identity_providers.workspace.type: must be one of "google-workspace", "entra", "one-time-pin", "existing" (got "okta")'],
  ['an entra directory id is not a uuid', (d) => (d.identity_providers.entra = { type: 'entra', client_id: 'c', directory_id: 'nope' }), 'deploy.yaml: identity_providers.entra.directory_id: must be the directory (tenant) id, a uuid (got "nope")'],
  ['an existing idp id is not a uuid', (d) => (d.identity_providers.old = { type: 'existing', id: '42' }), 'deploy.yaml: identity_providers.old.id: must be the identity provider id, a uuid (got "42")'],
  ['a secret variable name is invalid', (d) => (d.identity_providers.workspace.secret_variable = 'Bad-Name'), 'deploy.yaml: identity_providers.workspace.secret_variable: must be a terraform variable name of lower-case letters, digits and underscores (got "Bad-Name")'],
  ['a map key is not a name', (d) => (d.access_groups.Staff = { email_domains: ['example.com'] }), 'deploy.yaml: access_groups.Staff: must be a name of lower-case letters, digits and hyphens, starting with a letter (at most 41 characters) (got "Staff")'],
  ['a group email is invalid', (d) => (d.access_groups.staff.emails = ['not-an-email']), 'deploy.yaml: access_groups.staff.emails[0]: must be an email address (got "not-an-email")'],
  ['a group is empty', (d) => (d.access_groups.staff = {}), 'deploy.yaml: access_groups.staff: must have at least one email_domains, emails or idp_groups entry'],
  ['a group names an unknown idp', (d) => (d.access_groups.staff.idp_groups = [{ idp: 'nope', group: 'g' }]), 'deploy.yaml: access_groups.staff.idp_groups[0].idp: names no identity provider; declared: workspace (got "nope")'],
  ['a group idp does not support groups', (d) => (d.access_groups.staff.idp_groups = [{ idp: 'workspace', group: 'g' }]), 'deploy.yaml: access_groups.staff.idp_groups[0].idp: must name an entra identity provider with support_groups: true (got "workspace")'],
  ['a policy decision is unknown', (d) => (d.access_policies['allow-staff'].decision = 'permit'), 'deploy.yaml: access_policies.allow-staff.decision: invalid option: expected one of "allow"|"deny"|"bypass"|"non_identity" (got "permit")'],
  ['a policy has no include', (d) => (d.access_policies['allow-staff'].include = []), 'deploy.yaml: access_policies.allow-staff.include: must list at least one rule (got [])'],
  ['a rule has an unknown shape', (d) => (d.access_policies['allow-staff'].include = [{ domain: 'example.com' }]), 'deploy.yaml: access_policies.allow-staff.include[0]: must be exactly one of {group: <name>}, {email: <address>}, {email_domain: <domain>}, {service_token: <name>}, {everyone: true}, {any_valid_service_token: true} (got {"domain":"example.com"})'],
  ['a rule names an unknown group', (d) => (d.access_policies['allow-staff'].include = [{ group: 'nobody' }]), 'deploy.yaml: access_policies.allow-staff.include[0].group: names no access group; declared groups: staff (got "nobody")'],
  ['a rule names an unknown service token', (d) => (d.access_policies.machines = { decision: 'non_identity', include: [{ service_token: 'ci' }] }), 'deploy.yaml: access_policies.machines.include[0].service_token: names no service token; declared service tokens: (none) (got "ci")'],
  ['an allow policy admits everyone', (d) => (d.access_policies['allow-staff'].include = [{ everyone: true }]), 'deploy.yaml: access_policies.allow-staff.include[0]: an allow policy must not admit everyone; name groups, domains or emails instead (got {"everyone":true})'],
  ['an allow policy admits any service token', (d) => (d.access_policies['allow-staff'].include = [{ any_valid_service_token: true }]), 'deploy.yaml: access_policies.allow-staff.include[0]: an allow policy must not admit any valid service token; name the token in a non_identity policy instead (got {"any_valid_service_token":true})'],
  ['an allow policy admits a service token', (d) => { d.service_tokens = { ci: { decision_record: 'ADR-9' } }; d.access_policies['allow-staff'].include = [{ service_token: 'ci' }]; }, 'deploy.yaml: access_policies.allow-staff.include[0]: service tokens are only admitted by decision non_identity, not allow (got {"service_token":"ci"})'],
  ['a non_identity policy includes people', (d) => (d.access_policies.machines = { decision: 'non_identity', include: [{ group: 'staff' }] }), 'deploy.yaml: access_policies.machines.include[0]: a non_identity policy may only include named service_token rules (got {"group":"staff"})'],
  ['a service token has no decision record', (d) => (d.service_tokens = { ci: {} }), 'deploy.yaml: service_tokens.ci.decision_record: is required (string)'],
  ['an app has more than 5 hostnames', (d) => (d.apps.internal.hostnames = ['a', 'b', 'c', 'd', 'e', 'f'].map((h) => `${h}.example.com`)), 'deploy.yaml: apps.internal.hostnames: lists 6 hostnames; cloudflare allows at most 5 per access application, split it into two apps (got 6)'],
  ['an app has no hostname', (d) => (d.apps.internal.hostnames = []), 'deploy.yaml: apps.internal.hostnames: must list at least one hostname (got [])'],
  ['an app hostname is outside the zone', (d) => d.apps.internal.hostnames.push('app.example.net'), 'deploy.yaml: apps.internal.hostnames[3]: must lie in the zone example.com (e.g. app.example.com) (got "app.example.net")'],
  ['a hostname is gated by two apps', (d) => (d.apps.other = { hostnames: ['admin.example.com'], policies: ['allow-staff'] }), 'deploy.yaml: apps.other.hostnames[0]: is already gated by app internal; a hostname belongs to one app (got "admin.example.com")'],
  ['an app names an unknown policy', (d) => (d.apps.internal.policies = ['allow-all']), 'deploy.yaml: apps.internal.policies[0]: names no access policy; declared policies: allow-staff (got "allow-all")'],
  ['an app names an unknown idp', (d) => (d.apps.internal.idps = ['entra']), 'deploy.yaml: apps.internal.idps[0]: names no identity provider; declared: workspace (got "entra")'],
  ['an app attaches a policy twice', (d) => (d.apps.internal.policies = ['allow-staff', 'allow-staff']), 'deploy.yaml: apps.internal.policies: must not attach a policy twice (got ["allow-staff","allow-staff"])'],
  ['a session duration is not a duration', (d) => (d.apps.internal.session_duration = '1 day'), 'deploy.yaml: apps.internal.session_duration: must be a duration such as 30m, 8h or 24h (units ns, us, ms, s, m, h) (got "1 day")'],
  ['a session duration is too long', (d) => (d.apps.internal.session_duration = '800h'), 'deploy.yaml: apps.internal.session_duration: must be from 1m to 730h (got "800h")'],
  ['a cors origin is not a url', (d) => (d.apps.internal.cors = { allowed_origins: ['portal'] }), 'deploy.yaml: apps.internal.cors.allowed_origins[0]: must be an origin URL such as https://portal.example.com (got "portal")'],
  ['a route hostname has a port', (d) => (d.routes[0].hostname = 'admin.example.com:443'), 'deploy.yaml: routes[0].hostname: must not carry a port; cloudflared rejects a hostname with a port (got "admin.example.com:443")'],
  ['a route hostname has a misplaced wildcard', (d) => (d.routes[0].hostname = 'admin.*.example.com'), 'deploy.yaml: routes[0].hostname: may only use one wildcard, as the whole leftmost label (*.example.com) (got "admin.*.example.com")'],
  ['a route hostname is outside the zone', (d) => (d.routes[3].hostname = 'www.example.net'), 'deploy.yaml: routes[3].hostname: must lie in the zone example.com (e.g. app.example.com) (got "www.example.net")'],
  ['a hostname is routed twice', (d) => d.routes.push({ ...d.routes[0] }), 'deploy.yaml: routes[4].hostname: is already routed by routes[0]; route each hostname (and path) once (got "admin.example.com")'],
  ['a service url has a path', (d) => (d.routes[0].service = 'http://localhost:3000/app'), 'deploy.yaml: routes[0].service: must not contain a path; cloudflared does not proxy to a different path (use the route path to match instead) (got "http://localhost:3000/app")'],
  ['a service url has an unknown scheme', (d) => (d.routes[0].service = 'ftp://localhost'), 'deploy.yaml: routes[0].service: scheme must be one of http, https, unix, unix+tls, tcp, ssh, rdp, smb (got "ftp://localhost")'],
  ['a service is not a url', (d) => (d.routes[0].service = 'localhost:3000'), 'deploy.yaml: routes[0].service: must be a URL with one of the schemes http, https, unix, unix+tls, tcp, ssh, rdp, smb, or http_status:NNN (got "localhost:3000")'],
  ['a connect timeout is out of range', (d) => (d.routes[0].origin = { connect_timeout_seconds: 0 }), 'deploy.yaml: routes[0].origin.connect_timeout_seconds: too small: expected number to be >=1 (got 0)'],
  ['a route is neither gated nor public', (d) => d.routes.push({ hostname: 'ops.example.com', service: 'http://localhost:9000' }), 'deploy.yaml: routes[4].hostname: is routed through the tunnel but no access app gates it; add it to an app, or declare `public: {reason: ...}` (got "ops.example.com")'],
  ['a gated route is also declared public', (d) => (d.routes[0].public = { reason: 'because it is fine' }), 'deploy.yaml: routes[0].public: contradicts app internal, which gates this hostname; remove one of them (got {"reason":"because it is fine"})'],
  ['a public reason is too short', (d) => (d.routes[3].public.reason = 'why not'), 'deploy.yaml: routes[3].public.reason: must give a reason of at least 10 characters (got "why not")'],
  ['a site name is not a GCE name', (d) => (d.sites.primary.name = 'Edge_Primary'), 'deploy.yaml: sites.primary.name: must be 1-63 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (got "Edge_Primary")'],
  ['a project id is invalid', (d) => (d.sites.primary.project = 'p1'), 'deploy.yaml: sites.primary.project: must be a project id of 6-30 lower-case letters, digits and hyphens, starting with a letter (got "p1")'],
  ['a region is invalid', (d) => (d.sites.primary.region = 'Europe'), 'deploy.yaml: sites.primary.region: must be a GCE region such as europe-west1 (got "Europe")'],
  ['a zone is not in its region', (d) => (d.sites.standby.zone = 'europe-west1-b'), 'deploy.yaml: sites.standby.zone: must be a zone of region us-central1 (e.g. us-central1-b) (got "europe-west1-b")'],
  ['both sites share a name in one project', (d) => (d.sites.standby.name = 'edge-primary'), 'deploy.yaml: sites.standby.name: must differ from sites.primary.name when both sites share a project (got "edge-primary")'],
  ['the cloudflared version is not a release', (d) => (d.sites.cloudflared_version = 'latest'), 'deploy.yaml: sites.cloudflared_version: must be a cloudflared release such as 2026.7.2 (got "latest")'],
  ['a bucket name is invalid', (d) => (d.buckets['example-assets'].name = 'Assets'), 'deploy.yaml: buckets.example-assets.name: must be 3-63 characters of lower-case letters, digits and hyphens, not starting or ending with a hyphen (got "Assets")'],
  ['two buckets share a name', (d) => (d.buckets['example-assets'].name = 'example-backups'), 'deploy.yaml: buckets.example-assets.name: is also the name of bucket example-backups (got "example-backups")'],
  ['a lifecycle age is zero', (d) => (d.buckets['example-backups'].lifecycle.delete_after_days = 0), 'deploy.yaml: buckets.example-backups.lifecycle.delete_after_days: too small: expected number to be >=1 (got 0)'],
  ['a lifecycle age is not whole', (d) => (d.buckets['example-backups'].lifecycle.abort_multipart_after_days = 1.5), 'deploy.yaml: buckets.example-backups.lifecycle.abort_multipart_after_days: must be a whole number (got 1.5)'],
  ['a transition comes after deletion', (d) => (d.buckets['example-backups'].lifecycle.transition_to_ia_after_days = 120), 'deploy.yaml: buckets.example-backups.lifecycle.transition_to_ia_after_days: must be less than delete_after_days (got 120)'],
  ['deletion is earlier than the lock', (d) => (d.buckets['example-backups'].lock.retain_days = 365), 'deploy.yaml: buckets.example-backups.lifecycle.delete_after_days: must be at least lock.retain_days (365); locked objects cannot be deleted earlier (got 90)'],
  ['a jurisdiction is unknown', (d) => (d.buckets['example-backups'].jurisdiction = 'us'), 'deploy.yaml: buckets.example-backups.jurisdiction: invalid option: expected one of "default"|"eu"|"fedramp" (got "us")'],
  ['a custom domain is outside the zone', (d) => (d.buckets['example-assets'].public.custom_domain = 'assets.example.net'), 'deploy.yaml: buckets.example-assets.public.custom_domain: must lie in the zone example.com (e.g. app.example.com) (got "assets.example.net")'],
  ['a credential access is unknown', (d) => (d.buckets['example-backups'].credentials.restic.access = 'admin'), 'deploy.yaml: buckets.example-backups.credentials.restic.access: invalid option: expected one of "read"|"read-write" (got "admin")'],
  ['a date is not a calendar date', (d) => (d.buckets['example-assets'].credentials.deploy.expires = '2027-02-30'), 'deploy.yaml: buckets.example-assets.credentials.deploy.expires: must be a real calendar date (YYYY-MM-DD) (got "2027-02-30")'],
  ['a credential expiry has passed', (d) => (d.buckets['example-assets'].credentials.deploy.expires = '2026-01-01'), `deploy.yaml: buckets.example-assets.credentials.deploy.expires: must be a future date (today is ${TODAY}) (got "2026-01-01")`],
  ['an entra secret has expired', (d) => (d.identity_providers.entra = { type: 'entra', client_id: 'c', directory_id: '11111111-2222-4333-8444-555555555555', secret_expires: '2026-11-01' }), 'deploy.yaml: identity_providers.entra.secret_expires: the entra client secret expired (today is 2026-11-22); create a new secret and update the date (got "2026-11-01")'],
  ['the backend type is unknown', (d) => (d.backend = { type: 's3' }), 'deploy.yaml: backend.type: must be one of "local", "gcs" (got "s3")'],
  ['a gcs backend has no bucket', (d) => (d.backend = { type: 'gcs' }), 'deploy.yaml: backend.bucket: is required (string)'],
];

describe('fails if …', () => {
  test.each(failures)('%s', (_name, mutate, expected) => {
    const lines = problemsOf(mutate);
    expect(lines).toContain(expected);
  });
});

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
    const entra = (expires: string) => ({ type: 'entra', client_id: 'c', directory_id: '11111111-2222-4333-8444-555555555555', secret_expires: expires });
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

/**
 * The policy pack end to end: real constructs in a TerraformStack inside a cdktf App, the pack
 * applied as an Aspect, and `app.synth()`. Errors fail the synth with `[Gatehouse-<Rule>]` and the
 * construct path; warnings and "could not validate" are annotations; every finding goes to the
 * report; suppressions need a reason and never cover the guard rails.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AnnotationMetadataEntryType, App, Aspects, Fn, IAspect, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { ZeroTrustAccessApplication } from '@cdktf/provider-cloudflare/lib/zero-trust-access-application';
import { ZeroTrustTunnelCloudflared } from '@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { applyPolicyPack } from '../../../lib/checks/pack';
import { ComplianceReport, Finding } from '../../../lib/checks/report';
import { RuleLevel, RuleResult } from '../../../lib/checks/rule';
import { RULES } from '../../../lib/checks/rules';
import { GatehouseSuppressions, MIN_REASON_LENGTH } from '../../../lib/checks/suppressions';
import { AccessGatedApp } from '../../../lib/cloudflare/access/app';
import { EntraIdentityProvider, GoogleWorkspaceIdentityProvider } from '../../../lib/cloudflare/access/identity-provider';
import { AccessPolicy } from '../../../lib/cloudflare/access/policy';
import { AccessDecision, AccessRule } from '../../../lib/cloudflare/access/rules';
import { BucketCredentials } from '../../../lib/cloudflare/r2/credentials';
import { ManagedBucket } from '../../../lib/cloudflare/r2/bucket';
import { TunnelHost } from '../../../lib/cloudflare/tunnel';
import { GatehouseError } from '../../../lib/core/errors';
import { Zone } from '../../../lib/cloudflare/zone';

const TODAY = '2026-11-22';
const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';
const ZONE_ID = 'fedcba9876543210fedcba9876543210';
const DIRECTORY_ID = '00000000-0000-4000-8000-000000000000';
const REASON = 'rotated monthly by the backup runbook';

// The synth must fail on error annotations, whatever the environment says.
const CONTINUE_ON_ERROR = 'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS';
const savedContinueOnError = process.env[CONTINUE_ON_ERROR];
let root: string;

beforeAll(() => {
  delete process.env[CONTINUE_ON_ERROR];
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-pack-'));
});

afterAll(() => {
  if (savedContinueOnError !== undefined) process.env[CONTINUE_ON_ERROR] = savedContinueOnError;
  fs.rmSync(root, { recursive: true, force: true });
});

/** A cdktf App with its own output directory under the test's temporary directory. */
function newApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(root, 'app-')) });
}

/** A stack with the providers its resources need (so cdktf's own validation passes). */
function newStack(app: App, id = 'site'): TerraformStack {
  const stack = new TerraformStack(app, id);
  new CloudflareProvider(stack, 'cloudflare', {});
  new GoogleProvider(stack, 'google', {});
  new NullProvider(stack, 'null', {});
  return stack;
}

function stackJsonPath(app: App, stackId: string): string {
  return path.join(app.outdir, 'stacks', stackId, 'cdk.tf.json');
}

/** The pack's annotations on one construct, as [level, message]. */
function packAnnotations(construct: IConstruct): Array<[string, string]> {
  return construct.node.metadata
    .filter((m) => String(m.data).startsWith('[Gatehouse-'))
    .map((m) => [m.type, String(m.data)]);
}

/** Every pack annotation in a scope, with the construct path. */
function allPackAnnotations(scope: IConstruct): Array<[string, string, string]> {
  return scope.node.findAll().flatMap((c) => packAnnotations(c).map(([level, message]): [string, string, string] => [c.node.path, level, message]));
}

/** The message of the error `fn` throws; fails when nothing is thrown. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but nothing was thrown');
}

function findingsOf(report: ComplianceReport, rule: string, pathSuffix?: string): Finding[] {
  return report.findings.filter((f) => f.rule === rule && (pathSuffix === undefined || f.path.endsWith(pathSuffix)));
}

interface CompliantSite {
  readonly tunnel: TunnelHost;
  readonly bucket: ManagedBucket;
  readonly credentials: BucketCredentials;
}

/**
 * A site that satisfies every rule: an Entra IdP with a recorded, distant secret expiry; an allow
 * policy for example.com; an app that gates app.example.com; a tunnel with that gated route and a
 * route declared public; proxied CNAMEs; a bucket with an expiring, bucket-scoped token.
 */
function buildCompliantSite(stack: TerraformStack): CompliantSite {
  const secret = new TerraformVariable(stack, 'entra_client_secret', { type: 'string', sensitive: true });
  const entra = new EntraIdentityProvider(stack, 'entra', {
    accountId: ACCOUNT_ID,
    clientId: 'example-client',
    directoryId: DIRECTORY_ID,
    clientSecret: secret,
    secretExpiresOn: '2027-06-01',
  });
  const staff = new AccessPolicy(stack, 'allow-staff', {
    accountId: ACCOUNT_ID,
    name: 'staff',
    decision: AccessDecision.ALLOW,
    include: [AccessRule.emailDomain('example.com')],
  });
  const app = new AccessGatedApp(stack, 'app', {
    accountId: ACCOUNT_ID,
    name: 'app',
    teamName: 'example',
    hostnames: ['app.example.com'],
    policies: [staff],
    identityProviders: [entra],
  });
  const tunnel = new TunnelHost(stack, 'primary', {
    accountId: ACCOUNT_ID,
    tunnelName: 'example-primary',
    routes: [
      { hostname: 'app.example.com', service: 'http://localhost:8080' },
      { hostname: 'www.example.com', service: 'http://localhost:8081', public: { reason: 'the public marketing site' } },
    ],
    accessApps: [app],
    dnsZone: Zone.fromZoneId(ZONE_ID),
  });
  new TerraformOutput(stack, 'connector-token', { value: tunnel.connectorToken, sensitive: true });
  const bucket = new ManagedBucket(stack, 'backups', { accountId: ACCOUNT_ID, bucketName: 'example-backups' });
  const credentials = bucket.grantRead('restic', { expires: '2027-06-01' });
  return { tunnel, bucket, credentials };
}

/** An L1 tunnel without config_src (the provider default, local). */
function legacyTunnel(scope: Construct, id = 'legacy'): ZeroTrustTunnelCloudflared {
  return new ZeroTrustTunnelCloudflared(scope, id, { accountId: ACCOUNT_ID, name: 'example-legacy' });
}

/** An L1 firewall rule that opens tcp ports from anywhere. */
function worldFirewall(scope: Construct, id: string, ports: string[]): ComputeFirewall {
  return new ComputeFirewall(scope, id, {
    name: id,
    network: 'default',
    allow: [{ protocol: 'tcp', ports }],
    sourceRanges: ['0.0.0.0/0'],
  });
}

/** An L1 access app whose allowed_idps is a terraform expression. */
function appWithExpressionIdps(stack: TerraformStack, wrap: (list: string[]) => string[]): ZeroTrustAccessApplication {
  const idps = new TerraformVariable(stack, 'idps', { type: 'list(string)' });
  return new ZeroTrustAccessApplication(stack, 'legacy-app', {
    accountId: ACCOUNT_ID,
    name: 'legacy',
    type: 'self_hosted',
    domain: 'legacy.example.com',
    allowedIdps: wrap(idps.listValue),
    autoRedirectToIdentity: false,
  });
}

describe('a compliant stack', () => {
  // GIVEN a site built only from gatehouse constructs, with the pack applied
  const app = newAppLazy();
  let stack: TerraformStack;
  let site: CompliantSite;
  let report: ComplianceReport;

  beforeAll(() => {
    stack = newStack(app.get());
    site = buildCompliantSite(stack);
    report = applyPolicyPack([stack], { today: TODAY });
    // WHEN it is synthesized
    app.get().synth();
  });

  test('synthesizes its cdk.tf.json', () => {
    // THEN
    expect(fs.existsSync(stackJsonPath(app.get(), 'site'))).toBe(true);
  });

  test('every finding is compliant, and none is suppressed', () => {
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.filter((f) => f.result !== RuleResult.COMPLIANT)).toEqual([]);
    expect(report.findings.filter((f) => f.suppressionReason !== undefined)).toEqual([]);
  });

  test('each finding lists stack, rule, level, path and result', () => {
    for (const f of report.findings) expect(Object.keys(f).sort()).toEqual(['level', 'path', 'result', 'rule', 'stack']);
    expect(report.findings).toEqual(
      expect.arrayContaining<Finding>([
        { stack: 'site', rule: 'Gatehouse-TunnelRemotelyManaged', level: RuleLevel.ERROR, path: 'site/primary/tunnel', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-TunnelCatchAllLast', level: RuleLevel.ERROR, path: 'site/primary/config', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-AccessRouteCoverage', level: RuleLevel.ERROR, path: 'site/primary/config', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-TunnelGatedRoutesEnforceJwt', level: RuleLevel.ERROR, path: 'site/primary/config', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-TunnelCnameProxied', level: RuleLevel.ERROR, path: 'site/primary/dns/app.example.com', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-AccessNoAllowEveryone', level: RuleLevel.ERROR, path: 'site/allow-staff/resource', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-AccessAutoRedirect', level: RuleLevel.ERROR, path: 'site/app/resource', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-AccessIdpSecretFromVariable', level: RuleLevel.ERROR, path: 'site/entra/resource', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-AccessIdpSecretExpired', level: RuleLevel.ERROR, path: 'site/entra/resource', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-AccessIdpSecretExpiring', level: RuleLevel.WARNING, path: 'site/entra/resource', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-R2PreventDestroy', level: RuleLevel.ERROR, path: 'site/backups/bucket', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-R2Lifecycle', level: RuleLevel.ERROR, path: 'site/backups/bucket', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-R2DevDisabled', level: RuleLevel.ERROR, path: 'site/backups/bucket', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-R2TokenScoped', level: RuleLevel.ERROR, path: 'site/backups/credentials-restic/token', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-R2TokenExpiry', level: RuleLevel.WARNING, path: 'site/backups/credentials-restic/token', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-OutputSecretsSensitive', level: RuleLevel.ERROR, path: 'site/connector-token', result: RuleResult.COMPLIANT },
        { stack: 'site', rule: 'Gatehouse-TunnelTokenSensitive', level: RuleLevel.ERROR, path: 'site/connector-token', result: RuleResult.COMPLIANT },
      ]),
    );
  });

  test('each finding carries the level of its rule', () => {
    const levels = new Map(RULES.map((r) => [r.id, r.level]));
    for (const f of report.findings) expect(f.level).toBe(levels.get(f.rule));
  });

  test('the pack adds no annotation', () => {
    expect(allPackAnnotations(stack)).toEqual([]);
  });

  test('the summary counts no errors, warnings, unknowns or suppressions', () => {
    // THEN one line, and only compliant findings
    const lines = report.summary();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`checked ${report.findings.length} times: ${report.findings.length} compliant, 0 errors, 0 warnings, 0 could not validate, 0 suppressed`);
  });

  test('facts recorded by the constructs reach the rules', () => {
    // THEN the public route's reason satisfied route coverage, and the tunnel's outputs are wired
    expect(site.tunnel.routes.find((r) => r.hostname === 'www.example.com')?.public?.reason).toBe('the public marketing site');
    expect(findingsOf(report, 'Gatehouse-AccessRouteCoverage')).toEqual([
      { stack: 'site', rule: 'Gatehouse-AccessRouteCoverage', level: RuleLevel.ERROR, path: 'site/primary/config', result: RuleResult.COMPLIANT },
    ]);
    expect(site.credentials.tokens.size).toBe(1);
    expect(site.bucket.bucketName).toBe('example-backups');
  });
});

/** One App per describe block, created when first used (after the temporary root exists). */
function newAppLazy(): { get(): App } {
  let app: App | undefined;
  return { get: () => (app ??= newApp()) };
}

describe('an error-level violation fails the synth', () => {
  test('a hand-made tunnel without config_src: [Gatehouse-TunnelRemotelyManaged] and the construct path', () => {
    // GIVEN a compliant site plus an L1 tunnel that is locally managed
    const app = newApp();
    const stack = newStack(app);
    buildCompliantSite(stack);
    const tunnel = legacyTunnel(stack);
    const report = applyPolicyPack([stack], { today: TODAY });
    // WHEN it is synthesized
    const message = errorOf(() => app.synth());
    // THEN the synth throws, naming the rule and the construct path
    expect(message).toContain('[site/legacy] [Gatehouse-TunnelRemotelyManaged] config_src is "local (the provider default)"');
    // AND the error is an error annotation on the tunnel itself
    expect(packAnnotations(tunnel)).toEqual([[AnnotationMetadataEntryType.ERROR, expect.stringContaining('[Gatehouse-TunnelRemotelyManaged]')]]);
    // AND the report records it
    expect(findingsOf(report, 'Gatehouse-TunnelRemotelyManaged', 'site/legacy')).toEqual([
      {
        stack: 'site',
        rule: 'Gatehouse-TunnelRemotelyManaged',
        level: RuleLevel.ERROR,
        path: 'site/legacy',
        result: RuleResult.NON_COMPLIANT,
        message: expect.stringContaining('set "cloudflare" at creation'),
      },
    ]);
    // AND nothing was written for the stack
    expect(fs.existsSync(stackJsonPath(app, 'site'))).toBe(false);
  });

  test('a nested firewall allowing 443 from 0.0.0.0/0: [Gatehouse-GceNoOpenWebPorts] and its nested path', () => {
    // GIVEN a firewall two levels down
    const app = newApp();
    const stack = newStack(app);
    const edge = new Construct(stack, 'edge');
    const firewall = worldFirewall(edge, 'open-https', ['443']);
    applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized
    const message = errorOf(() => app.synth());
    // THEN
    expect(message).toContain('[site/edge/open-https] [Gatehouse-GceNoOpenWebPorts] allows port 443 from the internet');
    expect(packAnnotations(firewall).map(([level]) => level)).toEqual([AnnotationMetadataEntryType.ERROR]);
  });

  test('every error of the synth is reported at once', () => {
    // GIVEN two violations of two rules
    const app = newApp();
    const stack = newStack(app);
    legacyTunnel(stack);
    worldFirewall(stack, 'open-web', ['80', '443']);
    applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized
    const message = errorOf(() => app.synth());
    // THEN both appear in the one error
    expect(message).toContain('[site/legacy] [Gatehouse-TunnelRemotelyManaged]');
    expect(message).toContain('[site/open-web] [Gatehouse-GceNoOpenWebPorts] allows port 80 from the internet');
  });

  test('an expired Entra secret (a fact recorded by the construct) fails the synth', () => {
    // GIVEN an Entra IdP whose secret expired yesterday
    const app = newApp();
    const stack = newStack(app);
    const secret = new TerraformVariable(stack, 'entra_client_secret', { type: 'string', sensitive: true });
    new EntraIdentityProvider(stack, 'entra', { accountId: ACCOUNT_ID, clientId: 'c', directoryId: DIRECTORY_ID, clientSecret: secret, secretExpiresOn: '2026-11-21' });
    const report = applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized
    const message = errorOf(() => app.synth());
    // THEN Expired fails it, and Expiring (not applicable) says nothing
    expect(message).toContain('[site/entra/resource] [Gatehouse-AccessIdpSecretExpired] the Entra client secret expired on 2026-11-21');
    expect(findingsOf(report, 'Gatehouse-AccessIdpSecretExpiring')).toEqual([]);
  });

  test('only the stacks the pack is applied to are checked', () => {
    // GIVEN the same violation in a checked and an unchecked stack
    const app = newApp();
    const checked = newStack(app, 'checked');
    const unchecked = newStack(app, 'unchecked');
    legacyTunnel(checked);
    legacyTunnel(unchecked);
    const report = applyPolicyPack([checked], { today: TODAY });
    // WHEN synthesized
    const message = errorOf(() => app.synth());
    // THEN only the checked stack is named
    expect(message).toContain('[checked/legacy]');
    expect(message).not.toContain('[unchecked/legacy]');
    expect(new Set(report.findings.map((f) => f.stack))).toEqual(new Set(['checked']));
  });
});

describe('a warning-level violation', () => {
  // GIVEN a bucket token without an expiry
  const app = newAppLazy();
  let stack: TerraformStack;
  let credentials: BucketCredentials;
  let report: ComplianceReport;

  beforeAll(() => {
    stack = newStack(app.get());
    const bucket = new ManagedBucket(stack, 'backups', { accountId: ACCOUNT_ID, bucketName: 'example-backups' });
    credentials = bucket.grantRead('restic');
    report = applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized
    app.get().synth();
  });

  const WARNING = '[Gatehouse-R2TokenExpiry] token r2-example-backups-restic never expires; set expires (and rotate before then)';

  test('synthesizes', () => {
    // THEN
    expect(fs.existsSync(stackJsonPath(app.get(), 'site'))).toBe(true);
  });

  test('is a @cdktf/warn annotation on the token', () => {
    expect(packAnnotations(credentials.tokens.get('token')!)).toEqual([[AnnotationMetadataEntryType.WARN, WARNING]]);
    expect(allPackAnnotations(stack)).toHaveLength(1);
  });

  test('reaches the manifest cdktf prints from', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(app.get().outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks.site.annotations).toEqual(
      expect.arrayContaining([expect.objectContaining({ constructPath: 'site/backups/credentials-restic/token', level: '@cdktf/warn', message: WARNING })]),
    );
  });

  test('is in the report', () => {
    expect(findingsOf(report, 'Gatehouse-R2TokenExpiry')).toEqual([
      {
        stack: 'site',
        rule: 'Gatehouse-R2TokenExpiry',
        level: RuleLevel.WARNING,
        path: 'site/backups/credentials-restic/token',
        result: RuleResult.NON_COMPLIANT,
        message: 'token r2-example-backups-restic never expires; set expires (and rotate before then)',
      },
    ]);
  });

  test('is counted and listed in the summary', () => {
    const lines = report.summary();
    expect(lines[0]).toContain('0 errors, 1 warnings, 0 could not validate, 0 suppressed');
    expect(lines.slice(1)).toEqual([
      '  warning [Gatehouse-R2TokenExpiry] site/backups/credentials-restic/token: token r2-example-backups-restic never expires; set expires (and rotate before then)',
    ]);
  });
});

describe('suppressions', () => {
  test('a warning suppressed on an ancestor is neither annotated nor counted as a warning, and the report keeps the reason', () => {
    // GIVEN a token without expiry, and a suppression on its bucket (an ancestor)
    const app = newApp();
    const stack = newStack(app);
    const bucket = new ManagedBucket(stack, 'backups', { accountId: ACCOUNT_ID, bucketName: 'example-backups' });
    const credentials = bucket.grantRead('restic');
    GatehouseSuppressions.add(bucket, [{ id: 'Gatehouse-R2TokenExpiry', reason: `  ${REASON}  ` }]);
    const report = applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized
    app.synth();
    // THEN no annotation, and the finding records the (trimmed) reason
    expect(packAnnotations(credentials.tokens.get('token')!)).toEqual([]);
    expect(findingsOf(report, 'Gatehouse-R2TokenExpiry')).toEqual([
      {
        stack: 'site',
        rule: 'Gatehouse-R2TokenExpiry',
        level: RuleLevel.WARNING,
        path: 'site/backups/credentials-restic/token',
        result: RuleResult.NON_COMPLIANT,
        message: expect.stringContaining('never expires'),
        suppressionReason: REASON,
      },
    ]);
    expect(report.summary()).toEqual([expect.stringContaining('0 errors, 0 warnings, 0 could not validate, 1 suppressed')]);
  });

  test('an error suppressed on the construct itself does not fail the synth', () => {
    // GIVEN SSH open to the internet, suppressed with a reason
    const app = newApp();
    const stack = newStack(app);
    const bastion = new Construct(stack, 'bastion');
    const firewall = worldFirewall(bastion, 'ssh', ['22']);
    GatehouseSuppressions.add(firewall, [{ id: 'Gatehouse-GceNoExternalSsh', reason: 'break-glass access, removed after the incident' }]);
    const report = applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized
    expect(() => app.synth()).not.toThrow();
    // THEN it is in the report with its reason, and not annotated
    expect(findingsOf(report, 'Gatehouse-GceNoExternalSsh')).toEqual([
      expect.objectContaining({
        path: 'site/bastion/ssh',
        level: RuleLevel.ERROR,
        result: RuleResult.NON_COMPLIANT,
        suppressionReason: 'break-glass access, removed after the incident',
      }),
    ]);
    expect(packAnnotations(firewall)).toEqual([]);
    expect(fs.existsSync(stackJsonPath(app, 'site'))).toBe(true);
  });

  test('a suppression covers its construct subtree only, and only its rule', () => {
    // GIVEN the same violation in three scopes: suppressed for its rule, not suppressed, and suppressed for another rule
    const app = newApp();
    const stack = newStack(app);
    const suppressed = new Construct(stack, 'suppressed');
    const sibling = new Construct(stack, 'sibling');
    const wrongRule = new Construct(stack, 'wrong-rule');
    worldFirewall(suppressed, 'ssh', ['22']);
    worldFirewall(sibling, 'ssh', ['22']);
    worldFirewall(wrongRule, 'ssh', ['22']);
    GatehouseSuppressions.add(suppressed, [{ id: 'Gatehouse-GceNoExternalSsh', reason: 'break-glass access for the incident' }]);
    GatehouseSuppressions.add(wrongRule, [{ id: 'Gatehouse-R2TokenExpiry', reason: 'a different rule entirely' }]);
    applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized
    const message = errorOf(() => app.synth());
    // THEN only the suppressed scope passes
    expect(message).toContain('[site/sibling/ssh] [Gatehouse-GceNoExternalSsh]');
    expect(message).toContain('[site/wrong-rule/ssh] [Gatehouse-GceNoExternalSsh]');
    expect(message).not.toContain('[site/suppressed/');
  });

  test('GatehouseSuppressions.find walks up to the nearest ancestor that suppresses the rule', () => {
    const app = newApp();
    const stack = newStack(app);
    const outer = new Construct(stack, 'outer');
    const inner = new Construct(outer, 'inner');
    const leaf = new Construct(inner, 'leaf');
    GatehouseSuppressions.add(outer, [{ id: 'Gatehouse-R2TokenExpiry', reason: 'outer reason text' }]);
    GatehouseSuppressions.add(inner, [{ id: 'Gatehouse-R2TokenExpiry', reason: 'inner reason text' }]);
    // THEN
    expect(GatehouseSuppressions.find(leaf, 'Gatehouse-R2TokenExpiry')).toEqual({ id: 'Gatehouse-R2TokenExpiry', reason: 'inner reason text' });
    expect(GatehouseSuppressions.find(outer, 'Gatehouse-R2TokenExpiry')?.reason).toBe('outer reason text');
    expect(GatehouseSuppressions.find(leaf, 'Gatehouse-R2Lifecycle')).toBeUndefined();
    expect(GatehouseSuppressions.find(stack, 'Gatehouse-R2TokenExpiry')).toBeUndefined();
  });

  test('an unsuppressible rule still fails when the construct suppresses other rules', () => {
    // GIVEN an open web port, with suppressions only for rules that may be suppressed
    const app = newApp();
    const stack = newStack(app);
    const firewall = worldFirewall(stack, 'web', ['443', '22']);
    GatehouseSuppressions.add(firewall, [{ id: 'Gatehouse-GceNoExternalSsh', reason: 'break-glass access for the incident' }]);
    const report = applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized
    const message = errorOf(() => app.synth());
    // THEN the open web port fails the synth
    expect(message).toContain('[site/web] [Gatehouse-GceNoOpenWebPorts]');
    expect(message).not.toContain('Gatehouse-GceNoExternalSsh');
    expect(findingsOf(report, 'Gatehouse-GceNoOpenWebPorts')[0].suppressionReason).toBeUndefined();
  });
});

describe('a rule generalized under a new id (issue 17: Entra secret expiry -> identity-provider secret expiry)', () => {
  test('a suppression written with the former id still suppresses the rule, and the finding carries the new id', () => {
    // GIVEN a Google Workspace IdP whose secret expires in 10 days, suppressed with the former Entra id
    const app = newApp();
    const stack = newStack(app);
    const secret = new TerraformVariable(stack, 'workspace_client_secret', { type: 'string', sensitive: true });
    const idp = new GoogleWorkspaceIdentityProvider(stack, 'workspace', { accountId: ACCOUNT_ID, clientId: 'c', appsDomain: 'example.com', clientSecret: secret, secretExpiresOn: '2026-12-02' });
    GatehouseSuppressions.add(idp, [{ id: 'Gatehouse-AccessEntraSecretExpiring', reason: 'rotation is booked for next week' }]);
    const report = applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized
    app.synth();
    // THEN the warning is suppressed under the new id, with the reason
    expect(findingsOf(report, 'Gatehouse-AccessIdpSecretExpiring')).toEqual([
      expect.objectContaining({ path: 'site/workspace/resource', result: RuleResult.NON_COMPLIANT, suppressionReason: 'rotation is booked for next week' }),
    ]);
  });

  test('the former id of an unsuppressible rule is refused like the rule itself', () => {
    const error = gatehouseErrorOf(() => GatehouseSuppressions.add(new Construct(newStack(newApp()), 's'), [{ id: 'Gatehouse-AccessEntraSecretExpired', reason: REASON }]));
    expect(error.problems[0].message).toBe('this rule cannot be suppressed');
  });
});

describe('GatehouseSuppressions.add refuses', () => {
  function scope(): Construct {
    return new Construct(newStack(newApp()), 'scope');
  }

  test('an unknown rule id', () => {
    // GIVEN a rule id the pack does not have
    const target = scope();
    // WHEN it is suppressed
    // THEN a GatehouseError names the field and the value
    const error = gatehouseErrorOf(() => GatehouseSuppressions.add(target, [{ id: 'Gatehouse-NoSuchRule', reason: REASON }]));
    expect(error.problems).toEqual([{ path: 'suppressions[0].id', message: expect.stringContaining('names no gatehouse rule'), value: 'Gatehouse-NoSuchRule' }]);
    expect(error.source).toBe('site/scope');
  });

  test('a rule id without the Gatehouse- prefix', () => {
    const error = gatehouseErrorOf(() => GatehouseSuppressions.add(scope(), [{ id: 'R2TokenExpiry', reason: REASON }]));
    expect(error.problems[0].message).toContain('names no gatehouse rule');
  });

  test.each(['', 'too short', '   too short    ', '123456789'])('the reason %j (shorter than 10 characters once trimmed)', (reason) => {
    const error = gatehouseErrorOf(() => GatehouseSuppressions.add(scope(), [{ id: 'Gatehouse-R2TokenExpiry', reason }]));
    expect(error.problems).toEqual([
      { path: 'suppressions[0].reason', message: `must explain in at least ${MIN_REASON_LENGTH} characters why`, value: reason },
    ]);
  });

  test.each(RULES.filter((r) => !r.suppressible).map((r) => r.id))('%s, which cannot be suppressed', (id) => {
    // GIVEN a guard rail, and a good reason
    // THEN the suppression is refused
    const error = gatehouseErrorOf(() => GatehouseSuppressions.add(scope(), [{ id, reason: REASON }]));
    expect(error.problems).toEqual([{ path: 'suppressions[0].id', message: 'this rule cannot be suppressed', value: id }]);
  });

  test('every bad entry at once, and records none of the good ones', () => {
    // GIVEN one good and two bad suppressions
    const target = scope();
    const error = gatehouseErrorOf(() =>
      GatehouseSuppressions.add(target, [
        { id: 'Gatehouse-R2TokenExpiry', reason: REASON },
        { id: 'Gatehouse-TunnelCatchAllLast', reason: REASON },
        { id: 'Gatehouse-R2Lifecycle', reason: 'short' },
      ]),
    );
    // THEN both problems are reported, by index
    expect(error.problems.map((p) => p.path)).toEqual(['suppressions[1].id', 'suppressions[2].reason']);
    // AND nothing was recorded
    expect(GatehouseSuppressions.find(target, 'Gatehouse-R2TokenExpiry')).toBeUndefined();
  });

  test('but accepts a reason of exactly 10 characters', () => {
    const target = scope();
    GatehouseSuppressions.add(target, [{ id: 'Gatehouse-R2TokenExpiry', reason: '0123456789' }]);
    expect(GatehouseSuppressions.find(target, 'Gatehouse-R2TokenExpiry')).toEqual({ id: 'Gatehouse-R2TokenExpiry', reason: '0123456789' });
  });
});

function gatehouseErrorOf(fn: () => unknown): GatehouseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatehouseError) return e;
    throw e;
  }
  throw new Error('expected a GatehouseError, but nothing was thrown');
}

describe('an UNKNOWN verdict is "could not validate": a warning, never a pass', () => {
  test.each([
    ['Fn.tolist(variable.listValue)', (list: string[]) => Fn.tolist(list), '${tolist(var.idps)}'],
    ["a variable's listValue", (list: string[]) => list, '${var.idps}'],
  ])('an access app whose allowed_idps is %s', (_label, wrap, synthesized) => {
    // GIVEN an error-level rule that cannot read allowed_idps
    const app = newApp();
    const stack = newStack(app);
    const accessApp = appWithExpressionIdps(stack, wrap);
    const report = applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized
    expect(() => app.synth()).not.toThrow();
    // THEN the value really was an expression
    const json = JSON.parse(fs.readFileSync(stackJsonPath(app, 'site'), 'utf8'));
    expect(json.resource.cloudflare_zero_trust_access_application['legacy-app'].allowed_idps).toBe(synthesized);
    // AND the finding is could-not-validate, not compliant
    expect(findingsOf(report, 'Gatehouse-AccessAutoRedirect')).toEqual([
      {
        stack: 'site',
        rule: 'Gatehouse-AccessAutoRedirect',
        level: RuleLevel.ERROR,
        path: 'site/legacy-app',
        result: RuleResult.UNKNOWN,
        message: 'allowed_idps is an expression, so the number of identity providers is not known',
      },
    ]);
    expect(RuleResult.UNKNOWN).toBe('could-not-validate');
    // AND it is a warning annotation that says "could not validate"
    expect(packAnnotations(accessApp)).toEqual([
      [AnnotationMetadataEntryType.WARN, '[Gatehouse-AccessAutoRedirect] could not validate: allowed_idps is an expression, so the number of identity providers is not known'],
    ]);
    // AND the summary counts it apart from compliant findings
    const compliant = report.findings.filter((f) => f.result === RuleResult.COMPLIANT).length;
    expect(compliant).toBe(report.findings.length - 1);
    expect(report.summary()[0]).toContain(`${compliant} compliant, 0 errors, 0 warnings, 1 could not validate, 0 suppressed`);
    expect(report.summary()[1]).toContain('[Gatehouse-AccessAutoRedirect] site/legacy-app: allowed_idps is an expression');
  });

  test('an Entra IdP without a recorded secret expiry', () => {
    // GIVEN no secretExpiresOn
    const app = newApp();
    const stack = newStack(app);
    const secret = new TerraformVariable(stack, 'entra_client_secret', { type: 'string', sensitive: true });
    const entra = new EntraIdentityProvider(stack, 'entra', { accountId: ACCOUNT_ID, clientId: 'c', directoryId: DIRECTORY_ID, clientSecret: secret });
    const report = applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized
    app.synth();
    // THEN Expired could not validate (a warning), Expiring is not applicable (not reported)
    expect(findingsOf(report, 'Gatehouse-AccessIdpSecretExpired')).toEqual([
      expect.objectContaining({ path: 'site/entra/resource', result: RuleResult.UNKNOWN }),
    ]);
    expect(findingsOf(report, 'Gatehouse-AccessIdpSecretExpiring')).toEqual([]);
    expect(packAnnotations(entra.resource)).toEqual([
      [AnnotationMetadataEntryType.WARN, expect.stringContaining('[Gatehouse-AccessIdpSecretExpired] could not validate: the client secret expiry is not recorded')],
    ]);
  });
});

describe('the report', () => {
  /** A mixed site: compliant, one warning, one unknown, one suppressed error, in two stacks. */
  function buildMixed(app: App, reverse = false): ComplianceReport {
    const steps: Array<(a: TerraformStack, b: TerraformStack) => void> = [
      (a) => buildCompliantSite(a),
      (a) => new ManagedBucket(a, 'archive', { accountId: ACCOUNT_ID, bucketName: 'example-archive' }).grantReadWrite('uploader'),
      (a) => appWithExpressionIdps(a, (l) => Fn.tolist(l)),
      (_a, b) => GatehouseSuppressions.add(worldFirewall(b, 'ssh', ['22']), [{ id: 'Gatehouse-GceNoExternalSsh', reason: 'break-glass access for the incident' }]),
      (_a, b) => new ManagedBucket(b, 'logs', { accountId: ACCOUNT_ID, bucketName: 'example-logs' }),
    ];
    const b = newStack(app, 'bravo');
    const a = newStack(app, 'alpha');
    for (const step of reverse ? [...steps].reverse() : steps) step(a, b);
    return applyPolicyPack([b, a], { today: TODAY });
  }

  test('toJson is deterministic: two synths give the same bytes, whatever the construction order', () => {
    // GIVEN the same site built in two apps, in opposite orders
    const first = newApp();
    const second = newApp();
    const r1 = buildMixed(first);
    const r2 = buildMixed(second, true);
    // WHEN both are synthesized
    first.synth();
    second.synth();
    // THEN the reports are byte for byte the same
    expect(r1.findings.length).toBeGreaterThan(20);
    expect(r1.toJson()).toBe(r2.toJson());
    expect(r1.toJson()).toBe(r1.toJson());
  });

  test('toJson is versioned JSON with a trailing newline, findings sorted by stack, path and rule', () => {
    const app = newApp();
    const report = buildMixed(app);
    app.synth();
    const text = report.toJson();
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text);
    expect(Object.keys(parsed)).toEqual(['version', 'findings']);
    expect(parsed.version).toBe(1);
    expect(parsed.findings).toEqual(report.findings);
    const keys: string[] = parsed.findings.map((f: Finding) => `${f.stack}|${f.path}|${f.rule}`);
    for (let i = 1; i < keys.length; i++) expect(keys[i - 1].localeCompare(keys[i])).toBeLessThanOrEqual(0);
    expect(parsed.findings[0].stack).toBe('alpha');
    expect(parsed.findings[parsed.findings.length - 1].stack).toBe('bravo');
  });

  test('summary() counts errors, warnings, unknowns and suppressions', () => {
    // GIVEN one error, one warning, one unknown and one suppressed error
    const app = newApp();
    const stack = newStack(app);
    legacyTunnel(stack);
    new ManagedBucket(stack, 'backups', { accountId: ACCOUNT_ID, bucketName: 'example-backups' }).grantRead('restic');
    appWithExpressionIdps(stack, (l) => Fn.tolist(l));
    GatehouseSuppressions.add(worldFirewall(stack, 'ssh', ['22']), [{ id: 'Gatehouse-GceNoExternalSsh', reason: 'break-glass access for the incident' }]);
    const report = applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized (the error fails it; the report is filled first)
    expect(() => app.synth()).toThrow('[Gatehouse-TunnelRemotelyManaged]');
    // THEN the counts are right
    const f = report.findings;
    const rules = new Set(f.map((x) => x.rule)).size;
    const compliant = f.filter((x) => x.result === RuleResult.COMPLIANT).length;
    const lines = report.summary();
    expect(lines[0]).toBe(
      `gatehouse policy pack: ${rules} rules checked ${f.length} times: ${compliant} compliant, 1 errors, 1 warnings, 1 could not validate, 1 suppressed`,
    );
    // AND the error, the warning and the unknown are listed; the suppressed finding is not
    expect(lines).toHaveLength(4);
    expect(lines.slice(1)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}error \[Gatehouse-TunnelRemotelyManaged\] site\/legacy: config_src is/),
        expect.stringMatching(/^ {2}warning \[Gatehouse-R2TokenExpiry\] site\/backups\/credentials-restic\/token: token r2-example-backups-restic never expires/),
        expect.stringContaining('[Gatehouse-AccessAutoRedirect] site/legacy-app: allowed_idps is an expression'),
      ]),
    );
    expect(lines.join('\n')).not.toContain('GceNoExternalSsh');
  });

  test('summary() lists at most 15 problems', () => {
    // GIVEN 17 tokens without expiry
    const app = newApp();
    const stack = newStack(app);
    const bucket = new ManagedBucket(stack, 'backups', { accountId: ACCOUNT_ID, bucketName: 'example-backups' });
    for (let i = 0; i < 17; i++) bucket.grantRead(`reader${i}`);
    const report = applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized
    app.synth();
    // THEN all 17 are counted, 15 are listed, and the rest are pointed at
    const lines = report.summary();
    expect(lines[0]).toContain('0 errors, 17 warnings');
    expect(lines).toHaveLength(17);
    expect(lines[16]).toBe('  ... and 2 more in the report');
  });

  test('an empty report summarizes to zero', () => {
    const report = new ComplianceReport();
    expect(report.summary()).toEqual([
      'gatehouse policy pack: 0 rules checked 0 times: 0 compliant, 0 errors, 0 warnings, 0 could not validate, 0 suppressed',
    ]);
    expect(report.toJson()).toBe('{\n  "version": 1,\n  "findings": []\n}\n');
  });
});

describe('regressions', () => {
  test('a nested output is reported at its own construct path, not the stack', () => {
    // GIVEN an output nested under a construct that leaks a secret
    const app = newApp();
    const stack = newStack(app);
    const group = new Construct(stack, 'group');
    const token = new TerraformVariable(stack, 'secret', { type: 'string', sensitive: true });
    new TerraformOutput(group, 'leak', { value: token.stringValue });
    applyPolicyPack([stack], { today: TODAY });
    // WHEN synthesized THEN the error names group/leak
    expect(errorOf(() => app.synth())).toContain('[site/group/leak] [Gatehouse-OutputSecretsSensitive]');
  });

  test('a suppression is recorded only where a finding was suppressed', () => {
    // GIVEN one token with an expiry and one without, both under a suppressed bucket
    const app = newApp();
    const stack = newStack(app);
    const bucket = new ManagedBucket(stack, 'backups', { accountId: ACCOUNT_ID, bucketName: 'example-backups' });
    bucket.grantRead('dated', { expires: '2030-01-01' });
    bucket.grantRead('undated');
    GatehouseSuppressions.add(bucket, [{ id: 'Gatehouse-R2TokenExpiry', reason: 'rotated monthly by the backup runbook' }]);
    const report = applyPolicyPack([stack], { today: TODAY });
    app.synth();
    // THEN only the undated token's finding carries the suppression
    const findings = findingsOf(report, 'Gatehouse-R2TokenExpiry');
    expect(findings.filter((f) => f.suppressionReason).map((f) => f.path)).toEqual([expect.stringContaining('credentials-undated')]);
    expect(report.summary()[0]).toContain('1 suppressed');
  });

  test('"could not validate" is labelled as a warning in the summary, even for an error-level rule', () => {
    const app = newApp();
    const stack = newStack(app);
    const idps = new TerraformVariable(stack, 'idps', { type: 'list(string)' });
    new ZeroTrustAccessApplication(stack, 'app', { accountId: ACCOUNT_ID, name: 'x', type: 'self_hosted', allowedIdps: idps.listValue });
    const report = applyPolicyPack([stack], { today: TODAY });
    app.synth();
    expect(report.summary()).toContain('  warning (could not validate) [Gatehouse-AccessAutoRedirect] site/app: allowed_idps is an expression, so the number of identity providers is not known');
  });
});

describe('one resolution per stack (performance only, issue 15)', () => {
  /** Synthesize a compliant site; count the stack's toTerraform calls that resolve it. */
  function synthCounting(extraAspect?: IAspect) {
    const app = newApp();
    const stack = newStack(app);
    buildCompliantSite(stack);
    applyPolicyPack([stack], { today: TODAY });
    if (extraAspect) Aspects.of(stack).add(extraAspect);
    const spy = jest.spyOn(TerraformStack.prototype, 'toTerraform');
    try {
      app.synth();
      return { app, stack, resolutions: spy.mock.calls.length };
    } finally {
      spy.mockRestore();
    }
  }

  /** What a fresh resolution of the stack gives, as the synthesizer writes it (plain JSON). */
  const fresh = (stack: TerraformStack) => JSON.parse(JSON.stringify(stack.toTerraform()));

  test('the synthesizer writes the JSON the pack resolved and checked: one resolution, the same content as a fresh one', () => {
    // GIVEN the pack as the stack's only aspect WHEN synthesized
    const { app, stack, resolutions } = synthCounting();
    // THEN the stack was resolved once, and the file is what a fresh resolution gives
    expect(resolutions).toBe(1);
    expect(JSON.parse(fs.readFileSync(stackJsonPath(app, 'site'), 'utf8'))).toEqual(fresh(stack));
  });

  test('the hand-over is used once: a later toTerraform resolves afresh', () => {
    const { stack } = synthCounting();
    expect(Object.prototype.hasOwnProperty.call(stack, 'toTerraform')).toBe(false);
    const spy = jest.spyOn(TerraformStack.prototype, 'toTerraform');
    stack.toTerraform();
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  test('with another aspect on the stack (it may change the tree after the pack), the synthesizer resolves again', () => {
    const visited: string[] = [];
    const { app, stack, resolutions } = synthCounting({ visit: (node) => void visited.push(node.node.path) });
    expect(visited.length).toBeGreaterThan(1);
    expect(resolutions).toBe(2);
    expect(JSON.parse(fs.readFileSync(stackJsonPath(app, 'site'), 'utf8'))).toEqual(fresh(stack));
  });
});

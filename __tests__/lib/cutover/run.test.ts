/**
 * `npm run cutover` against a fake Cloudflare API on 127.0.0.1: the real client, orchestration, polling
 * and refusals; the deploy step is injected (it plays the stacks on the fake API) and the file write is
 * the real one on a copy of the example deployment file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CloudflareApi } from '../../../lib/cutover/cloudflare-api';
import { recordActiveSite } from '../../../lib/cutover/record';
import { CutoverOptions, cutoverSteps, describeDeploy, DeployCommand, runCutover } from '../../../lib/cutover/run';
import * as os from 'os';
import { parse, stringify } from 'yaml';
import { parseDeployment } from '../../../lib/config/load';
import { FakeCloudflare } from './fake-cloudflare';

const TOKEN = 'test-token-value';
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ZONE = 'fedcba9876543210fedcba9876543210';
const HOSTS = ['admin.example.com', 'api.example.com', 'labs.example.com', 'www.example.com'];
const STACKS = { standby: { variable: { activate_dns: { type: 'bool', default: false } } }, production: { variable: {} } };
const EXAMPLE = path.join(__dirname, '..', '..', '..', 'deployment.example.yaml');
// Light versions of __tests__/helpers.ts (which loads the whole app): the example as an object, validated like a file.
const exampleInput = (): Record<string, any> => parse(fs.readFileSync(EXAMPLE, 'utf8'));
const deploymentFrom = (input: Record<string, any>) => parseDeployment(stringify(input), 'test.yaml', { today: '2026-11-22' }).deployment;

interface Run {
  fake: FakeCloudflare;
  out: string[];
  err: string[];
  file: string;
  result?: Awaited<ReturnType<typeof runCutover>>;
}

let dir: string;
let fake: FakeCloudflare;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cutover-'));
});
afterEach(async () => {
  await fake?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Set up the fake API (records on `recordsOn`) and the file (sites.active: `active`), then run a cutover to `to`. */
async function cutover(
  to: 'primary' | 'standby',
  o: {
    active?: 'primary' | 'standby';
    recordsOn?: 'primary' | 'standby';
    keep?: boolean;
    apiToken?: string;
    before?: (f: FakeCloudflare) => void;
    options?: Partial<CutoverOptions>;
  } = {},
): Promise<Run> {
  const active = o.active ?? (to === 'standby' ? 'primary' : 'standby');
  const keep = o.keep ?? true;
  fake = new FakeCloudflare({ token: TOKEN, account: ACCOUNT, keepPrimaryConnector: keep, startupReads: 2 });
  fake.seed('example', () => ZONE, HOSTS, o.recordsOn ?? active);
  if (!keep && (o.recordsOn ?? active) === 'standby') fake.tunnel('primary').status = 'down';
  o.before?.(fake);
  await fake.start();
  const file = path.join(dir, 'deployment.yaml');
  fs.copyFileSync(EXAMPLE, file);
  if (active === 'standby') recordActiveSite(file, 'standby');
  const input = exampleInput();
  input.sites.active = active;
  input.sites.keep_primary_connector_on_cutover = keep;
  const run: Run = { fake, out: [], err: [], file };
  let clock = 0;
  run.result = await runCutover({
    deployment: deploymentFrom(input),
    file,
    to,
    stacks: STACKS,
    env: { CLOUDFLARE_API_TOKEN: TOKEN },
    api: new CloudflareApi({ token: o.apiToken ?? TOKEN, baseUrl: fake.url }),
    deploy: async (cmd: DeployCommand) => fake.deploy(cmd.stack, { ...cmd.variables }),
    recordActive: (role) => recordActiveSite(file, role),
    timeoutMs: 10_000,
    pollMs: 1_000,
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => clock,
    out: (l) => run.out.push(l),
    err: (l) => run.err.push(l),
    ...o.options,
  });
  return run;
}

const contents = (f: FakeCloudflare) => [...new Set(f.records.map((r) => r.content))];
const activeIn = (file: string) => /^ {2}active: (\w+)$/m.exec(fs.readFileSync(file, 'utf8'))?.[1];

describe('success', () => {
  test('to the standby (keep the primary on): start, poll until healthy, re-check, move DNS, verify, record', async () => {
    const r = await cutover('standby');
    expect(r.result).toEqual({ outcome: 'done', changed: true, exitCode: 0 });
    expect(r.err).toEqual([]);
    expect(r.fake.deploys).toEqual([
      { stack: 'standby', variables: { activate_dns: 'true' } },
      { stack: 'production', variables: { activate_dns: 'true' } },
    ]);
    expect(contents(r.fake)).toEqual([r.fake.cname('standby')]);
    expect(r.fake.tunnel('primary').status).toBe('healthy');
    // one progress line per poll: inactive twice, then healthy
    expect(r.out.filter((l) => l.includes('step 2/7: tunnel example-standby is'))).toEqual([
      'gatehouse cutover: step 2/7: tunnel example-standby is inactive (0s of 10s)',
      'gatehouse cutover: step 2/7: tunnel example-standby is inactive (1s of 10s)',
      'gatehouse cutover: step 2/7: tunnel example-standby is healthy (2s of 10s)',
    ]);
    expect(r.out).toContain('gatehouse cutover: step 5/7: all 4 public records point at example-standby-uuid.cfargotunnel.com');
    expect(r.out.at(-2)).toBe(
      `gatehouse cutover: step 7/7: recorded sites.active: standby in ${r.file}; commit it: git commit -m "cutover to standby" -- ${r.file}`,
    );
    // the file changed in exactly one line
    const before = fs.readFileSync(EXAMPLE, 'utf8').split('\n');
    const after = fs.readFileSync(r.file, 'utf8').split('\n');
    expect(after.filter((l) => !before.includes(l))).toEqual(['  active: standby']);
    expect(after.length).toBe(before.length + 1);
  });

  test('back to the primary (keep on): DNS moves first, then the standby connector stops', async () => {
    const r = await cutover('primary');
    expect(r.result?.outcome).toBe('done');
    expect(r.fake.deploys).toEqual([
      { stack: 'production', variables: { activate_dns: 'false' } },
      { stack: 'standby', variables: { activate_dns: 'false' } },
    ]);
    expect(r.out).toContain('gatehouse cutover: step 1/7: the primary connector never stopped (keep_primary_connector_on_cutover: true)');
    expect(contents(r.fake)).toEqual([r.fake.cname('primary')]);
    expect(r.fake.tunnel('standby').status).toBe('down');
    expect(activeIn(r.file)).toBe('primary');
  });

  test('keep_primary_connector_on_cutover: false, there and back: the primary runs while DNS moves and stops only after', async () => {
    const there = await cutover('standby', { keep: false });
    expect(there.result?.outcome).toBe('done');
    expect(there.fake.deploys).toEqual([
      { stack: 'standby', variables: { activate_dns: 'true' } },
      { stack: 'production', variables: { activate_dns: 'true', primary_connector_on: 'true' } },
      { stack: 'production', variables: { activate_dns: 'true', primary_connector_on: 'false' } },
    ]);
    expect(there.fake.tunnel('primary').status).toBe('down');
    await fake.stop();
    const back = await cutover('primary', { keep: false });
    expect(back.result?.outcome).toBe('done');
    expect(back.fake.deploys).toEqual([
      { stack: 'production', variables: { activate_dns: 'true', primary_connector_on: 'true' } },
      { stack: 'production', variables: { activate_dns: 'false', primary_connector_on: 'false' } },
      { stack: 'standby', variables: { activate_dns: 'false' } },
    ]);
    expect(back.out.filter((l) => l.includes('tunnel example-primary is inactive'))).toHaveLength(2);
    expect(contents(back.fake)).toEqual([back.fake.cname('primary')]);
    expect(activeIn(back.file)).toBe('primary');
  });
});

describe('the target tunnel', () => {
  test('times out waiting for health: refused, DNS never moved, the file unchanged', async () => {
    const r = await cutover('standby', { before: (f) => f.script.set('example-standby-uuid', Array(20).fill('down')) });
    expect(r.result).toEqual({ outcome: 'refused', changed: true, exitCode: 1 });
    expect(r.fake.deploys.map((d) => d.stack)).toEqual(['standby']);
    expect(contents(r.fake)).toEqual([r.fake.cname('primary')]);
    expect(r.err).toEqual([
      'gatehouse cutover: refused: tunnel example-standby is not healthy after 10s (status down); DNS was not moved. ' +
        'Check the standby host, then run this again (a deploy with no TF_VAR_* stops the standby connector again)',
    ]);
    expect(r.out.filter((l) => l.includes('step 2/7'))).toHaveLength(11);
    expect(activeIn(r.file)).toBeUndefined();
  });

  test('goes down between the poll and the DNS step: the re-check refuses before DNS moves', async () => {
    const r = await cutover('standby', { before: (f) => f.script.set('example-standby-uuid', ['healthy', 'down']) });
    expect(r.result?.outcome).toBe('refused');
    expect(r.fake.deploys.map((d) => d.stack)).toEqual(['standby']);
    expect(contents(r.fake)).toEqual([r.fake.cname('primary')]);
    expect(r.err).toEqual([
      'gatehouse cutover: refused: tunnel example-standby went down right before the DNS step; DNS was not moved. Check the standby host, then run this again',
    ]);
  });
});

describe('refusals: one line, before anything changes', () => {
  const refused = (r: Run) => {
    expect(r.result).toEqual({ outcome: 'refused', changed: false, exitCode: 1 });
    expect(r.err).toHaveLength(1);
    expect(r.fake.deploys).toEqual([]);
    expect(fs.readFileSync(r.file, 'utf8')).toBe(fs.readFileSync(EXAMPLE, 'utf8'));
    return r.err[0];
  };

  test('CLOUDFLARE_API_TOKEN missing', async () => {
    const r = await cutover('standby', { options: { env: {} } });
    expect(refused(r)).toBe('gatehouse cutover: refused: CLOUDFLARE_API_TOKEN is not set: the Cloudflare provider and the cutover read it (README: secrets)');
    expect(r.fake.requests).toEqual([]);
  });

  test('a sensitive variable without default that a deployed stack declares is missing (named, never its value)', async () => {
    const stacks = { ...STACKS, production: { variable: { worker_api_secret: { type: 'string', sensitive: true, nullable: false } } } };
    const r = await cutover('standby', { options: { stacks, env: { CLOUDFLARE_API_TOKEN: TOKEN, TF_VAR_other: 'x' } } });
    expect(refused(r)).toBe(
      'gatehouse cutover: refused: TF_VAR_worker_api_secret is not set: production declares the sensitive variable worker_api_secret with no default',
    );
  });

  test('the file and the live records disagree (an unrecorded override)', async () => {
    const r = await cutover('standby', { active: 'primary', recordsOn: 'standby' });
    expect(refused(r)).toBe(
      `gatehouse cutover: refused: ${r.file} records sites.active: primary but every public record points at the standby tunnel ` +
        `(a cutover or override that was not recorded): set sites.active: standby in ${r.file}, commit it, then run this again`,
    );
  });

  test('the records point at both tunnels', async () => {
    const r = await cutover('standby', { before: (f) => (f.records[1].content = f.cname('standby')) });
    expect(refused(r)).toBe(
      'gatehouse cutover: refused: the public records point at both tunnels (3 on primary, 1 on standby, e.g. api.example.com): ' +
        're-apply sites.active: primary with npx cdktf deploy production --ignore-missing-stack-dependencies, then run this again',
    );
  });

  test('a record points elsewhere, or does not exist', async () => {
    const foreign = await cutover('standby', { before: (f) => (f.records[3].content = 'elsewhere.example.net') });
    expect(refused(foreign)).toBe(
      "gatehouse cutover: refused: www.example.com points at elsewhere.example.net, which is neither site's tunnel: fix the record, then run this again",
    );
    await fake.stop();
    const missing = await cutover('standby', { before: (f) => f.records.splice(0, 1) });
    expect(refused(missing)).toBe(
      "gatehouse cutover: refused: admin.example.com has no CNAME record: deploy production first (npx cdktf deploy '*' records sites.active: primary)",
    );
  });

  test('a tunnel does not exist yet', async () => {
    const r = await cutover('standby', { before: (f) => f.tunnels.splice(1, 1) });
    expect(refused(r)).toBe("gatehouse cutover: refused: tunnel example-standby does not exist: deploy the stacks first (npx cdktf deploy '*')");
  });

  test('the API refuses the token: one line naming the call and the API error', async () => {
    const r = await cutover('standby', { apiToken: 'wrong-token' });
    expect(refused(r)).toBe(`gatehouse cutover: refused: GET /accounts/${ACCOUNT}/cfd_tunnel: HTTP 403: 10000 Authentication error`);
  });
});

describe('dry run and nothing to do', () => {
  test('--dry-run prints every step and changes nothing', async () => {
    const r = await cutover('standby', { keep: false, options: { dryRun: true } });
    expect(r.result).toEqual({ outcome: 'dry-run', changed: false, exitCode: 0 });
    expect(r.fake.deploys).toEqual([]);
    expect(r.fake.requests.every((q) => q.startsWith('GET '))).toBe(true);
    expect(r.out).toEqual([
      `gatehouse cutover: primary -> standby (example, ${r.file}), dry run: nothing will change`,
      '  1. start the standby connector (no traffic moves): TF_VAR_activate_dns=true npx cdktf deploy standby --ignore-missing-stack-dependencies --auto-approve',
      '  2. wait until tunnel example-standby is healthy (poll every 1s, timeout 10s)',
      '  3. re-check that tunnel example-standby is healthy right before DNS moves',
      '  4. move every public record to the standby tunnel: TF_VAR_activate_dns=true TF_VAR_primary_connector_on=true npx cdktf deploy production --ignore-missing-stack-dependencies --auto-approve',
      '  5. check that all 4 public records point at example-standby-uuid.cfargotunnel.com',
      '  6. stop the primary connector (keep_primary_connector_on_cutover: false): TF_VAR_activate_dns=true TF_VAR_primary_connector_on=false npx cdktf deploy production --ignore-missing-stack-dependencies --auto-approve',
      `  7. write sites.active: standby into ${r.file} (commit it)`,
    ]);
    expect(fs.readFileSync(r.file, 'utf8')).toBe(fs.readFileSync(EXAMPLE, 'utf8'));
  });

  test('already on the target: says so, changes nothing, exit 0', async () => {
    const r = await cutover('standby', { active: 'standby', recordsOn: 'standby' });
    expect(r.result).toEqual({ outcome: 'nothing-to-do', changed: false, exitCode: 0 });
    expect(r.out).toEqual(['gatehouse cutover: nothing to do: sites.active is standby and every public record points at the standby tunnel example-standby']);
  });
});

describe('failures part-way are one line that says what is left', () => {
  test('the DNS deploy fails: the standby connector runs, nothing is recorded', async () => {
    const r = await cutover('standby', {
      options: {
        deploy: async (cmd) => {
          if (cmd.stack === 'production') throw new Error('npx cdktf deploy production exited with 1');
          fake.deploy(cmd.stack, { ...cmd.variables });
        },
      },
    });
    expect(r.result).toEqual({ outcome: 'failed', changed: true, exitCode: 1 });
    expect(r.err).toEqual([
      'gatehouse cutover: failed: step 4/7 failed (npx cdktf deploy production exited with 1): the standby connector runs and DNS may have partly moved; run this again (the records\' health gate re-checks)',
    ]);
    expect(activeIn(r.file)).toBeUndefined();
  });
});

test('the steps never stop a connector before DNS has left it, and every deploy names every cutover variable', () => {
  for (const keep of [true, false]) {
    const input = exampleInput();
    input.sites.keep_primary_connector_on_cutover = keep;
    const d = deploymentFrom(input);
    for (const to of ['primary', 'standby'] as const) {
      const steps = cutoverSteps(d, to);
      const move = steps.findIndex((s) => s.kind === 'deploy' && s.phase === 'move');
      const stops = steps.flatMap((s, i) => (s.kind === 'deploy' && s.phase === 'stop' ? [i] : []));
      expect(stops.every((i) => i > move + 1)).toBe(true); // after the DNS step and its check
      expect(steps.findIndex((s) => s.kind === 'recheck-healthy')).toBe(move - 1);
      for (const s of steps) {
        if (s.kind !== 'deploy') continue;
        expect(Object.keys(s.command.variables)).toEqual(s.command.stack === 'production' && !keep ? ['activate_dns', 'primary_connector_on'] : ['activate_dns']);
        expect(describeDeploy(s.command)).toMatch(/npx cdktf deploy (standby|production) --ignore-missing-stack-dependencies --auto-approve$/);
      }
      expect(steps.at(-1)).toEqual({ kind: 'record', active: to });
    }
  }
});

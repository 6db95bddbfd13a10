/**
 * The split synth (lib/synth-jobs.ts, lib/tenants/jobs.ts): how a fleet is cut into jobs, and that
 * synthesizing in jobs writes exactly the bytes a synth in one process writes.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { SYNTH_ENV, synthDeployment, synthOptionsFromEnv } from '../../lib/synth-jobs';
import { COMPLIANCE_REPORT } from '../../lib/synth';
import { GatehouseError } from '../../lib/core/errors';
import { deploymentForReferences, deploymentForShards, planSynthJobs } from '../../lib/tenants/jobs';
import { planShards, shardOf } from '../../lib/tenants/plan';
import { deploymentFrom, fleetInput, synthToDir, tempDir, TODAY } from '../helpers';

/** A fleet with every kind of tenant: gated (with and without identity providers), disabled, pinned, named. */
function mixedFleetInput() {
  const input = fleetInput(16, 4);
  delete input.tenants.key_expires; // every tenant key then draws a policy warning: annotations and summary lines to merge
  const m = input.tenants.members;
  m[1] = { ...m[1], enabled: false, disabled_on: '2026-11-01' };
  m[2] = { ...m[2], access: { policies: ['allow-staff'] } };
  m[9] = { ...m[9], access: { policies: ['allow-staff'], idps: ['workspace'] } };
  m[12] = { ...m[12], access: { policies: ['allow-staff'] } };
  m[3] = { ...m[3], shard: 6 };
  m[4] = { ...m[4], subdomain: 'hub-four', rotation: 3 };
  return input;
}

const files = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();

describe('planSynthJobs', () => {
  const deployment = deploymentFrom(fleetInput(1000, 12));

  test('cuts the shards, in order, into ceil(tenants / size) jobs of about equal size, never splitting a shard', () => {
    const shards = planShards(deployment);
    const biggest = Math.max(...shards.map((s) => s.tenants.length));
    const jobs = planSynthJobs(deployment, 250);
    expect(jobs.flatMap((j) => j.stackIds)).toEqual(shards.map((s) => s.stackId));
    expect(jobs.map((j) => j.index)).toEqual([0, 1, 2, 3]);
    for (const j of jobs) {
      const tenants = shards.filter((s) => j.stackIds.includes(s.stackId)).reduce((n, s) => n + s.tenants.length, 0);
      expect(j.tenants).toBe(tenants);
      expect([j.stackIds, Math.abs(j.tenants - 250) <= biggest]).toEqual([j.stackIds, true]);
    }
  });

  test('a shard bigger than a job is a job of its own', () => {
    expect(planSynthJobs(deployment, 1).map((j) => j.stackIds)).toEqual(planShards(deployment).map((s) => [s.stackId]));
  });

  test('a fleet that fits one job is one job (synthesized in one process); no tenants, no job', () => {
    expect(planSynthJobs(deployment, 1000)).toHaveLength(1);
    expect(planSynthJobs(deploymentFrom(fleetInput(0)))).toEqual([]);
  });

  test('by default 1,000 tenants are two jobs, 5,000 ten', () => {
    expect(planSynthJobs(deployment).map((j) => j.tenants)).toEqual([expect.any(Number), expect.any(Number)]);
    const ids = Array.from({ length: 5000 }, (_, i) => ({ id: `tenant-${String(i).padStart(5, '0')}` }));
    const big = { tenants: { shard_count: 50, shard_budget: 1000, service: 'http://localhost:80', members: ids } } as never;
    expect(planSynthJobs(big)).toHaveLength(10);
  });

  test('fails if tenantsPerJob is not a positive integer', () => {
    expect(() => planSynthJobs(deployment, 0)).toThrow('tenantsPerJob must be an integer >= 1, got 0');
  });
});

describe('job deployments', () => {
  const deployment = deploymentFrom(mixedFleetInput());

  test("a job's deployment holds exactly the tenants of its shards, pinned ones included", () => {
    const d = deploymentForShards(deployment, ['tenants-1', 'tenants-6']);
    expect(d.tenants.members.map((t) => t.id)).toEqual(
      deployment.tenants.members.filter((t) => [1, 6].includes(shardOf(t, 4))).map((t) => t.id),
    );
    expect(d.tenants.members.map((t) => t.id)).toContain('tenant-00003');
    expect({ ...d, tenants: { ...d.tenants, members: [] } }).toEqual({ ...deployment, tenants: { ...deployment.tenants, members: [] } });
  });

  test('the main process keeps only the gated tenants', () => {
    expect(deploymentForReferences(deployment).tenants.members.map((t) => t.id)).toEqual(['tenant-00002', 'tenant-00009', 'tenant-00012']);
  });
});

describe('a split synth', () => {
  // GIVEN the mixed fleet, synthesized in one process (cdktf's app.synth, as the tests' helper does)
  // and in two jobs (each with gated tenants; the second with the pinned shard), run side by side
  const deployment = deploymentFrom(mixedFleetInput());
  const root = tempDir('gatehouse-split-');
  const whole = path.join(root, 'whole');
  const split = path.join(root, 'split');
  fs.mkdirSync(whole);
  const wholeReport = synthToDir(deployment, whole);
  fs.writeFileSync(path.join(whole, COMPLIANCE_REPORT), wholeReport.toJson());
  const lines: string[] = [];
  let splitReport: Awaited<ReturnType<typeof synthDeployment>>;
  beforeAll(async () => {
    // (a clock that stands still: whether progress is printed must not depend on the machine's speed)
    const progress = { now: () => 0, write: (l: string) => lines.push(l) };
    splitReport = await synthDeployment(deployment, { today: TODAY, outdir: split, concurrency: 2, tenantsPerJob: 8, progress });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('writes the same files, byte for byte: every stack, the report, the manifest', () => {
    expect(planSynthJobs(deployment, 8).map((j) => j.stackIds)).toEqual([
      ['tenants-0', 'tenants-1'],
      ['tenants-2', 'tenants-3', 'tenants-6'],
    ]);
    expect(files(split)).toEqual(files(whole));
    expect(files(split)).toEqual(expect.arrayContaining(['manifest.json', COMPLIANCE_REPORT, 'stacks/access/cdk.tf.json', 'stacks/tenants-6/cdk.tf.json']));
    // every file, the manifest too: annotations carry no stack traces (App stackTraces: false), so
    // nothing names the process that wrote them
    for (const f of files(whole)) {
      expect([f, fs.readFileSync(path.join(split, f)).equals(fs.readFileSync(path.join(whole, f)))]).toEqual([f, true]);
    }
    const manifest = fs.readFileSync(path.join(whole, 'manifest.json'), 'utf8');
    expect(manifest).toContain('"level": "@cdktf/warn"');
    expect(manifest).not.toContain('stacktrace');
  });

  test('the gated tenants still give access its cross-stack outputs, and the warnings reach the manifest and the summary', () => {
    const access = JSON.parse(fs.readFileSync(path.join(split, 'stacks', 'access', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(access.output).filter((k) => k.startsWith('cross-stack-output-cloudflare_zero_trust_access_policy')).length).toBeGreaterThan(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(split, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['tenants-0'].annotations.length).toBeGreaterThan(0);
    expect(splitReport.summary()).toEqual(wholeReport.summary());
    expect(splitReport.summary()[0]).toMatch(/ [1-9]\d* warnings/);
  });

  test('prints nothing for a synth this small and quick', () => {
    expect(lines).toEqual([]);
  });

  test('leaves no job or staging directory behind', () => {
    expect(fs.readdirSync(root).sort()).toEqual(['split', 'whole']);
    expect(fs.readdirSync(split).filter((e) => e.startsWith('.'))).toEqual([]);
  });
});

describe('synthOptionsFromEnv', () => {
  test('reads the job count and size', () => {
    expect(synthOptionsFromEnv({ [SYNTH_ENV.concurrency]: '0', [SYNTH_ENV.tenantsPerJob]: '200' })).toEqual({ concurrency: 0, tenantsPerJob: 200 });
    expect(synthOptionsFromEnv({})).toEqual({});
  });

  test('fails with one line per bad value', () => {
    let error: unknown;
    try {
      synthOptionsFromEnv({ [SYNTH_ENV.concurrency]: 'two', [SYNTH_ENV.tenantsPerJob]: '0' });
    } catch (e) {
      error = e;
    }
    expect((error as GatehouseError).lines()).toEqual([
      'environment: GATEHOUSE_SYNTH_JOBS: must be a whole number of jobs to run at once (0 synthesizes in one process) (got "two")',
      'environment: GATEHOUSE_SYNTH_TENANTS_PER_JOB: must be a whole number of tenants per job, at least 1 (got "0")',
    ]);
  });
});

describe('an interrupted split synth', () => {
  test('SIGTERM stops the jobs and leaves no staging directory and no output', async () => {
    // GIVEN a split synth (4 jobs, one at a time) from the command line
    const dir = tempDir('gatehouse-split-kill-');
    const file = path.join(dir, 'fleet.yaml');
    fs.writeFileSync(file, stringify(fleetInput(8, 4)));
    const outdir = path.join(dir, 'cdktf.out');
    const child = spawn(process.execPath, ['bin/synth.js'], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, GATEHOUSE_DEPLOYMENT: file, CDKTF_OUTDIR: outdir, GATEHOUSE_TODAY: TODAY, [SYNTH_ENV.concurrency]: '1', [SYNTH_ENV.tenantsPerJob]: '2' },
      stdio: 'ignore',
    });
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    try {
      // WHEN its first job is running (the jobs directory exists in the staging directory)
      const jobsDir = () => fs.readdirSync(dir).flatMap((e) => (e.startsWith('.cdktf.out-staging-') ? fs.readdirSync(path.join(dir, e)).filter((j) => j.startsWith('.jobs-')) : []));
      for (let i = 0; i < 200 && jobsDir().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(jobsDir()).toHaveLength(1);
      child.kill('SIGTERM');
      // THEN it ends by SIGTERM and leaves nothing: no staging, no jobs, no output (and nothing appears later)
      expect(await ended).toBe('SIGTERM');
      expect(fs.readdirSync(dir)).toEqual(['fleet.yaml']);
      await new Promise((r) => setTimeout(r, 300));
      expect(fs.readdirSync(dir)).toEqual(['fleet.yaml']);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

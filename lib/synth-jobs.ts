/**
 * Synthesizing a deployment: in this process, or, for a big tenant fleet, split into jobs (issue 15).
 *
 * One cdktf app keeps every construct and every token of every stack alive until the end of the
 * synth, so its heap, and with it the garbage collector's work per allocation, grows with the
 * fleet: 1,000 tenants took 12 s and 450 MB, 5,000 took 150 s and 2.4 GB. Split, each job is a
 * fresh `node` process (`scripts/synth-job.ts`) that builds `access` plus the tenants of a few
 * shard stacks (`lib/tenants/jobs.ts`) and writes only those shards; this process builds the other
 * stacks (plus the gated tenants, whose references give `access` its cross-stack outputs) and writes
 * them while the jobs run, then merges the jobs' manifest entries and policy findings. The output
 * is byte-identical to a synth in one process (a test compares the two).
 */
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as v8 from 'v8';
import { StackManifest, TerraformStack } from 'cdktf';
import { buildStacks, buildTenantShards, BuildOptions } from './app';
import { applyPolicyPack } from './checks/pack';
import { AccessStack } from '../stacks/access';
import type { ComplianceReport, Finding } from './checks/report';
import type { Deployment } from './config/schema';
import { DeploymentModel, modelOf, resolveModel } from './deployment/model';
import { GatehouseError, ProblemCollector } from './core/errors';
import { PROJECT_ROOT } from './core/paths';
import { synthApp, synthAtomically, SynthProgress, SynthProgressOptions, withStagingAsync, writeReport } from './synth';
import { DEFAULT_TENANTS_PER_JOB, deploymentForReferences, deploymentForShards, planSynthJobs, SynthJob } from './tenants/jobs';

/** Jobs that run at once by default: one per CPU, at most this many (each needs a few hundred MB). */
export const MAX_DEFAULT_CONCURRENCY = 4;

/** How `synthDeployment` synthesizes: where, how many jobs at once, how many tenants per job, and the progress lines. */
export interface SynthDeploymentOptions extends BuildOptions {
  /**
   * The output directory.
   * @default - `CDKTF_OUTDIR`, else `cdktf.out`
   */
  readonly outdir?: string;
  /**
   * Jobs that run at once; 0 synthesizes in this process whatever the fleet.
   * @default - the CPUs available, at most `MAX_DEFAULT_CONCURRENCY`
   */
  readonly concurrency?: number;
  /**
   * Tenants per job; a fleet that fits in one job is synthesized in this process.
   * @default DEFAULT_TENANTS_PER_JOB
   */
  readonly tenantsPerJob?: number;
  /**
   * Where progress lines go and the clock they use (`SynthProgress`).
   * @default - stderr, performance.now
   */
  readonly progress?: Omit<SynthProgressOptions, 'startedAt'>;
}

/** Environment variables that tune a synth (read by `synthOptionsFromEnv`). */
export const SYNTH_ENV = {
  /** Jobs that run at once; 0 synthesizes in one process. */
  concurrency: 'GATEHOUSE_SYNTH_JOBS',
  /** Tenants per job. */
  tenantsPerJob: 'GATEHOUSE_SYNTH_TENANTS_PER_JOB',
} as const;

/** `concurrency` and `tenantsPerJob` from the environment; one problem line per bad value. */
export function synthOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<SynthDeploymentOptions, 'concurrency' | 'tenantsPerJob'> {
  const problems = new ProblemCollector();
  const int = (name: string, min: number, what: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < min) {
      problems.add(name, `must be ${what}`, raw);
      return undefined;
    }
    return Number(raw);
  };
  const concurrency = int(SYNTH_ENV.concurrency, 0, 'a whole number of jobs to run at once (0 synthesizes in one process)');
  const tenantsPerJob = int(SYNTH_ENV.tenantsPerJob, 1, 'a whole number of tenants per job, at least 1');
  problems.throwIfAny('environment');
  return { ...(concurrency !== undefined ? { concurrency } : {}), ...(tenantsPerJob !== undefined ? { tenantsPerJob } : {}) };
}

/** What a job is given (`v8.serialize`d into a file whose path is the job's argument). */
interface JobInput {
  /** The validated deployment, `v8.serialize`d once for every job. */
  readonly deploymentFile: string;
  readonly stackIds: readonly string[];
  readonly outdir: string;
  readonly build: BuildOptions;
}

/** What a job leaves in `<outdir>/result.bin`. */
type JobResult =
  | { readonly ok: true; readonly findings: readonly Finding[] }
  | { readonly ok: false; readonly error: { readonly name: string; readonly message: string; readonly stack?: string; readonly problems?: unknown; readonly source?: string } };

const RESULT_FILE = 'result.bin';
/** A job announces each stack it wrote on stdout, one line each: this prefix and `<resources> <stack id>`. */
const PROGRESS_PREFIX = 'gatehouse-synth-job: wrote ';

/** Synthesize a deployment into its output directory, atomically; returns the policy report. */
export async function synthDeployment(input: Deployment | DeploymentModel, options: SynthDeploymentOptions = {}): Promise<ComplianceReport> {
  const progressOptions: SynthProgressOptions = { ...options.progress, startedAt: options.progress?.now ? options.progress.now() : performance.now() };
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const model = modelOf(input, options.today !== undefined ? { today: options.today } : {});
  const deployment = model.deployment;
  // Every process of a split synth checks dates against the same day.
  const build: BuildOptions = {
    today: model.today,
    ...(options.deploymentDir !== undefined ? { deploymentDir: options.deploymentDir } : {}),
  };
  const concurrency = options.concurrency ?? Math.min(os.availableParallelism(), MAX_DEFAULT_CONCURRENCY);
  const jobs = concurrency > 0 ? planSynthJobs(deployment, options.tenantsPerJob ?? DEFAULT_TENANTS_PER_JOB) : [];

  if (jobs.length < 2) {
    const report = synthAtomically((app) => buildStacks(app, model, build).report, outdir, progressOptions);
    return report as ComplianceReport;
  }

  // A signal stops the jobs, removes the staging directory, then ends this process as it would have.
  let caught: NodeJS.Signals | undefined;
  let cancelJobs: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    caught = signal;
    cancelJobs?.();
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    return await synthSplit(deployment, jobs, { outdir, build, concurrency, progress: progressOptions, setCancel: (c) => (cancelJobs = c) });
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
    if (caught) {
      process.kill(process.pid, caught);
      await new Promise(() => undefined); // the signal ends the process
    }
  }
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The split synth: the jobs in child processes, the other stacks here, then the merge. */
async function synthSplit(
  deployment: Deployment,
  jobs: readonly SynthJob[],
  o: {
    outdir: string;
    build: BuildOptions;
    concurrency: number;
    progress: SynthProgressOptions;
    setCancel: (cancel: () => void) => void;
  },
): Promise<ComplianceReport> {
  const { build, concurrency } = o;
  return withStagingAsync(o.outdir, async (staging) => {
    const jobStacks = new Set(jobs.flatMap((j) => j.stackIds));
    const jobsDir = fs.mkdtempSync(path.join(staging, '.jobs-'));
    try {
      const inputFile = path.join(jobsDir, 'deployment.bin');
      fs.writeFileSync(inputFile, v8.serialize(deployment));
      let progress: SynthProgress | undefined;
      const pending: Array<[string, number]> = [];
      const stackDone = (id: string, resources: number) => (progress ? progress.stackDone(id, resources) : pending.push([id, resources]));
      const running = runJobs(jobs, { concurrency, jobsDir, inputFile, build, onStack: stackDone });
      o.setCancel(running.cancel);

      // This process: every stack but the jobs' shards, while the jobs run.
      let parent: ReturnType<typeof synthApp>;
      try {
        parent = synthApp(
          staging,
          (app) => {
            const r = buildStacks(app, deploymentForReferences(deployment), build).report;
            const own = app.node.findAll().filter((c) => TerraformStack.isStack(c) && !jobStacks.has(c.node.id)).length;
            progress = new SynthProgress(own + jobStacks.size, o.progress);
            for (const [id, n] of pending.splice(0)) progress.stackDone(id, n);
            return r;
          },
          { only: (id) => !jobStacks.has(id), onStack: stackDone },
        );
      } catch (e) {
        running.cancel();
        await running.done.catch(() => undefined);
        throw e; // this process's stacks come first: their error is the one a whole-app synth reports
      }

      const results = await running.done;
      const failed = results.find((r) => !r.result.ok);
      if (failed) throw jobError(failed.job, failed.result);

      // Merge: the jobs' stack directories, manifest entries and findings.
      const report = parent.report as ComplianceReport;
      for (const { job, result } of results) {
        const dir = jobDir(jobsDir, job);
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { stacks: Record<string, StackManifest> };
        for (const id of job.stackIds) {
          fs.renameSync(path.join(dir, 'stacks', id), path.join(staging, 'stacks', id));
          parent.app.manifest.stacks[id] = manifest.stacks[id];
        }
        if (result.ok) for (const f of result.findings) report.add(f);
      }
      parent.app.manifest.writeToFile();
      progress?.finish();
      writeReport(staging, report);
      return report;
    } finally {
      fs.rmSync(jobsDir, { recursive: true, force: true });
    }
  });
}

const jobDir = (jobsDir: string, job: SynthJob) => path.join(jobsDir, `job-${job.index}`);

interface JobRun {
  /** Resolves with every job's result, in job order, once all have ended. */
  readonly done: Promise<Array<{ job: SynthJob; result: JobResult }>>;
  /** Stop: kill running jobs, start no more. */
  readonly cancel: () => void;
}

/** Call `onLine` with each complete line a stream writes (without its newline). */
function onLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
}

/** Run the jobs, `concurrency` at a time, as `node bin/synth.js scripts/synth-job.ts <input>`. */
function runJobs(
  jobs: readonly SynthJob[],
  ctx: { concurrency: number; jobsDir: string; inputFile: string; build: BuildOptions; onStack: (id: string, resources: number) => void },
): JobRun {
  const children = new Set<ChildProcess>();
  // `as boolean`: cancel() sets it while the workers await, which TypeScript's flow analysis cannot see
  let cancelled = false as boolean;
  const cancel = () => {
    cancelled = true;
    for (const c of children) c.kill('SIGTERM');
  };

  const runOne = (job: SynthJob): Promise<JobResult> =>
    new Promise((resolve) => {
      const dir = jobDir(ctx.jobsDir, job);
      fs.mkdirSync(dir);
      const inputFile = path.join(dir, 'input.bin');
      const input: JobInput = {
        deploymentFile: ctx.inputFile,
        stackIds: job.stackIds,
        outdir: dir,
        build: ctx.build,
      };
      fs.writeFileSync(inputFile, v8.serialize(input));
      const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'synth.js'), 'scripts/synth-job.ts', inputFile], {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      let stderr = '';
      onLines(child.stdout, (line) => {
        if (line.startsWith(PROGRESS_PREFIX)) {
          const [n, id] = line.slice(PROGRESS_PREFIX.length).split(' ');
          ctx.onStack(id, Number(n));
        } else {
          process.stdout.write(`${line}\n`);
        }
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.on('error', (e) => {
        children.delete(child);
        resolve({ ok: false, error: { name: 'Error', message: `synth job for ${job.stackIds.join(', ')} could not start: ${e.message}` } });
      });
      child.on('close', (code, signal) => {
        children.delete(child);
        const resultFile = path.join(dir, RESULT_FILE);
        if (fs.existsSync(resultFile)) {
          if (stderr) process.stderr.write(stderr);
          resolve(v8.deserialize(fs.readFileSync(resultFile)) as JobResult);
          return;
        }
        const why = signal ? `killed by ${signal}` : `exit status ${code}`;
        const tail = stderr.trim().split('\n').slice(-20).join('\n');
        resolve({ ok: false, error: { name: 'Error', message: `synth job for ${job.stackIds.join(', ')} failed (${why})${tail ? `:\n${tail}` : ''}` } });
      });
    });

  const done = (async () => {
    const results: Array<{ job: SynthJob; result: JobResult }> = [];
    let next = 0;
    const worker = async () => {
      while (!cancelled && next < jobs.length) {
        const job = jobs[next++];
        const result = await runOne(job);
        results.push({ job, result });
      }
    };
    await Promise.all(Array.from({ length: Math.min(ctx.concurrency, jobs.length) }, worker));
    if (cancelled) throw new Error('synth jobs cancelled');
    return results.sort((a, b) => a.job.index - b.job.index);
  })();
  return { done, cancel };
}

/** The error a failed job reports, rebuilt so that the command line prints it as a whole-app synth would. */
function jobError(job: SynthJob, result: JobResult): Error {
  if (result.ok) throw new Error('jobError: the job succeeded');
  const e = result.error;
  if (e.name === 'GatehouseError' && Array.isArray(e.problems)) return new GatehouseError(e.problems, e.source);
  const error = new Error(e.message);
  error.name = e.name;
  if (e.stack) error.stack = `${e.stack}\n    (in the synth job for ${job.stackIds.join(', ')})`;
  return error;
}

/**
 * One job, in its own process (`scripts/synth-job.ts <input file>`): build `access` and the given
 * shards' tenants, write those shards (their stack directories and manifest entries), and leave the
 * findings, or the error, in `result.bin`. Returns the exit status.
 */
export function runSynthJob(inputFile: string): number {
  const input = v8.deserialize(fs.readFileSync(inputFile)) as JobInput;
  const resultFile = path.join(input.outdir, RESULT_FILE);
  try {
    const deployment = v8.deserialize(fs.readFileSync(input.deploymentFile)) as Deployment;
    const wanted = new Set(input.stackIds);
    // `access` (the shards read its policies and identity providers) and this job's shards, nothing else
    const { report } = synthApp(
      input.outdir,
      (app) => {
        const m = resolveModel(deploymentForShards(deployment, input.stackIds), input.build.today !== undefined ? { today: input.build.today } : {});
        const access = new AccessStack(app, 'access', { model: m });
        const shards = buildTenantShards(app, m, access, wanted);
        return applyPolicyPack([access, ...shards.values()], input.build);
      },
      {
        only: (id) => wanted.has(id),
        onStack: (id, resources) => process.stdout.write(`${PROGRESS_PREFIX}${resources} ${id}\n`),
      },
    );
    const result: JobResult = { ok: true, findings: (report as ComplianceReport).findings };
    fs.writeFileSync(resultFile, v8.serialize(result));
    return 0;
  } catch (e) {
    // anything can be thrown: a non-Error has no name or message
    const err = e as Partial<Error> & { problems?: unknown; source?: string };
    const result: JobResult = {
      ok: false,
      error: {
        name: err.name ?? 'Error',
        message: err.message ?? String(e),
        ...(err.stack ? { stack: err.stack } : {}),
        ...(err instanceof GatehouseError ? { problems: err.problems, ...(err.source !== undefined ? { source: err.source } : {}) } : {}),
      },
    };
    fs.writeFileSync(resultFile, v8.serialize(result));
    return 1;
  }
}

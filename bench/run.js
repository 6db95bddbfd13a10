'use strict';
/**
 * `npm run bench`: wall time, CPU time and peak memory of a fresh synth, against the cost of merely
 * require()-ing the provider package roots, and how synth grows with routed hostnames and with the
 * tenant fleet. See bench/README.md. Plain CommonJS, no dependencies beyond the project's own;
 * nothing is written inside the repository.
 *
 * Speed goals are measured, never asserted: the process exits 0 whatever the ratios, and non-zero
 * only when a child fails (bad exit status, missing cdk.tf.json, failed scenario check) or the bench
 * is interrupted. An interrupted bench (SIGINT, SIGTERM, SIGHUP) stops its child and removes its work
 * directory before it exits.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { scenarios, ROOT, FAMILIES } = require('./scenarios');

/** @typedef {import('./scenarios').Scenario} Scenario */
/** @typedef {import('./scenarios').FleetStats} FleetStats */
/**
 * What one child is run as: a scenario, or a probe (`{ name, kind: 'node', args }`); a synth scenario
 * has its deployment file and output directory once prepared.
 * @typedef {Pick<Scenario, 'name' | 'kind' | 'args' | 'check' | 'stats'> & { deployment?: string, outdir?: string }} Runnable
 */
/**
 * A scenario prepared for its runs, with every measured run's figures and, at the end, their medians.
 * @typedef {Scenario & {
 *   deployment?: string, outdir?: string, warmups: number, runs: number,
 *   wallMs: number[], cpuMs: number[], rssKb: number[], treeRssKb: number[],
 *   medianWallMs: number, medianCpuMs: number, medianRssKb: number, medianTreeRssKb: number,
 *   ratioToProviderRoots: number | null, lastStats?: FleetStats,
 * }} Prepared
 */
/**
 * How a run is measured: the peak-RSS method, the preload file and the work directory.
 * @typedef {{ method: 'time' | 'preload', preload: string, workdir: string }} RunContext
 */
/**
 * One run's figures.
 * @typedef {{ wallMs: number, cpuMs: number, rssKb: number, treeRssKb: number, stats: FleetStats | undefined }} Measurement
 */

const USAGE = `usage: npm run bench [-- --only <family>[,<family>...]] [-- --help]

Times fresh child processes: a bare node, require() of the provider package roots, the app command
(node bin/synth.js) on the example, on generated deployments with 10, 100 and 1,000 routed
hostnames, and on tenant fleets of 100, 1,000 and 5,000 tenants. Prints two tables (wall time, CPU
time, peak RSS), then the goals with a verdict each, and writes the raw numbers as JSON to a temp
file. Goals are measured, never enforced.

  --only <families>   run only these scenario families: ${FAMILIES.join(', ')} (also BENCH_ONLY)
  --help, -h          print this and run nothing

environment:
  BENCH_ONLY           as --only
  BENCH_RUNS           measured runs per scenario (default 3); the tables show medians
  BENCH_WARMUP         untimed runs per scenario first (default 1)
  BENCH_FLEET_RUNS     measured runs per tenant fleet (default 1)
  BENCH_FLEET_WARMUP   untimed runs per tenant fleet first (default 0)
  BENCH_RSS            peak-RSS method: time or preload (default: auto)
  BENCH_KEEP=1         keep the temporary work directory
`;

// The synth scenarios run the project's own app command, read from cdktf.json ("node <args...>").
const APP_ARGS = (() => {
  const app = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdktf.json'), 'utf8')).app.split(/\s+/);
  if (app[0] !== 'node') throw new Error(`bench: cdktf.json app must start with node, got ${app.join(' ')}`);
  return app.slice(1);
})();

/**
 * The goals: a ratio of two scenarios' median wall times, at most `max`; or a peak RSS, at most
 * `maxMb`. A goal whose scenarios did not run is reported as n/a.
 * @type {Array<{ label: string, subject: string, reference: string, max: number }>}
 */
const RATIO_GOALS = [
  { label: 'example synth / provider-root require', subject: 'example', reference: 'provider-roots', max: 0.3 },
  { label: 'hostnames 1000 / hostnames 100', subject: 'fleet-1000', reference: 'fleet-100', max: 6 },
  { label: 'tenants 1000 / tenants 100', subject: 'tenants-1000', reference: 'tenants-100', max: 12 },
  { label: 'tenants 5000 / tenants 1000', subject: 'tenants-5000', reference: 'tenants-1000', max: 5.5 },
];
/** @type {Array<{ label: string, subject: string, measure: 'largest' | 'tree', maxMb: number }>} */
const RSS_GOALS = [
  // the peak RSS of the largest single process (ru_maxrss, as `/usr/bin/time %M` reports it)
  { label: 'peak RSS at 5000 tenants, largest process', subject: 'tenants-5000', measure: 'largest', maxMb: 1024 },
  // the run's whole process tree added up (a split synth runs jobs side by side), sampled
  { label: 'peak RSS at 5000 tenants, all processes together', subject: 'tenants-5000', measure: 'tree', maxMb: 1024 },
];
const TIME_BIN = '/usr/bin/time';
/** Every this many milliseconds the bench adds up the RSS of a synth's whole process tree (Linux /proc). */
const TREE_SAMPLE_MS = 100;

/** Loaded into every node process of a run (NODE_OPTIONS=-r) when /usr/bin/time is not usable. */
const PRELOAD_SOURCE = `'use strict';
// Records this process's peak RSS (kilobytes) and CPU time (ms) when it exits, one line per
// process. Loaded by bench/run.js through NODE_OPTIONS, so the synth's jobs record theirs too.
process.on('exit', () => {
  const u = process.resourceUsage();
  require('fs').appendFileSync(process.env.BENCH_MAXRSS_FILE, u.maxRSS + ' ' + Math.round((u.userCPUTime + u.systemCPUTime) / 1000) + '\\n');
});
`;

/**
 * An integer from the environment, at least `min`; `fallback` when unset or empty.
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 */
function envInt(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * The median (the mean of the middle two for an even count).
 * @param {number[]} values
 */
function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** @param {string} name */
function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * Command-line arguments: { help, only }; throws on anything else.
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} [env]
 */
function parseArgs(argv, env = process.env) {
  /** @type {{ help: boolean, only: string[] | undefined }} */
  const opts = { help: false, only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',').filter(Boolean) : undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') opts.help = true;
    else if (a === '--only') {
      if (i + 1 >= argv.length) throw new Error('--only needs a family');
      opts.only = argv[++i].split(',').filter(Boolean);
    } else if (a.startsWith('--only=')) opts.only = a.slice('--only='.length).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${JSON.stringify(a)}; see --help`);
  }
  for (const f of opts.only ?? []) if (!FAMILIES.includes(f)) throw new Error(`unknown family ${JSON.stringify(f)}; families: ${FAMILIES.join(', ')}`);
  return opts;
}

/**
 * Sum of the RSS (KB) of `pid` and its descendants, from /proc; undefined where there is no /proc.
 * @param {number} pid
 */
function treeRssKb(pid) {
  let entries;
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  /** @type {Map<number, number[]>} */
  const children = new Map();
  /** @type {Map<number, number>} */
  const rss = new Map();
  const page = 4; // KB; the statm unit on every Linux this runs on (x86-64, arm64 with 4 KB pages)
  for (const e of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(e));
      children.set(ppid, list);
      rss.set(Number(e), Number(fs.readFileSync(`/proc/${e}/statm`, 'utf8').split(' ')[1]) * page);
    } catch {
      // the process ended while we looked
    }
  }
  let sum = 0;
  const stack = [pid];
  for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
    sum += rss.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return sum;
}

/**
 * Peak RSS and CPU time of a child, measured one of two ways:
 *
 *  - `time` (preferred): `/usr/bin/time -o <file> -f '%M %U %S' node ...`. GNU time reads the rusage
 *    of its child from wait4(): the child's own and that of the processes it waited for (a split
 *    synth's jobs), so %M is the largest single process of the run and %U + %S the CPU of all.
 *  - `preload` (fallback): NODE_OPTIONS=-r <preload>, so that every node process of the run appends
 *    its own process.resourceUsage() (maxRSS, CPU) to a file on exit; the largest RSS and the summed
 *    CPU are kept.
 *
 * Auto mode probes /usr/bin/time on `node -e ""` and compares it with the preload: a missing
 * binary, a non-GNU time without -o/-f, or a disagreement beyond 2x (GNU time 1.7 reported 4x too
 * much) selects the preload. `apt-get install time` provides GNU time on Debian/Ubuntu.
 * @param {{ preload: string, workdir: string }} ctx
 * @returns {Promise<{ method: RunContext['method'], note: string }>}
 */
async function pickRssMethod(ctx) {
  const forced = process.env.BENCH_RSS;
  if (forced && forced !== 'time' && forced !== 'preload') throw new Error(`BENCH_RSS must be time or preload, got ${forced}`);
  if (forced === 'preload') return { method: 'preload', note: 'forced by BENCH_RSS' };
  /** @type {Runnable} */
  const probe = { name: 'rss probe', kind: 'node', args: ['-e', ''] };
  const viaPreload = (await runOnce(probe, { ...ctx, method: 'preload' })).rssKb;
  let viaTime;
  try {
    if (!fs.existsSync(TIME_BIN)) throw new Error(`${TIME_BIN} not found`);
    viaTime = (await runOnce(probe, { ...ctx, method: 'time' })).rssKb;
  } catch (e) {
    if (forced === 'time') throw e;
    return { method: 'preload', note: `${TIME_BIN} unusable (${/** @type {Error} */ (e).message.split('\n')[0]})` };
  }
  const ratio = viaTime / viaPreload;
  if (ratio < 0.5 || ratio > 2) {
    const why = `${TIME_BIN} says ${viaTime} KB, process.resourceUsage() says ${viaPreload} KB`;
    if (forced === 'time') return { method: 'time', note: `forced despite: ${why}` };
    return { method: 'preload', note: `${TIME_BIN} disagrees (${why})` };
  }
  return { method: 'time', note: `${TIME_BIN} -f %M (probe agrees with process.resourceUsage within ${ratio.toFixed(2)}x)` };
}

/**
 * The child that is running now, so that a signal can stop it.
 * @type {import('child_process').ChildProcess | undefined}
 */
let current;

/**
 * One fresh child: resolves { wallMs, cpuMs, rssKb, treeRssKb, stats }; rejects with the child's
 * output on any failure. `stats` is what the scenario's `stats(outdir)` returned after a passing
 * synth (else undefined); neither `check` nor `stats` is inside the measured wall time.
 * @param {Runnable} scenario
 * @param {RunContext} ctx
 * @returns {Promise<Measurement>}
 */
async function runOnce(scenario, ctx) {
  const rssFile = path.join(ctx.workdir, `maxrss-${process.pid}.txt`);
  fs.rmSync(rssFile, { force: true });
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, BENCH_MAXRSS_FILE: rssFile };
  let nodeArgs = scenario.args ?? [];
  const outdir = scenario.outdir ?? '';
  if (scenario.kind === 'synth') {
    if (!scenario.outdir || !scenario.deployment) throw new Error(`scenario ${scenario.name}: not prepared (no deployment or output directory)`);
    fs.rmSync(scenario.outdir, { recursive: true, force: true });
    env.GATEHOUSE_DEPLOYMENT = scenario.deployment;
    env.CDKTF_OUTDIR = scenario.outdir;
    nodeArgs = APP_ARGS;
  } else if (scenario.kind !== 'node') {
    throw new Error(`scenario ${scenario.name}: unknown kind ${scenario.kind}`);
  }
  if (ctx.method === 'preload') env.NODE_OPTIONS = `${env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ` : ''}-r ${ctx.preload}`;
  /** @type {[string, string[]]} */
  const [cmd, args] = ctx.method === 'time' ? [TIME_BIN, ['-o', rssFile, '-f', '%M %U %S', process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];

  /** @type {{ error?: Error, status?: number | null, signal?: NodeJS.Signals | null, stdout: string, stderr: string, wallMs?: number, peakTree?: number }} */
  const r = await new Promise((resolve) => {
    const start = process.hrtime.bigint();
    // its own process group, so that an interrupted bench can stop the whole tree
    const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    // -1 (no process) when the child could not start: its tree holds nothing
    let peakTree = treeRssKb(child.pid ?? -1);
    const sampler = setInterval(() => {
      const kb = treeRssKb(child.pid ?? -1);
      if (kb !== undefined) peakTree = Math.max(peakTree ?? 0, kb);
    }, TREE_SAMPLE_MS);
    child.on('error', (error) => {
      clearInterval(sampler);
      current = undefined;
      resolve({ error, stdout, stderr });
    });
    child.on('close', (status, signal) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      clearInterval(sampler);
      current = undefined;
      resolve({ status, signal, stdout, stderr, wallMs, peakTree });
    });
  });

  const fail = (/** @type {string} */ why) => {
    const tail = (/** @type {string} */ s) => (s || '').trim().split('\n').slice(-30).join('\n');
    const out = [tail(r.stdout) && `--- stdout (tail)\n${tail(r.stdout)}`, tail(r.stderr) && `--- stderr (tail)\n${tail(r.stderr)}`];
    return new Error([`scenario "${scenario.name}": ${why}`, `command: ${[cmd, ...args].join(' ')}`, ...out].filter(Boolean).join('\n'));
  };
  if (r.error) throw fail(`could not start: ${r.error.message}`);
  if (r.status !== 0) throw fail(r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`);
  if (scenario.kind === 'synth') {
    const tfJson = path.join(outdir, 'stacks', 'production', 'cdk.tf.json');
    if (!fs.existsSync(tfJson)) throw fail(`exit status 0 but ${tfJson} was not written`);
    if (scenario.check) {
      try {
        scenario.check(outdir, { stderr: r.stderr });
      } catch (e) {
        throw fail(`check failed: ${/** @type {Error} */ (e).message}`);
      }
    }
  }
  let stats;
  if (scenario.kind === 'synth' && scenario.stats) {
    try {
      stats = scenario.stats(outdir);
    } catch (e) {
      throw fail(`stats failed: ${/** @type {Error} */ (e).message}`);
    }
  }
  let rssKb = NaN;
  let cpuMs = NaN;
  if (fs.existsSync(rssFile)) {
    const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
    if (ctx.method === 'time') {
      // GNU time writes "Command exited with non-zero status" lines first; the format is the last line.
      const [m, u, s] = lines[lines.length - 1].split(' ').map(Number);
      rssKb = m;
      cpuMs = (u + s) * 1000;
    } else {
      const rows = lines.map((l) => l.split(' ').map(Number));
      rssKb = Math.max(...rows.map(([kb]) => kb));
      cpuMs = rows.reduce((sum, [, ms]) => sum + ms, 0);
    }
  }
  if (!Number.isFinite(rssKb) || rssKb <= 0) throw fail(`no peak RSS recorded (${ctx.method}) in ${rssFile}`);
  return { wallMs: r.wallMs ?? NaN, cpuMs, rssKb, treeRssKb: Math.max(r.peakTree ?? 0, rssKb), stats };
}

/**
 * A text table: the first column left-aligned, the others right-aligned.
 * @param {string[]} header
 * @param {string[][]} rows
 */
function formatTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (/** @type {string[]} */ cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const plural = (/** @type {number} */ n, /** @type {string} */ word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const mb = (/** @type {number} */ kb) => (kb / 1024).toFixed(1);

/**
 * Every goal's figure and verdict, from the scenarios that ran.
 * @param {Array<Pick<Prepared, 'id' | 'medianWallMs' | 'medianCpuMs' | 'medianRssKb' | 'medianTreeRssKb'>>} prepared
 */
function evaluateGoals(prepared) {
  const byId = new Map(prepared.map((s) => [s.id, s]));
  const ratios = RATIO_GOALS.map((g) => {
    const [s, r] = [byId.get(g.subject), byId.get(g.reference)];
    const value = s && r ? s.medianWallMs / r.medianWallMs : null;
    const cpu = s && r && Number.isFinite(s.medianCpuMs) && Number.isFinite(r.medianCpuMs) ? s.medianCpuMs / r.medianCpuMs : null;
    return { ...g, value, cpu, meets: value === null ? null : value <= g.max };
  });
  const rss = RSS_GOALS.map((g) => {
    const s = byId.get(g.subject);
    const value = s ? (g.measure === 'tree' ? s.medianTreeRssKb : s.medianRssKb) / 1024 : null;
    return { ...g, value, meets: value === null ? null : value <= g.maxMb };
  });
  return { ratios, rss };
}

/**
 * The goals' lines: each figure, then its verdict.
 * @param {ReturnType<typeof evaluateGoals>} goals
 */
function goalLines(goals) {
  const out = ['goals (median wall time ratios and peak RSS; measured, not enforced):'];
  for (const g of goals.ratios) {
    if (g.value === null) {
      out.push(`${g.label} = n/a (goal <= ${g.max}; scenario id ${g.subject} or ${g.reference} did not run)`);
      continue;
    }
    out.push(`${g.label} = ${g.value.toFixed(2)} (goal <= ${g.max})${g.cpu === null ? '' : `; cpu time ratio ${g.cpu.toFixed(2)}`}`);
    out.push(g.meets ? `verdict: ${g.value.toFixed(2)} <= ${g.max}: meets the goal` : `verdict: ${g.value.toFixed(2)} > ${g.max}: misses the goal (measured, not enforced)`);
  }
  for (const g of goals.rss) {
    if (g.value === null) {
      out.push(`${g.label} = n/a (goal <= ${g.maxMb} MB; scenario id ${g.subject} did not run)`);
      continue;
    }
    out.push(`${g.label} = ${g.value.toFixed(0)} MB (goal <= ${g.maxMb} MB)`);
    out.push(g.meets ? `verdict: ${g.value.toFixed(0)} MB <= ${g.maxMb} MB: meets the goal` : `verdict: ${g.value.toFixed(0)} MB > ${g.maxMb} MB: misses the goal (measured, not enforced)`);
  }
  return out;
}

/**
 * The bench; see USAGE.
 * @param {string[]} [argv]
 * @returns {Promise<void>}
 */
async function main(argv = process.argv.slice(2)) {
  const opts = parseArgs(argv);
  if (opts.help) {
    process.stdout.write(USAGE);
    return;
  }
  const runs = envInt('BENCH_RUNS', 3, 1);
  const warmups = envInt('BENCH_WARMUP', 1, 0);
  const fleetRuns = envInt('BENCH_FLEET_RUNS', 1, 1);
  const fleetWarmups = envInt('BENCH_FLEET_WARMUP', 0, 0);
  const keep = process.env.BENCH_KEEP === '1';
  const selected = scenarios.filter((s) => !opts.only || opts.only.includes(s.family));
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), `gatehouse-bench-${process.pid}-`));
  const log = (/** @type {string} */ msg) => process.stderr.write(`bench: ${msg}\n`);

  // An interrupted bench stops its child's whole process group, waits for it, removes the work
  // directory, then ends as the signal would have ended it.
  /** @type {NodeJS.Signals | undefined} */
  let interrupted;
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    if (interrupted) return;
    interrupted = signal;
    log(`${signal}: stopping`);
    const child = current;
    const finish = () => {
      if (!keep) fs.rmSync(workdir, { recursive: true, force: true });
      for (const s of SIGNALS) process.removeListener(s, onSignal);
      process.kill(process.pid, signal);
    };
    if (!child || child.exitCode !== null || child.signalCode !== null) return finish();
    const kill = (/** @type {NodeJS.Signals} */ sig) => {
      if (child.pid === undefined) return; // it never started
      try {
        process.kill(-child.pid, sig);
      } catch {
        // the group is gone
      }
    };
    child.once('close', () => {
      clearTimeout(hard);
      finish();
    });
    kill('SIGTERM');
    const hard = setTimeout(() => kill('SIGKILL'), 5000);
  };
  /** @type {NodeJS.Signals[]} */
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of SIGNALS) process.on(s, onSignal);
  const halted = () => new Promise(() => undefined); // the signal handler ends the process

  let ok = false;
  try {
    const preload = path.join(workdir, 'maxrss-preload.js');
    fs.writeFileSync(preload, PRELOAD_SOURCE);
    const rss = await pickRssMethod({ preload, workdir });
    /** @type {RunContext} */
    const ctx = { method: rss.method, preload, workdir };

    // Prepare: every synth scenario writes its deployment into its own directory.
    const prepared = selected.map((s, i) => {
      /** @type {Prepared} */
      const p = {
        ...s,
        wallMs: [],
        cpuMs: [],
        rssKb: [],
        treeRssKb: [],
        warmups: s.fleet ? fleetWarmups : warmups,
        runs: s.fleet ? fleetRuns : runs,
        // set once the runs are done
        medianWallMs: NaN,
        medianCpuMs: NaN,
        medianRssKb: NaN,
        medianTreeRssKb: NaN,
        ratioToProviderRoots: null,
      };
      if (s.kind === 'synth') {
        if (!p.makeDeployment) throw new Error(`scenario ${s.name}: a synth scenario needs makeDeployment`);
        const dir = path.join(workdir, `${String(i).padStart(2, '0')}-${slug(s.name)}`);
        fs.mkdirSync(dir, { recursive: true });
        // Called on the copy, so a scenario may record facts about its deployment on `this`.
        p.deployment = path.resolve(p.makeDeployment(dir));
        p.outdir = path.join(dir, 'cdktf.out');
      }
      return p;
    });

    const fleetCount = prepared.filter((s) => s.fleet).length;
    log(
      `${prepared.length - fleetCount} scenarios x (${warmups} warm-up + ${runs} measured), ` +
        `${fleetCount} tenant fleets x (${fleetWarmups} warm-up + ${fleetRuns} measured)` +
        `${opts.only ? ` (families: ${opts.only.join(', ')})` : ''}; peak RSS via ${rss.method}; work dir ${workdir}`,
    );
    // Round-robin, so that drift on a shared machine spreads over every scenario alike. Every
    // scenario does its warm-ups in the first rounds, then its measured runs; rounds go on until the
    // scenario with the most runs is done.
    const rounds = Math.max(0, ...prepared.map((s) => s.warmups + s.runs));
    for (let round = 0; round < rounds; round++) {
      const active = prepared.filter((s) => round < s.warmups + s.runs);
      log(`round ${round + 1}/${rounds}: ${plural(active.length, 'scenario')}`);
      for (const s of active) {
        const warm = round < s.warmups;
        const t0 = Date.now();
        let m;
        try {
          m = await runOnce(s, ctx);
        } catch (e) {
          if (interrupted) return halted();
          throw e;
        }
        if (interrupted) return halted();
        if (s.fleet) {
          log(`  ${s.name}${warm ? ' (warm-up)' : ''}: ${(m.wallMs / 1000).toFixed(1)} s, ${(m.rssKb / 1024).toFixed(0)} MB (${((Date.now() - t0) / 1000).toFixed(1)} s with checks)`);
        }
        // kept beside the scenario's stats() (which the next run calls again), not over it
        if (m.stats !== undefined) s.lastStats = m.stats;
        if (!warm) {
          s.wallMs.push(m.wallMs);
          s.cpuMs.push(m.cpuMs);
          s.rssKb.push(m.rssKb);
          s.treeRssKb.push(m.treeRssKb);
        }
      }
    }

    for (const s of prepared) {
      s.medianWallMs = median(s.wallMs);
      s.medianCpuMs = median(s.cpuMs);
      s.medianRssKb = median(s.rssKb);
      s.medianTreeRssKb = median(s.treeRssKb);
    }
    const ref = prepared.find((s) => s.id === 'provider-roots');
    for (const s of prepared) s.ratioToProviderRoots = ref ? s.medianWallMs / ref.medianWallMs : null;

    const core = prepared.filter((s) => !s.fleet);
    const fleets = prepared.filter((s) => s.fleet);
    const out = [];
    out.push(`gatehouse bench: node ${process.version}, ${os.cpus().length} cpu, median of ${plural(runs, 'run')} (after ${warmups} warm-up), fresh child each run`);
    out.push(`peak RSS: ${rss.note}; cpu = user + system of the run's processes; RSS all = the run's whole process tree, added up every ${TREE_SAMPLE_MS} ms`);
    if (core.length) {
      out.push('');
      out.push(
        formatTable(
          ['scenario', 'wall ms', 'min-max ms', 'cpu ms', 'peak RSS MB', 'RSS all MB', 'x roots (wall)'],
          core.map((s) => [
            s.name,
            s.medianWallMs.toFixed(0),
            `${Math.min(...s.wallMs).toFixed(0)}-${Math.max(...s.wallMs).toFixed(0)}`,
            s.medianCpuMs.toFixed(0),
            mb(s.medianRssKb),
            mb(s.medianTreeRssKb),
            s.ratioToProviderRoots === null ? 'n/a' : s.ratioToProviderRoots.toFixed(2),
          ]),
        ),
      );
    }

    if (fleets.length) {
      const f1 = (/** @type {number} */ v) => v.toFixed(1);
      const fleetRows = fleets.map((s) => {
        const st = s.lastStats;
        const has = st?.resourcesPerShard !== undefined;
        return [
          s.name,
          String(s.tenants ?? st?.tenants ?? '?'),
          s.medianWallMs.toFixed(0),
          `${Math.min(...s.wallMs).toFixed(0)}-${Math.max(...s.wallMs).toFixed(0)}`,
          s.medianCpuMs.toFixed(0),
          mb(s.medianRssKb),
          mb(s.medianTreeRssKb),
          st && has ? String(st.shardStacks) : 'n/a',
          st && has ? `${st.resourcesPerShard.max} / ${f1(st.resourcesPerShard.mean)}` : 'n/a',
          st && has ? `${st.refreshCallsPerShard.max} / ${f1(st.refreshCallsPerShard.mean)}` : 'n/a',
          st && has ? String(st.shardBudget) : 'n/a',
          st && has ? (st.withinBudget ? 'yes' : 'NO') : 'n/a',
        ];
      });
      out.push('');
      out.push(
        `tenant fleets: median of ${plural(fleetRuns, 'run')} (after ${fleetWarmups} warm-up); shards = tenants-<n> stacks; ` +
          'per shard: resources = resource + data entries, calls = estimated refresh API calls (cloudflare_* resources + data sources)',
      );
      out.push('');
      out.push(
        formatTable(
          ['scenario', 'tenants', 'wall ms', 'min-max ms', 'cpu ms', 'peak RSS MB', 'RSS all MB', 'shards', 'resources/shard max / mean', 'calls/shard max / mean', 'budget', 'within budget'],
          fleetRows,
        ),
      );
      const over = fleets.filter((s) => s.lastStats && !s.lastStats.withinBudget);
      out.push('');
      out.push(
        over.length
          ? `shard budget: ${over.map((s) => s.name).join(', ')} ha${over.length === 1 ? 's' : 've'} a shard over its budget (measured, not enforced)`
          : 'shard budget: every shard of every fleet is within tenants.shard_budget',
      );
    }

    const goals = evaluateGoals(prepared);
    out.push('');
    out.push(...goalLines(goals));

    const resultsFile = path.join(os.tmpdir(), `gatehouse-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    /** @param {string} label a RATIO_GOALS label */
    const ratio = (label) => {
      const goal = goals.ratios.find((g) => g.label === label);
      if (!goal) throw new Error(`bench: no goal ${label}`);
      return goal;
    };
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      families: opts.only ?? FAMILIES,
      runs,
      warmups,
      fleetRuns,
      fleetWarmups,
      rssMethod: rss.method,
      rssNote: rss.note,
      goals,
      exampleOverProviderRoots: ratio('example synth / provider-root require').value,
      meetsGoal: ratio('example synth / provider-root require').meets,
      tenants1000OverTenants100: ratio('tenants 1000 / tenants 100').value,
      meetsFleetGoal: ratio('tenants 1000 / tenants 100').meets,
      scenarios: prepared.map((s) => ({
        name: s.name,
        id: s.id ?? null,
        family: s.family,
        kind: s.kind,
        command: s.kind === 'synth' ? ['node', ...APP_ARGS] : ['node', ...(s.args ?? [])],
        wallMs: s.wallMs.map((v) => Math.round(v * 10) / 10),
        cpuMs: s.cpuMs,
        peakRssKb: s.rssKb,
        treeRssKb: s.treeRssKb,
        medianWallMs: Math.round(s.medianWallMs * 10) / 10,
        medianCpuMs: s.medianCpuMs,
        medianPeakRssKb: s.medianRssKb,
        medianTreeRssKb: s.medianTreeRssKb,
        ratioToProviderRoots: s.ratioToProviderRoots,
        ...(s.fleet ? { fleet: true, tenants: s.tenants ?? null, fleetStats: s.lastStats ?? null } : {}),
      })),
    };
    fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    out.push(`results: ${resultsFile}`);
    process.stdout.write(`${out.join('\n')}\n`);
    ok = true;
  } finally {
    if (!interrupted) {
      for (const s of SIGNALS) process.removeListener(s, onSignal);
      if (ok && !keep) fs.rmSync(workdir, { recursive: true, force: true });
      else log(`work directory kept: ${workdir}`);
    }
  }
}

module.exports = { main, runOnce, pickRssMethod, median, parseArgs, evaluateGoals, goalLines, treeRssKb, USAGE, RATIO_GOALS, RSS_GOALS };

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`bench: FAILED: ${/** @type {Error} */ (e).message}\n`);
    process.exitCode = 1;
  });
}

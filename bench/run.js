'use strict';
/**
 * `npm run bench`: wall time and peak RSS of a fresh synth, against the cost of merely
 * require()-ing the provider package roots. See bench/README.md. Plain CommonJS, no dependencies
 * beyond the project's own; nothing is written inside the repository.
 *
 * Environment:
 *   BENCH_RUNS    measured runs per scenario (default 3); the table shows medians
 *   BENCH_WARMUP  untimed runs of every scenario first (default 1: primes the page cache
 *                 and validates every generated deployment before any timing)
 *   BENCH_FLEET_RUNS    measured runs of each tenant-fleet scenario (`fleet: true`; default 1:
 *                       5,000 tenants take minutes per run on 2 CPUs)
 *   BENCH_FLEET_WARMUP  untimed runs of each tenant-fleet scenario first (default 0; the page cache
 *                       is already primed by the other scenarios' warm-up, which load the same modules)
 *   BENCH_RSS     force the peak-RSS method: `time` or `preload` (default: auto, see pickRssMethod)
 *   BENCH_KEEP=1  keep the temporary work directory (deployments and synth output)
 *
 * Speed goals are measured, never asserted: the process exits 0 whatever the ratio, and non-zero
 * only when a child fails (bad exit status, missing cdk.tf.json, failed scenario check).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

// The synth scenarios run the project's own app command, read from cdktf.json ("node <args...>").
const APP_ARGS = (() => {
  const app = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdktf.json'), 'utf8')).app.split(/\s+/);
  if (app[0] !== 'node') throw new Error(`bench: cdktf.json app must start with node, got ${app.join(' ')}`);
  return app.slice(1);
})();
const { spawnSync } = require('child_process');
const { scenarios, ROOT } = require('./scenarios');

/** The project goal: an example synth costs at most this fraction of requiring both provider roots. */
const GOAL_RATIO = 0.3;
const REFERENCE_ID = 'provider-roots';
const SUMMARY_ID = 'example';
/** Tenant-fleet scaling goal: 10x the tenants costs at most this many times the synth wall time. */
const FLEET_GOAL_RATIO = 12;
const FLEET_SMALL_ID = 'tenants-100';
const FLEET_LARGE_ID = 'tenants-1000';
const TIME_BIN = '/usr/bin/time';

/** Written into the work directory; loaded with `node -r` when /usr/bin/time is not usable. */
const PRELOAD_SOURCE = `'use strict';
// Records this process's peak RSS (kilobytes) when it exits. Loaded by bench/run.js with -r.
process.on('exit', () => {
  require('fs').writeFileSync(process.env.BENCH_MAXRSS_FILE, String(process.resourceUsage().maxRSS));
});
`;

function envInt(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * Peak RSS of a child, measured one of two ways:
 *
 *  - `time` (preferred): `/usr/bin/time -o <file> -f %M node ...`. GNU time reads ru_maxrss from
 *    wait4(), i.e. from outside the child: it sees the whole process until its very end, however it
 *    exits, and needs nothing inside the child. `-o` keeps the number apart from the child's stderr.
 *  - `preload` (fallback): `node -r <preload> ...`, where the preload writes
 *    process.resourceUsage().maxRSS on 'exit'. Same kernel counter, read from inside; the command
 *    under test stays otherwise identical (a `node -e` wrapper that requires main.ts would add
 *    its own code and change module loading, so it is not used).
 *
 * Auto mode probes /usr/bin/time on `node -e ""` and compares it with the preload: a missing
 * binary, a non-GNU time without -o/-f, or a disagreement beyond 2x (GNU time 1.7 reported 4x too
 * much) selects the preload. `apt-get install time` provides GNU time on Debian/Ubuntu.
 */
function pickRssMethod(workdir, preload) {
  const forced = process.env.BENCH_RSS;
  if (forced && forced !== 'time' && forced !== 'preload') throw new Error(`BENCH_RSS must be time or preload, got ${forced}`);
  if (forced === 'preload') return { method: 'preload', note: 'forced by BENCH_RSS' };
  const probe = { name: 'rss probe', kind: 'node', args: ['-e', ''] };
  const viaPreload = runOnce(probe, { method: 'preload', preload, workdir }).rssKb;
  let viaTime;
  try {
    if (!fs.existsSync(TIME_BIN)) throw new Error(`${TIME_BIN} not found`);
    viaTime = runOnce(probe, { method: 'time', preload, workdir }).rssKb;
  } catch (e) {
    if (forced === 'time') throw e;
    return { method: 'preload', note: `${TIME_BIN} unusable (${e.message.split('\n')[0]})` };
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
 * One fresh child: returns { wallMs, rssKb, stats }; throws with the child's output on any failure.
 * `stats` is what the scenario's `stats(outdir)` returned after a passing synth (else undefined);
 * neither `check` nor `stats` is inside the measured wall time.
 */
function runOnce(scenario, ctx) {
  const rssFile = path.join(ctx.workdir, `maxrss-${process.pid}.txt`);
  fs.rmSync(rssFile, { force: true });
  const env = { ...process.env, BENCH_MAXRSS_FILE: rssFile };
  let nodeArgs = scenario.args;
  if (scenario.kind === 'synth') {
    fs.rmSync(scenario.outdir, { recursive: true, force: true });
    env.GATEHOUSE_DEPLOYMENT = scenario.deployment;
    env.CDKTF_OUTDIR = scenario.outdir;
    nodeArgs = APP_ARGS;
  } else if (scenario.kind !== 'node') {
    throw new Error(`scenario ${scenario.name}: unknown kind ${scenario.kind}`);
  }
  const [cmd, args] =
    ctx.method === 'time'
      ? [TIME_BIN, ['-o', rssFile, '-f', '%M', process.execPath, ...nodeArgs]]
      : [process.execPath, ['-r', ctx.preload, ...nodeArgs]];

  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;

  const fail = (why) => {
    const tail = (s) => (s || '').trim().split('\n').slice(-30).join('\n');
    const out = [tail(r.stdout) && `--- stdout (tail)\n${tail(r.stdout)}`, tail(r.stderr) && `--- stderr (tail)\n${tail(r.stderr)}`];
    return new Error([`scenario "${scenario.name}": ${why}`, `command: ${[cmd, ...args].join(' ')}`, ...out].filter(Boolean).join('\n'));
  };
  if (r.error) throw fail(`could not start: ${r.error.message}`);
  if (r.status !== 0) throw fail(r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`);
  if (scenario.kind === 'synth') {
    const tfJson = path.join(scenario.outdir, 'stacks', 'production', 'cdk.tf.json');
    if (!fs.existsSync(tfJson)) throw fail(`exit status 0 but ${tfJson} was not written`);
    if (scenario.check) {
      try {
        scenario.check(scenario.outdir);
      } catch (e) {
        throw fail(`check failed: ${e.message}`);
      }
    }
  }
  let stats;
  if (scenario.kind === 'synth' && scenario.stats) {
    try {
      stats = scenario.stats(scenario.outdir);
    } catch (e) {
      throw fail(`stats failed: ${e.message}`);
    }
  }
  let rssKb = NaN;
  if (fs.existsSync(rssFile)) {
    // GNU time writes "Command exited with non-zero status" lines first; %M is the last line.
    const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
    rssKb = Number(lines[lines.length - 1]);
  }
  if (!Number.isFinite(rssKb) || rssKb <= 0) throw fail(`no peak RSS recorded (${ctx.method}) in ${rssFile}`);
  return { wallMs, rssKb, stats };
}

function formatTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function main() {
  const runs = envInt('BENCH_RUNS', 3, 1);
  const warmups = envInt('BENCH_WARMUP', 1, 0);
  const fleetRuns = envInt('BENCH_FLEET_RUNS', 1, 1);
  const fleetWarmups = envInt('BENCH_FLEET_WARMUP', 0, 0);
  const keep = process.env.BENCH_KEEP === '1';
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-'));
  let ok = false;
  try {
    const preload = path.join(workdir, 'maxrss-preload.js');
    fs.writeFileSync(preload, PRELOAD_SOURCE);
    const rss = pickRssMethod(workdir, preload);
    const ctx = { method: rss.method, preload, workdir };

    // Prepare: every synth scenario writes its deployment into its own directory.
    const prepared = scenarios.map((s, i) => {
      const p = { ...s, wallMs: [], rssKb: [] };
      p.warmups = s.fleet ? fleetWarmups : warmups;
      p.runs = s.fleet ? fleetRuns : runs;
      if (s.kind === 'synth') {
        const dir = path.join(workdir, `${String(i).padStart(2, '0')}-${slug(s.name)}`);
        fs.mkdirSync(dir, { recursive: true });
        // Called on the copy, so a scenario may record facts about its deployment on `this`.
        p.deployment = path.resolve(p.makeDeployment(dir));
        p.outdir = path.join(dir, 'cdktf.out');
      }
      return p;
    });

    const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
    const fleetCount = prepared.filter((s) => s.fleet).length;
    log(
      `${prepared.length - fleetCount} scenarios x (${warmups} warm-up + ${runs} measured), ` +
        `${fleetCount} tenant fleets x (${fleetWarmups} warm-up + ${fleetRuns} measured); peak RSS via ${rss.method}; work dir ${workdir}`,
    );
    // Round-robin, so that drift on a shared machine spreads over every scenario alike. Every
    // scenario does its warm-ups in the first rounds, then its measured runs; rounds go on until the
    // scenario with the most runs is done.
    const rounds = Math.max(...prepared.map((s) => s.warmups + s.runs));
    for (let round = 0; round < rounds; round++) {
      const active = prepared.filter((s) => round < s.warmups + s.runs);
      log(`round ${round + 1}/${rounds}: ${active.length} scenario${active.length === 1 ? '' : 's'}`);
      for (const s of active) {
        const warm = round < s.warmups;
        const t0 = Date.now();
        const m = runOnce(s, ctx);
        if (s.fleet) log(`  ${s.name}${warm ? ' (warm-up)' : ''}: ${(m.wallMs / 1000).toFixed(1)} s, ${(m.rssKb / 1024).toFixed(0)} MB (${((Date.now() - t0) / 1000).toFixed(1)} s with checks)`);
        if (m.stats !== undefined) s.stats = m.stats;
        if (!warm) {
          s.wallMs.push(m.wallMs);
          s.rssKb.push(m.rssKb);
        }
      }
    }

    for (const s of prepared) {
      s.medianWallMs = median(s.wallMs);
      s.medianRssKb = median(s.rssKb);
    }
    const ref = prepared.find((s) => s.id === REFERENCE_ID);
    const summary = prepared.find((s) => s.id === SUMMARY_ID);
    for (const s of prepared) s.ratioToProviderRoots = ref ? s.medianWallMs / ref.medianWallMs : null;

    const core = prepared.filter((s) => !s.fleet);
    const fleets = prepared.filter((s) => s.fleet);
    const rows = core.map((s) => [
      s.name,
      s.medianWallMs.toFixed(0),
      `${Math.min(...s.wallMs).toFixed(0)}-${Math.max(...s.wallMs).toFixed(0)}`,
      (s.medianRssKb / 1024).toFixed(1),
      s.ratioToProviderRoots === null ? 'n/a' : s.ratioToProviderRoots.toFixed(2),
    ]);
    const out = [];
    out.push(`gatehouse bench: node ${process.version}, ${os.cpus().length} cpu, median of ${plural(runs, 'run')} (after ${warmups} warm-up), fresh child each run`);
    out.push(`peak RSS: ${rss.note}`);
    out.push('');
    out.push(formatTable(['scenario', 'wall ms', 'min-max ms', 'peak RSS MB', 'x roots (wall)'], rows));
    out.push('');
    const ratio = ref && summary ? summary.medianWallMs / ref.medianWallMs : null;
    if (ratio === null) {
      out.push(`example synth / provider-root require = n/a (scenario id ${SUMMARY_ID} or ${REFERENCE_ID} missing)`);
    } else {
      out.push(`example synth / provider-root require = ${ratio.toFixed(2)}`);
      out.push(
        ratio <= GOAL_RATIO
          ? `verdict: ${ratio.toFixed(2)} <= ${GOAL_RATIO}: meets the project goal`
          : `verdict: ${ratio.toFixed(2)} > ${GOAL_RATIO}: misses the project goal (measured, not enforced)`,
      );
    }

    let fleetRatio = null;
    if (fleets.length) {
      const f1 = (v) => v.toFixed(1);
      const fleetRows = fleets.map((s) => {
        const st = s.stats || {};
        const has = st.resourcesPerShard !== undefined;
        return [
          s.name,
          String(s.tenants ?? st.tenants ?? '?'),
          s.medianWallMs.toFixed(0),
          `${Math.min(...s.wallMs).toFixed(0)}-${Math.max(...s.wallMs).toFixed(0)}`,
          (s.medianRssKb / 1024).toFixed(1),
          has ? String(st.shardStacks) : 'n/a',
          has ? `${st.resourcesPerShard.max} / ${f1(st.resourcesPerShard.mean)}` : 'n/a',
          has ? `${st.refreshCallsPerShard.max} / ${f1(st.refreshCallsPerShard.mean)}` : 'n/a',
          has ? String(st.shardBudget) : 'n/a',
          has ? (st.withinBudget ? 'yes' : 'NO') : 'n/a',
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
          ['scenario', 'tenants', 'wall ms', 'min-max ms', 'peak RSS MB', 'shards', 'resources/shard max / mean', 'calls/shard max / mean', 'budget', 'within budget'],
          fleetRows,
        ),
      );
      out.push('');
      const small = fleets.find((s) => s.id === FLEET_SMALL_ID);
      const large = fleets.find((s) => s.id === FLEET_LARGE_ID);
      if (!small || !large) {
        out.push(`tenants 1000 / tenants 100 = n/a (goal <= ${FLEET_GOAL_RATIO}; scenario id ${FLEET_SMALL_ID} or ${FLEET_LARGE_ID} missing)`);
      } else {
        fleetRatio = large.medianWallMs / small.medianWallMs;
        out.push(`tenants 1000 / tenants 100 = ${fleetRatio.toFixed(2)} (goal <= ${FLEET_GOAL_RATIO})`);
        out.push(
          fleetRatio <= FLEET_GOAL_RATIO
            ? `verdict: ${fleetRatio.toFixed(2)} <= ${FLEET_GOAL_RATIO}: meets the tenant scaling goal`
            : `verdict: ${fleetRatio.toFixed(2)} > ${FLEET_GOAL_RATIO}: misses the tenant scaling goal (measured, not enforced)`,
        );
      }
      const over = fleets.filter((s) => s.stats && !s.stats.withinBudget);
      out.push(
        over.length
          ? `shard budget: ${over.map((s) => s.name).join(', ')} ha${over.length === 1 ? 's' : 've'} a shard over its budget (measured, not enforced)`
          : 'shard budget: every shard of every fleet is within tenants.shard_budget',
      );
    }

    const resultsFile = path.join(os.tmpdir(), `gatehouse-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      runs,
      warmups,
      fleetRuns,
      fleetWarmups,
      rssMethod: rss.method,
      rssNote: rss.note,
      goal: { ratio: GOAL_RATIO, reference: REFERENCE_ID, subject: SUMMARY_ID },
      exampleOverProviderRoots: ratio,
      meetsGoal: ratio === null ? null : ratio <= GOAL_RATIO,
      fleetGoal: { ratio: FLEET_GOAL_RATIO, reference: FLEET_SMALL_ID, subject: FLEET_LARGE_ID },
      tenants1000OverTenants100: fleetRatio,
      meetsFleetGoal: fleetRatio === null ? null : fleetRatio <= FLEET_GOAL_RATIO,
      scenarios: prepared.map((s) => ({
        name: s.name,
        id: s.id ?? null,
        kind: s.kind,
        command: s.kind === 'synth' ? ['node', ...APP_ARGS] : ['node', ...s.args],
        wallMs: s.wallMs.map((v) => Math.round(v * 10) / 10),
        peakRssKb: s.rssKb,
        medianWallMs: Math.round(s.medianWallMs * 10) / 10,
        medianPeakRssKb: s.medianRssKb,
        ratioToProviderRoots: s.ratioToProviderRoots,
        ...(s.fleet ? { fleet: true, tenants: s.tenants ?? null, fleetStats: s.stats ?? null } : {}),
      })),
    };
    fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    out.push(`results: ${resultsFile}`);
    process.stdout.write(`${out.join('\n')}\n`);
    ok = true;
  } finally {
    if (ok && !keep) fs.rmSync(workdir, { recursive: true, force: true });
    else process.stderr.write(`bench: work directory kept: ${workdir}\n`);
  }
}

module.exports = { scenarios, main, runOnce, pickRssMethod, median };

if (require.main === module) {
  try {
    main();
  } catch (e) {
    process.stderr.write(`bench: FAILED: ${e.message}\n`);
    process.exitCode = 1;
  }
}

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

/** One fresh child: returns { wallMs, rssKb }; throws with the child's output on any failure. */
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
  let rssKb = NaN;
  if (fs.existsSync(rssFile)) {
    // GNU time writes "Command exited with non-zero status" lines first; %M is the last line.
    const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
    rssKb = Number(lines[lines.length - 1]);
  }
  if (!Number.isFinite(rssKb) || rssKb <= 0) throw fail(`no peak RSS recorded (${ctx.method}) in ${rssFile}`);
  return { wallMs, rssKb };
}

function formatTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function main() {
  const runs = envInt('BENCH_RUNS', 3, 1);
  const warmups = envInt('BENCH_WARMUP', 1, 0);
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
      if (s.kind === 'synth') {
        const dir = path.join(workdir, `${String(i).padStart(2, '0')}-${slug(s.name)}`);
        fs.mkdirSync(dir, { recursive: true });
        p.deployment = path.resolve(s.makeDeployment(dir));
        p.outdir = path.join(dir, 'cdktf.out');
      }
      return p;
    });

    const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
    log(`${prepared.length} scenarios, ${warmups} warm-up + ${runs} measured runs each, peak RSS via ${rss.method}; work dir ${workdir}`);
    // Round-robin, so that drift on a shared machine spreads over every scenario alike.
    for (let round = 0; round < warmups + runs; round++) {
      const warm = round < warmups;
      log(warm ? `warm-up ${round + 1}/${warmups}` : `run ${round - warmups + 1}/${runs}`);
      for (const s of prepared) {
        const m = runOnce(s, ctx);
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

    const rows = prepared.map((s) => [
      s.name,
      s.medianWallMs.toFixed(0),
      `${Math.min(...s.wallMs).toFixed(0)}-${Math.max(...s.wallMs).toFixed(0)}`,
      (s.medianRssKb / 1024).toFixed(1),
      s.ratioToProviderRoots === null ? 'n/a' : s.ratioToProviderRoots.toFixed(2),
    ]);
    const out = [];
    out.push(`gatehouse bench: node ${process.version}, ${os.cpus().length} cpu, median of ${runs} run${runs === 1 ? '' : 's'} (after ${warmups} warm-up), fresh child each run`);
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

    const resultsFile = path.join(os.tmpdir(), `gatehouse-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      runs,
      warmups,
      rssMethod: rss.method,
      rssNote: rss.note,
      goal: { ratio: GOAL_RATIO, reference: REFERENCE_ID, subject: SUMMARY_ID },
      exampleOverProviderRoots: ratio,
      meetsGoal: ratio === null ? null : ratio <= GOAL_RATIO,
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

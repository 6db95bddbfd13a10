'use strict';
/**
 * `node bench/synth-hashes.js`: synthesizes a fixed set of deployments with the real app command
 * (`node bin/synth.js`, as `cdktf synth` runs it) and prints the sha256 of every file written
 * (manifest.json, every stack's cdk.tf.json, the compliance report), plus the policy summary the
 * synth printed on stderr. Two runs of the same code print the same lines; a change that claims
 * "output unchanged" (performance work) must print the same lines before and after.
 *
 *   node bench/synth-hashes.js [--quick] [--only <set>[,<set>...]] [--out <file>] [--check <file>] [--against <git rev>]
 *
 *   --quick          skip the big sets (1,000 hostnames, 1,000 and 5,000 tenants)
 *   --only a,b       only these sets (names as printed, e.g. tenants-1000)
 *   --out <file>     also write the lines to <file>
 *   --check <file>   compare with lines written earlier by --out; exit 1 on any difference
 *   --against <rev>  synthesize the same sets with the code of a git revision (`git archive` into
 *                    a temporary directory, sharing this checkout's node_modules) and compare;
 *                    exit 1 on any difference
 *   --help           print this and exit
 *
 * Every synth pins GATEHOUSE_TODAY, so the expiry rules see the same day. Progress lines
 * (`synth <stack> (<i>/<n>) ...` and the final `synth: ...` line, printed only by big synths) are
 * left out of the stderr hash: they carry timings. Nothing is written inside the repository.
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { fleetDeployment, tenantFleetDeployment, writeDeployment, ROOT } = require('./scenarios');

const TODAY = '2026-11-22';
const USAGE = fs
  .readFileSync(__filename, 'utf8')
  .split('\n')
  .slice(2, 22)
  .map((l) => l.replace(/^ \* ?|^\/\*\*/, ''))
  .join('\n');

/**
 * A representative mixed fleet: disabled, gated, pinned and custom-subdomain tenants across 4 shards.
 * @param {number} count at least 5
 */
function mixedFleet(count) {
  const { deployment } = tenantFleetDeployment(count, 4);
  const m = deployment.tenants?.members ?? [];
  Object.assign(m[1], { enabled: false, disabled_on: '2026-11-01' });
  Object.assign(m[2], { access: { policies: ['allow-staff'] } });
  Object.assign(m[3], { shard: 6 });
  Object.assign(m[4], { subdomain: 'hub-four', rotation: 3 });
  return deployment;
}

/**
 * A set: its name, and `make(dir)`, which writes (or names) its deployment file and returns the path;
 * `big` sets are skipped by --quick.
 * @typedef {{ name: string, big?: boolean, make: (dir: string) => string }} HashSet
 */
/** @type {HashSet[]} */
const SETS = [
  { name: 'example', make: () => path.join(ROOT, 'deployment.example.yaml') },
  ...fs
    .readdirSync(path.join(ROOT, 'examples'))
    .filter((e) => fs.existsSync(path.join(ROOT, 'examples', e, 'deployment.yaml')))
    .sort()
    .map((e) => ({ name: `examples-${e}`, make: () => path.join(ROOT, 'examples', e, 'deployment.yaml') })),
  { name: 'hostnames-100', make: (dir) => writeDeployment(dir, 'd.yaml', fleetDeployment(100).deployment) },
  { name: 'tenants-mixed-60', make: (dir) => writeDeployment(dir, 'd.yaml', mixedFleet(60)) },
  { name: 'tenants-100', make: (dir) => writeDeployment(dir, 'd.yaml', tenantFleetDeployment(100).deployment) },
  { name: 'hostnames-1000', big: true, make: (dir) => writeDeployment(dir, 'd.yaml', fleetDeployment(1000).deployment) },
  { name: 'tenants-1000', big: true, make: (dir) => writeDeployment(dir, 'd.yaml', tenantFleetDeployment(1000).deployment) },
  { name: 'tenants-5000', big: true, make: (dir) => writeDeployment(dir, 'd.yaml', tenantFleetDeployment(5000).deployment) },
];

const PROGRESS_LINE = /^synth( |:)/;

/**
 * Every file under `dir` (recursively), as sorted paths relative to it.
 * @param {string} dir
 * @param {string} [rel]
 * @returns {string[]}
 */
function filesUnder(dir, rel = '') {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]))
    .sort();
}

const sha256 = (/** @type {string | Buffer} */ data) => crypto.createHash('sha256').update(data).digest('hex');

/**
 * Synthesize every selected set with the code in `root`; returns the hash lines.
 * @param {string} root
 * @param {HashSet[]} sets
 * @param {string} workdir
 * @param {(message: string) => void} log
 */
function hashLines(root, sets, workdir, log) {
  /** @type {string[]} */
  const lines = [];
  for (const set of sets) {
    const dir = fs.mkdtempSync(path.join(workdir, `${set.name}-`));
    const file = set.make(dir);
    const outdir = path.join(dir, 'cdktf.out');
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['bin/synth.js'], {
      cwd: root,
      env: { ...process.env, GATEHOUSE_DEPLOYMENT: file, CDKTF_OUTDIR: outdir, GATEHOUSE_TODAY: TODAY },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`${set.name}: synth failed (${r.signal ?? `exit ${r.status}`})\n${(r.stderr || '').trim().split('\n').slice(-20).join('\n')}`);
    log(`${set.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const f of filesUnder(outdir)) lines.push(`${sha256(fs.readFileSync(path.join(outdir, f)))}  ${set.name}/${f}`);
    const stderr = r.stderr
      .split('\n')
      .filter((l) => !PROGRESS_LINE.test(l))
      .join('\n');
    lines.push(`${sha256(stderr)}  ${set.name}/(stderr without progress lines)`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

/**
 * Whether two lists of hash lines hold the same lines; prints the difference on stderr.
 * @param {string[]} expected
 * @param {string[]} actual
 * @param {string} what the name of the expected side, for the messages
 */
function compare(expected, actual, what) {
  const a = new Set(expected);
  const b = new Set(actual);
  const missing = expected.filter((l) => !b.has(l));
  const extra = actual.filter((l) => !a.has(l));
  if (!missing.length && !extra.length) {
    process.stderr.write(`synth-hashes: identical to ${what} (${actual.length} files)\n`);
    return true;
  }
  for (const l of missing) process.stderr.write(`- ${l}\n`);
  for (const l of extra) process.stderr.write(`+ ${l}\n`);
  process.stderr.write(`synth-hashes: DIFFERENT from ${what}: ${missing.length} lines missing, ${extra.length} new\n`);
  return false;
}

/**
 * The command line (see the top of this file); throws on anything else.
 * @param {string[]} argv
 */
function parseArgs(argv) {
  /** @type {{ quick: boolean, help?: boolean, only?: string[], out?: string, check?: string, against?: string }} */
  const opts = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--help' || a === '-h') opts.help = true;
    else if (a === '--quick') opts.quick = true;
    else if (a === '--only') opts.only = value().split(',').filter(Boolean);
    else if (a === '--out') opts.out = value();
    else if (a === '--check') opts.check = value();
    else if (a === '--against') opts.against = value();
    else throw new Error(`unknown argument ${a}; see --help`);
  }
  return opts;
}

/**
 * The command; returns the exit status.
 * @param {string[]} argv
 */
function main(argv) {
  const opts = parseArgs(argv);
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const names = new Set(SETS.map((s) => s.name));
  for (const n of opts.only ?? []) if (!names.has(n)) throw new Error(`--only: no set ${n}; sets: ${[...names].join(', ')}`);
  const sets = SETS.filter((s) => (opts.only ? opts.only.includes(s.name) : !(opts.quick && s.big)));
  const log = (/** @type {string} */ m) => process.stderr.write(`synth-hashes: ${m}\n`);
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-hashes-'));
  const cleanup = () => fs.rmSync(workdir, { recursive: true, force: true });
  const onSignal = (/** @type {NodeJS.Signals} */ sig) => {
    cleanup();
    process.kill(process.pid, sig);
  };
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, onSignal);
  try {
    const lines = hashLines(ROOT, sets, workdir, log);
    process.stdout.write(`${lines.join('\n')}\n`);
    if (opts.out) fs.writeFileSync(opts.out, `${lines.join('\n')}\n`);
    let same = true;
    if (opts.check) {
      const expected = fs.readFileSync(opts.check, 'utf8').split('\n').filter(Boolean);
      const chosen = new Set(sets.map((s) => s.name));
      same = compare(expected.filter((l) => chosen.has(l.split('  ')[1].split('/')[0])), lines, opts.check) && same;
    }
    if (opts.against) {
      const tree = path.join(workdir, 'against');
      fs.mkdirSync(tree);
      const archive = spawnSync('sh', ['-c', 'git archive "$1" | tar -x -C "$2"', 'sh', opts.against, tree], { cwd: ROOT, encoding: 'utf8' });
      if (archive.status !== 0) throw new Error(`git archive ${opts.against}: ${archive.stderr.trim()}`);
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
      log(`synthesizing with ${opts.against} in ${tree}`);
      const before = hashLines(tree, sets, workdir, log);
      same = compare(before, lines, opts.against) && same;
    }
    return same ? 0 : 1;
  } finally {
    cleanup();
  }
}

module.exports = { SETS, mixedFleet, hashLines };

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`synth-hashes: ${/** @type {Error} */ (e).message}\n`);
    process.exitCode = 2;
  }
}

/**
 * The bench (bench/run.js, bench/scenarios.js) without timing anything: its command line, its goal
 * verdicts, its progress check, and that an interrupted bench leaves no temporary directory.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import * as bench from '../../bench/run.js';
import { checkProgress, FAMILIES, scenarios } from '../../bench/scenarios.js';

const ROOT = path.join(__dirname, '..', '..');
const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const workDirsOf = (pid: number) => fs.readdirSync(os.tmpdir()).filter((e) => e.startsWith(`gatehouse-bench-${pid}-`));

describe('command line', () => {
  test('--help prints the usage and runs nothing', () => {
    const r = spawnSync(process.execPath, ['bench/run.js', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(bench.USAGE);
    expect(r.stdout).toMatch(/^usage: npm run bench/);
    expect(r.stdout).toContain('--only <families>');
    expect(workDirsOf(r.pid!)).toEqual([]);
  });

  test('--only and BENCH_ONLY pick families; every scenario has one', () => {
    expect(bench.parseArgs(['--only', 'tenants'], {})).toEqual({ help: false, only: ['tenants'] });
    expect(bench.parseArgs(['--only=core,hostnames'], {})).toEqual({ help: false, only: ['core', 'hostnames'] });
    expect(bench.parseArgs([], { BENCH_ONLY: 'tenants' })).toEqual({ help: false, only: ['tenants'] });
    expect(bench.parseArgs([], {})).toEqual({ help: false, only: undefined });
    for (const s of scenarios) expect([s.name, FAMILIES.includes(s.family)]).toEqual([s.name, true]);
    expect(new Set(scenarios.map((s) => s.family))).toEqual(new Set(FAMILIES));
  });

  test('fails on an unknown family or argument, and runs nothing', () => {
    expect(() => bench.parseArgs(['--only', 'tenant'], {})).toThrow('unknown family "tenant"; families: core, hostnames, tenants');
    expect(() => bench.parseArgs(['--fast'], {})).toThrow('unknown argument "--fast"; see --help');
    const r = spawnSync(process.execPath, ['bench/run.js', '--only', 'nope'], { cwd: ROOT, encoding: 'utf8' });
    expect([r.status, r.stdout, r.stderr]).toEqual([1, '', 'bench: FAILED: unknown family "nope"; families: core, hostnames, tenants\n']);
    expect(workDirsOf(r.pid!)).toEqual([]);
  });
});

describe('an interrupted bench', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)('%s while a synth runs: the child stops and no temporary directory is left', async (signal) => {
    // GIVEN a bench that has started its first synth (the hostname family: 10 hostnames first)
    const child = spawn(process.execPath, ['bench/run.js', '--only', 'hostnames'], {
      cwd: ROOT,
      env: { ...process.env, BENCH_RUNS: '1', BENCH_WARMUP: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const workdir = await new Promise<string>((resolve, reject) => {
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        const m = /work dir (\S+)\n[\s\S]*round 1\//.exec(stderr);
        if (m) resolve(m[1]);
      });
      child.on('close', () => reject(new Error(`the bench ended before its first round:\n${stderr}`)));
    });
    expect(fs.existsSync(workdir)).toBe(true);
    // WHEN it is interrupted
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, sig) => resolve({ code, signal: sig })));
    child.kill(signal);
    const end = await ended;
    // THEN it ends by that signal, its work directory is gone, and stays gone (no synth left writing)
    expect(end).toEqual({ code: null, signal });
    expect(stderr).toContain(`bench: ${signal}: stopping`);
    expect(fs.existsSync(workdir)).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.existsSync(workdir)).toBe(false);
    expect(workDirsOf(child.pid!)).toEqual([]);
  });
});

describe('goals', () => {
  const scenario = (id: string, wall: number, rssMb = 100, treeMb = rssMb) => ({ id, medianWallMs: wall, medianCpuMs: wall / 2, medianRssKb: rssMb * 1024, medianTreeRssKb: treeMb * 1024 });

  test('a ratio of median wall times and the peak RSS, each with a verdict', () => {
    const goals = bench.evaluateGoals([
      scenario('example', 300),
      scenario('provider-roots', 1000),
      scenario('fleet-100', 1000),
      scenario('fleet-1000', 7000),
      scenario('tenants-100', 1000),
      scenario('tenants-1000', 6000),
      scenario('tenants-5000', 30000, 500, 1100),
    ]);
    const byLabel = Object.fromEntries(goals.ratios.map((g) => [g.label, [g.value, g.meets]]));
    expect(byLabel).toEqual({
      'example synth / provider-root require': [0.3, true],
      'hostnames 1000 / hostnames 100': [7, false],
      'tenants 1000 / tenants 100': [6, true],
      'tenants 5000 / tenants 1000': [5, true],
    });
    // peak RSS: the largest process, and every process of the run together
    expect(goals.rss.map((g) => [g.label, g.value, g.meets])).toEqual([
      ['peak RSS at 5000 tenants, largest process', 500, true],
      ['peak RSS at 5000 tenants, all processes together', 1100, false],
    ]);
    const lines = bench.goalLines(goals);
    expect(lines).toContain('tenants 5000 / tenants 1000 = 5.00 (goal <= 5.5); cpu time ratio 5.00');
    expect(lines).toContain('verdict: 7.00 > 6: misses the goal (measured, not enforced)');
    expect(lines).toContain('peak RSS at 5000 tenants, all processes together = 1100 MB (goal <= 1024 MB)');
    expect(lines).toContain('verdict: 1100 MB > 1024 MB: misses the goal (measured, not enforced)');
  });

  test('a goal whose scenarios did not run is n/a', () => {
    const goals = bench.evaluateGoals([scenario('tenants-1000', 6000)]);
    expect(goals.ratios.every((g) => g.value === null && g.meets === null)).toBe(true);
    expect(bench.goalLines(goals)).toContain('tenants 5000 / tenants 1000 = n/a (goal <= 5.5; scenario id tenants-5000 or tenants-1000 did not run)');
  });
});

describe('the progress check of the tenant fleets', () => {
  /** An output directory with these stack directories. */
  const outdir = (ids: string[]) => {
    const dir = tempDir('gatehouse-progress-');
    for (const id of ids) fs.mkdirSync(path.join(dir, 'stacks', id), { recursive: true });
    return dir;
  };
  const fleet = ['access', 'standby', 'production', ...Array.from({ length: 50 }, (_, i) => `tenants-${i}`)];
  const lines = (ids: string[]) => [...ids.map((id, i) => `synth ${id} (${i + 1}/${ids.length}) 1,000 resources`), `synth: ${ids.length} stacks, 50,012 resources in 31.4 s`];

  test('a 50-shard fleet must print one line per stack, counted in order, and the total', () => {
    const dir = outdir(fleet);
    try {
      expect(() => checkProgress(dir, `${lines(fleet).join('\n')}\ngatehouse policy pack: ...\n`)).not.toThrow();
      expect(() => checkProgress(dir, '')).toThrow('progress: 0 per-stack lines for 53 stacks (more than 10 stacks: one line each expected)');
      expect(() => checkProgress(dir, lines(fleet).slice(1).join('\n'))).toThrow('progress: 52 per-stack lines for 53 stacks');
      expect(() => checkProgress(dir, lines(fleet).slice(0, -1).join('\n'))).toThrow('progress: no final line "synth: 53 stacks, ... in <s> s"');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a small, quick fleet prints nothing, and that passes', () => {
    const dir = outdir(['access', 'standby', 'production', 'tenants-0']);
    try {
      expect(() => checkProgress(dir, 'gatehouse policy pack: ...\n')).not.toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

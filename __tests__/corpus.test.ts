/**
 * The bad-input corpus: every file under fixtures/invalid must fail with its own `# expect:` line
 * (exactly, one line, no stack trace, nothing written); every file under fixtures/valid sits at a
 * limit and must synthesize cleanly; every file under fixtures/warn must synthesize and print its
 * `# expect:` lines. The whole pipeline runs: load, validate, build, policy pack, synth.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildStacks } from '../lib/app';
import { loadDeployment } from '../lib/config/load';
import { runCli } from '../lib/core/cli';
import { synthAtomically } from '../lib/synth';
import { tempDir, TODAY } from './helpers';

const FIXTURES = path.join(__dirname, 'fixtures');
const files = (dir: string) =>
  fs.readdirSync(path.join(FIXTURES, dir)).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join('__tests__', 'fixtures', dir, f));
const expectations = (file: string) =>
  [...fs.readFileSync(file, 'utf8').matchAll(/^# expect: (.*)$/gm)].map((m) => m[1].replace('{file}', file));

/** Run the synth the way main.ts does, capturing stderr lines. */
function synth(file: string) {
  const out = tempDir();
  const outdir = path.join(out, 'cdktf.out');
  const lines: string[] = [];
  const stderr = (line: string) => lines.push(...line.split('\n'));
  const status = runCli(() => {
    const { deployment, warnings } = loadDeployment(file, { today: TODAY });
    warnings.forEach((w) => stderr(`gatehouse: warning: ${w}`));
    const report = synthAtomically((app) => buildStacks(app, deployment, { today: TODAY }).report, outdir);
    report?.summary().forEach(stderr);
  }, stderr);
  const wrote = fs.existsSync(outdir);
  fs.rmSync(out, { recursive: true, force: true });
  return { status, lines, wrote };
}

const invalid = files('invalid');

test('the corpus holds at least 40 invalid files, each with exactly one expected line', () => {
  expect(invalid.length).toBeGreaterThanOrEqual(40);
  for (const f of invalid) expect([f, expectations(f).length]).toEqual([f, 1]);
});

describe('fails with its own line', () => {
  test.each(invalid)('%s', (file) => {
    const [expected] = expectations(file);
    const { status, lines, wrote } = synth(file);
    expect(status).toBe(1);
    // one mistake, one line: the expected one, and no symptom of it
    expect(lines).toEqual(['gatehouse: 1 problem; nothing was synthesized', `  ${expected}`]);
    expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
    expect(wrote).toBe(false);
  });
});

describe('sits exactly at a limit and synthesizes cleanly', () => {
  test.each(files('valid'))('%s', (file) => {
    const { status, lines } = synth(file);
    expect(status).toBe(0);
    expect(lines.filter((l) => /warning|error/.test(l) && !/ 0 errors, 0 warnings/.test(l))).toEqual([]);
  });
});

describe('synthesizes with a warning', () => {
  test.each(files('warn'))('%s', (file) => {
    const { status, lines } = synth(file);
    expect(status).toBe(0);
    for (const expected of expectations(file)) expect(lines.some((l) => l.includes(expected))).toBe(true);
  });
});

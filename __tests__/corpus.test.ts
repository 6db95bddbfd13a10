/**
 * The bad-input corpus: every file under fixtures/invalid must fail with its own `# expect:` line
 * (exactly, one line, no stack trace, nothing written); every file under fixtures/valid sits at a
 * limit and must synthesize cleanly; every file under fixtures/warn must synthesize and print its
 * `# expect:` lines. The whole pipeline runs: load, validate, build, policy pack, synth.
 *
 * A fixture is an overlay (a small patch on a named base, see fixtures/README.md): it is
 * materialized into a temporary file first, and `{file}` in its expected lines is that file. Files
 * in fixtures/invalid/raw/ are run byte for byte (the bytes are what they test).
 */
import * as fs from 'fs';
import * as path from 'path';
import { runInThisContext } from 'vm';
import { buildStacks } from '../lib/app';
import { loadDeployment } from '../lib/config/load';
import { runCli } from '../lib/core/cli';
import { synthAtomically } from '../lib/synth';
import { parse } from 'yaml';
import { applyPatch, baseNames, BASES, baseValue, diffPatch, EXAMPLE, FIXTURES, materialize, readFixture, toYaml } from './fixtures/overlay';
import { tempDir, TODAY } from './helpers';

const files = (dir: string) =>
  fs.readdirSync(path.join(FIXTURES, dir)).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join('__tests__', 'fixtures', dir, f));
const isRaw = (file: string) => path.basename(path.dirname(file)) === 'raw';

let work: string;
beforeAll(() => {
  work = tempDir('gatehouse-corpus-');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The file the pipeline reads: a raw fixture itself, or an overlay written out under its own name. */
function deploymentFile(fixture: string): string {
  if (isRaw(fixture)) return fixture;
  const file = path.join(work, path.basename(path.dirname(fixture)), path.basename(fixture));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, materialize(fixture));
  return file;
}

/**
 * Under jest, every stack trace is mapped frame by frame through source maps (jest installs
 * source-map-support on the test realm's Error and on the host's), and cdktf captures a whole stack
 * for every token it creates: that mapping is over a third of each synth here. Nothing in the corpus
 * reads those stacks, so V8's own format is used while the pipeline runs, as under `npm run synth`.
 * An unexpected error is rethrown by runCli; its stack, read afterwards, is mapped as usual.
 */
const realms: Array<{ prepareStackTrace?: unknown }> = [Error, runInThisContext('Error')];
function withPlainStacks<T>(run: () => T): T {
  const mapped = realms.map((e) => e.prepareStackTrace);
  realms.forEach((e) => (e.prepareStackTrace = undefined));
  try {
    return run();
  } finally {
    realms.forEach((e, i) => (e.prepareStackTrace = mapped[i]));
  }
}

/** Run the synth the way main.ts does, capturing stderr lines. */
function pipeline(file: string) {
  const out = tempDir();
  const outdir = path.join(out, 'cdktf.out');
  const lines: string[] = [];
  const stderr = (line: string) => lines.push(...line.split('\n'));
  const status = withPlainStacks(() =>
    runCli(() => {
      const { deployment, warnings } = loadDeployment(file, { today: TODAY });
      warnings.forEach((w) => stderr(`gatehouse: warning: ${w}`));
      const report = synthAtomically((app) => buildStacks(app, deployment, { today: TODAY }).report, outdir);
      report?.summary().forEach(stderr);
    }, stderr),
  );
  const wrote = fs.existsSync(outdir);
  fs.rmSync(out, { recursive: true, force: true });
  return { status, lines, wrote };
}

/** Materialize a fixture and run it; its expected lines with `{file}` expanded to the file that was read. */
function synth(fixture: string) {
  const file = deploymentFile(fixture);
  const expected = readFixture(fixture).expect.map((line) => line.replace('{file}', file));
  return { ...pipeline(file), expected };
}

const problems = (lines: string[]) => lines.filter((l) => /warning|error/.test(l) && !/ 0 errors, 0 warnings/.test(l));

const invalid = [...files('invalid'), ...files('invalid/raw')];

test('the corpus holds at least 40 invalid files, each with exactly one expected line', () => {
  expect(invalid.length).toBeGreaterThanOrEqual(40);
  for (const f of invalid) expect([f, readFixture(f).expect.length]).toEqual([f, 1]);
});

test('every fixture outside raw/ names a base that exists; raw fixtures name none', () => {
  const bases = baseNames();
  for (const f of [...invalid, ...files('valid'), ...files('warn')]) {
    const { base } = readFixture(f);
    expect([f, isRaw(f) ? base === 'none' : bases.includes(base)]).toEqual([f, true]);
  }
});

describe('each base synthesizes cleanly on its own, so a fixture fails for its own reason only', () => {
  test.each(baseNames())('%s', (name) => {
    const { status, lines } = pipeline(name === 'example' ? EXAMPLE : deploymentFile(path.join(BASES, `${name}.yaml`)));
    expect(status).toBe(0);
    expect(problems(lines)).toEqual([]);
  });
});

describe('fails with its own line', () => {
  test.each(invalid)('%s', (fixture) => {
    const { status, lines, wrote, expected } = synth(fixture);
    expect(status).toBe(1);
    // one mistake, one line: the expected one, and no symptom of it
    expect(lines).toEqual(['gatehouse: 1 problem; nothing was synthesized', `  ${expected[0]}`]);
    expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
    expect(wrote).toBe(false);
  });
});

describe('sits exactly at a limit and synthesizes cleanly', () => {
  test.each(files('valid'))('%s', (fixture) => {
    const { status, lines } = synth(fixture);
    expect(status).toBe(0);
    expect(problems(lines)).toEqual([]);
  });
});

describe('synthesizes with a warning', () => {
  test.each(files('warn'))('%s', (fixture) => {
    const { status, lines, expected } = synth(fixture);
    expect(status).toBe(0);
    for (const line of expected) expect(lines.some((l) => l.includes(line))).toBe(true);
  });
});

describe('the patch language (fixtures/README.md)', () => {
  const base = { name: 'a', cloudflare: { zone: 'example.com', plan: 'free' }, routes: [{ hostname: 'a', service: 's' }, { hostname: 'b', service: 't' }], tags: ['x'] };

  test('maps merge key by key, other values replace, and the base is not modified', () => {
    const before = JSON.stringify(base);
    expect(applyPatch(base, { cloudflare: { plan: 'pro', limits: { dns_records: 4 } }, tags: ['y', 'z'] })).toEqual({
      ...base,
      cloudflare: { zone: 'example.com', plan: 'pro', limits: { dns_records: 4 } },
      tags: ['y', 'z'],
    });
    expect(JSON.stringify(base)).toBe(before);
  });

  test('~ deletes a key', () => {
    expect(applyPatch(base, { cloudflare: { plan: null }, tags: null })).toEqual({ name: 'a', cloudflare: { zone: 'example.com' }, routes: base.routes });
  });

  test('key[i] merges into element i, key[i]: ~ deletes it, key[+] appends', () => {
    expect(applyPatch(base, { 'routes[1]': { service: 'u' } })).toMatchObject({ routes: [base.routes[0], { hostname: 'b', service: 'u' }] });
    expect(applyPatch(base, { 'routes[0]': null })).toMatchObject({ routes: [base.routes[1]] });
    expect(applyPatch(base, { 'tags[0]': 'y', 'tags[+]': ['z'] })).toMatchObject({ tags: ['y', 'z'] });
  });

  test.each([
    [{ nope: null }, 'patch nope: ~ deletes a key, but the base has no nope'],
    [{ cloudflare: { limits: null } }, 'patch cloudflare.limits: ~ deletes a key, but the base has no cloudflare.limits'],
    [{ 'routes[2]': { service: 'u' } }, 'patch routes[2]: the base list has 2 elements'],
    [{ 'name[0]': 'b' }, 'patch name[0]: the base has no list name'],
    [{ 'routes[+]': { hostname: 'c' } }, 'patch routes[+]: must be a list of the elements to append'],
    [{ extra: { 'items[+]': ['x'] } }, 'patch extra.items[+]: the base has no list here to change'],
    [{ extra: { plan: null } }, 'patch extra.plan: ~ deletes a key, but the base has nothing there'],
  ])('a patch that does not fit its base is an error: %j', (patch, message) => {
    expect(() => applyPatch(base, patch)).toThrow(message);
  });
});

describe('turning a full copy into an overlay (to-overlay.ts)', () => {
  test('diffPatch is the inverse of applyPatch; list edits only where shorter than the whole list', () => {
    const routes = [{ h: 'a', s: 1 }, { h: 'b', s: 2 }, { h: 'c', s: 3 }];
    const base = { name: 'a', keep: { x: 1, y: 2 }, routes, sites: routes, hops: routes, tags: ['x', 'y'] };
    const target = { name: 'b', keep: { x: 1 }, routes: [...routes, { h: 'd', s: 4 }], sites: [routes[0], routes[2]], hops: [routes[0], { h: 'b', s: 5 }, routes[2]], tags: ['x', 'y', 'z'], added: { k: 'v' } };
    const patch = diffPatch(base, target);
    expect(patch).toEqual({ name: 'b', keep: { y: null }, 'routes[+]': [{ h: 'd', s: 4 }], 'sites[1]': null, 'hops[1]': { s: 5 }, tags: ['x', 'y', 'z'], added: { k: 'v' } });
    expect(applyPatch(base, patch)).toEqual(target);
  });

  test.each(files('valid'))('round-trips %s', (fixture) => {
    const { base } = readFixture(fixture);
    const full = parse(materialize(fixture));
    expect(applyPatch(baseValue(base), parse(toYaml(diffPatch(baseValue(base), full))))).toEqual(full);
  });
});

/**
 * lib/synth.ts: progress lines for big or slow synths (and none for small ones), the resource count
 * they print, and the `only` filter that lets a process write some stacks of an app.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { buildStacks } from '../../lib/app';
import { PROGRESS_AFTER_MS, PROGRESS_MIN_STACKS, stackResourceCount, synthApp, SynthProgress } from '../../lib/synth';
import { deploymentFrom, fleetInput, tempDir, TODAY } from '../helpers';

/** A reporter on a clock the test moves by hand. */
function stubbed(total: number) {
  let now = 1000;
  const lines: string[] = [];
  const progress = new SynthProgress(total, { now: () => now, write: (l) => lines.push(l) });
  return { progress, lines, advance: (ms: number) => (now += ms) };
}

describe('SynthProgress', () => {
  test('a 50-shard fleet prints one line per stack, in completion order, then the total time', () => {
    // GIVEN the 53 stacks of a 50-shard fleet (access, standby, production, tenants-0..49)
    const { progress, lines, advance } = stubbed(53);
    const ids = ['access', 'standby', 'production', ...Array.from({ length: 50 }, (_, i) => `tenants-${i}`)];
    // WHEN each is written, 0.8 s apart, tenants with 1,000 resources each
    for (const id of ids) {
      advance(800);
      progress.stackDone(id, id.startsWith('tenants-') ? 1000 : 4);
    }
    progress.finish();
    // THEN every stack has its line at once, and the last line has the totals and the time
    expect(lines).toHaveLength(54);
    expect(lines[0]).toBe('synth access (1/53) 4 resources');
    expect(lines[20]).toBe('synth tenants-17 (21/53) 1,000 resources');
    expect(lines[52]).toBe('synth tenants-49 (53/53) 1,000 resources');
    expect(lines[53]).toBe('synth: 53 stacks, 50,012 resources in 42.4 s');
  });

  test('a small, quick synth prints nothing', () => {
    const { progress, lines, advance } = stubbed(3);
    for (const id of ['access', 'standby', 'production']) {
      advance(300);
      progress.stackDone(id, 10);
    }
    progress.finish();
    expect(lines).toEqual([]);
    expect(progress.active).toBe(false);
  });

  test(`exactly ${PROGRESS_MIN_STACKS} stacks is still small; one more is big`, () => {
    const small = stubbed(PROGRESS_MIN_STACKS);
    small.progress.stackDone('a', 1);
    small.progress.finish();
    expect(small.lines).toEqual([]);
    const big = stubbed(PROGRESS_MIN_STACKS + 1);
    big.progress.stackDone('a', 1);
    expect(big.lines).toEqual([`synth a (1/${PROGRESS_MIN_STACKS + 1}) 1 resource`]);
  });

  test(`a small synth that runs past ${PROGRESS_AFTER_MS / 1000} s prints every stack, the held-back ones first`, () => {
    // GIVEN 3 stacks; the first two within 5 s
    const { progress, lines, advance } = stubbed(3);
    advance(2000);
    progress.stackDone('access', 4);
    advance(2000);
    progress.stackDone('standby', 13);
    expect(lines).toEqual([]);
    // WHEN the third comes after 6 s
    advance(2000);
    progress.stackDone('production', 1234);
    progress.finish();
    // THEN all three lines, in order, and the total
    expect(lines).toEqual([
      'synth access (1/3) 4 resources',
      'synth standby (2/3) 13 resources',
      'synth production (3/3) 1,234 resources',
      'synth: 3 stacks, 1,251 resources in 6.0 s',
    ]);
  });

  test('a synth that passes 5 s after its last stack still prints every line and the total', () => {
    const { progress, lines, advance } = stubbed(2);
    progress.stackDone('access', 1);
    progress.stackDone('production', 2);
    advance(PROGRESS_AFTER_MS + 1);
    progress.finish();
    expect(lines).toEqual(['synth access (1/2) 1 resource', 'synth production (2/2) 2 resources', 'synth: 2 stacks, 3 resources in 5.0 s']);
  });

  test('the clock can start before the reporter (the build counts)', () => {
    let now = 10_000;
    const lines: string[] = [];
    const progress = new SynthProgress(1, { now: () => now, startedAt: 10_000 - PROGRESS_AFTER_MS - 1, write: (l) => lines.push(l) });
    now += 1;
    progress.stackDone('access', 4);
    expect(lines).toEqual(['synth access (1/1) 4 resources']);
  });
});

describe('synthApp', () => {
  // One synth of a small fleet, shared: every stack written, with the resource counts reported.
  const deployment = deploymentFrom(fleetInput(4, 2));
  const outdir = tempDir('gatehouse-synthapp-');
  const counted = new Map<string, number>();
  synthApp(outdir, (app) => buildStacks(app, deployment, { today: TODAY }).report, { onStack: (id, n) => counted.set(id, n) });
  const written = (dir: string) => fs.readdirSync(path.join(dir, 'stacks')).sort();
  const json = (dir: string, id: string) => JSON.parse(fs.readFileSync(path.join(dir, 'stacks', id, 'cdk.tf.json'), 'utf8'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('the resource count of each stack is its resource plus data entries', () => {
    expect([...counted.keys()].sort()).toEqual(written(outdir));
    for (const id of written(outdir)) {
      const j = json(outdir, id);
      const entries = ['resource', 'data'].reduce(
        (n, k) => n + Object.values<Record<string, unknown>>(j[k] ?? {}).reduce((m, byId) => m + Object.keys(byId).length, 0),
        0,
      );
      expect([id, counted.get(id)]).toEqual([id, entries]);
    }
    expect(counted.get('tenants-0')).toBeGreaterThan(0);
  });

  test('only: the other stacks are built and prepared but write nothing and are not in the manifest', () => {
    // GIVEN the same app WHEN only tenants-1 is written
    const dir = tempDir('gatehouse-only-');
    try {
      let stacks: string[] = [];
      synthApp(
        dir,
        (app) => {
          const r = buildStacks(app, deployment, { today: TODAY }).report;
          stacks = app.node.findAll().filter(TerraformStack.isStack).map((s) => s.node.id);
          return r;
        },
        { only: (id) => id === 'tenants-1' },
      );
      // THEN one stack directory, byte-identical to the whole-app synth, and one manifest entry
      expect(stacks).toEqual(['access', 'standby', 'production', 'tenants-0', 'tenants-1']);
      expect(written(dir)).toEqual(['tenants-1']);
      expect(fs.readFileSync(path.join(dir, 'stacks', 'tenants-1', 'cdk.tf.json'))).toEqual(fs.readFileSync(path.join(outdir, 'stacks', 'tenants-1', 'cdk.tf.json')));
      expect(Object.keys(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).stacks)).toEqual(['tenants-1']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('stackResourceCount counts nothing in a stack with only providers', () => {
    const app = new App({ outdir: tempDir('gatehouse-empty-') });
    try {
      const stack = new TerraformStack(app, 'empty');
      expect(stackResourceCount(stack)).toBe(0);
    } finally {
      fs.rmSync(app.outdir, { recursive: true, force: true });
    }
  });
});

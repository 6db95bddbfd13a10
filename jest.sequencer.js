// Test order for jest: the suites that take longest start first, so that the two workers of a
// 2-CPU machine finish together instead of one waiting for a slow suite that started last. jest
// orders by the durations of the previous run when it has them (its cache); on a fresh clone it
// has none and falls back to file size, which says little here (the slowest suites synthesize whole
// apps or start processes from short files). The list holds the suites measured slowest (CPU time,
// bench/README.md); the rest keep jest's own order.
'use strict';
// jest's own sequencer, resolved from jest (whose dependency it is) rather than hoisted into node_modules.
const Sequencer = require(require.resolve('@jest/test-sequencer', { paths: [require.resolve('jest')] })).default;

const SLOWEST_FIRST = [
  '__tests__/stacks/stacks.test.ts',
  '__tests__/stacks/tenants.test.ts',
  '__tests__/canary.test.ts',
  '__tests__/corpus.test.ts',
  '__tests__/lib/synth-jobs.test.ts',
  '__tests__/cloud-init/user-data.test.ts',
  '__tests__/lib/google/connector-host.test.ts',
];

class SlowestFirst extends Sequencer {
  /** @param {Array<{ path: string }>} tests */
  sort(tests) {
    const rank = (/** @type {{ path: string }} */ test) => {
      const i = SLOWEST_FIRST.findIndex((suffix) => test.path.endsWith(suffix));
      return i < 0 ? SLOWEST_FIRST.length : i;
    };
    // Array.prototype.sort is stable: unlisted suites keep jest's order.
    return [...super.sort(tests)].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowestFirst;

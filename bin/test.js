#!/usr/bin/env node
// `npm test`: the static checks (`node bin/check.js`: tsc, ESLint and TypeDoc on one TypeScript
// program) and the test suites (`jest --ci`) side by side. They share nothing (jest transpiles with
// esbuild and never type-checks; see jest.transform.js), so the checks run beside jest instead of
// before it, which saves their whole duration on a multi-core machine. Arguments go to jest
// (`npm test -- __tests__/stacks`). jest's output streams as it comes; the checks' is printed after
// it, as one block. The exit status is non-zero when either fails.
'use strict';
const { spawn } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
const steps = [
  { name: 'check (tsc, eslint, typedoc)', args: [path.join(__dirname, 'check.js')], buffered: true },
  { name: 'jest --ci', args: [require.resolve('jest/bin/jest'), '--ci', ...process.argv.slice(2)], buffered: false },
];

/**
 * @typedef {{ name: string, args: string[], buffered: boolean }} Step
 * @param {Step} step
 * @returns {Promise<{ step: Step, status: number, signal?: NodeJS.Signals | null, output: string, seconds: number }>}
 */
function run(step) {
  return new Promise((resolve) => {
    const start = Date.now();
    const child = spawn(process.execPath, step.args, { cwd: root, stdio: step.buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (step.buffered) {
      child.stdout?.on('data', (d) => (output += d));
      child.stderr?.on('data', (d) => (output += d));
    }
    child.on('error', (e) => resolve({ step, status: 1, output: `${e.message}\n`, seconds: 0 }));
    child.on('close', (code, signal) => resolve({ step, status: code ?? (signal ? 1 : 0), signal, output, seconds: (Date.now() - start) / 1000 }));
  });
}

Promise.all(steps.map(run)).then((results) => {
  for (const r of results.filter((x) => x.step.buffered)) {
    if (r.output.trim()) process.stdout.write(`\n${r.output.trimEnd()}\n`);
  }
  for (const r of results) {
    const verdict = r.status === 0 ? 'ok' : r.signal ? `killed by ${r.signal}` : `FAILED (exit status ${r.status})`;
    process.stdout.write(`npm test: ${r.step.name}: ${verdict} in ${r.seconds.toFixed(1)} s\n`);
  }
  process.exitCode = results.some((r) => r.status !== 0) ? 1 : 0;
});

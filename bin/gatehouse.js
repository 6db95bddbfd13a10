#!/usr/bin/env node
// The gatehouse command line (package.json "bin"): `npx gatehouse <command>`, `npm run <command>`.
// From an installed package it runs the compiled dist/; in a source checkout it runs lib/ directly,
// transpiled in memory by esbuild (bin/run-ts.js, as bin/synth.js runs main.ts), so it never runs a
// stale build.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
// Checkpoint (HashiCorp's version check) stays off for every cdktf and terraform gatehouse starts.
if (process.env.CHECKPOINT_DISABLE === undefined) process.env.CHECKPOINT_DISABLE = '1';

function fromSource() {
  const source = path.join(root, 'lib', 'cli', 'main.ts');
  if (!fs.existsSync(source)) return undefined;
  /** @type {typeof import('./run-ts.js')} */
  let runTs;
  try {
    require.resolve('esbuild');
    runTs = require('./run-ts.js');
  } catch {
    return undefined;
  }
  return runTs.runTypeScript(source);
}

const cli = fromSource() || require(path.join(root, 'dist', 'lib', 'cli', 'main.js'));
cli.main(process.argv.slice(2)).then(
  (/** @type {number} */ code) => {
    process.exitCode = code;
  },
  (/** @type {any} */ error) => {
    process.stderr.write(`gatehouse: internal error: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);

#!/usr/bin/env node
// The gatehouse command line (package.json "bin"): `npx gatehouse <command>`, `npm run <command>`.
// From an installed package it runs the compiled dist/; in a source checkout it runs lib/ directly,
// transpiled in memory by esbuild as bin/synth.js does, so it never runs a stale build.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
// Checkpoint (HashiCorp's version check) stays off for every cdktf and terraform gatehouse starts.
if (process.env.CHECKPOINT_DISABLE === undefined) process.env.CHECKPOINT_DISABLE = '1';

function fromSource() {
  const source = path.join(root, 'lib', 'cli', 'main.ts');
  if (!fs.existsSync(source)) return undefined;
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    return undefined;
  }
  const Module = require('module');
  const { outputFiles } = esbuild.buildSync({
    entryPoints: [source],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    absWorkingDir: root,
    logLevel: 'error',
  });
  const filename = `${source}.bundle.js`;
  const bundle = new Module(filename, module);
  bundle.filename = filename;
  // Module._nodeModulePaths and module._compile are Node's own (undocumented) loader steps, as require runs them
  bundle.paths = /** @type {any} */ (Module)._nodeModulePaths(root);
  /** @type {any} */ (bundle)._compile(outputFiles[0].text, filename);
  return bundle.exports;
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

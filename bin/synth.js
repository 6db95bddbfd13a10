#!/usr/bin/env node
// The cdktf app command (cdktf.json "app"): a transpile-only run of main.ts.
// esbuild bundles the project's own TypeScript in memory (no type-checking, nothing written to disk,
// dependencies left as ordinary requires) and the result runs in this process. Type-checking is
// `npm test`'s job. This is about twice as fast as a TypeScript loader hook (see bench/).
'use strict';
const path = require('path');
const Module = require('module');
const { buildSync } = require('esbuild');

const root = path.join(__dirname, '..');
const entry = path.join(root, process.argv[2] || 'main.ts');
const { outputFiles } = buildSync({
  entryPoints: [entry],
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  absWorkingDir: root,
  logLevel: 'error',
});
const filename = `${entry}.bundle.js`;
const bundle = new Module(filename, module);
bundle.filename = filename;
bundle.paths = Module._nodeModulePaths(root);
bundle._compile(outputFiles[0].text, filename);

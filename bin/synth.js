#!/usr/bin/env node
// The cdktf app command (cdktf.json "app"): a transpile-only run of main.ts.
// esbuild bundles the project's own TypeScript in memory (no type-checking, nothing written to disk,
// dependencies left as ordinary requires) and the result runs in this process. Type-checking is
// `npm test`'s job. This is about twice as fast as a TypeScript loader hook (see bench/).
'use strict';
const path = require('path');
const Module = require('module');
// Without worker threads, buildSync runs the esbuild binary once and waits for it; with them (the
// default) it starts a worker thread and a service process that live as long as this process
// (about 40 MB) for a single build.
const { buildSync } = (() => {
  const saved = process.env.ESBUILD_WORKER_THREADS;
  process.env.ESBUILD_WORKER_THREADS = '0';
  try {
    return require('esbuild');
  } finally {
    if (saved === undefined) delete process.env.ESBUILD_WORKER_THREADS;
    else process.env.ESBUILD_WORKER_THREADS = saved;
  }
})();

const root = path.join(__dirname, '..');
const first = process.argv[2];
if (first === '--help' || first === '-h') {
  process.stdout.write(`usage: node bin/synth.js [script.ts [args...]]

The cdktf app command (cdktf.json "app"): synthesizes the deployment file GATEHOUSE_DEPLOYMENT (default
deployment.example.yaml) into CDKTF_OUTDIR (default cdktf.out), as cdktf synth/diff/deploy run it.
With a script, runs that TypeScript file instead (npm run schema). To synthesize by hand, use
npm run synth (gatehouse synth), which takes a file and --output; npx gatehouse --help lists every command.
`);
  process.exit(0);
}
if (first !== undefined && first.startsWith('-')) {
  process.stderr.write(`bin/synth.js: unknown option ${JSON.stringify(first)}; run node bin/synth.js --help\n`);
  process.exit(2);
}
const entry = path.join(root, first || 'main.ts');
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
// Module._nodeModulePaths and module._compile are Node's own (undocumented) loader steps, as require runs them
bundle.paths = /** @type {any} */ (Module)._nodeModulePaths(root);
/** @type {any} */ (bundle)._compile(outputFiles[0].text, filename);

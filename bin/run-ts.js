// Running the project's own TypeScript without a build, for bin/synth.js (the cdktf app command) and,
// in a source checkout, bin/gatehouse.js: esbuild bundles an entry file in memory (no type-checking,
// nothing written to disk, dependencies left as ordinary requires) and the result runs in this
// process as a module. Type-checking is `npm test`'s job. This is about twice as fast as a
// TypeScript loader hook (see bench/). Not part of the package: an installed gatehouse runs dist/.
'use strict';
const path = require('path');
const Module = require('module');

const root = path.join(__dirname, '..');

/**
 * esbuild's buildSync without worker threads: it runs the esbuild binary once and waits for it; with
 * them (the default) it starts a worker thread and a service process that live as long as this
 * process (about 40 MB) for a single build.
 * @returns {typeof import('esbuild')}
 */
function loadEsbuild() {
  const saved = process.env.ESBUILD_WORKER_THREADS;
  process.env.ESBUILD_WORKER_THREADS = '0';
  try {
    return require('esbuild');
  } finally {
    if (saved === undefined) delete process.env.ESBUILD_WORKER_THREADS;
    else process.env.ESBUILD_WORKER_THREADS = saved;
  }
}

/**
 * Bundle `entry` (an absolute path to a .ts file of this repository) and run it; returns its exports.
 * @param {string} entry
 * @returns {any}
 */
function runTypeScript(entry) {
  const { outputFiles } = loadEsbuild().buildSync({
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
  const bundle = new Module(filename);
  bundle.filename = filename;
  // Module._nodeModulePaths and module._compile are Node's own (undocumented) loader steps, as require runs them
  bundle.paths = /** @type {any} */ (Module)._nodeModulePaths(root);
  /** @type {any} */ (bundle)._compile(outputFiles[0].text, filename);
  return bundle.exports;
}

module.exports = { runTypeScript };

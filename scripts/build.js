#!/usr/bin/env node
// npm run build: compiles lib/ and stacks/ into dist/ for the published package.
//   JavaScript: esbuild, one file per source file (CommonJS, node20) - the same transpiler that runs
//               the code in every test and synth (jest.transform.js, bin/synth.js);
//   types:      tsc --emitDeclarationOnly (tsconfig.build.json), the .d.ts files next to them.
// Usage: node scripts/build.js [--out <dir>] [--no-types]   (--help prints this)
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const USAGE = `usage: npm run build [-- --out <dir>] [-- --no-types]

Compiles lib/ and stacks/ to <dir> (default dist/): JavaScript with esbuild and declarations (.d.ts)
with tsc. --no-types skips the declarations (the package test in npm test uses it; CI builds both).
`;

/**
 * The command line: build options, or `help`, or an `error` line.
 * @param {string[]} argv
 * @returns {{ out?: string, types?: boolean, help?: true, error?: string }}
 */
function parse(argv) {
  const opts = { out: 'dist', types: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return { help: true };
    if (a === '--no-types') opts.types = false;
    else if (a === '--out' && argv[i + 1]) opts.out = argv[++i];
    else if (a.startsWith('--out=') && a.length > 6) opts.out = a.slice(6);
    else return { error: `unknown option ${JSON.stringify(a)}; run npm run build -- --help` };
  }
  return opts;
}

/**
 * The TypeScript sources under `dir` (declarations left out), relative to `root`, sorted.
 * @param {string} root
 * @param {string} dir
 * @returns {string[]}
 */
function sources(root, dir) {
  /** @type {string[]} */
  const found = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sources(root, rel));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(rel);
  }
  return found.sort();
}

/**
 * Build into `out` (relative to the repository root unless absolute). Returns the output directory.
 * @param {{ out?: string, types?: boolean }} [options]
 */
function build({ out = 'dist', types = true } = {}) {
  const root = path.join(__dirname, '..');
  const outdir = path.resolve(root, out);
  fs.rmSync(outdir, { recursive: true, force: true });
  const { buildSync } = require('esbuild');
  buildSync({
    entryPoints: [...sources(root, 'lib'), ...sources(root, 'stacks')].map((f) => path.join(root, f)),
    outdir,
    outbase: root,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // import() of a sibling module becomes Promise.resolve().then(() => require(...)), as tsc emits for
    // CommonJS: a native import() in a CommonJS file resolves ESM-style and finds no extensionless file.
    supported: { 'dynamic-import': false },
    logLevel: 'error',
  });
  if (types) {
    const tsc = require.resolve('typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--emitDeclarationOnly', '--outDir', outdir], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`tsc --emitDeclarationOnly failed (exit ${r.status})`);
  }
  return outdir;
}

module.exports = { build };

if (require.main === module) {
  const parsed = parse(process.argv.slice(2));
  if (parsed.help) process.stdout.write(USAGE);
  else if (parsed.error) {
    process.stderr.write(`npm run build: ${parsed.error}\n`);
    process.exitCode = 2;
  } else {
    try {
      const outdir = build(parsed);
      process.stdout.write(`npm run build: wrote ${path.relative(process.cwd(), outdir) || '.'}${parsed.types ? '' : ' (JavaScript only)'}\n`);
    } catch (e) {
      process.stderr.write(`npm run build: ${/** @type {Error} */ (e).message}\n`);
      process.exitCode = 1;
    }
  }
}

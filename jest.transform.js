// Transpile-only TypeScript for jest through esbuild: no test file re-type-checks the provider
// typings; `tsc --noEmit` does the type-checking once in `npm test`.
'use strict';
const crypto = require('crypto');
const { transformSync } = require('esbuild');

/** @type {import('esbuild').TransformOptions} */
const OPTIONS = { loader: 'ts', format: 'cjs', target: 'node20', sourcemap: 'inline' };

module.exports = {
  /** @param {string} source @param {string} filename */
  process(source, filename) {
    const { code } = transformSync(source, { ...OPTIONS, sourcefile: filename });
    return { code };
  },
  /** @param {string} source @param {string} filename */
  getCacheKey(source, filename) {
    return crypto.createHash('sha256').update(JSON.stringify(OPTIONS)).update(filename).update('\0').update(source).digest('hex');
  },
};

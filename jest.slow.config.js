/**
 * `npm run test:slow`: the suites that start heavy external programs (`__tests__/**\/*.slow.ts`: npm
 * pack with declarations installed from the registry and type-checked; the real cdktf-cli; Chromium),
 * with jest.config.js's settings otherwise. .ci/run runs them after `npm test`, as their own step.
 */
const base = require('./jest.config');

module.exports = { ...base, testMatch: ['**/*.slow.ts'] };

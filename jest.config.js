/** Transpile-only (esbuild, see jest.transform.js): type-checking is `tsc --noEmit`, run once by `npm test`. */
const os = require('os');

module.exports = {
  // jest's default, CPUs - 1, runs every suite in one process on a 2-CPU machine; two workers use
  // both CPUs (bin/test.js runs tsc beside them).
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/jest.transform.js' },
  testSequencer: '<rootDir>/jest.sequencer.js',
  setupFilesAfterEnv: ['<rootDir>/jest.setup.js'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
  // __tests__/cloud-init/connector-watch.test.ts runs its waiting scenarios concurrently (all at once).
  maxConcurrency: 16,
};

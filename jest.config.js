/** Transpile-only (esbuild, see jest.transform.js): type-checking is `tsc --noEmit`, run once by `npm test`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/jest.transform.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
  // __tests__/cloud-init/connector-watch.test.ts runs its waiting scenarios concurrently (all at once).
  maxConcurrency: 16,
};

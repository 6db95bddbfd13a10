/**
 * The package tests, full mode (see package-suite.ts): declarations built, dependencies from the
 * registry, the app type-checked with tsc. `npm run test:slow` (jest.slow.config.js), run by .ci/run.
 */
import { packageSuite } from './package-suite';

packageSuite({ full: true });

/** The package tests, quick mode (see package-suite.ts); `npm run test:slow` runs the full mode. */
import { packageSuite } from './package-suite';

packageSuite({ full: false });

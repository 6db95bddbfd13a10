// Internal: one job of a split synth, started by lib/synth-jobs.ts as
// `node bin/synth.js scripts/synth-job.ts <input file>`; not a command for users.
import { runSynthJob } from '../lib/synth-jobs';

process.exitCode = runSynthJob(process.argv[3]);

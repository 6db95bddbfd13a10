// npm run discover -- --account <id> --zone <zone>: a live account as a deployment file with adopt: ids
// (lib/discover/run.ts, docs/adopt.md); --help prints usage and runs nothing.
import { runDiscover } from '../lib/discover/run';

// argv: node, bin/synth.js, scripts/discover.ts, then the operator's arguments.
runDiscover(process.argv.slice(3), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`gatehouse discover: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

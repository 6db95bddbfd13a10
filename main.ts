// Composition root: load the deployment, build the stacks, synth. Everything else lives in lib/ and stacks/.
import * as path from 'path';
import { buildStacks } from './lib/app';
import { deploymentPath, loadDeployment } from './lib/config/load';
import { runCli } from './lib/core/cli';
import { synthAtomically } from './lib/synth';

process.exitCode = runCli(() => {
  // "today" is GATEHOUSE_TODAY when set (tests, reproducible CI), else the current date (lib/core/dates.ts).
  const file = deploymentPath();
  const { model, warnings } = loadDeployment(file);
  for (const w of warnings) process.stderr.write(`gatehouse: warning: ${w}\n`);
  const report = synthAtomically((app) => buildStacks(app, model, { deploymentDir: path.dirname(path.resolve(file)) }).report);
  for (const line of report?.summary() ?? []) process.stderr.write(`${line}\n`);
});

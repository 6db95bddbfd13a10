// Composition root: load the deployment, build the stacks, synth. Everything else lives in lib/ and stacks/.
import * as path from 'path';
import { buildStacks } from './lib/app';
import { deploymentPath, loadDeployment } from './lib/config/load';
import { runCli } from './lib/core/cli';
import { synthAtomically } from './lib/synth';

process.exitCode = runCli(() => {
  const today = process.env.GATEHOUSE_TODAY; // pins "today" for expiry checks (tests, reproducible CI)
  const file = deploymentPath();
  const { deployment, warnings } = loadDeployment(file, { today });
  for (const w of warnings) process.stderr.write(`gatehouse: warning: ${w}\n`);
  const report = synthAtomically((app) => buildStacks(app, deployment, { today, deploymentDir: path.dirname(path.resolve(file)) }).report);
  for (const line of report?.summary() ?? []) process.stderr.write(`${line}\n`);
});

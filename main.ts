// Composition root: load the deployment, build the stacks, synth. Everything else lives in lib/ and stacks/.
import * as path from 'path';
import { deploymentPath, loadDeployment } from './lib/config/load';
import { runCliAsync } from './lib/core/cli';
import { synthDeployment, synthOptionsFromEnv } from './lib/synth-jobs';

void runCliAsync(async () => {
  const today = process.env.GATEHOUSE_TODAY; // pins "today" for expiry checks (tests, reproducible CI)
  const file = deploymentPath();
  const { deployment, warnings } = loadDeployment(file, { today });
  for (const w of warnings) process.stderr.write(`gatehouse: warning: ${w}\n`);
  const report = await synthDeployment(deployment, { today, deploymentDir: path.dirname(path.resolve(file)), ...synthOptionsFromEnv() });
  for (const line of report.summary()) process.stderr.write(`${line}\n`);
}).then((status) => {
  process.exitCode = status;
});

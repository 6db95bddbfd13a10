// Composition root: load the deployment, build the stacks, synth. Everything else lives in lib/ and stacks/.
import * as path from 'path';
import { deploymentPath, loadDeployment } from './lib/config/load';
import { runCliAsync } from './lib/core/cli';
import { synthDeployment, synthOptionsFromEnv } from './lib/synth-jobs';

void runCliAsync(async () => {
  // "today" is GATEHOUSE_TODAY when set (tests, reproducible CI), else the current date (lib/core/dates.ts).
  const file = deploymentPath();
  const { model, warnings } = loadDeployment(file);
  for (const w of warnings) process.stderr.write(`gatehouse: warning: ${w}\n`);
  const report = await synthDeployment(model, { deploymentDir: path.dirname(path.resolve(file)), ...synthOptionsFromEnv() });
  for (const line of report.summary()) process.stderr.write(`${line}\n`);
}).then((status) => {
  process.exitCode = status;
});

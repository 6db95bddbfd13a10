// Composition root: load the deployment, build the stacks, synth. Everything else lives in lib/ and stacks/.
import { buildStacks } from './lib/app';
import { deploymentPath, loadDeployment } from './lib/config/load';
import { runCli } from './lib/core/cli';
import { synthAtomically } from './lib/synth';

process.exitCode = runCli(() => {
  const { deployment, warnings } = loadDeployment(deploymentPath());
  for (const w of warnings) process.stderr.write(`gatehouse: warning: ${w}\n`);
  synthAtomically((app) => buildStacks(app, deployment));
});

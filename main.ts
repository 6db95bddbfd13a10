// The cdktf app (cdktf.json "app": node bin/synth.js): load the deployment, build the stacks, synth,
// draw the picture (lib/cli/synth.ts does all four for every command). Everything else lives in lib/ and stacks/.
// Under the cdktf CLI everything but a failure goes to stdout: cdktf-cli prints each chunk of an app's
// stderr as an "[ERROR]" line, and prints every policy-pack annotation itself.
import { deploymentPath } from './lib/config/load';
import { runCliAsync } from './lib/core/cli';
import { synthDeploymentFile } from './lib/cli/synth';

void runCliAsync(async () => {
  const underCdktf = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
  const stdout = (line: string) => process.stdout.write(`${line}\n`);
  const { report } = await synthDeploymentFile({
    file: deploymentPath(),
    outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out',
    today: process.env.GATEHOUSE_TODAY, // pins "today" for expiry checks (tests, reproducible CI)
    onWarning: (w) => stdout(`gatehouse: warning: ${w}`),
    // a big fleet's progress lines: on stdout under cdktf (which prints an app's stderr as [ERROR] lines)
    ...(underCdktf ? { progress: { write: stdout } } : {}),
  });
  const summary = report.summary();
  for (const line of underCdktf ? summary.slice(0, 1) : summary) stdout(line);
}).then((status) => {
  process.exitCode = status;
});

// npm run cutover:plan — synthesize, then print every public record's target before and after a cutover.
import * as fs from 'fs';
import * as path from 'path';
import { buildStacks } from '../lib/app';
import { deploymentPath, loadDeployment } from '../lib/config/load';
import { runCli } from '../lib/core/cli';
import { cutoverPlan } from '../lib/cutover/plan';
import { synthAtomically } from '../lib/synth';

process.exitCode = runCli(() => {
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  synthAtomically((app) => buildStacks(app, loadDeployment(deploymentPath()).model).report, outdir);
  const read = (stack: string) => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  const plan = cutoverPlan(read('production'), read('standby'));
  const width = Math.max(...plan.map((p) => p.hostname.length), 8);
  process.stdout.write(`${'hostname'.padEnd(width)}  activate_dns=false -> activate_dns=true\n`);
  for (const p of plan) process.stdout.write(`${p.hostname.padEnd(width)}  ${p.whenFalse} -> ${p.whenTrue}\n`);
  process.stdout.write(`${plan.length} records; the same ${plan.length} addresses under both values (in-place content update)\n`);
});

// npm run cutover -- --to standby|primary: the safe cutover (lib/cutover/run.ts); --help prints usage.
import { spawn } from 'child_process';
import { buildStacks } from '../lib/app';
import { deploymentPath, loadDeployment } from '../lib/config/load';
import { problemLines } from '../lib/core/cli';
import { CUTOVER_USAGE, parseCutoverArgs } from '../lib/cutover/args';
import { CloudflareApi } from '../lib/cutover/cloudflare-api';
import { readSynthesizedStacks } from '../lib/cutover/preflight';
import { recordActiveSite } from '../lib/cutover/record';
import { DeployCommand, deployArgv, runCutover } from '../lib/cutover/run';
import { synthAtomically } from '../lib/synth';

/** Run one deploy step: the variables go into the child's environment, never onto its command line. */
function deploy(command: DeployCommand): Promise<void> {
  const [cmd, ...args] = deployArgv(command.stack);
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1' };
  for (const [name, value] of Object.entries(command.variables)) env[`TF_VAR_${name}`] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`npx cdktf deploy ${command.stack} exited with ${signal ?? code}`))));
  });
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCutoverArgs(argv);
  if ('error' in parsed) {
    process.stderr.write(`gatehouse cutover: ${parsed.error}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(CUTOVER_USAGE);
    return 0;
  }
  const { args } = parsed;
  const file = deploymentPath();
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  let deployment;
  try {
    ({ deployment } = loadDeployment(file, { today: process.env.GATEHOUSE_TODAY }));
    synthAtomically((app) => buildStacks(app, deployment!, { today: process.env.GATEHOUSE_TODAY }).report, outdir);
  } catch (error) {
    const lines = problemLines(error);
    if (!lines) throw error;
    process.stderr.write(`gatehouse cutover: refused: ${lines.length} problem${lines.length === 1 ? '' : 's'} in the deployment\n${lines.map((l) => `  ${l}\n`).join('')}`);
    return 1;
  }
  const result = await runCutover({
    deployment,
    file,
    to: args.to,
    dryRun: args.dryRun,
    stacks: readSynthesizedStacks(outdir),
    env: process.env,
    api: new CloudflareApi({ token: process.env.CLOUDFLARE_API_TOKEN ?? '', ...(process.env.GATEHOUSE_CLOUDFLARE_API ? { baseUrl: process.env.GATEHOUSE_CLOUDFLARE_API } : {}) }),
    deploy,
    recordActive: (active) => recordActiveSite(file, active),
    timeoutMs: args.timeoutSeconds * 1000,
    pollMs: args.intervalSeconds * 1000,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  return result.exitCode;
}

// argv: node, bin/synth.js, scripts/cutover.ts, then the operator's arguments.
main(process.argv.slice(3)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`gatehouse cutover: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

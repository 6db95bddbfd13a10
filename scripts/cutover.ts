// npm run cutover -- --to standby|primary: the safe cutover (lib/cutover/run.ts); --help prints usage.
// Only the argument parser loads before the arguments are read, so --help and a bad flag run nothing else.
import { spawn } from 'child_process';
import { CUTOVER_USAGE, parseCutoverArgs } from '../lib/cutover/args';
import type { DeployCommand } from '../lib/cutover/run';

/** Run one deploy step: the variables go into the child's environment, never onto its command line. */
function deploy(command: DeployCommand, argv: string[]): Promise<void> {
  const [cmd, ...args] = argv;
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
  const [{ buildStacks }, { deploymentPath, loadDeployment }, { problemLines }, { CloudflareApi }, { readSynthesizedStacks }, { recordActiveSite }, { deployArgv, runCutover }, { synthAtomically }] =
    await Promise.all([
      import('../lib/app'),
      import('../lib/config/load'),
      import('../lib/core/cli'),
      import('../lib/cutover/cloudflare-api'),
      import('../lib/cutover/preflight'),
      import('../lib/cutover/record'),
      import('../lib/cutover/run'),
      import('../lib/synth'),
    ]);
  const file = deploymentPath();
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  let model;
  try {
    // "today" is GATEHOUSE_TODAY when set (lib/core/dates.ts); the model is resolved once and handed on.
    ({ model } = loadDeployment(file));
    const loaded = model;
    synthAtomically((app) => buildStacks(app, loaded).report, outdir);
  } catch (error) {
    const lines = problemLines(error);
    if (!lines) throw error;
    process.stderr.write(`gatehouse cutover: refused: ${lines.length} problem${lines.length === 1 ? '' : 's'} in the deployment\n${lines.map((l) => `  ${l}\n`).join('')}`);
    return 1;
  }
  const result = await runCutover({
    deployment: model,
    file,
    to: args.to,
    dryRun: args.dryRun,
    stacks: readSynthesizedStacks(outdir),
    env: process.env,
    api: new CloudflareApi({ token: process.env.CLOUDFLARE_API_TOKEN ?? '', ...(process.env.GATEHOUSE_CLOUDFLARE_API ? { baseUrl: process.env.GATEHOUSE_CLOUDFLARE_API } : {}) }),
    deploy: (command) => deploy(command, deployArgv(command.stack)),
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

/**
 * `gatehouse cutover --to standby|primary` (lib/cutover/run.ts, its arguments: lib/cutover/args.ts) and
 * `gatehouse cutover-plan [file]`. Deploy steps run as `npx cdktf deploy <stack>` children with the
 * cutover variables in their environment, never on their command line.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { problemLines } from '../core/cli';
import type { SynthesizedStackJson } from '../core/terraform';
import { parseCutoverArgs } from '../cutover/args';
import { CloudflareApi } from '../cutover/cloudflare-api';
import { cutoverPlan } from '../cutover/plan';
import { readSynthesizedStacks } from '../cutover/preflight';
import { recordActiveSite } from '../cutover/record';
import { deployArgv, runCutover, type DeployCommand } from '../cutover/run';
import { parseArgs, UsageError, type CommandContext } from './command';
import { cdktfExecutable } from './cdktf';
import { deploymentFileArg, outputDirArg } from './files';
import { synthDeploymentFile } from './synth';

/** Run one deploy step: the variables go into the child's environment, never onto its command line. */
function deploy(command: DeployCommand, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const [cmd, ...args] = argv;
  const childEnv: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: '1' };
  for (const [name, value] of Object.entries(command.variables)) childEnv[`TF_VAR_${name}`] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: childEnv, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`npx cdktf deploy ${command.stack} exited with ${signal ?? code}`))));
  });
}

/** `gatehouse cutover --to standby|primary`: synth, then move every public record to that site in the safe order (lib/cutover/run.ts). */
export async function runCutoverCommand(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const parsed = parseCutoverArgs(argv);
  if ('error' in parsed) throw new UsageError(parsed.error);
  if (parsed.help) throw new Error('--help is answered before the command runs');
  const { args } = parsed;
  const file = deploymentFileArg(undefined, ctx.env);
  const outdir = outputDirArg(undefined, ctx.env, ctx.cwd);
  const today = ctx.env.GATEHOUSE_TODAY;
  let synthesized;
  try {
    synthesized = await synthDeploymentFile({ env: ctx.env, file, outdir, ...(today ? { today } : {}), onWarning: (w) => ctx.err(`gatehouse: warning: ${w}`) });
  } catch (error) {
    const lines = problemLines(error);
    if (!lines) throw error;
    ctx.err(`gatehouse cutover: refused: ${lines.length} problem${lines.length === 1 ? '' : 's'} in the deployment`);
    for (const l of lines) ctx.err(`  ${l}`);
    return 1;
  }
  // The project's cdktf CLI (cdktf, or cdktn under CDK Terrain) runs each deploy step.
  const executable = cdktfExecutable(ctx.cwd) ?? 'cdktf';
  const result = await runCutover({
    deployment: synthesized.model,
    file,
    to: args.to,
    dryRun: args.dryRun,
    stacks: readSynthesizedStacks(outdir),
    env: ctx.env,
    api: new CloudflareApi({ token: ctx.env.CLOUDFLARE_API_TOKEN ?? '', ...(ctx.env.GATEHOUSE_CLOUDFLARE_API ? { baseUrl: ctx.env.GATEHOUSE_CLOUDFLARE_API } : {}) }),
    deploy: (command) => deploy(command, deployArgv(command.stack).map((w, i) => (i === 1 ? executable : w)), { ...ctx.env, GATEHOUSE_DEPLOYMENT: file }),
    recordActive: (active) => recordActiveSite(file, active),
    timeoutMs: args.timeoutSeconds * 1000,
    pollMs: args.intervalSeconds * 1000,
    out: ctx.out,
    err: ctx.err,
  });
  return result.exitCode;
}

/** `gatehouse cutover-plan [file] [--output <dir>]`: every public record's target under both values of activate_dns. */
export async function runCutoverPlan(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { options, positionals } = parseArgs(argv, 'cutover-plan', { '--output': { value: true } }, { max: 1, what: 'deployment file' });
  const today = ctx.env.GATEHOUSE_TODAY;
  const { outdir, stacks } = await synthDeploymentFile({
    env: ctx.env,
    file: deploymentFileArg(positionals[0], ctx.env),
    outdir: outputDirArg(options.get('--output'), ctx.env, ctx.cwd),
    ...(today ? { today } : {}),
    onWarning: (w) => ctx.err(`gatehouse: warning: ${w}`),
  });
  if (!stacks.includes('standby')) {
    ctx.err('gatehouse cutover-plan: the deployment has no sites.standby, so there is nothing to cut over to');
    return 1;
  }
  const read = (stack: string) => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as SynthesizedStackJson;
  const plan = cutoverPlan(read('production'), read('standby'));
  const width = Math.max(...plan.map((p) => p.hostname.length), 8);
  ctx.out(`${'hostname'.padEnd(width)}  activate_dns=false -> activate_dns=true`);
  for (const p of plan) ctx.out(`${p.hostname.padEnd(width)}  ${p.whenFalse} -> ${p.whenTrue}`);
  ctx.out(`${plan.length} records; the same ${plan.length} addresses under both values (in-place content update)`);
  return 0;
}

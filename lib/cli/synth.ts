/**
 * Synthesize a deployment file: validate it, build its stacks, synthesize them atomically (with the
 * compliance report) and write the picture (`gatehouse.mmd`) beside them. The cdktf app (main.ts),
 * `gatehouse synth`, `gatehouse deploy`/`diff` (their preflight) and the cutover all synthesize
 * through this one function, so every synth writes the same files.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ComplianceReport } from '../checks/report';
import { loadDeployment } from '../config/load';
import type { Deployment } from '../config/schema';
import type { DeploymentModel } from '../deployment/model';
import { deploymentMermaid, GRAPH_FILE } from '../graph/mermaid';
import type { SynthProgressOptions } from '../synth';
import { synthDeployment, synthOptionsFromEnv } from '../synth-jobs';
import { parseArgs, type CommandContext } from './command';
import { deploymentFileArg, outputDirArg, writeFileAtomically } from './files';

/** How `synthDeploymentFile` reads, checks and writes. */
export interface SynthFileOptions {
  /** The deployment file. */
  readonly file: string;
  /** The output directory (created, with its parents, when missing). */
  readonly outdir: string;
  /**
   * Today (YYYY-MM-DD) for expiry checks.
   * @default - the current date
   */
  readonly today?: string;
  /** Called once per warning (risky but legal choices), right after the file is validated. */
  readonly onWarning?: (line: string) => void;
  /**
   * Where the progress lines of a big or slow synth go (lib/synth.ts).
   * @default - stderr
   */
  readonly progress?: SynthProgressOptions;
  /**
   * The environment that tunes a split synth (GATEHOUSE_SYNTH_JOBS, GATEHOUSE_SYNTH_TENANTS_PER_JOB).
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
}

/** What a synth wrote, and what it was built from. */
export interface SynthFileResult {
  /** The validated deployment. */
  readonly deployment: Deployment;
  /** The resolved deployment the stacks were built from. */
  readonly model: DeploymentModel;
  /** The policy pack's findings (also written as gatehouse-compliance.json). */
  readonly report: ComplianceReport;
  /** The absolute output directory. */
  readonly outdir: string;
  /** The stack ids written, sorted. */
  readonly stacks: readonly string[];
  /** The picture's file. */
  readonly graphFile: string;
}

/** Validate, synthesize and draw one deployment file. Throws `GatehouseError` (nothing written) on a bad file. */
export async function synthDeploymentFile(options: SynthFileOptions): Promise<SynthFileResult> {
  const file = path.resolve(options.file);
  const outdir = path.resolve(options.outdir);
  const { deployment, model, warnings } = loadDeployment(file, options.today ? { today: options.today } : {});
  for (const w of warnings) options.onWarning?.(w);
  // In this process, or split into jobs for a big tenant fleet (lib/synth-jobs.ts): the same files either way.
  const report: ComplianceReport = await synthDeployment(model, {
    outdir,
    deploymentDir: path.dirname(file),
    ...synthOptionsFromEnv(options.env ?? process.env),
    ...(options.progress ? { progress: options.progress } : {}),
  });
  const graphFile = writeGraph(outdir, model);
  const stacks = fs.readdirSync(path.join(outdir, 'stacks')).filter((id) => fs.existsSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'))).sort();
  return { deployment, model, report, outdir, stacks, graphFile };
}

/** Write `<outdir>/gatehouse.mmd` for a deployment (or its model); returns its path. */
export function writeGraph(outdir: string, deployment: Deployment | DeploymentModel): string {
  const file = path.join(path.resolve(outdir), GRAPH_FILE);
  writeFileAtomically(file, deploymentMermaid(deployment));
  return file;
}

/** `gatehouse synth [file] [--output <dir>]` */
export async function run(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { options, positionals } = parseArgs(argv, 'synth', { '--output': { value: true } }, { max: 1, what: 'deployment file' });
  const result = await synthDeploymentFile({
    env: ctx.env,
    file: deploymentFileArg(positionals[0], ctx.env),
    outdir: outputDirArg(options.get('--output'), ctx.env, ctx.cwd),
    ...(ctx.env.GATEHOUSE_TODAY ? { today: ctx.env.GATEHOUSE_TODAY } : {}),
    onWarning: (w) => ctx.err(`gatehouse: warning: ${w}`),
  });
  for (const line of result.report.summary()) ctx.out(line);
  ctx.out(`gatehouse synth: wrote stacks ${result.stacks.join(', ')} and ${GRAPH_FILE} to ${result.outdir}`);
  return 0;
}

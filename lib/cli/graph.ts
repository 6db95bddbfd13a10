/**
 * `gatehouse graph [file] [--output <dir>] [--svg]`: validate the file and write its picture,
 * `<outdir>/gatehouse.mmd` (Mermaid); with --svg also `<outdir>/gatehouse.svg` where a browser is
 * available (otherwise one line says why not, and the command still succeeds).
 */
import * as path from 'path';
import { loadDeployment } from '../config/load';
import { parseArgs, type CommandContext } from './command';
import { deploymentFileArg, outputDirArg } from './files';
import { renderSvg } from './render';
import { writeGraph } from './synth';

/** `gatehouse graph [file] [--output <dir>] [--svg]` */
export async function run(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { options, positionals } = parseArgs(argv, 'graph', { '--output': { value: true }, '--svg': {} }, { max: 1, what: 'deployment file' });
  const file = deploymentFileArg(positionals[0], ctx.env);
  const outdir = outputDirArg(options.get('--output'), ctx.env, ctx.cwd);
  const { model, warnings } = loadDeployment(file, ctx.env.GATEHOUSE_TODAY ? { today: ctx.env.GATEHOUSE_TODAY } : {});
  for (const w of warnings) ctx.err(`gatehouse: warning: ${w}`);
  const mmd = writeGraph(outdir, model);
  ctx.out(`gatehouse graph: wrote ${mmd}`);
  if (options.has('--svg')) {
    const result = renderSvg(mmd, path.join(path.dirname(mmd), 'gatehouse.svg'), ctx.env, ctx.cwd);
    if (result.rendered) ctx.out(`gatehouse graph: wrote ${result.file}`);
    else ctx.err(`gatehouse graph: no SVG: ${result.reason}; the picture is the Mermaid source ${mmd}`);
  }
  return 0;
}

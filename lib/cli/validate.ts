/** `gatehouse validate [file]`: the schema and every cross-field check; no synth, nothing written. */
import { loadDeployment } from '../config/load';
import type { Deployment } from '../config/schema';
import { parseArgs, type CommandContext } from './command';
import { deploymentFileArg } from './files';

/** `gatehouse validate [file]` */
export async function run(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { positionals } = parseArgs(argv, 'validate', {}, { max: 1, what: 'deployment file' });
  const file = deploymentFileArg(positionals[0], ctx.env);
  const { deployment, warnings } = loadDeployment(file, ctx.env.GATEHOUSE_TODAY ? { today: ctx.env.GATEHOUSE_TODAY } : {});
  for (const w of warnings) ctx.err(`gatehouse: warning: ${w}`);
  ctx.out(`gatehouse validate: ${file}: valid: deployment ${deployment.name} with ${contents(deployment)}`);
  return 0;
}

/** "4 routes, 1 app, 2 sites, 2 buckets": what the file declares, non-zero counts only. */
export function contents(d: Deployment): string {
  const counts: Array<[number, string]> = [
    [d.routes.length, 'route'],
    [Object.keys(d.apps).length, 'app'],
    [d.sites ? (d.sites.standby ? 2 : 1) : 0, 'site'],
    [Object.keys(d.pages).length, 'Pages site'],
    [Object.keys(d.workers).length, 'Worker'],
    [Object.keys(d.buckets).length, 'bucket'],
    [d.tenants.members.length, 'tenant'],
  ];
  const parts = counts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}${n === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'nothing to publish yet';
}

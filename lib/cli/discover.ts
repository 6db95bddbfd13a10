/**
 * `gatehouse discover --account <id> --zone <zone>`: a live account as a deployment file with adopt:
 * ids (lib/discover/run.ts, docs/adopt.md). The file goes to stdout, progress and problems to stderr.
 */
import { runDiscover } from '../discover/run';
import type { CommandContext } from './command';

/** `gatehouse discover --account <id> --zone <zone>` */
export function run(argv: readonly string[], ctx: CommandContext): Promise<number> {
  return runDiscover(argv, { env: ctx.env, out: (text) => ctx.out(text.replace(/\n$/, '')), err: ctx.err });
}

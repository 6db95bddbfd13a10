/** Command-line arguments of `npm run cutover` (gatehouse cutover, lib/cli/cutover.ts). */
import type { SiteRole } from './activation';

/** The options of `npm run cutover`. */
export interface CutoverArgs {
  /** `--to`: the site to move to. */
  readonly to: SiteRole;
  /** `--dry-run`: print the steps and change nothing. */
  readonly dryRun: boolean;
  /** `--timeout`: how long to wait for the target tunnel (default 300). */
  readonly timeoutSeconds: number;
  /** `--interval`: time between status polls (default 5). */
  readonly intervalSeconds: number;
}

/** The command line: `--help`, the options, or the one line that says what is wrong. */
export type ParsedCutoverArgs = { readonly help: true } | { readonly help: false; readonly args: CutoverArgs } | { readonly error: string };

/** What `npm run cutover -- --help` prints. */
export const CUTOVER_USAGE = `usage: npm run cutover -- --to standby|primary [--dry-run] [--timeout <seconds>] [--interval <seconds>]

Moves every public hostname of the deployment to the other site in the safe order, then records
sites.active in the deployment file (GATEHOUSE_DEPLOYMENT, default deployment.example.yaml):
  1. start the target connector            (npx cdktf deploy <stack>, no traffic moves)
  2. wait until its tunnel is healthy       (Cloudflare API, one line per poll)
  3. re-check it right before DNS moves
  4. move DNS                               (npx cdktf deploy production)
  5. check every public record's content
  6. stop the other connector where the file asks for it
  7. write sites.active and tell you to commit it

  --to standby|primary   the site to move to (required)
  --dry-run              print every step and change nothing (read-only checks still run)
  --timeout <seconds>    how long to wait for the target tunnel (default 300)
  --interval <seconds>   time between status polls (default 5)
  --help                 print this and exit

Needs CLOUDFLARE_API_TOKEN and every TF_VAR_<secret> the standby and production stacks declare.
Refuses, with one line and before DNS moves, when the target tunnel does not become healthy, when
the file and the live records disagree, or when a credential is missing. See docs/cutover.md.
`;

const seconds = (flag: string, value: string | undefined): number | string => {
  const n = Number(value);
  return value !== undefined && /^\d+(\.\d+)?$/.test(value) && n > 0 ? n : `${flag} needs a number of seconds greater than 0 (got ${value === undefined ? 'nothing' : JSON.stringify(value)})`;
};

/** Parse argv (without node and the script); `--help` wins over everything else. */
export function parseCutoverArgs(argv: readonly string[]): ParsedCutoverArgs {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  let to: string | undefined;
  let dryRun = false;
  let timeoutSeconds = 300;
  let intervalSeconds = 5;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--to':
        to = value();
        break;
      case '--dry-run':
        if (inline !== undefined) return { error: `--dry-run takes no value (got ${JSON.stringify(inline)})` };
        dryRun = true;
        break;
      case '--timeout': {
        const v = seconds('--timeout', value());
        if (typeof v === 'string') return { error: v };
        timeoutSeconds = v;
        break;
      }
      case '--interval': {
        const v = seconds('--interval', value());
        if (typeof v === 'string') return { error: v };
        intervalSeconds = v;
        break;
      }
      default:
        return { error: `unknown option ${JSON.stringify(argv[i])}; run npm run cutover -- --help` };
    }
  }
  if (to !== 'standby' && to !== 'primary') {
    return { error: `--to must be standby or primary (got ${to === undefined ? 'nothing' : JSON.stringify(to)}); run npm run cutover -- --help` };
  }
  return { help: false, args: { to, dryRun, timeoutSeconds, intervalSeconds } };
}

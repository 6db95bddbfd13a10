/**
 * `gatehouse discover` (`npm run discover`): read a live account, express it as a deployment file with adopt: ids, check
 * that file exactly as `loadDeployment` checks any deployment, and print it. An object the checks
 * refuse is left out with the check's own line as the reason (and what depends on it, so that
 * nothing changes who gets in); the file is printed only once it validates.
 *
 * Exit status: 0 printed; 1 a problem (one line each on stderr: no token, an unreadable zone, a file
 * that still does not validate); 2 a mistake on the command line.
 */
import { CloudflareApi } from '../cutover/cloudflare-api';
import { parseDeployment } from '../config/load';
import { GatehouseError } from '../core/errors';
import { checkedToday } from '../core/dates';
import { DISCOVER_USAGE, parseDiscoverArgs } from './args';
import { Draft } from './express';
import { readAccount } from './read';
import { draftYaml, renderDiscovered } from './render';

/** Where `runDiscover` reads its environment and writes its output. */
export interface DiscoverContext {
  /** The environment (CLOUDFLARE_API_TOKEN, GATEHOUSE_CLOUDFLARE_API). */
  readonly env: NodeJS.ProcessEnv;
  /** stdout: the file (or the usage). */
  readonly out: (text: string) => void;
  /** stderr: progress and problems, one line each. */
  readonly err: (line: string) => void;
  /**
   * Wait (the rate limit and 429 back-off).
   * @default setTimeout
   */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** How many rounds of leaving out what the checks refuse before giving up (each round drops at least one object). */
const MAX_ROUNDS = 50;

/** Run discover with its arguments; resolves to the exit status. */
export async function runDiscover(argv: readonly string[], ctx: DiscoverContext): Promise<number> {
  const parsed = parseDiscoverArgs(argv);
  if ('error' in parsed) {
    ctx.err(`gatehouse discover: ${parsed.error}`);
    return 2;
  }
  if (parsed.help) {
    ctx.out(DISCOVER_USAGE);
    return 0;
  }
  const { args } = parsed;
  const accountId = args.accountId ?? ctx.env.CLOUDFLARE_ACCOUNT_ID;
  const fail = (line: string) => {
    ctx.err(`gatehouse discover: ${line}`);
    return 1;
  };
  if (!accountId) return usage(ctx, '--account is required (or set CLOUDFLARE_ACCOUNT_ID)');
  if (!/^[0-9a-f]{32}$/.test(accountId)) return usage(ctx, `--account must be the 32-character lower-case hex account id (got ${JSON.stringify(accountId)})`);
  if (args.zones.length === 0) return usage(ctx, '--zone is required: name at least one zone, e.g. --zone example.com');
  const token = ctx.env.CLOUDFLARE_API_TOKEN;
  if (!token) return fail('CLOUDFLARE_API_TOKEN is not set: discover reads the account with it (read permissions are enough; see --help)');

  let today: string;
  try {
    today = checkedToday(ctx.env.GATEHOUSE_TODAY || undefined);
  } catch (e) {
    if (e instanceof GatehouseError) return fail(e.lines()[0]);
    throw e;
  }
  const progress = (line: string) => ctx.err(`discover: ${line}`);
  const api = new CloudflareApi({ token, ...(ctx.env.GATEHOUSE_CLOUDFLARE_API ? { baseUrl: ctx.env.GATEHOUSE_CLOUDFLARE_API } : {}), ...(ctx.sleep ? { sleep: ctx.sleep } : {}), progress });
  try {
    const live = await readAccount(api, { accountId, zones: args.zones, progress });
    const teamName = args.team ?? live.teamName;
    if (!teamName) return fail('the Zero Trust team name could not be read (no organization, or the token cannot read it); pass --team <team name>');
    const name = args.name ?? deploymentName(args.zones[0]);
    const draft = new Draft(live, name, teamName);
    const problems = settle(draft, today);
    if (problems.length) {
      for (const line of problems) ctx.err(`gatehouse discover: the discovered file does not validate: ${line}`);
      return 1;
    }
    ctx.out(renderDiscovered(draft, { accountId, zones: live.zones.map((z) => z.name), today }));
    progress(`${adoptedCount(draft)} existing objects to adopt; ${draft.review.length} to review and ${draft.unexpressed.length} not expressed (listed at the top of the file)`);
    return 0;
  } catch (e) {
    if (e instanceof GatehouseError) {
      for (const line of e.lines()) ctx.err(`gatehouse discover: ${line}`);
      return 1;
    }
    if (e instanceof Error && e.name === 'CloudflareApiError') return fail(e.message);
    throw e;
  }
}

function usage(ctx: DiscoverContext, line: string): number {
  ctx.err(`gatehouse discover: ${line}; run gatehouse discover --help`);
  return 2;
}

/**
 * Validate the draft as a deployment file; leave out what the checks refuse until it validates.
 * Returns the problems that remain (none when the file is good).
 */
export function settle(draft: Draft, today: string): string[] {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    try {
      parseDeployment(draftYaml(draft), 'discovered', { today });
      return [];
    } catch (e) {
      if (!(e instanceof GatehouseError)) throw e;
      let dropped = false;
      for (const p of e.problems) {
        const line = new GatehouseError([p]).lines()[0];
        if (draft.drop(p.path, `refused by the deployment checks: ${line}`)) dropped = true;
      }
      if (!dropped) return e.lines().map((l) => l.replace(/^discovered: /, ''));
    }
  }
  return ['discover gave up leaving out what the checks refuse (a bug in lib/discover)'];
}

/** The first label of the zone, as a deployment name (2-21 characters). */
function deploymentName(zone: string): string {
  const label = zone.split('.')[0].toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '');
  const name = label.slice(0, 21).replace(/-+$/, '');
  return name.length >= 2 ? name : 'discovered';
}

function adoptedCount(draft: Draft): number {
  const a = draft.file.adopt;
  return (
    Object.keys(a.tunnels).length +
    a.dns_records.size +
    a.identity_providers.size +
    a.access_groups.size +
    a.access_policies.size +
    a.service_tokens.size +
    a.apps.size +
    a.buckets.length +
    a.pages_projects.length +
    a.pages_domains.length +
    a.workers_domains.size
  );
}

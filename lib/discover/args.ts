/** Command-line arguments of `gatehouse discover` (`npm run discover`); loading this module reads and runs nothing. */

export interface DiscoverArgs {
  /** `--account`: the account to read (required). */
  readonly accountId?: string;
  /** `--zone` (repeatable, or comma-separated): the zones to read; the first is the deployment's zone. */
  readonly zones: readonly string[];
  /** `--name`: the deployment name to write (default derived from the zone). */
  readonly name?: string;
  /** `--team`: the Zero Trust team name (default read from the account). */
  readonly team?: string;
}

/** The command line: `--help`, the options, or the one line that says what is wrong. */
export type ParsedDiscoverArgs = { readonly help: true } | { readonly help: false; readonly args: DiscoverArgs } | { readonly error: string };

/** What `gatehouse discover --help` prints. */
export const DISCOVER_USAGE = `usage: gatehouse discover --account <id> --zone <zone> [--zone <zone>...] [--name <name>] [--team <team>]

Reads a live Cloudflare account (read only) and prints a deployment file whose adopt: section names
every existing object gatehouse can manage, so that the first deploy imports them instead of
creating a second tunnel, record or app (docs/adopt.md). It reads: tunnels and their remote
ingress, the zones' CNAMEs to cfargotunnel.com and pages.dev, Access apps, policies, groups,
identity providers and service tokens, R2 buckets (every jurisdiction) with their lifecycle and
r2.dev setting, Pages projects and Workers custom domains.

The file goes to stdout; progress goes to stderr. At the top of the file, as comments: what needs a
person before the first deploy (placeholder reasons, in-place renames, TF_VAR_ names for client
secrets) and what could not be expressed, each with the reason (it stays as it is, outside
gatehouse). The file is checked like any deployment file before it is printed.

  --account <id>   the account id, 32 hex characters (default: CLOUDFLARE_ACCOUNT_ID)
  --zone <zone>    a zone to read, e.g. example.com; repeat it or separate zones with commas.
                   The first is cloudflare.zone, the others extra_zones
  --name <name>    the deployment name (default: the first label of the first zone)
  --team <team>    the Zero Trust team name, when the token cannot read the organization
  --help           print this and exit

Needs CLOUDFLARE_API_TOKEN with read access: Zone Read, DNS Read, Cloudflare Tunnel Read,
Access: Apps and Policies Read, Access: Organizations, Identity Providers, and Groups Read,
Access: Service Tokens Read, Workers R2 Storage Read, Pages Read, Workers Scripts Read.
Secrets are never read: identity providers get a secret_variable name (TF_VAR_<name>) instead.
Stays under Cloudflare's 1,200 requests per five minutes, and waits out HTTP 429.

  gatehouse discover --account 0123456789abcdef0123456789abcdef --zone example.com > deployment.yaml
  (in the gatehouse repository: npm run --silent discover -- ... > deployment.yaml; without
  --silent, npm writes its own header lines into the file)
`;

/** Parse argv (without node and the script); `--help` wins over everything else. */
export function parseDiscoverArgs(argv: readonly string[]): ParsedDiscoverArgs {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  let accountId: string | undefined;
  let name: string | undefined;
  let team: string | undefined;
  const zones: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].startsWith('--') ? argv[i].indexOf('=') : -1;
    const [flag, inline] = eq > 0 ? [argv[i].slice(0, eq), argv[i].slice(eq + 1)] : [argv[i], undefined];
    const known = ['--account', '--zone', '--name', '--team'];
    if (!known.includes(flag)) return { error: `unknown option ${JSON.stringify(argv[i])}; run gatehouse discover --help` };
    const value = inline ?? argv.at(++i);
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('-'))) return { error: `${flag} needs a value; run gatehouse discover --help` };
    if (flag === '--account') accountId = value;
    else if (flag === '--zone') zones.push(...value.split(',').map((z) => z.trim()).filter(Boolean));
    else if (flag === '--name') name = value;
    else team = value;
  }
  return { help: false, args: { ...(accountId !== undefined ? { accountId } : {}), zones, ...(name !== undefined ? { name } : {}), ...(team !== undefined ? { team } : {}) } };
}

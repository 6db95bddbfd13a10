/**
 * The `gatehouse` subcommands: one entry each, with the line `gatehouse --help` shows, the text
 * `gatehouse <name> --help` prints, and the handler (required only when the command runs, so `--help`
 * loads and touches nothing; a plain require works the same in the esbuild bundle, dist and jest).
 * A new command is one entry here plus its handler file in lib/cli/.
 */
import type { Command } from './command';
import { CUTOVER_USAGE } from '../cutover/args';
import { DISCOVER_USAGE } from '../discover/args';

const FILE_ARG = `  file             the deployment file, relative to the directory you run the command from
                   (default: GATEHOUSE_DEPLOYMENT, else the package's deployment.example.yaml)`;
const OUTPUT_ARG = `  --output <dir>   the output directory (default: CDKTF_OUTDIR, else ./cdktf.out)`;
const HELP_ARG = `  --help           print this and exit`;

/** Every `gatehouse` subcommand, in the order `gatehouse --help` lists them. */
export const COMMANDS: readonly Command[] = [
  {
    name: 'validate',
    summary: 'check a deployment file (schema and cross-field checks); writes nothing',
    usage: `usage: gatehouse validate [file]

Checks the deployment file: its schema and every check across fields. It does not synthesize and
writes nothing. Every problem is one line naming the file, the field, the value and what would be
valid; the exit status is 1 when there is one.

${FILE_ARG}
${HELP_ARG}
`,
    run: (argv, ctx) => (require('./validate') as typeof import('./validate')).run(argv, ctx),
  },
  {
    name: 'synth',
    summary: 'synthesize the stacks, the compliance report and the picture into cdktf.out',
    usage: `usage: gatehouse synth [file] [--output <dir>]

Validates the deployment file, synthesizes its stacks (one directory each under stacks/), checks them
against the policy pack (gatehouse-compliance.json) and draws the picture (gatehouse.mmd). The output
directory changes only when everything succeeded.

${FILE_ARG}
${OUTPUT_ARG}
${HELP_ARG}
`,
    run: (argv, ctx) => (require('./synth') as typeof import('./synth')).run(argv, ctx),
  },
  {
    name: 'graph',
    summary: 'draw what a deployment publishes: cdktf.out/gatehouse.mmd (Mermaid), optionally SVG',
    usage: `usage: gatehouse graph [file] [--output <dir>] [--svg]

Writes gatehouse.mmd, a Mermaid flowchart of the deployment: public hostnames (and route paths) ->
Access apps (policies, identity providers) -> tunnels (primary and standby; the active one carries
the public records) -> hosts; Pages projects and Workers; R2 buckets -> the holders of their
credentials. GitHub and most Markdown viewers draw Mermaid; see https://mermaid.js.org.

${FILE_ARG}
${OUTPUT_ARG}
  --svg            also render gatehouse.svg with @mermaid-js/mermaid-cli, in the browser named by
                   PUPPETEER_EXECUTABLE_PATH or a system Chromium; skipped with a note when none
${HELP_ARG}
`,
    run: (argv, ctx) => (require('./graph') as typeof import('./graph')).run(argv, ctx),
  },
  {
    name: 'status',
    summary: "show the deployed stacks' terraform outputs and each host's published state",
    usage: `usage: gatehouse status [file] [--output <dir>]

Reads, and changes nothing:
  - the terraform outputs of each synthesized stack that has state (local state files; GCS state
    through terraform once the stack directory is initialized); sensitive outputs are not shown;
  - each GCE host's guest attributes under gatehouse/ (bootstrap, cloudflared_version, connector,
    token_version, last_error), with an access token from GOOGLE_OAUTH_ACCESS_TOKEN or gcloud.
Whatever it could not read is named with the reason, and counted in the last line.

${FILE_ARG}
${OUTPUT_ARG}
${HELP_ARG}
`,
    run: (argv, ctx) => (require('./status') as typeof import('./status')).run(argv, ctx),
  },
  {
    name: 'diff',
    summary: 'synthesize, check credentials, then cdktf diff (terraform plan) of one stack',
    usage: `usage: gatehouse diff <stack> [--file <file>] [--refresh-only] [--terraform-parallelism <n>] [--migrate-state] [--no-color]

Synthesizes the deployment into cdktf's output directory, then checks that CLOUDFLARE_API_TOKEN and
every TF_VAR_<name> the stack's sensitive variables need are set, naming all that are missing in one
line before terraform runs. Then runs cdktf diff on exactly that output (--skip-synth).

  <stack>          a stack id: pages, access, standby, production or tenants-<n>
  --file <file>    the deployment file (default: GATEHOUSE_DEPLOYMENT, else deployment.example.yaml)
  other options    passed to cdktf diff
${HELP_ARG}
`,
    run: (argv, ctx) => (require('./deploy') as typeof import('./deploy')).runDiff(argv, ctx),
  },
  {
    name: 'deploy',
    summary: 'synthesize, check credentials, then cdktf deploy the stacks',
    usage: `usage: gatehouse deploy <stack...> [--file <file>] [--auto-approve] [--ignore-missing-stack-dependencies]
                        [--parallelism <n>] [--terraform-parallelism <n>] [--migrate-state] [--no-color]

Synthesizes the deployment into cdktf's output directory, then checks that CLOUDFLARE_API_TOKEN and
every TF_VAR_<name> the stacks' sensitive variables need are set, naming all that are missing in one
line before terraform runs. Then runs cdktf deploy on exactly that output (--skip-synth); cdktf
deploys the stacks in dependency order.

  <stack...>       stack ids or patterns ('tenants-*'): pages, access, standby, production, tenants-<n>
  --file <file>    the deployment file (default: GATEHOUSE_DEPLOYMENT, else deployment.example.yaml)
  other options    passed to cdktf deploy (values come from TF_VAR_*, never --var)
${HELP_ARG}
`,
    run: (argv, ctx) => (require('./deploy') as typeof import('./deploy')).runDeploy(argv, ctx),
  },
  {
    name: 'cutover',
    summary: 'move every public hostname to the other site in the safe order (docs/cutover.md)',
    usage: CUTOVER_USAGE,
    run: (argv, ctx) => (require('./cutover') as typeof import('./cutover')).runCutoverCommand(argv, ctx),
  },
  {
    name: 'cutover-plan',
    summary: "print every public record's target under both values of activate_dns",
    usage: `usage: gatehouse cutover-plan [file] [--output <dir>]

Synthesizes the deployment, then evaluates every public DNS record of the production stack with
terraform (offline) under activate_dns=false and activate_dns=true, and prints both targets.

${FILE_ARG}
${OUTPUT_ARG}
${HELP_ARG}
`,
    run: (argv, ctx) => (require('./cutover') as typeof import('./cutover')).runCutoverPlan(argv, ctx),
  },
  {
    name: 'discover',
    summary: 'read a live Cloudflare account into a deployment file that adopts what exists (docs/adopt.md)',
    usage: DISCOVER_USAGE,
    run: (argv, ctx) => (require('./discover') as typeof import('./discover')).run(argv, ctx),
  },
];

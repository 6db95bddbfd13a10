/**
 * `gatehouse deploy <stack...>` and `gatehouse diff <stack>`: cdktf deploy/diff with a preflight.
 * The deployment is validated and synthesized first (a bad file stops here, printed once); then
 * every credential and sensitive `TF_VAR_` the chosen stacks need is checked (lib/cutover/preflight.ts)
 * and all missing ones are named in one line before terraform runs. cdktf then runs on exactly the
 * synthesized output (`--skip-synth`), with checkpoint disabled.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { missingCredentials, readSynthesizedStacks } from '../cutover/preflight';
import type { SynthesizedStackJson } from '../core/terraform';
import { parseArgs, UsageError, type CommandContext, type OptionSpec } from './command';
import { cdktfExecutable, cdktfOutput, runCdktf } from './cdktf';
import { deploymentFileArg } from './files';
import { synthDeploymentFile } from './synth';

/** cdktf options passed through (values only where cdktf takes one). Never `--var`: values go in TF_VAR_*. */
const PASS_THROUGH: Record<'deploy' | 'diff', Record<string, OptionSpec>> = {
  deploy: {
    '--auto-approve': {},
    '--ignore-missing-stack-dependencies': {},
    '--parallelism': { value: true },
    '--terraform-parallelism': { value: true },
    '--migrate-state': {},
    '--no-color': {},
  },
  diff: {
    '--refresh-only': {},
    '--terraform-parallelism': { value: true },
    '--migrate-state': {},
    '--no-color': {},
  },
};

/** Stack ids matched by cdktf-style patterns (`*` matches any run of characters). */
export function matchStacks(patterns: readonly string[], ids: readonly string[]): { matched: string[]; unmatched: string[] } {
  const matched = new Set<string>();
  const unmatched: string[] = [];
  for (const p of patterns) {
    const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    const hits = ids.filter((id) => re.test(id));
    if (hits.length === 0) unmatched.push(p);
    for (const h of hits) matched.add(h);
  }
  return { matched: ids.filter((id) => matched.has(id)), unmatched };
}

/** Environment variables and files through which terraform's Google provider finds credentials. */
const GOOGLE_ENV = ['GOOGLE_CREDENTIALS', 'GOOGLE_CLOUD_KEYFILE_JSON', 'GCLOUD_KEYFILE_JSON', 'GOOGLE_OAUTH_ACCESS_TOKEN'];

/**
 * Whether Google credentials can be found the way the provider looks for them
 * (https://registry.terraform.io/providers/hashicorp/google/latest/docs/guides/provider_reference#authentication):
 * an environment variable, GOOGLE_APPLICATION_CREDENTIALS, or gcloud's application default credentials file.
 * (On GCE the metadata server answers too, which cannot be seen from here.)
 */
export function googleCredentialsFound(env: NodeJS.ProcessEnv, exists: (file: string) => boolean = fs.existsSync): boolean {
  if (GOOGLE_ENV.some((name) => env[name])) return true;
  if (env.GOOGLE_APPLICATION_CREDENTIALS) return exists(env.GOOGLE_APPLICATION_CREDENTIALS);
  const config = env.CLOUDSDK_CONFIG ?? path.join(env.HOME ?? os.homedir(), '.config', 'gcloud');
  return exists(path.join(config, 'application_default_credentials.json'));
}

function run(command: 'deploy' | 'diff') {
  return async (argv: readonly string[], ctx: CommandContext): Promise<number> => {
    const spec = { ...PASS_THROUGH[command], '--file': { value: true } };
    const { options, positionals } = parseArgs(argv, command, spec, { max: command === 'diff' ? 1 : Infinity, what: 'stack' });
    if (positionals.length === 0) throw new UsageError(`names no stack; run gatehouse ${command} --help`);
    for (const flag of ['--parallelism', '--terraform-parallelism']) {
      const v = options.get(flag);
      if (typeof v === 'string' && !/^-?\d+$/.test(v)) throw new UsageError(`${flag} needs a whole number (got ${JSON.stringify(v)})`);
    }
    const cwd = ctx.cwd;
    const executable = cdktfExecutable(cwd);
    if (!executable) {
      ctx.err(`gatehouse ${command}: refused: no cdktf CLI is installed in ${cwd}; npm install --save-dev cdktf-cli (or cdktn-cli)`);
      return 1;
    }
    const file = deploymentFileArg(options.get('--file') as string | undefined, ctx.env);
    const outdir = cdktfOutput(cwd);
    const { stacks: ids } = await synthDeploymentFile({
      env: ctx.env,
      file,
      outdir,
      ...(ctx.env.GATEHOUSE_TODAY ? { today: ctx.env.GATEHOUSE_TODAY } : {}),
      onWarning: (w) => ctx.err(`gatehouse: warning: ${w}`),
    });
    const { matched, unmatched } = matchStacks(positionals, ids);
    if (unmatched.length) {
      ctx.err(`gatehouse ${command}: refused: no stack matches ${unmatched.map((p) => JSON.stringify(p)).join(', ')}; ${path.basename(file)} gives ${ids.join(', ')}`);
      return 1;
    }
    const stacks: Readonly<Record<string, SynthesizedStackJson | undefined>> = readSynthesizedStacks(outdir);
    const missing = missingCredentials(stacks, matched, ctx.env);
    if (missing.length) {
      ctx.err(`gatehouse ${command}: refused before terraform runs: ${missing.join('; ')}`);
      return 1;
    }
    const google = matched.filter((id) => stacks[id]?.provider?.google || stacks[id]?.terraform?.backend?.gcs);
    if (google.length && !googleCredentialsFound(ctx.env)) {
      ctx.err(
        `gatehouse: warning: no Google credentials found for ${google.join(', ')} (GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_CREDENTIALS, ` +
          `GOOGLE_OAUTH_ACCESS_TOKEN or gcloud auth application-default login); terraform fails unless a GCE metadata server provides them`,
      );
    }
    const passed = [...options].filter(([flag]) => flag !== '--file').flatMap(([flag, v]) => (v === true ? [flag] : [flag, v]));
    return runCdktf(executable, [command, ...positionals, '--skip-synth', ...passed], { ...ctx.env, GATEHOUSE_DEPLOYMENT: file }, cwd);
  };
}

/** `gatehouse deploy [stack...]`: synth, check the credentials, then `cdktf deploy` with the project's cdktf CLI. */
export const runDeploy = run('deploy');
/** `gatehouse diff [stack...]`: synth, check the credentials, then `cdktf diff`. */
export const runDiff = run('diff');

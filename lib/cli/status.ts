/**
 * `gatehouse status [file] [--output <dir>]`: what is deployed, read-only.
 *
 * - The terraform outputs of each synthesized stack that has state: local state is read from the file
 *   the stack's backend names; GCS state through `terraform output -json` in the stack's directory
 *   once it has been initialized (by a diff or deploy). Sensitive outputs print as `(sensitive)`.
 * - Each GCE host's published state (guest attributes under `gatehouse/`, lib/google/guest-attributes.ts),
 *   with an access token from GOOGLE_OAUTH_ACCESS_TOKEN or `gcloud auth print-access-token`.
 *
 * Everything it could not read is named, with the reason, and listed again in the last line. It writes
 * nothing and changes nothing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadDeployment } from '../config/load';
import type { Deployment, SiteSpec } from '../config/schema';
import { redactSecrets } from '../core/errors';
import type { SynthesizedStackJson, TerraformAttributes } from '../core/terraform';
import { gcsStatePrefix, localStatePath } from '../deployment/backend';
import { readGuestAttributes } from '../google/guest-attributes';
import { parseArgs, type CommandContext } from './command';
import { deploymentFileArg, outputDirArg } from './files';

/** A terraform output as state and `terraform output -json` hold it. */
interface OutputValue {
  readonly value?: unknown;
  readonly sensitive?: boolean;
}

/** A terraform output as status prints it: sensitive values never. */
export function formatOutput(name: string, output: OutputValue): string {
  if (output.sensitive) return `${name} = (sensitive)`;
  return redactSecrets(`${name} = ${JSON.stringify(output.value)}`);
}

interface Reading {
  readonly lines: readonly string[];
  /** Set when something could not be read: what, and why. */
  readonly missed?: string;
}

/** The outputs of one synthesized stack, from the state its backend names. */
export function stackOutputs(d: Deployment, outdir: string, id: string, env: NodeJS.ProcessEnv): Reading {
  const dir = path.join(outdir, 'stacks', id);
  const stack = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as SynthesizedStackJson;
  const backend: Readonly<Record<string, TerraformAttributes | undefined>> = stack.terraform?.backend ?? {};
  if (backend.local) {
    const configured = String(backend.local.path);
    if (configured !== localStatePath(d.name, id)) {
      return { lines: [`stack ${id}: could not read: ${outdir} holds another deployment's stacks; run gatehouse synth first`], missed: `stack ${id} (stale synth)` };
    }
    const file = path.resolve(dir, configured);
    if (!fs.existsSync(file)) return { lines: [`stack ${id}: not deployed (no state at ${file})`] };
    let state: { readonly outputs?: Readonly<Record<string, OutputValue>> };
    try {
      state = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof state;
    } catch (e) {
      return { lines: [`stack ${id}: could not read ${file}: ${(e as Error).message.split('\n')[0]}`], missed: `stack ${id} (unreadable state)` };
    }
    return outputsReading(id, `state ${file}`, state.outputs ?? {});
  }
  if (backend.gcs) {
    const where = `gs://${String(backend.gcs.bucket)}/${String(backend.gcs.prefix)}`;
    if (d.backend.type === 'gcs' && backend.gcs.prefix !== gcsStatePrefix(d, id)) {
      return { lines: [`stack ${id}: could not read: ${outdir} holds another deployment's stacks; run gatehouse synth first`], missed: `stack ${id} (stale synth)` };
    }
    if (!fs.existsSync(path.join(dir, '.terraform'))) {
      return {
        lines: [`stack ${id}: could not read state in ${where}: ${dir} is not initialized; run npm run diff -- ${id} once`],
        missed: `stack ${id} (not initialized)`,
      };
    }
    const r = spawnSync('terraform', ['output', '-json', '-no-color'], { cwd: dir, env: { ...env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' }, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) {
      const why = (r.stderr || r.error?.message || `exit ${r.status}`).split('\n').map((l) => l.replace(/^[│╷╵\s]+/, '').trim()).find(Boolean) ?? 'no output';
      return { lines: [`stack ${id}: could not read state in ${where}: terraform output failed: ${redactSecrets(why)}`], missed: `stack ${id} (terraform output failed)` };
    }
    return outputsReading(id, `state ${where}`, JSON.parse(r.stdout || '{}') as Readonly<Record<string, OutputValue>>);
  }
  return { lines: [`stack ${id}: could not read: its backend is neither local nor gcs`], missed: `stack ${id} (unknown backend)` };
}

function outputsReading(id: string, where: string, outputs: Readonly<Record<string, OutputValue>>): Reading {
  const names = Object.keys(outputs)
    .filter((n) => !n.startsWith('cross-stack-output-'))
    .sort();
  return { lines: [`stack ${id}: ${where}: ${names.length} output${names.length === 1 ? '' : 's'}`, ...names.map((n) => `  ${formatOutput(n, outputs[n])}`)] };
}

/** An OAuth access token for the Compute API: GOOGLE_OAUTH_ACCESS_TOKEN, else gcloud's, else the reason there is none. */
export function googleAccessToken(env: NodeJS.ProcessEnv): { token: string } | { reason: string } {
  if (env.GOOGLE_OAUTH_ACCESS_TOKEN) return { token: env.GOOGLE_OAUTH_ACCESS_TOKEN.trim() };
  const r = spawnSync('gcloud', ['auth', 'print-access-token', '--quiet'], { env, encoding: 'utf8', timeout: 30_000 });
  const error: NodeJS.ErrnoException | undefined = r.error;
  if (error?.code === 'ENOENT') {
    return { reason: 'no Google credentials: set GOOGLE_OAUTH_ACCESS_TOKEN or install gcloud and sign in (gcloud auth login)' };
  }
  // spawnSync leaves stdout and stderr null when gcloud could not be started at all
  const token = ((r.stdout as string | null) ?? '').trim();
  if (r.status !== 0 || !token) {
    const why = ((r.stderr as string | null) ?? '').split('\n').map((l) => l.trim()).find(Boolean) ?? `exit ${r.status ?? r.signal}`;
    return { reason: `gcloud auth print-access-token failed: ${redactSecrets(why)}` };
  }
  return { token };
}

/** One site's host, as one line. */
export async function hostStatus(role: 'primary' | 'standby', site: SiteSpec, token: { token: string } | { reason: string }, env: NodeJS.ProcessEnv): Promise<Reading> {
  if ('external' in site) {
    return { lines: [`host ${role} ${site.external.name}: not created by gatehouse; on the host: cat /var/lib/gatehouse/status`] };
  }
  const label = `host ${role} ${site.name} (${site.project}/${site.zone})`;
  if ('reason' in token) return { lines: [`${label}: could not read guest attributes: ${token.reason}`], missed: `host ${role} (no Google credentials)` };
  try {
    const attributes = await readGuestAttributes({
      project: site.project,
      zone: site.zone,
      instance: site.name,
      accessToken: token.token,
      ...(env.GATEHOUSE_COMPUTE_API ? { baseUrl: env.GATEHOUSE_COMPUTE_API } : {}),
    });
    const pairs = Object.entries(attributes).map(([k, v]) => `${k}=${v}`);
    return { lines: [redactSecrets(`${label}: ${pairs.length ? pairs.join(' ') : 'nothing published yet'}`)] };
  } catch (e) {
    return { lines: [`${label}: could not read guest attributes: ${(e as Error).message}`], missed: `host ${role} (${(e as Error).message.split(':').pop()?.trim()})` };
  }
}

/** `gatehouse status [file] [--output <dir>]` */
export async function run(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { options, positionals } = parseArgs(argv, 'status', { '--output': { value: true } }, { max: 1, what: 'deployment file' });
  const file = deploymentFileArg(positionals[0], ctx.env);
  const outdir = outputDirArg(options.get('--output'), ctx.env, ctx.cwd);
  const { deployment } = loadDeployment(file, ctx.env.GATEHOUSE_TODAY ? { today: ctx.env.GATEHOUSE_TODAY } : {});
  ctx.out(`gatehouse status: deployment ${deployment.name} (${file}); active site: ${deployment.sites?.active ?? 'none (no sites)'}`);
  const missed: string[] = [];
  const stacksDir = path.join(outdir, 'stacks');
  const ids = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).filter((id) => fs.existsSync(path.join(stacksDir, id, 'cdk.tf.json'))).sort() : [];
  if (ids.length === 0) {
    ctx.out(`stacks: could not read: no synthesized stacks in ${outdir}; run gatehouse synth first`);
    missed.push('stacks (not synthesized)');
  }
  for (const id of ids) {
    const r = stackOutputs(deployment, outdir, id, ctx.env);
    r.lines.forEach(ctx.out);
    if (r.missed) missed.push(r.missed);
  }
  const sites = (['primary', 'standby'] as const).flatMap((role) => {
    const site = deployment.sites?.[role];
    return site ? [{ role, site }] : [];
  });
  const needsToken = sites.some(({ site }) => !('external' in site));
  const token = needsToken ? googleAccessToken(ctx.env) : { reason: 'not needed' };
  for (const { role, site } of sites) {
    const r = await hostStatus(role, site, token, ctx.env);
    r.lines.forEach(ctx.out);
    if (r.missed) missed.push(r.missed);
  }
  ctx.out(missed.length ? `gatehouse status: could not read ${missed.length}: ${missed.join(', ')}` : 'gatehouse status: read everything');
  return 0;
}

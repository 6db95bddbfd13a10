import * as fs from 'fs';
import * as path from 'path';
// From cdktf's root: its backend modules require each other in a cycle that only its index resolves
// (a deep import crashes when nothing loaded the root first). The root is cdktf's own, not a provider's.
import { GcsBackend, LocalBackend } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import type { Problem } from '../core/errors';
import type { Deployment } from '../config/schema';

/** The directory, beside the output directory, that holds every deployment's local state. */
export const STATE_DIR = 'state';

/**
 * Where a stack's local state lives, relative to the directory terraform runs in
 * (`<outdir>/stacks/<id>`): `state/<deployment name>/<stack id>.tfstate` next to the output
 * directory, never inside it, so a new synth can never touch state, and two deployments
 * synthesized in one checkout can never share a state file. The same relative path from every
 * stack directory names the same file, so cross-stack `terraform_remote_state` finds it. (A
 * relative path keeps the synthesized output identical on every machine.) This is the one source
 * of the path: everything that reads local state builds it here.
 */
export function localStatePath(deploymentName: string, stackId: string): string {
  return `../../../${STATE_DIR}/${deploymentName}/${stackId}.tfstate`;
}

/** The absolute local state file of a stack, for an output directory. */
export function localStateFile(outdir: string, deploymentName: string, stackId: string): string {
  return path.resolve(outdir, 'stacks', stackId, localStatePath(deploymentName, stackId));
}

/**
 * The GCS object prefix of a stack's state: `<prefix>/<stack id>`. The default prefix is
 * `gatehouse/<deployment name>`, so two deployments sharing a bucket never share state; an explicit
 * prefix is used as written.
 */
export function gcsStatePrefix(d: Pick<Deployment, 'name' | 'backend'>, stackId: string): string {
  if (d.backend.type !== 'gcs') throw new Error('gcsStatePrefix needs a gcs backend');
  return `${(d.backend.prefix ?? `gatehouse/${d.name}`).replace(/\/+$/, '')}/${stackId}`;
}

/**
 * Configure a stack's state backend from the deployment: local files by default, or GCS (with
 * native state locking) under `<prefix>/<stack id>` for teams.
 */
export function configureBackend(stack: TerraformStack, d: Pick<Deployment, 'name' | 'backend'>): void {
  if (d.backend.type === 'gcs') {
    new GcsBackend(stack, { bucket: d.backend.bucket, prefix: gcsStatePrefix(d, stack.node.id) });
  } else {
    new LocalBackend(stack, { path: localStatePath(d.name, stack.node.id) });
  }
}

/** A path as a shell word. */
function sh(word: string): string {
  return /^[A-Za-z0-9_./:=+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The file names of the state layout before state was kept per deployment: `terraform.<stack>.tfstate`. */
const LEGACY_STATE = /^terraform\.(.+)\.tfstate$/;

/**
 * Local state at the path used before state was kept per deployment (`terraform.<stack>.tfstate`
 * beside the output directory). Nothing reads it any more, so a deploy would start from empty state
 * and try to create everything again: one problem per file, with the exact command that moves it
 * (and its backup) to this deployment's path.
 */
export function legacyStateProblems(d: Pick<Deployment, 'name' | 'backend'>, outdir: string): Problem[] {
  if (d.backend.type !== 'local') return [];
  const root = path.dirname(path.resolve(outdir));
  if (!fs.existsSync(root)) return [];
  const problems: Problem[] = [];
  for (const file of fs.readdirSync(root).sort()) {
    const stack = LEGACY_STATE.exec(file)?.[1];
    if (!stack) continue;
    const from = path.join(root, file);
    const to = localStateFile(outdir, d.name, stack);
    const moves = [`mv ${sh(from)} ${sh(to)}`];
    if (fs.existsSync(`${from}.backup`)) moves.push(`mv ${sh(`${from}.backup`)} ${sh(`${to}.backup`)}`);
    problems.push({
      path: from,
      message: fs.existsSync(to)
        ? `is local state from before state was kept per deployment, and ${to} exists too; keep the one that is current ` +
          `(terraform show each) and move the other out of ${root}`
        : `is local state from before state was kept per deployment, which nothing reads any more; if it is deployment ` +
          `${d.name}'s, move it: mkdir -p ${sh(path.dirname(to))} && ${moves.join(' && ')}`,
    });
  }
  return problems;
}

/** The managed resource addresses (`type.name`) in a local state file, or [] when there is none. */
function stateAddresses(file: string): Set<string> {
  if (!fs.existsSync(file)) return new Set();
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { resources?: Array<{ mode?: string; type?: string; name?: string; module?: string }> };
  return new Set(
    (state.resources ?? []).filter((r) => r.mode === 'managed' && !r.module).map((r) => `${r.type}.${r.name}`),
  );
}

/**
 * Resources that moved from one stack to another (same construct ids, so the same terraform
 * addresses) but whose local state still sits in the old stack's file. Applying either stack would
 * destroy or duplicate them, so synth refuses, one problem per resource with the exact
 * `terraform state mv` command. With a GCS backend the state cannot be read at synth; UPGRADING.md
 * gives the commands.
 */
export function movedStateProblems(
  d: Pick<Deployment, 'name' | 'backend'>,
  outdir: string,
  move: { readonly from: string; readonly to: string; readonly addresses: readonly string[] },
): Problem[] {
  if (d.backend.type !== 'local' || move.addresses.length === 0) return [];
  const fromFile = localStateFile(outdir, d.name, move.from);
  const toFile = localStateFile(outdir, d.name, move.to);
  // Before its own move, the old stack's state may still be at the legacy path: read it there.
  const legacy = path.join(path.dirname(path.resolve(outdir)), `terraform.${move.from}.tfstate`);
  let held: Set<string>;
  try {
    held = stateAddresses(fs.existsSync(fromFile) ? fromFile : legacy);
  } catch (e) {
    return [{ path: fromFile, message: `cannot be read as terraform state (${(e as Error).message.split('\n')[0]}); it must be checked before stack ${move.to} is deployed` }];
  }
  const moved = stateAddresses(toFile);
  return move.addresses
    .filter((a) => held.has(a) && !moved.has(a))
    .map((a) => ({
      path: fromFile,
      message:
        `holds ${a}, which now belongs to stack ${move.to}; move it before deploying (else ${move.from} would destroy it): ` +
        `terraform state mv -state=${sh(fromFile)} -state-out=${sh(toFile)} ${a} ${a}`,
    }));
}

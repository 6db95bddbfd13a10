/**
 * What a deploy needs from the environment, checked before anything changes: the Cloudflare API token
 * and every sensitive variable without a default that the stacks to deploy declare (their values arrive
 * only as TF_VAR_<name>). Read from the synthesized cdk.tf.json, so a new secret variable is covered
 * the day it is declared. Reusable by any command that deploys.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SynthesizedStackJson } from '../core/terraform';

/** The synthesized stacks in `<outdir>/stacks/<id>/cdk.tf.json`, by id. */
export function readSynthesizedStacks(outdir: string): Record<string, SynthesizedStackJson> {
  const dir = path.join(outdir, 'stacks');
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .filter((id) => fs.existsSync(path.join(dir, id, 'cdk.tf.json')))
      .map((id) => [id, JSON.parse(fs.readFileSync(path.join(dir, id, 'cdk.tf.json'), 'utf8')) as SynthesizedStackJson]),
  );
}

/** Sensitive variables with no default that these stacks declare, each once, sorted. */
export function requiredSecretVariables(stacks: Readonly<Record<string, SynthesizedStackJson | undefined>>, ids: readonly string[]): string[] {
  const names = new Set<string>();
  for (const id of ids) {
    for (const [name, v] of Object.entries(stacks[id]?.variable ?? {})) {
      if (v.sensitive === true && !('default' in v)) names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * One line per missing credential or variable (names only, never values); empty when the environment
 * has everything a deploy of `ids` needs.
 */
export function missingCredentials(
  stacks: Readonly<Record<string, SynthesizedStackJson | undefined>>,
  ids: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const problems: string[] = [];
  if (!env.CLOUDFLARE_API_TOKEN) problems.push('CLOUDFLARE_API_TOKEN is not set: the Cloudflare provider and the cutover read it (README: secrets)');
  for (const id of ids) {
    if (!stacks[id]) problems.push(`stack ${id} was not synthesized: run npm run synth and check the deployment file`);
  }
  for (const name of requiredSecretVariables(stacks, ids)) {
    if (!env[`TF_VAR_${name}`]) {
      const declaredBy = ids.filter((id) => stacks[id]?.variable?.[name]);
      problems.push(`TF_VAR_${name} is not set: ${declaredBy.join(' and ')} declare${declaredBy.length === 1 ? 's' : ''} the sensitive variable ${name} with no default`);
    }
  }
  return problems;
}

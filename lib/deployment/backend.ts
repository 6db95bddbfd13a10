import { GcsBackend } from 'cdktf/lib/backends/gcs-backend';
import { LocalBackend } from 'cdktf/lib/backends/local-backend';
import type { TerraformStack } from 'cdktf';
import type { Deployment } from '../config/schema';

/**
 * Where local state lives, relative to the directory terraform runs in (`<outdir>/stacks/<id>`):
 * next to the output directory, never inside it, so a new synth can never touch state. The same
 * relative path from every stack directory names the same file, so cross-stack `terraform_remote_state`
 * finds it. (A relative path keeps the synthesized output identical on every machine.)
 */
export function localStatePath(stackId: string): string {
  return `../../../terraform.${stackId}.tfstate`;
}

/**
 * Configure a stack's state backend from the deployment: local files by default, or GCS (with
 * native state locking) under `<prefix>/<stack id>` for teams.
 */
export function configureBackend(stack: TerraformStack, backend: Deployment['backend']): void {
  if (backend.type === 'gcs') {
    new GcsBackend(stack, { bucket: backend.bucket, prefix: `${backend.prefix.replace(/\/+$/, '')}/${stack.node.id}` });
  } else {
    new LocalBackend(stack, { path: localStatePath(stack.node.id) });
  }
}

import { GcsBackend } from 'cdktf/lib/backends/gcs-backend';
import { LocalBackend } from 'cdktf/lib/backends/local-backend';
import type { TerraformStack } from 'cdktf';
import type { Deployment } from '../config/schema';

/**
 * Configure a stack's state backend from the deployment: local files by default, or GCS (with
 * native state locking) under `<prefix>/<stack id>` for teams.
 */
export function configureBackend(stack: TerraformStack, backend: Deployment['backend']): void {
  if (backend.type === 'gcs') {
    new GcsBackend(stack, { bucket: backend.bucket, prefix: `${backend.prefix.replace(/\/+$/, '')}/${stack.node.id}` });
  } else {
    new LocalBackend(stack, { path: `terraform.${stack.node.id}.tfstate` });
  }
}

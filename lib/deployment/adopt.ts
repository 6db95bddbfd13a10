/**
 * Adoption, applied in one place: every `adopt:` entry of the model (lib/deployment/adoptions.ts)
 * turns the resource gatehouse would create into a Terraform `import` block (cdktf `importFrom`), in
 * the stack that owns the resource. The resource's configuration is unchanged, so every check and
 * every rule of the policy pack applies to an adopted object exactly as to a new one.
 *
 * Terraform imports on the first plan that finds the address missing from the state; afterwards the
 * block is skipped, so the entries may stay (docs/adopt.md "After the first deploy"). cdktf checks
 * that terraform >= 1.5 is on PATH when an app with imports is synthesized.
 */
import { TerraformResource, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { GatehouseError } from '../core/errors';
import type { AdoptTarget } from './adoptions';
import type { DeploymentModel } from './model';

/** The resource at a construct path below a stack, of the expected type, or a one-line error (a bug). */
function resourceAt(stack: TerraformStack, t: AdoptTarget, at: string): TerraformResource {
  let node: IConstruct | undefined = stack;
  for (const id of t.path) node = node?.node.tryFindChild(id);
  if (!node || !TerraformResource.isTerraformResource(node) || node.terraformResourceType !== t.resourceType) {
    throw new GatehouseError([
      { path: at, message: `found no ${t.resourceType} at ${[stack.node.id, ...t.path].join('/')} to import into (a bug in lib/deployment/adoptions.ts)` },
    ]);
  }
  return node;
}

/**
 * Import every adopted object into its resource. `stacks` are the built stacks by id. Returns the
 * number of import blocks added. Call it once, after the stacks are built and before synth.
 */
export function adoptExisting(stacks: ReadonlyMap<string, TerraformStack>, m: DeploymentModel): number {
  let count = 0;
  for (const adoption of m.adoptions) {
    for (const t of adoption.targets) {
      const stack = stacks.get(t.stack);
      if (!stack) throw new GatehouseError([{ path: adoption.at, message: `adopts into stack ${t.stack}, which this deployment does not build (a bug in lib/deployment/adoptions.ts)` }]);
      resourceAt(stack, t, adoption.at).importFrom(t.importId);
      count++;
    }
  }
  return count;
}

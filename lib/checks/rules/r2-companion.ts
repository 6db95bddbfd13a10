import type { R2BucketJson, SynthesizedBlocks } from '../resources';
import { attributesOf } from '../resources';
import type { ElementView, RuleContext } from '../rule';

/**
 * The sub-resource of a bucket (lifecycle, managed domain) in the same stack: it names the bucket by
 * reference (`cloudflare_r2_bucket.<id>.name`) or by the literal name.
 */
export function bucketCompanion<T extends 'cloudflare_r2_bucket_lifecycle' | 'cloudflare_r2_managed_domain'>(
  bucket: ElementView,
  attributes: R2BucketJson,
  type: T,
  ctx: RuleContext,
): SynthesizedBlocks[T] | undefined {
  const ref = `cloudflare_r2_bucket.${bucket.id}.name`;
  for (const x of ctx.elements) {
    const part = attributesOf(x, type);
    if (part && (part.bucket_name.includes(ref) || part.bucket_name === attributes.name)) return part;
  }
  return undefined;
}

import type { ElementView, RuleContext } from '../rule';

/**
 * The sub-resource of a bucket (lifecycle, managed domain) in the same stack: it names the bucket by
 * reference (`cloudflare_r2_bucket.<id>.name`) or by the literal name.
 */
export function bucketCompanion(bucket: ElementView, type: string, ctx: RuleContext): ElementView | undefined {
  const ref = `cloudflare_r2_bucket.${bucket.id}.name`;
  return ctx.elements.find(
    (x) => x.type === type && (String(x.config.bucket_name).includes(ref) || x.config.bucket_name === bucket.config.name),
  );
}

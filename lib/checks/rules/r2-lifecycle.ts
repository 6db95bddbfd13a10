import { blockOf, isList } from '../json';
import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';
import { bucketCompanion } from './r2-companion';

/** A lifecycle replaces R2's default multipart-abort rule, so every bucket states one explicitly. */
export const R2Lifecycle: GatehouseRule = {
  id: 'Gatehouse-R2Lifecycle',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'every R2 bucket has a lifecycle configuration with a multipart-abort rule',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_r2_bucket',
  check: (e, ctx) => {
    const bucket = attributesOf(e, 'cloudflare_r2_bucket');
    if (!bucket) return notApplicable();
    const lifecycle = bucketCompanion(e, bucket, 'cloudflare_r2_bucket_lifecycle', ctx);
    if (!lifecycle) return nonCompliant(`bucket ${bucket.name} has no cloudflare_r2_bucket_lifecycle`);
    const rules = lifecycle.rules ?? [];
    if (!isList(rules)) return unknown(`the lifecycle rules of bucket ${bucket.name} are an expression`);
    const abort = rules.some((r) => {
      const rule = blockOf(r);
      return Boolean(rule?.enabled && rule.abort_multipart_uploads_transition);
    });
    return abort ? compliant() : nonCompliant(`the lifecycle of bucket ${bucket.name} has no enabled multipart-abort rule`);
  },
};

import { bucketCompanion } from './r2-companion';
import { compliant, GatehouseRule, nonCompliant, RuleLevel } from '../rule';

/** A lifecycle replaces R2's default multipart-abort rule, so every bucket states one explicitly. */
export const R2Lifecycle: GatehouseRule = {
  id: 'Gatehouse-R2Lifecycle',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'every R2 bucket has a lifecycle configuration with a multipart-abort rule',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_r2_bucket',
  check: (e, ctx) => {
    const lifecycle = bucketCompanion(e, 'cloudflare_r2_bucket_lifecycle', ctx);
    if (!lifecycle) return nonCompliant(`bucket ${e.config.name} has no cloudflare_r2_bucket_lifecycle`);
    const abort = (lifecycle.config.rules ?? []).some((r: Record<string, any>) => r.enabled && r.abort_multipart_uploads_transition);
    return abort ? compliant() : nonCompliant(`the lifecycle of bucket ${e.config.name} has no enabled multipart-abort rule`);
  },
};

import { reasonProblem } from '../../core/rules';
import { FACTS } from '../facts';
import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel } from '../rule';
import { bucketCompanion } from './r2-companion';

/** Deleting the managed-domain resource does not turn r2.dev off; it must exist with enabled=false. */
export const R2DevDisabled: GatehouseRule = {
  id: 'Gatehouse-R2DevDisabled',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'r2.dev is explicitly disabled unless the bucket is declared public',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_r2_bucket',
  check: (e, ctx) => {
    const bucket = attributesOf(e, 'cloudflare_r2_bucket');
    if (!bucket) return notApplicable();
    const managed = bucketCompanion(e, bucket, 'cloudflare_r2_managed_domain', ctx);
    const reason = e.facts[FACTS.publicBucket];
    if (!managed) return nonCompliant(`bucket ${bucket.name} has no cloudflare_r2_managed_domain; add one with enabled = false`);
    if (managed.enabled === false) return compliant();
    return reasonProblem(reason) === undefined
      ? compliant()
      : nonCompliant(`r2.dev is enabled on bucket ${bucket.name}, which is not declared public`);
  },
};

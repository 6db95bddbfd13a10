import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel } from '../rule';

/** Nothing lost: a bucket is never destroyed by a plan. */
export const R2PreventDestroy: GatehouseRule = {
  id: 'Gatehouse-R2PreventDestroy',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'every R2 bucket has lifecycle.prevent_destroy',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_r2_bucket',
  check: (e) => {
    const bucket = attributesOf(e, 'cloudflare_r2_bucket');
    if (!bucket) return notApplicable();
    return bucket.lifecycle?.prevent_destroy === true ? compliant() : nonCompliant('the bucket does not set lifecycle.prevent_destroy');
  },
};

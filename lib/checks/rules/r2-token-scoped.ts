import { FACTS } from '../facts';
import { blockOf, isList } from '../json';
import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';

const BUCKET_KEY = /"com\.cloudflare\.edge\.r2\.bucket\.([^"]+)"/g;

/** Managed-offering seed: bucket-scoped keys, never the master token. */
export const R2TokenScoped: GatehouseRule = {
  id: 'Gatehouse-R2TokenScoped',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'API tokens are scoped to named R2 buckets, never to the account or every bucket',
  // ScopedApiToken tokens (pages, dns, workers, tunnel) are scoped by their own construct.
  appliesTo: (e) =>
    e.kind === 'resource' && (e.type === 'cloudflare_account_token' || e.type === 'cloudflare_api_token') && e.facts[FACTS.scopedToken] === undefined,
  check: (e) => {
    const token = attributesOf(e, 'cloudflare_account_token', 'cloudflare_api_token');
    if (!token) return notApplicable();
    const policies = isList(token.policies) ? token.policies : [];
    if (policies.length === 0) return unknown('the token policies are not known');
    for (const p of policies) {
      const resources = blockOf(p)?.resources ?? '';
      if (/com\.cloudflare\.api\.account\./.test(resources)) return nonCompliant('a policy is scoped to the whole account; scope it to named buckets');
      const keys = [...resources.matchAll(BUCKET_KEY)].map((m) => m[1]);
      if (keys.length === 0) return unknown(`cannot read the bucket scope from ${resources.slice(0, 60)}`);
      const allKeys = [...resources.matchAll(/"(com\.cloudflare\.[^"]+)"/g)].map((m) => m[1]);
      const other = allKeys.filter((k) => !k.startsWith('com.cloudflare.edge.r2.bucket.'));
      if (other.length) return nonCompliant(`a policy also names ${other.join(', ')}; an r2 token names buckets only`);
      if (keys.some((k) => k.includes('*'))) return nonCompliant('a policy names a wildcard bucket; name each bucket');
    }
    return compliant();
  },
};

import { compliant, GatehouseRule, nonCompliant, RuleLevel, unknown } from '../rule';

const BUCKET_KEY = /"com\.cloudflare\.edge\.r2\.bucket\.([^"]+)"/g;

/** Managed-offering seed: bucket-scoped keys, never the master token. */
export const R2TokenScoped: GatehouseRule = {
  id: 'Gatehouse-R2TokenScoped',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'API tokens are scoped to named R2 buckets, never to the account or every bucket',
  appliesTo: (e) => e.kind === 'resource' && (e.type === 'cloudflare_account_token' || e.type === 'cloudflare_api_token'),
  check: (e) => {
    const policies: Array<Record<string, any>> = Array.isArray(e.config.policies) ? e.config.policies : [];
    if (policies.length === 0) return unknown('the token policies are not known');
    for (const p of policies) {
      const resources = String(p.resources ?? '');
      if (/com\.cloudflare\.api\.account\./.test(resources)) return nonCompliant('a policy is scoped to the whole account; scope it to named buckets');
      const keys = [...resources.matchAll(BUCKET_KEY)].map((m) => m[1]);
      if (keys.length === 0) return unknown(`cannot read the bucket scope from ${resources.slice(0, 60)}`);
      if (keys.some((k) => k.includes('*'))) return nonCompliant('a policy names a wildcard bucket; name each bucket');
    }
    return compliant();
  },
};

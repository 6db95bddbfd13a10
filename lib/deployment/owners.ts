/**
 * Every public hostname has one owner: a tunnel route, a public bucket's custom domain, a tenant, a
 * Pages custom domain or a Worker. Claims are taken in that order and the first one wins; a later
 * claim on the same hostname is a conflict, which the checks report at the claim's field.
 */
import type { DeploymentModel, HostnameOwner } from './model';

/** What a tunnel route is called when it owns a hostname. */
export const ROUTE_OWNER = 'a tunnel route';

/** The owner of each hostname, and each conflicting claim (by its field path) with the owner it collides with. */
export function resolveHostnameOwners(m: DeploymentModel): { owners: Map<string, HostnameOwner>; conflicts: Map<string, string> } {
  const owners = new Map<string, HostnameOwner>();
  const conflicts = new Map<string, string>();
  const claim = (at: string, hostname: string, stack: string) => {
    const other = owners.get(hostname);
    if (other) conflicts.set(at, other.label);
    else owners.set(hostname, { label: at, stack });
  };
  for (const r of m.routes) if (!owners.has(r.hostname)) owners.set(r.hostname, { label: ROUTE_OWNER, stack: r.ownerStack });
  for (const b of m.buckets.values()) if (b.customDomain && !b.retired) claim(`${b.at}.public.custom_domain`, b.customDomain.hostname, 'production');
  for (const t of m.tenants) {
    if (!t.spec.enabled) continue;
    const other = owners.get(t.hostname);
    // A route or another tenant on a tenant's hostname is reported by the tenant checks, once.
    if (other && other.label !== ROUTE_OWNER && !other.label.startsWith('tenants.')) conflicts.set(t.at, other.label);
    else if (!other) owners.set(t.hostname, { label: t.at, stack: t.stackId });
  }
  // A tenant's extra hostnames are claimed like any other public hostname: unique across the whole deployment.
  for (const t of m.tenants) {
    if (t.spec.enabled) t.extraHostnames.forEach((x, j) => claim(`${t.at}.extra_hostnames[${j}]`, x.hostname, t.stackId));
  }
  for (const p of m.pages.values()) p.domains.forEach((x, i) => claim(`${p.at}.domains[${i}]`, x.hostname, 'pages'));
  for (const w of m.workers.values()) claim(`${w.at}.hostname`, w.hostname, 'production');
  return { owners, conflicts };
}

/**
 * Names of the activation records of external sites (lib/cutover/activation.ts creates them). Kept free
 * of cdktf imports: the deployment checks (record counts per zone) use it too.
 */
import type { Deployment } from '../config/schema';

/** The two sites of a deployment. */
export type SiteRole = 'primary' | 'standby';

/**
 * `_gatehouse-<deployment name>-<role>.<primary zone>`: the TXT record that activates an external site's connector.
 * The leading underscore keeps it out of the hostname namespace (RFC 8552 style), so no route can collide with it.
 */
export function activationRecordName(d: Pick<Deployment, 'name' | 'cloudflare'>, role: SiteRole): string {
  return `_gatehouse-${d.name}-${role}.${d.cloudflare.zone}`;
}

/** The activation records a deployment creates: one per external site (GCE hosts use instance metadata). */
export function activationRecordNames(d: Deployment): string[] {
  return (['primary', 'standby'] as const).filter((role) => d.sites?.[role] && 'external' in d.sites[role]!).map((role) => activationRecordName(d, role));
}

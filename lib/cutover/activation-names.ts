/**
 * Names of the activation records of external sites (lib/cutover/activation.ts creates them). Kept free
 * of cdktf imports: the deployment model (lib/deployment/model.ts) names them too.
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

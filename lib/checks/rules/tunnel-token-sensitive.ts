import { stringsIn } from '../json';
import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, RuleLevel } from '../rule';

const TOKEN = /data\.cloudflare_zero_trust_tunnel_cloudflared_token\.[A-Za-z0-9_-]+\.token/;
/** Resources whose values reach instance metadata, startup scripts or command lines. */
const HOST_TYPES = new Set([
  'google_compute_instance',
  'google_compute_instance_template',
  'google_compute_region_instance_template',
  'google_compute_project_metadata',
  'google_compute_project_metadata_item',
]);

/**
 * The connector token (not marked sensitive in provider 5.14) appears only inside sensitive(), never
 * in instance metadata or a startup script, where it would reach a process command line.
 */
export const TunnelTokenSensitive: GatehouseRule = {
  id: 'Gatehouse-TunnelTokenSensitive',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'the tunnel connector token appears in no non-sensitive value and on no command line',
  appliesTo: (e) => e.kind === 'resource' || e.kind === 'output',
  check: (e) => {
    const uses = stringsIn(e.config).filter(([, v]) => TOKEN.test(v));
    if (uses.length === 0) return compliant();
    const sensitiveOutput = attributesOf(e, 'output')?.sensitive === true;
    for (const [at, v] of uses) {
      if (HOST_TYPES.has(e.type)) {
        return nonCompliant(`${at} carries the connector token; deliver it through Secret Manager instead`);
      }
      if (sensitiveOutput) continue;
      if (/nonsensitive\(/.test(v)) return nonCompliant(`${at} unwraps the connector token with nonsensitive()`);
      const unwrapped = v.replace(/(^|[^A-Za-z0-9_])sensitive\(\s*data\.cloudflare_zero_trust_tunnel_cloudflared_token\.[A-Za-z0-9_-]+\.token\s*\)/g, '$1');
      if (TOKEN.test(unwrapped)) return nonCompliant(`${at} uses the connector token outside sensitive()`);
    }
    if (e.kind === 'output' && !sensitiveOutput) return nonCompliant('the output carries the connector token but is not sensitive');
    return compliant();
  },
};

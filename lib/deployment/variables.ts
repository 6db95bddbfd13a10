import { TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';

/** The cutover flag. Declared with the same name in both site stacks, so `TF_VAR_activate_dns` says it once. */
export const ACTIVATE_DNS = 'activate_dns';
/** The documented disaster override of the tunnel health gate. */
export const SKIP_HEALTH_GATE = 'skip_tunnel_health_gate';
/** Keeps the primary connector running during a cutover when the deployment stops it by default. */
export const PRIMARY_CONNECTOR_ON = 'primary_connector_on';

export function activateDnsVariable(scope: Construct): TerraformVariable {
  return new TerraformVariable(scope, ACTIVATE_DNS, {
    type: 'bool',
    default: false,
    nullable: false,
    description: 'false: public hostnames point at the primary tunnel; true: at the standby tunnel (cutover).',
  });
}

/** A sensitive variable with no default: the secret arrives only as TF_VAR_<name>. */
export function secretVariable(scope: Construct, name: string, description: string): TerraformVariable {
  return new TerraformVariable(scope, name, { type: 'string', sensitive: true, nullable: false, description });
}

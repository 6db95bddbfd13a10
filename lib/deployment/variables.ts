import { TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import type { Deployment } from '../config/schema';

/** The cutover flag. Declared with the same name in both site stacks, so `TF_VAR_activate_dns` says it once. */
export const ACTIVATE_DNS = 'activate_dns';
/** The documented disaster override of the tunnel health gate. */
export const SKIP_HEALTH_GATE = 'skip_tunnel_health_gate';
/** Keeps the primary connector running during a cutover when the deployment stops it by default. */
export const PRIMARY_CONNECTOR_ON = 'primary_connector_on';

/**
 * `activate_dns`: false points the public hostnames at the primary tunnel, true at the standby tunnel.
 * Its default is the state recorded in the file (`sites.active`), so a deploy with no `TF_VAR_*`
 * re-applies the recorded state; `TF_VAR_activate_dns` stays the emergency override (docs/cutover.md).
 */
export function activateDnsVariable(scope: Construct, d: Deployment): TerraformVariable {
  return new TerraformVariable(scope, ACTIVATE_DNS, {
    type: 'bool',
    default: d.sites?.active === 'standby',
    nullable: false,
    description:
      'false: public hostnames point at the primary tunnel; true: at the standby tunnel. ' +
      'The default is sites.active in the deployment file; npm run cutover changes both.',
  });
}

/**
 * `primary_connector_on` (only with `keep_primary_connector_on_cutover: false`): runs the primary connector while
 * `activate_dns` is true. Default false, which is the recorded state on either site: on the primary the connector
 * runs anyway, on the standby the file asks for it to stop. The cutover command sets it while DNS moves.
 */
export function primaryConnectorOnVariable(scope: Construct): TerraformVariable {
  return new TerraformVariable(scope, PRIMARY_CONNECTOR_ON, {
    type: 'bool',
    default: false,
    nullable: false,
    description: 'Run the primary connector even while activate_dns is true (set by npm run cutover while DNS moves).',
  });
}

/** `skip_tunnel_health_gate`: the documented disaster override of the DNS health gate (and of nothing else). */
export function skipHealthGateVariable(scope: Construct): TerraformVariable {
  return new TerraformVariable(scope, SKIP_HEALTH_GATE, {
    type: 'bool',
    default: false,
    nullable: false,
    description: 'Disaster override: point DNS at the target tunnel even if its connector is not healthy.',
  });
}

/** A sensitive variable with no default: the secret arrives only as TF_VAR_<name>. */
export function secretVariable(scope: Construct, name: string, description: string): TerraformVariable {
  return new TerraformVariable(scope, name, { type: 'string', sensitive: true, nullable: false, description });
}

/**
 * A lookup that declares each secret variable once in `scope` (sensitive, no default) and returns its
 * reference: two secrets may name the same variable (one secret, two uses).
 */
export function secretVariables(scope: Construct, description: (variable: string) => string): (variable: string) => string {
  const declared = new Map<string, TerraformVariable>();
  return (variable) => {
    let v = declared.get(variable);
    if (!v) {
      v = secretVariable(scope, variable, description(variable));
      declared.set(variable, v);
    }
    return v.stringValue;
  };
}

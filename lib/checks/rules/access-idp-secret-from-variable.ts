import { compliant, GatehouseRule, nonCompliant, RuleLevel } from '../rule';

/** ADR checklist (b): the client secret comes from an environment variable only. */
export const AccessIdpSecretFromVariable: GatehouseRule = {
  id: 'Gatehouse-AccessIdpSecretFromVariable',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'identity provider client secrets come only from sensitive variables with no default (TF_VAR_*)',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_access_identity_provider',
  check: (e, ctx) => {
    const secret = e.config.config?.client_secret;
    if (secret === undefined) return compliant();
    const m = typeof secret === 'string' ? /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(secret) : null;
    if (!m) return nonCompliant('client_secret must be exactly a sensitive terraform variable, never a literal or expression');
    const variable = ctx.stack.variable?.[m[1]];
    if (!variable) return nonCompliant(`client_secret names variable ${m[1]}, which the stack does not declare`);
    if (variable.sensitive !== true) return nonCompliant(`variable ${m[1]} must be declared sensitive`);
    if (variable.default !== undefined) return nonCompliant(`variable ${m[1]} must have no default; supply TF_VAR_${m[1]}`);
    return compliant();
  },
};

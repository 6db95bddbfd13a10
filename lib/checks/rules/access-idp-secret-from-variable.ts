import { blockOf } from '../json';
import { attributesOf, variablesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel } from '../rule';

/** ADR checklist (b): the client secret comes from an environment variable only. */
export const AccessIdpSecretFromVariable: GatehouseRule = {
  id: 'Gatehouse-AccessIdpSecretFromVariable',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'identity provider client secrets come only from sensitive variables with no default (TF_VAR_*)',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_access_identity_provider',
  check: (e, ctx) => {
    const idp = attributesOf(e, 'cloudflare_zero_trust_access_identity_provider');
    if (!idp) return notApplicable();
    const secret = blockOf(idp.config)?.client_secret;
    if (secret === undefined) return compliant();
    const name = /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(secret)?.[1];
    if (name === undefined) return nonCompliant('client_secret must be exactly a sensitive terraform variable, never a literal or expression');
    const variable = variablesOf(ctx)[name];
    if (!variable) return nonCompliant(`client_secret names variable ${name}, which the stack does not declare`);
    if (variable.sensitive !== true) return nonCompliant(`variable ${name} must be declared sensitive`);
    if (variable.default !== undefined) return nonCompliant(`variable ${name} must have no default; supply TF_VAR_${name}`);
    return compliant();
  },
};

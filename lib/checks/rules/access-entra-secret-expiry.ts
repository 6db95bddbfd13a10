import { SECRET_EXPIRY_WARNING_DAYS, secretExpiry } from '../../core/dates';
import { FACTS } from '../facts';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';

/** An expired Entra client secret locks every user out; find it in CI, not at login. */
export const AccessEntraSecretExpired: GatehouseRule = {
  id: 'Gatehouse-AccessEntraSecretExpired',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'the Entra client secret has not expired',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_access_identity_provider' && e.config.type === 'azureAD',
  check: (e, ctx) => {
    const expires = e.facts[FACTS.secretExpires];
    if (expires === undefined) return unknown('the client secret expiry is not recorded (secret_expires)');
    const { state } = secretExpiry(ctx.today, String(expires));
    if (state === 'unknown') return unknown(`the recorded expiry ${JSON.stringify(expires)} is not a date`);
    return state === 'expired' ? nonCompliant(`the client secret expired on ${expires}; create a new one`) : compliant();
  },
};

export const AccessEntraSecretExpiring: GatehouseRule = {
  id: 'Gatehouse-AccessEntraSecretExpiring',
  level: RuleLevel.WARNING,
  suppressible: true,
  description: `the Entra client secret does not expire within ${SECRET_EXPIRY_WARNING_DAYS} days`,
  appliesTo: AccessEntraSecretExpired.appliesTo,
  check: (e, ctx) => {
    const expires = e.facts[FACTS.secretExpires];
    if (expires === undefined) return notApplicable();
    const { state, days } = secretExpiry(ctx.today, String(expires));
    if (state === 'unknown') return unknown(`the recorded expiry ${JSON.stringify(expires)} is not a date`);
    if (state === 'expired') return notApplicable();
    return state === 'expiring' ? nonCompliant(`the client secret expires in ${days} days (${expires}); rotate it`) : compliant();
  },
};

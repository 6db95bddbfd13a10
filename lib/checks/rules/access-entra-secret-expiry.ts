import { FACTS } from '../facts';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';

/** Days before expiry at which the rule starts to warn. */
export const EXPIRY_WARNING_DAYS = 30;

/** Days from today to a date, or NaN when either does not parse. */
function daysUntil(today: string, date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

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
    if (Number.isNaN(daysUntil(ctx.today, String(expires)))) return unknown(`the recorded expiry ${JSON.stringify(expires)} is not a date`);
    return daysUntil(ctx.today, String(expires)) <= 0 ? nonCompliant(`the client secret expired on ${expires}; create a new one`) : compliant();
  },
};

export const AccessEntraSecretExpiring: GatehouseRule = {
  id: 'Gatehouse-AccessEntraSecretExpiring',
  level: RuleLevel.WARNING,
  suppressible: true,
  description: `the Entra client secret does not expire within ${EXPIRY_WARNING_DAYS} days`,
  appliesTo: AccessEntraSecretExpired.appliesTo,
  check: (e, ctx) => {
    const expires = e.facts[FACTS.secretExpires];
    if (expires === undefined) return notApplicable();
    const days = daysUntil(ctx.today, String(expires));
    if (Number.isNaN(days)) return unknown(`the recorded expiry ${JSON.stringify(expires)} is not a date`);
    if (days <= 0) return notApplicable();
    return days <= EXPIRY_WARNING_DAYS ? nonCompliant(`the client secret expires in ${days} days (${expires}); rotate it`) : compliant();
  },
};

import { SECRET_EXPIRY_WARNING_DAYS, secretExpiry } from '../../core/dates';
import { FACTS } from '../facts';
import { compliant, ElementView, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown, Verdict } from '../rule';

/** The identity providers whose client secret has an expiry: Entra always, Google Workspace when the OAuth client was created with one. */
const KINDS: Readonly<Record<string, string>> = { azureAD: 'Entra', 'google-apps': 'Google Workspace' };

/**
 * An Entra client secret always expires (at most 24 months), so one whose expiry is not recorded
 * could not be validated; a Google OAuth client secret expires only when created with an expiry
 * (seed ADR: "Google Cloud Console allows optional expiry"), so without a recorded date there is
 * nothing to check.
 */
function unrecorded(e: ElementView): Verdict {
  return e.config.type === 'azureAD' ? unknown('the client secret expiry is not recorded (secret_expires)') : notApplicable();
}

/**
 * An expired client secret locks every user out; find it in CI, not at login. One rule family for
 * every identity provider with a secret expiry, through the one window of lib/core/dates.ts.
 * Formerly `Gatehouse-AccessEntraSecretExpired` (Entra only): suppressions written with that id still apply.
 */
export const AccessIdpSecretExpired: GatehouseRule = {
  id: 'Gatehouse-AccessIdpSecretExpired',
  formerIds: ['Gatehouse-AccessEntraSecretExpired'],
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'the client secret of an Entra or Google Workspace identity provider has not expired',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_access_identity_provider' && e.config.type in KINDS,
  check: (e, ctx) => {
    const expires = e.facts[FACTS.secretExpires];
    if (expires === undefined) return unrecorded(e);
    const { state } = secretExpiry(ctx.today, String(expires));
    if (state === 'unknown') return unknown(`the recorded expiry ${JSON.stringify(expires)} is not a date`);
    return state === 'expired' ? nonCompliant(`the ${KINDS[e.config.type]} client secret expired on ${expires}; create a new one`) : compliant();
  },
};

/** The warning before: within the window, rotate. Formerly `Gatehouse-AccessEntraSecretExpiring`: suppressions written with that id still apply. */
export const AccessIdpSecretExpiring: GatehouseRule = {
  id: 'Gatehouse-AccessIdpSecretExpiring',
  formerIds: ['Gatehouse-AccessEntraSecretExpiring'],
  level: RuleLevel.WARNING,
  suppressible: true,
  description: `the client secret of an Entra or Google Workspace identity provider does not expire within ${SECRET_EXPIRY_WARNING_DAYS} days`,
  appliesTo: AccessIdpSecretExpired.appliesTo,
  check: (e, ctx) => {
    const expires = e.facts[FACTS.secretExpires];
    if (expires === undefined) return notApplicable();
    const { state, days } = secretExpiry(ctx.today, String(expires));
    if (state === 'unknown') return unknown(`the recorded expiry ${JSON.stringify(expires)} is not a date`);
    if (state === 'expired') return notApplicable();
    return state === 'expiring' ? nonCompliant(`the ${KINDS[e.config.type]} client secret expires in ${days} days (${expires}); rotate it`) : compliant();
  },
};

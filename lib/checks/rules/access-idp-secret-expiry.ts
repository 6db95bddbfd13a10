import { SECRET_EXPIRY_WARNING_DAYS, secretExpiry } from '../../core/dates';
import { FACTS } from '../facts';
import { attributesOf, IdentityProviderJson } from '../resources';
import { compliant, ElementView, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown, Verdict } from '../rule';

/** The identity providers whose client secret has an expiry: Entra always, Google Workspace when the OAuth client was created with one. */
const KINDS: ReadonlyMap<string, string> = new Map([
  ['azureAD', 'Entra'],
  ['google-apps', 'Google Workspace'],
]);

/** The identity provider and its kind's name, when it is one whose client secret has an expiry. */
function withExpiry(e: ElementView): { readonly idp: IdentityProviderJson; readonly kind: string } | undefined {
  const idp = attributesOf(e, 'cloudflare_zero_trust_access_identity_provider');
  const kind = idp ? KINDS.get(idp.type) : undefined;
  return idp && kind ? { idp, kind } : undefined;
}

/**
 * The secret's recorded expiry (YYYY-MM-DD): a string, `undefined` when none is recorded, or a
 * verdict when what is recorded is not a date.
 */
function recordedExpiry(e: ElementView): string | undefined | Verdict {
  const expires = e.facts[FACTS.secretExpires];
  if (expires === undefined || typeof expires === 'string') return expires;
  return unknown(`the recorded expiry ${JSON.stringify(expires)} is not a date`);
}

/**
 * An Entra client secret always expires (at most 24 months), so one whose expiry is not recorded
 * could not be validated; a Google OAuth client secret expires only when created with an expiry
 * (seed ADR: "Google Cloud Console allows optional expiry"), so without a recorded date there is
 * nothing to check.
 */
function unrecorded(idp: IdentityProviderJson): Verdict {
  return idp.type === 'azureAD' ? unknown('the client secret expiry is not recorded (secret_expires)') : notApplicable();
}

/** Whether an identity provider is one whose client secret has an expiry (Entra or Google Workspace). */
const appliesTo = (e: ElementView): boolean => withExpiry(e) !== undefined;

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
  appliesTo,
  check: (e, ctx) => {
    const provider = withExpiry(e);
    if (!provider) return notApplicable();
    const expires = recordedExpiry(e);
    if (expires === undefined) return unrecorded(provider.idp);
    if (typeof expires !== 'string') return expires;
    const { state } = secretExpiry(ctx.today, expires);
    if (state === 'unknown') return unknown(`the recorded expiry ${JSON.stringify(expires)} is not a date`);
    return state === 'expired' ? nonCompliant(`the ${provider.kind} client secret expired on ${expires}; create a new one`) : compliant();
  },
};

/** The warning before: within the window, rotate. Formerly `Gatehouse-AccessEntraSecretExpiring`: suppressions written with that id still apply. */
export const AccessIdpSecretExpiring: GatehouseRule = {
  id: 'Gatehouse-AccessIdpSecretExpiring',
  formerIds: ['Gatehouse-AccessEntraSecretExpiring'],
  level: RuleLevel.WARNING,
  suppressible: true,
  description: `the client secret of an Entra or Google Workspace identity provider does not expire within ${SECRET_EXPIRY_WARNING_DAYS} days`,
  appliesTo,
  check: (e, ctx) => {
    const provider = withExpiry(e);
    if (!provider) return notApplicable();
    const expires = recordedExpiry(e);
    if (expires === undefined) return notApplicable();
    if (typeof expires !== 'string') return expires;
    const { state, days } = secretExpiry(ctx.today, expires);
    if (state === 'unknown') return unknown(`the recorded expiry ${JSON.stringify(expires)} is not a date`);
    if (state === 'expired') return notApplicable();
    return state === 'expiring' ? nonCompliant(`the ${provider.kind} client secret expires in ${days} days (${expires}); rotate it`) : compliant();
  },
};

import { MEMBER_EXPIRY_WARNING_DAYS, memberExpiry } from '../../core/dates';
import { FACTS } from '../facts';
import { compliant, ElementView, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';

interface MemberExpires {
  readonly email?: unknown;
  readonly expires?: unknown;
}

/** Whether an element is an account member (time-bound or not: a member without a recorded expiry is not applicable). */
const appliesTo = (e: ElementView): boolean => e.kind === 'resource' && e.type === 'cloudflare_account_member';

/**
 * Time-bound administrators (SME seed: a consultant's "time-bound access that is revoked at engagement
 * handoff"): once the day has come the member must be removed, so synth refuses until the member is
 * gone from the code (and the next deploy removes it from the account).
 */
export const AccountMemberExpired: GatehouseRule = {
  id: 'Gatehouse-AccountMemberExpired',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: "a time-bound account member's access has not ended (remove the member on its expiry day)",
  appliesTo,
  check: (e, ctx) => {
    const fact = e.facts[FACTS.memberExpires] as MemberExpires | undefined;
    if (fact === undefined) return notApplicable();
    const { state } = memberExpiry(ctx.today, String(fact.expires));
    if (state === 'unknown') return unknown(`the recorded expiry ${JSON.stringify(fact.expires)} is not a date`);
    return state === 'expired' ? nonCompliant(`the access of ${String(fact.email)} ended on ${String(fact.expires)}; remove the member`) : compliant();
  },
};

/** The warning before: a time-bound member's access ends soon, so plan the handoff. */
export const AccountMemberExpiring: GatehouseRule = {
  id: 'Gatehouse-AccountMemberExpiring',
  level: RuleLevel.WARNING,
  suppressible: true,
  description: `a time-bound account member's access does not end within ${MEMBER_EXPIRY_WARNING_DAYS} days`,
  appliesTo,
  check: (e, ctx) => {
    const fact = e.facts[FACTS.memberExpires] as MemberExpires | undefined;
    if (fact === undefined) return notApplicable();
    const { state, days } = memberExpiry(ctx.today, String(fact.expires));
    if (state === 'unknown') return unknown(`the recorded expiry ${JSON.stringify(fact.expires)} is not a date`);
    if (state === 'expired') return notApplicable();
    return state === 'expiring' ? nonCompliant(`the access of ${String(fact.email)} ends in ${days} days (${String(fact.expires)}); plan the removal`) : compliant();
  },
};

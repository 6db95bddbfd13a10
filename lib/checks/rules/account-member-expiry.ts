import { MEMBER_EXPIRY_WARNING_DAYS, memberExpiry } from '../../core/dates';
import { FACTS } from '../facts';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';

interface MemberExpires {
  readonly email?: unknown;
  readonly expires?: unknown;
}

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
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_account_member',
  check: (e, ctx) => {
    const fact = e.facts[FACTS.memberExpires] as MemberExpires | undefined;
    if (fact === undefined) return notApplicable();
    const { state } = memberExpiry(ctx.today, String(fact.expires));
    if (state === 'unknown') return unknown(`the recorded expiry ${JSON.stringify(fact.expires)} is not a date`);
    return state === 'expired' ? nonCompliant(`the access of ${String(fact.email)} ended on ${String(fact.expires)}; remove the member`) : compliant();
  },
};

export const AccountMemberExpiring: GatehouseRule = {
  id: 'Gatehouse-AccountMemberExpiring',
  level: RuleLevel.WARNING,
  suppressible: true,
  description: `a time-bound account member's access does not end within ${MEMBER_EXPIRY_WARNING_DAYS} days`,
  appliesTo: AccountMemberExpired.appliesTo,
  check: (e, ctx) => {
    const fact = e.facts[FACTS.memberExpires] as MemberExpires | undefined;
    if (fact === undefined) return notApplicable();
    const { state, days } = memberExpiry(ctx.today, String(fact.expires));
    if (state === 'unknown') return unknown(`the recorded expiry ${JSON.stringify(fact.expires)} is not a date`);
    if (state === 'expired') return notApplicable();
    return state === 'expiring' ? nonCompliant(`the access of ${String(fact.email)} ends in ${days} days (${String(fact.expires)}); plan the removal`) : compliant();
  },
};

import { durationSeconds } from '../../core/rules';
import { hasExpression } from '../json';
import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';

/** ADR: 24h is long enough for a working day and short enough for a stolen session to expire. */
export const AccessSessionDuration: GatehouseRule = {
  id: 'Gatehouse-AccessSessionDuration',
  level: RuleLevel.WARNING,
  suppressible: true,
  description: 'Access session durations are at most 24h',
  appliesTo: (e) =>
    e.kind === 'resource' &&
    (e.type === 'cloudflare_zero_trust_access_application' || e.type === 'cloudflare_zero_trust_access_policy'),
  check: (e) => {
    const subject = attributesOf(e, 'cloudflare_zero_trust_access_application', 'cloudflare_zero_trust_access_policy');
    if (!subject) return notApplicable();
    const d = subject.session_duration;
    if (d === undefined) return compliant();
    if (hasExpression(d)) return unknown('session_duration is an expression');
    const seconds = durationSeconds(d);
    if (seconds === undefined) return unknown(`session_duration ${JSON.stringify(d)} is not a duration`);
    return seconds <= 24 * 3600 ? compliant() : nonCompliant(`session_duration ${d} is longer than 24h`);
  },
};

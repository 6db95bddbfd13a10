/**
 * Account members: each email once, each role once per member, and the time-bound ones within their
 * window: a warning 14 days before `expires`, refused from that day on, naming the member to remove
 * (the one memberExpiry of lib/core/dates.ts, as the policy pack).
 */
import { memberExpiry } from '../../core/dates';
import type { DeploymentModel } from '../../deployment/model';
import { error, Finding, warning } from './check';

/** The `account_members` check: each email once, each role once per member, and `expires` warned 14 days ahead, refused from that day. */
export function accountMembers(m: DeploymentModel): Finding[] {
  const emails = new Map<string, string>();
  return [...m.accountMembers.values()].flatMap((member) => {
    const { spec, at } = member;
    const email = spec.email.toLowerCase();
    const other = emails.get(email);
    if (other === undefined) emails.set(email, member.name);
    const findings: Finding[] = [
      ...(other !== undefined ? [error(`${at}.email`, `is also the email of account_members.${other}; a member is listed once`, spec.email)] : []),
      ...spec.roles.flatMap((r, i) => (spec.roles.indexOf(r) !== i ? [error(`${at}.roles[${i}]`, 'is listed twice', r)] : [])),
    ];
    if (spec.expires) {
      const { state, days } = memberExpiry(m.today, spec.expires);
      if (state === 'expired') {
        findings.push(
          error(`${at}.expires`, `the access of ${spec.email} has ended (today is ${m.today}): remove ${at} from the file and deploy access, which removes the member from the account`, spec.expires),
        );
      } else if (state === 'expiring') {
        findings.push(warning(`${at}.expires`, `the access of ${spec.email} ends in ${days} days: remove ${at} by then (or extend expires)`, spec.expires));
      }
    }
    return findings;
  });
}

/** Account members: each invited by email with its roles by name, time-bound ones carrying their expiry for the policy pack. */
import type { Construct } from 'constructs';
import { AccountMember } from '../cloudflare/account-member';
import type { DeploymentModel } from './model';

/** The account members (`member-<name>`), by name. */
export function accountMembers(scope: Construct, m: DeploymentModel): Map<string, AccountMember> {
  return new Map(
    [...m.accountMembers.values()].map((member) => [
      member.name,
      new AccountMember(scope, `member-${member.name}`, {
        accountId: m.accountId,
        email: member.spec.email,
        roles: member.spec.roles,
        ...(member.spec.expires ? { expires: member.spec.expires } : {}),
      }),
    ]),
  );
}

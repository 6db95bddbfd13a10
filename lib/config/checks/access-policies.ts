/**
 * Access policies: their rules name declared groups and service tokens, allow policies never admit
 * everyone or machines, non_identity policies admit only named service tokens, and the apps that share
 * a policy agree on its session (lib/config/sessions.ts).
 */
import { declared } from '../../core/names';
import type { AccessRuleInput, Deployment } from '../../config/schema';
import type { DeploymentModel } from '../../deployment/model';
import { error, Finding, list } from './check';

/** Names referenced by a rule list exist. */
function ruleReferences(d: Deployment, at: string, rules: readonly AccessRuleInput[]): Finding[] {
  return rules.flatMap((rule, i) => [
    ...('group' in rule && !declared(d.access_groups, rule.group)
      ? [error(`${at}[${i}].group`, `names no access group; declared groups: ${list(Object.keys(d.access_groups))}`, rule.group)]
      : []),
    ...('service_token' in rule && !declared(d.service_tokens, rule.service_token)
      ? [error(`${at}[${i}].service_token`, `names no service token; declared service tokens: ${list(Object.keys(d.service_tokens))}`, rule.service_token)]
      : []),
  ]);
}

/** What an allow policy may include: people, never everyone and never machines. */
function allowRules(at: string, include: readonly AccessRuleInput[]): Finding[] {
  return include.flatMap((rule, i) => [
    ...('everyone' in rule ? [error(`${at}.include[${i}]`, 'an allow policy must not admit everyone; name groups, domains or emails instead', rule)] : []),
    ...('any_valid_service_token' in rule
      ? [error(`${at}.include[${i}]`, 'an allow policy must not admit any valid service token; name the token in a non_identity policy instead', rule)]
      : []),
    ...('service_token' in rule ? [error(`${at}.include[${i}]`, 'service tokens are only admitted by decision non_identity, not allow', rule)] : []),
  ]);
}

/**
 * The `access_policies` check: every rule names a declared group or service token, an allow policy
 * admits neither everyone nor machines, a non_identity policy includes named service tokens only.
 */
export function accessPolicies(m: DeploymentModel): Finding[] {
  const d = m.deployment;
  return Object.entries(d.access_policies).flatMap(([name, policy]) => {
    const at = `access_policies.${name}`;
    return [
      ...ruleReferences(d, `${at}.include`, policy.include),
      ...ruleReferences(d, `${at}.require`, policy.require),
      ...ruleReferences(d, `${at}.exclude`, policy.exclude),
      ...(policy.decision === 'allow' ? allowRules(at, policy.include) : []),
      ...(policy.decision === 'non_identity'
        ? policy.include.flatMap((rule, i) =>
            'service_token' in rule ? [] : [error(`${at}.include[${i}]`, 'a non_identity policy may only include named service_token rules', rule)],
          )
        : []),
    ];
  });
}

/** A policy's session applies on every app it is attached to, so apps that share it agree, or the policy says. */
export function policySessionAgreement(m: DeploymentModel): Finding[] {
  const findings: Finding[] = [];
  for (const [name, s] of m.policySessions) {
    // m.policySessions holds exactly the declared policies
    const decision = m.deployment.access_policies[name].decision;
    if (s.source !== 'conflict' || decision === 'deny' || decision === 'bypass') continue;
    findings.push(
      error(
        `access_policies.${name}.session_duration`,
        `is required here: the apps that use this policy declare different sessions (${s.users.map((u) => `${u.path} ${u.session}`).join(', ')}), ` +
          "and the policy's session, not the app's, is what a user admitted by it gets; set it, or give those apps one session_duration",
      ),
    );
  }
  return findings;
}

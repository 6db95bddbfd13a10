/** Identity providers: each client secret in its own variable, and a client secret (Entra, Google Workspace) that has not expired. */
import { secretExpiry } from '../../core/dates';
import type { DeploymentModel } from '../../deployment/model';
import { error, Finding, reservedVariable, warning } from './check';

/** Two identity providers never share a secret variable (one would silently get the other's secret), nor take one gatehouse declares itself. */
export function secretVariables(m: DeploymentModel): Finding[] {
  const findings: Finding[] = [];
  const owners = new Map<string, string>();
  for (const idp of m.identityProviders.values()) {
    if (idp.secretVariable === undefined) continue;
    const other = owners.get(idp.secretVariable);
    const reserved = reservedVariable(`${idp.at}.secret_variable`, idp.secretVariable);
    // TF_VAR_activate_dns would feed the client secret and the cutover override alike.
    if (reserved) findings.push(reserved);
    else if (other) findings.push(error(`${idp.at}.secret_variable`, `is also the secret variable of identity provider ${other}; give each its own`, idp.secretVariable));
    else owners.set(idp.secretVariable, idp.name);
  }
  return findings;
}

/** How messages name an identity provider kind with a client secret expiry. */
const SECRET_KIND = { entra: 'entra', 'google-workspace': 'google workspace' } as const;

/**
 * A client secret's expiry (Entra, Google Workspace): an error once it has passed, a warning within
 * the window (the one secretExpiry of lib/core/dates.ts, as the policy pack).
 */
export function secretExpiries(m: DeploymentModel): Finding[] {
  const findings: Finding[] = [];
  for (const idp of m.identityProviders.values()) {
    if ((idp.spec.type !== 'entra' && idp.spec.type !== 'google-workspace') || !idp.spec.secret_expires) continue;
    const expires = idp.spec.secret_expires;
    const kind = SECRET_KIND[idp.spec.type];
    const { state, days } = secretExpiry(m.today, expires);
    const at = `${idp.at}.secret_expires`;
    if (state === 'expired') {
      findings.push(error(at, `the ${kind} client secret expired (today is ${m.today}); create a new secret and update the date`, expires));
    } else if (state === 'expiring') {
      findings.push(warning(at, `the ${kind} client secret expires in ${days} days; rotate it before then`, expires));
    }
  }
  return findings;
}

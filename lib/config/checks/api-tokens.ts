/** Scoped API tokens: zones that are declared, and an expiry in the future. */
import type { DeploymentModel } from '../../deployment/model';
import { error, Finding, repeated } from './check';

/** The `api_tokens` check: `zones` names declared zones only, and `expires` lies after today. */
export function apiTokens(m: DeploymentModel): Finding[] {
  const zones = m.zones.map((z) => z.zoneName);
  return [...m.apiTokens.values()].flatMap((t) => [
    ...(t.spec.zones ?? []).flatMap((z, i) => (zones.includes(z) ? [] : [error(`${t.at}.zones[${i}]`, `names no declared zone (${zones.join(', ')})`, z)])),
    ...repeated(`${t.at}.zones`, t.spec.zones ?? []),
    ...(t.spec.expires && t.spec.expires <= m.today ? [error(`${t.at}.expires`, `must be a future date (today is ${m.today})`, t.spec.expires)] : []),
  ]);
}

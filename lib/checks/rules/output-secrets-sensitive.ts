import { attributesOf, variablesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel } from '../rule';

/** References whose values are secrets. */
const SECRET_REFERENCES = [
  /sensitive\(/,
  /cloudflare_(account|api)_token\.[A-Za-z0-9_-]+\.value/,
  /\.client_secret\b/,
  /cloudflare_zero_trust_tunnel_cloudflared_token\.[A-Za-z0-9_-]+\.token/,
  /\.tunnel_secret\b/,
  /\.secret_data\b/,
];

/** Every output that carries a secret is sensitive, so it never shows in plans or logs. */
export const OutputSecretsSensitive: GatehouseRule = {
  id: 'Gatehouse-OutputSecretsSensitive',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'every output that carries a secret (or a sensitive variable) is sensitive',
  appliesTo: (e) => e.kind === 'output',
  check: (e, ctx) => {
    const output = attributesOf(e, 'output');
    if (!output) return notApplicable();
    if (output.sensitive === true) return compliant();
    const value = JSON.stringify(output.value ?? '');
    const sensitiveVars = Object.entries(variablesOf(ctx))
      .filter(([, v]) => v?.sensitive === true)
      .map(([name]) => name);
    const carries =
      SECRET_REFERENCES.some((r) => r.test(value)) || sensitiveVars.some((name) => new RegExp(`var\\.${name}(?![A-Za-z0-9_-])`).test(value));
    return carries ? nonCompliant(`output ${e.id} carries a secret but is not sensitive`) : compliant();
  },
};

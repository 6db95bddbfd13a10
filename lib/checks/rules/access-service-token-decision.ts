import { FACTS } from '../facts';
import { compliant, GatehouseRule, nonCompliant, RuleLevel } from '../rule';

/** ADR checklist (d): no service token without a decision record. */
export const AccessServiceTokenDecision: GatehouseRule = {
  id: 'Gatehouse-AccessServiceTokenDecision',
  level: RuleLevel.ERROR,
  suppressible: false,
  description: 'every service token names the decision record that approved it',
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_access_service_token',
  check: (e) => {
    const record = e.facts[FACTS.decisionRecord];
    return typeof record === 'string' && record.trim().length >= 3
      ? compliant()
      : nonCompliant('the service token has no decision record (decisionRecord / decision_record)');
  },
};

import { IConstruct } from 'constructs';
import { GatehouseError } from '../core/errors';
import { MIN_REASON_LENGTH, reasonProblem } from '../core/rules';
import { RULES } from './rules';

/** A suppression: which rule, and why (at least 10 characters, recorded in the report). */
export interface RuleSuppression {
  /** The rule's id (`Gatehouse-<Rule>`), or one of its former ids. */
  readonly id: string;
  /** Why the finding is acceptable: at least 10 characters, recorded in the report beside the finding. */
  readonly reason: string;
}

const METADATA = 'gatehouse:suppressions';
export { MIN_REASON_LENGTH };

/**
 * Suppress policy-pack findings on a construct and everything below it.
 *
 * @example
 * GatehouseSuppressions.add(bucket, [{ id: 'Gatehouse-R2TokenExpiry', reason: 'rotated monthly by the backup runbook' }]);
 * @namespace
 */
export const GatehouseSuppressions = {
  /**
   * Suppress the rules named in `suppressions` on `construct` and everything below it. Throws a
   * `GatehouseError` naming each entry that names no rule, a rule that cannot be suppressed, or gives
   * a reason shorter than 10 characters; then nothing is recorded.
   */
  add(construct: IConstruct, suppressions: readonly RuleSuppression[]): void {
    const problems = suppressions.flatMap((s, i) => {
      const rule = RULES.find((r) => r.id === s.id || r.formerIds?.includes(s.id));
      const at = `suppressions[${i}]`;
      if (!rule) return [{ path: `${at}.id`, message: `names no gatehouse rule; see docs/rules.md`, value: s.id }];
      if (!rule.suppressible) return [{ path: `${at}.id`, message: 'this rule cannot be suppressed', value: s.id }];
      if (reasonProblem(s.reason)) {
        return [{ path: `${at}.reason`, message: `must explain in at least ${MIN_REASON_LENGTH} characters why`, value: s.reason }];
      }
      return [];
    });
    if (problems.length) throw new GatehouseError(problems, construct.node.path);
    for (const s of suppressions) construct.node.addMetadata(METADATA, { id: s.id, reason: s.reason.trim() });
  },

  /** The suppression of `ruleId` (or of one of the rule's former ids) on a construct or one of its ancestors, if any. */
  find(construct: IConstruct, ruleId: string, formerIds: readonly string[] = []): RuleSuppression | undefined {
    const ids = [ruleId, ...formerIds];
    for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
      const hit = c.node.metadata.find((m) => m.type === METADATA && ids.includes((m.data as RuleSuppression).id));
      if (hit) return hit.data as RuleSuppression;
    }
    return undefined;
  },
};

/**
 * The policy pack's rule model (after cdk-nag v2): each rule is a pure function of one synthesized
 * element and its stack, and answers compliant, non-compliant, not applicable, or unknown. Unknown
 * means "could not validate" and is never reported as a pass.
 */

/** How bad a non-compliant finding is. */
export enum RuleLevel {
  /** Fails the synth. */
  ERROR = 'error',
  /** Printed, and recorded in the report. */
  WARNING = 'warning',
}

/** What a rule concluded about one element. */
export enum RuleResult {
  COMPLIANT = 'compliant',
  NON_COMPLIANT = 'non-compliant',
  NOT_APPLICABLE = 'not-applicable',
  /** The rule could not resolve a value it needs (e.g. an unresolved reference). */
  UNKNOWN = 'could-not-validate',
}

export type Json = Record<string, any>;

/** One synthesized element as a rule sees it: resolved, snake_case, as in cdk.tf.json. */
export interface ElementView {
  /** `resource`, `data`, `output` or `variable`. */
  readonly kind: 'resource' | 'data' | 'output' | 'variable';
  /** Terraform type (`cloudflare_dns_record`), or `output` / `variable`. */
  readonly type: string;
  /** Logical id (the Terraform name). */
  readonly id: string;
  /** Construct path, e.g. `production/site/config`. */
  readonly path: string;
  readonly config: Json;
  /** Facts the constructs recorded for the checks (`gatehouse:*` metadata), by key. */
  readonly facts: Readonly<Record<string, unknown>>;
}

export interface RuleContext {
  /** The whole synthesized stack (resolved JSON). */
  readonly stack: Json;
  /** Every element of the stack, for rules that look across resources. */
  readonly elements: readonly ElementView[];
  /** Today, YYYY-MM-DD (UTC), for expiry rules. */
  readonly today: string;
}

/** A rule's verdict, with a message when it is not compliant or unknown. */
export interface Verdict {
  readonly result: RuleResult;
  readonly message?: string;
}

export interface GatehouseRule {
  /** `Gatehouse-<Rule>`. */
  readonly id: string;
  /**
   * Ids the rule had before (a rule generalized under a new name): suppressions written with one
   * still apply; findings carry `id`.
   * @default - none
   */
  readonly formerIds?: readonly string[];
  readonly level: RuleLevel;
  /** Some rules guard things that must never slip; they cannot be suppressed. */
  readonly suppressible: boolean;
  /** What it checks, one line. */
  readonly description: string;
  /** True for the elements the rule looks at. */
  appliesTo(element: ElementView): boolean;
  check(element: ElementView, context: RuleContext): Verdict;
}

export const compliant = (): Verdict => ({ result: RuleResult.COMPLIANT });
export const nonCompliant = (message: string): Verdict => ({ result: RuleResult.NON_COMPLIANT, message });
export const unknown = (message: string): Verdict => ({ result: RuleResult.UNKNOWN, message });
export const notApplicable = (): Verdict => ({ result: RuleResult.NOT_APPLICABLE });

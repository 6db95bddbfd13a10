/**
 * The policy pack's rule model (after cdk-nag v2): each rule is a pure function of one synthesized
 * element and its stack, and answers compliant, non-compliant, not applicable, or unknown. Unknown
 * means "could not validate" and is never reported as a pass.
 */
import type { SynthesizedStackJson, TerraformAttributes } from '../core/terraform';

/** How bad a non-compliant finding is. */
export enum RuleLevel {
  /** Fails the synth. */
  ERROR = 'error',
  /** Printed, and recorded in the report. */
  WARNING = 'warning',
}

/** What a rule concluded about one element. */
export enum RuleResult {
  /** The element meets the rule. */
  COMPLIANT = 'compliant',
  /** The element breaks the rule: an error fails the synth, a warning is printed (unless suppressed). */
  NON_COMPLIANT = 'non-compliant',
  /** The rule has nothing to say about the element; not recorded in the report. */
  NOT_APPLICABLE = 'not-applicable',
  /** The rule could not resolve a value it needs (e.g. an unresolved reference). */
  UNKNOWN = 'could-not-validate',
}

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
  /**
   * Its attributes as synthesized; a rule reads them through `attributesOf` (lib/checks/resources.ts),
   * which types them by the element's type.
   */
  readonly config: TerraformAttributes;
  /** Facts the constructs recorded for the checks (`gatehouse:*` metadata), by key. */
  readonly facts: Readonly<Record<string, unknown>>;
}

/** What a rule sees besides the element: the stack it belongs to, and the day. */
export interface RuleContext {
  /** The whole synthesized stack (resolved JSON). */
  readonly stack: SynthesizedStackJson;
  /** Every element of the stack, for rules that look across resources. */
  readonly elements: readonly ElementView[];
  /** Today, YYYY-MM-DD (UTC), for expiry rules. */
  readonly today: string;
}

/** A rule's verdict, with a message when it is not compliant or unknown. */
export interface Verdict {
  /** What the rule concluded. */
  readonly result: RuleResult;
  /**
   * Why the element is non-compliant, or what could not be validated; one line, printed with the rule id.
   * @default - none (compliant or not applicable)
   */
  readonly message?: string;
}

/**
 * One rule of the policy pack (one per file in lib/checks/rules/, listed in `RULES`, documented in
 * docs/rules.md).
 */
export interface GatehouseRule {
  /** `Gatehouse-<Rule>`. */
  readonly id: string;
  /**
   * Ids the rule had before (a rule generalized under a new name): suppressions written with one
   * still apply; findings carry `id`.
   * @default - none
   */
  readonly formerIds?: readonly string[];
  /** What a non-compliant finding does: an error fails the synth, a warning is printed. */
  readonly level: RuleLevel;
  /** Some rules guard things that must never slip; they cannot be suppressed. */
  readonly suppressible: boolean;
  /** What it checks, one line. */
  readonly description: string;
  /** True for the elements the rule looks at. */
  readonly appliesTo: (element: ElementView) => boolean;
  /** The rule's verdict on an element it applies to; a pure function of the element and its context. */
  readonly check: (element: ElementView, context: RuleContext) => Verdict;
}

/** The verdict of an element that meets the rule. */
export const compliant = (): Verdict => ({ result: RuleResult.COMPLIANT });
/** The verdict of an element that breaks the rule, saying how (one line). */
export const nonCompliant = (message: string): Verdict => ({ result: RuleResult.NON_COMPLIANT, message });
/** The verdict "could not validate", saying which value the rule could not resolve; never a pass. */
export const unknown = (message: string): Verdict => ({ result: RuleResult.UNKNOWN, message });
/** The verdict of an element the rule has nothing to say about. */
export const notApplicable = (): Verdict => ({ result: RuleResult.NOT_APPLICABLE });

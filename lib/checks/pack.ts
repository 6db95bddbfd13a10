import { Annotations, Aspects, IAspect, TerraformElement, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { today } from '../core/dates';
import type { SynthesizedStackJson, TerraformAttributes } from '../core/terraform';
import { factsOf } from './facts';
import { ComplianceReport } from './report';
import { ElementView, RuleContext, RuleLevel, RuleResult } from './rule';
import { RULES } from './rules';
import { GatehouseSuppressions } from './suppressions';

/** Options of the policy pack. */
export interface GatehousePackOptions {
  /**
   * Today (YYYY-MM-DD, UTC) for expiry rules.
   * @default - the current date
   */
  readonly today?: string;
}

/**
 * The gatehouse policy pack, applied as an Aspect to a stack. On each synth it checks every element
 * of the synthesized stack against every rule: errors fail the synth, warnings and "could not
 * validate" are printed, and every finding goes to the report.
 */
export class GatehousePack implements IAspect {
  /**
   * @param report where every finding of every synth goes
   * @param options the pack's options
   */
  constructor(
    /** Every finding of the stacks the pack visits, filled on each synth. */
    public readonly report: ComplianceReport,
    private readonly options: GatehousePackOptions = {},
  ) {}

  public visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    const stack = node;
    // cdktf types the resolved stack `any`; it is the JSON written to cdk.tf.json
    const json = stack.toTerraform() as SynthesizedStackJson;
    const all = stack.node.findAll();
    const byPath = new Map<string, IConstruct>(all.map((c) => [c.node.path, c]));
    // Outputs and variables carry no path metadata: find them by their logical id.
    const byLogicalId = new Map<string, IConstruct>(
      all.filter((c) => TerraformElement.isTerraformElement(c)).map((c) => [c.friendlyUniqueId, c]),
    );
    const elements: Array<ElementView & { construct: IConstruct }> = [];
    const add = (kind: ElementView['kind'], type: string, id: string, config: TerraformAttributes) => {
      const metaPath = metadataPath(config);
      const construct = (metaPath ? byPath.get(metaPath) : byLogicalId.get(id)) ?? stack;
      const path = metaPath ?? construct.node.path;
      elements.push({ kind, type, id, path, config, facts: factsOf(construct), construct });
    };
    for (const [type, byId] of Object.entries(json.resource ?? {})) for (const [id, c] of Object.entries(byId)) add('resource', type, id, c);
    for (const [type, byId] of Object.entries(json.data ?? {})) for (const [id, c] of Object.entries(byId)) add('data', type, id, c);
    for (const [id, c] of Object.entries(json.output ?? {})) add('output', 'output', id, c);
    for (const [id, c] of Object.entries(json.variable ?? {})) add('variable', 'variable', id, c);

    const context: RuleContext = { stack: json, elements, today: today(this.options.today) };
    for (const element of elements) {
      for (const rule of RULES) {
        if (!rule.appliesTo(element)) continue;
        const verdict = rule.check(element, context);
        if (verdict.result === RuleResult.NOT_APPLICABLE) continue;
        const suppression =
          rule.suppressible && verdict.result !== RuleResult.COMPLIANT ? GatehouseSuppressions.find(element.construct, rule.id, rule.formerIds) : undefined;
        const failing = verdict.result !== RuleResult.COMPLIANT && !suppression;
        this.report.add({
          stack: stack.node.id,
          rule: rule.id,
          level: rule.level,
          path: element.path,
          result: verdict.result,
          ...(verdict.message ? { message: verdict.message } : {}),
          ...(suppression ? { suppressionReason: suppression.reason } : {}),
        });
        if (!failing) continue;
        const annotations = Annotations.of(element.construct);
        if (verdict.result === RuleResult.UNKNOWN) {
          annotations.addWarning(`[${rule.id}] could not validate: ${verdict.message}`);
        } else if (rule.level === RuleLevel.ERROR) {
          annotations.addError(`[${rule.id}] ${verdict.message}`);
        } else {
          annotations.addWarning(`[${rule.id}] ${verdict.message}`);
        }
      }
    }
    if (this.isOnlyAspect(stack, all)) handOver(stack, json);
  }

  /** True when this pack is the only aspect on the stack, its ancestors and its constructs. */
  private isOnlyAspect(stack: TerraformStack, all: readonly IConstruct[]): boolean {
    for (const scope of stack.node.scopes) {
      const aspects = Aspects.of(scope).all;
      if (aspects.some((a) => a !== this) || (scope !== stack && aspects.length > 0)) return false;
    }
    return all.every((c) => c === stack || (Aspects.of(c).all.length === 0 && !(CUSTOM_SYNTHESIS in c)));
  }
}

/** The construct path cdktf records in a block's `//` metadata (`{"//": {"metadata": {"path": ...}}}`); outputs and variables have none. */
function metadataPath(config: TerraformAttributes): string | undefined {
  const comment = config['//'];
  const metadata = typeof comment === 'object' && comment !== null && 'metadata' in comment ? comment.metadata : undefined;
  const path = typeof metadata === 'object' && metadata !== null && 'path' in metadata ? metadata.path : undefined;
  return typeof path === 'string' ? path : undefined;
}

/** cdktf's marker of a construct that writes files of its own during synth (assets). */
const CUSTOM_SYNTHESIS = Symbol.for('cdktf/customSynthesis');

/**
 * Performance only (issue 15): right after the aspects, cdktf's synthesizer resolves the whole stack
 * again (`stack.toTerraform()`) to write it, and resolving is the costliest step of a synth. When
 * this pack is the stack's only aspect and no construct writes files of its own, nothing changes the
 * stack in between (the rules only read, validations only check), so the synthesizer's next call
 * gets the JSON resolved and checked here, once; any later call resolves afresh.
 */
function handOver(stack: TerraformStack, json: SynthesizedStackJson): void {
  if (Object.prototype.hasOwnProperty.call(stack, 'toTerraform')) return;
  Object.defineProperty(stack, 'toTerraform', {
    configurable: true,
    writable: true,
    value: () => {
      delete (stack as { toTerraform?: unknown }).toTerraform;
      return json;
    },
  });
}

/** Apply the pack to every stack of an app; returns the report that the synth fills. */
export function applyPolicyPack(stacks: readonly TerraformStack[], options: GatehousePackOptions = {}): ComplianceReport {
  const report = new ComplianceReport();
  const pack = new GatehousePack(report, options);
  for (const stack of stacks) Aspects.of(stack).add(pack);
  return report;
}

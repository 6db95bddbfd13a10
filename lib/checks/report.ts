import type { RuleLevel, RuleResult } from './rule';

/** One rule's conclusion about one element. */
export interface Finding {
  readonly stack: string;
  readonly rule: string;
  readonly level: RuleLevel;
  /** Construct path of the element. */
  readonly path: string;
  readonly result: RuleResult;
  readonly message?: string;
  /** Set when a suppression applied; the finding then neither fails nor warns. */
  readonly suppressionReason?: string;
}

/** Every finding of one synth, for the machine-readable report and the summary. */
export class ComplianceReport {
  private readonly items: Finding[] = [];

  public add(finding: Finding): void {
    this.items.push(finding);
  }

  public get findings(): readonly Finding[] {
    return [...this.items].sort((a, b) => `${a.stack}|${a.path}|${a.rule}`.localeCompare(`${b.stack}|${b.path}|${b.rule}`));
  }

  /** Deterministic JSON: the same input gives the same bytes. */
  public toJson(): string {
    return `${JSON.stringify({ version: 1, findings: this.findings }, null, 2)}\n`;
  }

  /** A one-screen summary. */
  public summary(): string[] {
    const f = this.findings;
    const count = (pred: (x: Finding) => boolean) => f.filter(pred).length;
    const failing = f.filter((x) => x.result === 'non-compliant' && !x.suppressionReason);
    const lines = [
      `gatehouse policy pack: ${new Set(f.map((x) => x.rule)).size} rules checked ${f.length} times: ` +
        `${count((x) => x.result === 'compliant')} compliant, ` +
        `${failing.filter((x) => x.level === 'error').length} errors, ` +
        `${failing.filter((x) => x.level === 'warning').length} warnings, ` +
        `${count((x) => x.result === 'could-not-validate')} could not validate, ` +
        `${count((x) => x.suppressionReason !== undefined)} suppressed`,
    ];
    for (const x of [...failing, ...f.filter((y) => y.result === 'could-not-validate')].slice(0, 15)) {
      lines.push(`  ${x.level === 'error' ? 'error' : 'warning'} [${x.rule}] ${x.path}: ${x.message ?? x.result}`);
    }
    return lines;
  }
}

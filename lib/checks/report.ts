import type { AppSession } from '../config/sessions';
import { redactSecrets } from '../core/errors';
import { RuleLevel, RuleResult } from './rule';

/** One rule's conclusion about one element. */
export interface Finding {
  /** The stack the element belongs to (`access`, `production`, ...). */
  readonly stack: string;
  /** The rule's id (`Gatehouse-<Rule>`). */
  readonly rule: string;
  /** The rule's level: what a non-compliant finding does. */
  readonly level: RuleLevel;
  /** Construct path of the element. */
  readonly path: string;
  /** What the rule concluded (never `not-applicable`: those are not recorded). */
  readonly result: RuleResult;
  /**
   * Why it is non-compliant, or what could not be validated.
   * @default - none (compliant)
   */
  readonly message?: string;
  /**
   * Set when a suppression applied; the finding then neither fails nor warns.
   * @default - not suppressed
   */
  readonly suppressionReason?: string;
}

/** Every finding of one synth, for the machine-readable report and the summary. */
export class ComplianceReport {
  private readonly items: Finding[] = [];
  private readonly appSessions: AppSession[] = [];

  /** Record one finding (the pack does, for every rule that applies to an element). */
  public add(finding: Finding): void {
    this.items.push(finding);
  }

  /** Record an Access app's effective session (the session of the policies that admit its users). */
  public addSession(session: AppSession): void {
    this.appSessions.push(session);
  }

  /** Every app's effective session, sorted by app. */
  public get sessions(): readonly AppSession[] {
    return [...this.appSessions].sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : 0));
  }

  /** Every finding, sorted by stack, construct path and rule: the same order on every machine. */
  public get findings(): readonly Finding[] {
    // A plain code-unit comparison: the same bytes on every machine, whatever its locale.
    const key = (f: Finding) => `${f.stack}|${f.path}|${f.rule}`;
    return [...this.items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /** Deterministic JSON: the same input gives the same bytes. */
  public toJson(): string {
    const sessions = this.sessions;
    return `${JSON.stringify({ version: 1, findings: this.findings, ...(sessions.length ? { sessions } : {}) }, null, 2)}\n`;
  }

  /** A one-screen summary. */
  public summary(): string[] {
    const f = this.findings;
    const count = (pred: (x: Finding) => boolean) => f.filter(pred).length;
    const failing = f.filter((x) => x.result === RuleResult.NON_COMPLIANT && !x.suppressionReason);

    const lines = [
      `gatehouse policy pack: ${new Set(f.map((x) => x.rule)).size} rules checked ${f.length} times: ` +
        `${count((x) => x.result === RuleResult.COMPLIANT)} compliant, ` +
        `${failing.filter((x) => x.level === RuleLevel.ERROR).length} errors, ` +
        `${failing.filter((x) => x.level === RuleLevel.WARNING).length} warnings, ` +
        `${count((x) => x.result === RuleResult.UNKNOWN && !x.suppressionReason)} could not validate, ` +
        `${count((x) => x.suppressionReason !== undefined)} suppressed`,
    ];
    const unknown = f.filter((y) => y.result === RuleResult.UNKNOWN && !y.suppressionReason);
    const listed = [...failing.filter((x) => x.result === RuleResult.NON_COMPLIANT), ...unknown];
    for (const x of listed.slice(0, 15)) {
      const label = x.result === RuleResult.UNKNOWN ? 'warning (could not validate)' : x.level;
      lines.push(`  ${label} [${x.rule}] ${x.path}: ${x.message ?? x.result}`);
    }
    if (listed.length > 15) lines.push(`  ... and ${listed.length - 15} more in the report`);
    return lines.map(redactSecrets);
  }
}

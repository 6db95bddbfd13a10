/**
 * One place for every user-facing problem message.
 *
 * A problem names where it is (a file and/or a field path), the value that was found, and what
 * would be valid. `GatehouseError` carries any number of problems so that every mistake is
 * reported at once, one line each, instead of one per run.
 */

/** A single validation problem. */
export interface Problem {
  /** Dotted field path inside the deployment file or construct props, e.g. `routes[2].service`. */
  readonly path: string;
  /** What is wrong and what would be valid, in lower case, without the value. */
  readonly message: string;
  /** The offending value, if there is one. */
  readonly value?: unknown;
}

/** Thrown for invalid deployment files and invalid construct props. Never carries a secret. */
export class GatehouseError extends Error {
  public readonly problems: readonly Problem[];
  public readonly source?: string;

  constructor(problems: readonly Problem[], source?: string) {
    super(formatProblems(problems, source).join('\n'));
    this.name = 'GatehouseError';
    this.problems = problems;
    this.source = source;
  }

  /** One line per problem. */
  public lines(): string[] {
    return formatProblems(this.problems, this.source);
  }
}

/** Render a value for a message: short, single-line, never multi-line YAML. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `file: path: message (got value)` */
export function formatProblem(problem: Problem, source?: string): string {
  const where = [source, problem.path || '(root)'].filter(Boolean).join(': ');
  const got = 'value' in problem ? ` (got ${describeValue(problem.value)})` : '';
  return `${where}: ${problem.message}${got}`;
}

export function formatProblems(problems: readonly Problem[], source?: string): string[] {
  return problems.map((p) => formatProblem(p, source));
}

/** Collects problems while validating, then throws them all at once. */
export class ProblemCollector {
  private readonly items: Problem[] = [];

  constructor(private readonly prefix = '') {}

  public add(path: string, message: string, ...value: [unknown?]): void {
    const full = this.prefix && path ? `${this.prefix}.${path}` : this.prefix || path;
    this.items.push(value.length > 0 ? { path: full, message, value: value[0] } : { path: full, message });
  }

  public get problems(): readonly Problem[] {
    return this.items;
  }

  public throwIfAny(source?: string): void {
    if (this.items.length > 0) throw new GatehouseError(this.items, source);
  }
}

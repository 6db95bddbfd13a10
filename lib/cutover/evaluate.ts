/**
 * Evaluates synthesized Terraform expressions offline with the real `terraform` binary.
 *
 * References to resources, data sources and remote state are replaced by stub locals (their values
 * are not known without a plan); variables are passed with `-var`. `terraform console` needs no
 * providers and no state for this, so it runs anywhere the binary is on PATH.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A reference such as `cloudflare_zero_trust_tunnel_cloudflared.site_tunnel_X.id` or `data.x.y.status`. */
const REFERENCE = /\b(?:data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\.[A-Za-z0-9_-]+)+/g;

/** What `evaluate` needs: the expressions, stubs for the references in them, and the variables. */
export interface EvaluationInput {
  /** Named expressions, each a synthesized string such as `"${var.x ? a : b}"`. */
  readonly expressions: Readonly<Record<string, string>>;
  /** Stub values (any JSON value) for references, by reference text; unlisted references become `"<reference>"`. */
  readonly stubs?: Readonly<Record<string, unknown>>;
  /** Variables: name -> { type, value } (value as HCL literal). */
  readonly variables: Readonly<Record<string, { readonly type: string; readonly value: string }>>;
  /**
   * Variable blocks declared as synthesized (`type`, `default`, ...) and given no value, so terraform
   * itself applies their defaults. A name also in `variables` gets that value instead.
   * @default - none
   */
  readonly declared?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Every resource/data reference in an expression string. */
export function referencesIn(expression: string): string[] {
  const inside = [...expression.matchAll(/\$\{/g)].length > 0 ? expression : '';
  return [...new Set(inside.match(REFERENCE) ?? [])].filter((r) => !r.startsWith('var.') && !r.startsWith('local.'));
}

/**
 * Run `terraform console` in `dir` on one `jsonencode(...)` line and return the decoded value. terraform
 * console exits 0 even when the configuration has errors (an undeclared variable, a bad reference) and
 * prints `(known after apply)` instead; that is an Error naming terraform's own diagnostic, not a JSON
 * parse failure on coloured text.
 */
function runConsole(dir: string, args: readonly string[], line: string, maxBuffer: number): unknown {
  const run = spawnSync('terraform', ['console', '-no-color', ...args], {
    cwd: dir,
    input: line,
    env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
    maxBuffer,
  });
  if (run.error) throw run.error;
  const out = run.stdout.toString().trim();
  // terraform console prints the JSON text as an HCL string
  if (run.status === 0 && out.startsWith('"')) return JSON.parse(JSON.parse(out) as string) as unknown;
  const diagnostic = /^Error: .*$/m.exec(run.stderr.toString())?.[0] ?? (out.split('\n').pop() || `exit status ${String(run.status)}`);
  throw new Error(`terraform console could not evaluate the expressions: ${diagnostic}`);
}

/** Evaluate the expressions and return their values (strings, booleans or numbers as JSON). */
export function evaluate(input: EvaluationInput): Record<string, unknown> {
  const refs = new Map<string, string>();
  const rewrite = (expr: string) =>
    expr.replace(REFERENCE, (ref) => {
      if (!refs.has(ref)) refs.set(ref, `ref_${refs.size}`);
      return `local.${refs.get(ref)}`;
    });
  const exprs = Object.fromEntries(Object.entries(input.expressions).map(([k, v]) => [k, rewrite(v)]));
  const locals: Record<string, unknown> = { __values: exprs };
  for (const [ref, local] of refs) locals[local] = input.stubs?.[ref] ?? `<${ref}>`;
  const variables = Object.entries(input.variables);
  const declared = Object.entries(input.declared ?? {}).map(([k, v]) => [k, { type: v.type, ...('default' in v ? { default: v.default } : {}) }] as const);
  const blocks = { ...Object.fromEntries(declared), ...Object.fromEntries(variables.map(([k, v]) => [k, { type: v.type }])) };
  const config = {
    ...(Object.keys(blocks).length ? { variable: blocks } : {}),
    locals,
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-eval-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
    const vars = Object.entries(input.variables).flatMap(([k, v]) => ['-var', `${k}=${v.value}`]);
    return runConsole(dir, vars, 'jsonencode(local.__values)\n', 64 * 1024 * 1024) as Record<string, unknown>;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A synthesized JSON value (its strings are terraform templates, as in `*.tf.json`) as one native HCL
 * expression, with every interpolated reference passed through `rewrite` (literal text is never rewritten).
 * A template string becomes a quoted native template, which evaluates exactly as the JSON string does;
 * objects, arrays and scalars become their native literals.
 */
export function toNativeExpression(value: unknown, rewrite: (expressionText: string) => string): string {
  if (typeof value === 'string') return `"${convertTemplate(value, 0, false, rewrite)[0]}"`;
  if (Array.isArray(value)) return `[${value.map((v) => toNativeExpression(v, rewrite)).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)} = ${toNativeExpression(v, rewrite)}`)
      .join(', ')}}`;
  }
  // what is left of a JSON value: a number, a boolean, or null
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : 'null';
}

/** Template text from `i` up to the end (or the closing quote of a nested string): [native text, next index]. */
function convertTemplate(s: string, i: number, nested: boolean, rewrite: (e: string) => string): [string, number] {
  let out = '';
  while (i < s.length) {
    if (nested && s[i] === '"') return [out, i + 1];
    if (s.startsWith('$${', i) || s.startsWith('%%{', i)) {
      out += s.slice(i, i + 3);
      i += 3;
    } else if (s.startsWith('${', i) || s.startsWith('%{', i)) {
      const [expr, next] = convertExpression(s, i + 2, rewrite);
      out += `${s.slice(i, i + 2)}${expr}}`;
      i = next;
    } else if (nested) {
      // Already native (inside an interpolation): copy escapes as they are.
      const n = s[i] === '\\' ? 2 : 1;
      out += s.slice(i, i + n);
      i += n;
    } else {
      const ch = s[i];
      out += ch === '"' ? '\\"' : ch === '\\' ? '\\\\' : ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : ch === '\t' ? '\\t' : ch;
      i += 1;
    }
  }
  if (nested) throw new Error(`unterminated string in ${JSON.stringify(s)}`);
  return [out, i];
}

/** Expression text from `i` to its closing brace: [rewritten text, index after the brace]. */
function convertExpression(s: string, i: number, rewrite: (e: string) => string): [string, number] {
  let out = '';
  let chunk = '';
  let depth = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch === '"') {
      out += rewrite(chunk);
      chunk = '';
      const [str, next] = convertTemplate(s, i + 1, true, rewrite);
      out += `"${str}"`;
      i = next;
      continue;
    }
    if (ch === '{') depth += 1;
    if (ch === '}') {
      if (depth === 0) return [out + rewrite(chunk), i + 1];
      depth -= 1;
    }
    chunk += ch;
    i += 1;
  }
  throw new Error(`unterminated interpolation in ${JSON.stringify(s)}`);
}

/** One case of a batch: variable values and stub values (JSON) for every reference. */
export interface BatchCase {
  /** The variables' values in this case, by name. */
  readonly variables: Readonly<Record<string, unknown>>;
  /** The stub values of the references in this case, by reference text. */
  readonly stubs: Readonly<Record<string, unknown>>;
}

/** One batch: the expressions, and the cases (variables and stubs) to evaluate them in. */
export interface BatchInput {
  /** Named synthesized values (strings are templates), evaluated in every case. */
  readonly expressions: Readonly<Record<string, unknown>>;
  /**
   * Named values evaluated after `expressions`, in the same case. A reference listed in `links` reads the
   * value of the named expression instead of a stub (e.g. an output that reads a resource attribute).
   */
  readonly after?: Readonly<Record<string, unknown>>;
  /** References that read the value of a named expression instead of a stub, by reference text. */
  readonly links?: Readonly<Record<string, string>>;
  /** The cases, each evaluated with its own variables and stubs. */
  readonly cases: readonly BatchCase[];
}

/** Escape a stub value so terraform reads it as data, not as a template. */
function literal(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/([$%])\{/g, (_m, c: string) => `${c}${c}{`);
  if (Array.isArray(value)) return value.map(literal);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)]));
  return value;
}

/**
 * Evaluate many cases in ONE `terraform console` run: every expression is rewritten into a `for`
 * expression over the cases (variables read `c.v.<name>`, references read `c.r["<reference>"]`), so
 * hundreds of variable/stub combinations cost one process. Every variable and reference must have a
 * value in every case; a missing one throws (a model must not evaluate against a guess).
 */
export function evaluateBatch(input: BatchInput): Array<Record<string, unknown>> {
  return evaluateBatches([input])[0];
}

/** Several independent batches (e.g. one per stack, whose references may share names) in one `terraform console` run. */
export function evaluateBatches(inputs: readonly BatchInput[]): Array<Array<Record<string, unknown>>> {
  const locals: Record<string, unknown> = {};
  const results: string[] = [];
  inputs.forEach((input, g) => {
    const missing = new Set<string>();
    const seen = (key: 'v' | 'r', name: string) => {
      for (const c of input.cases) if (!(name in (key === 'v' ? c.variables : c.stubs))) missing.add(`${key === 'v' ? 'var.' : ''}${name}`);
    };
    const rewriter = (links: Readonly<Record<string, string | undefined>>) => (text: string) =>
      text.replace(new RegExp(`\\bvar\\.([A-Za-z0-9_-]+)|${REFERENCE.source}`, 'g'), (whole, name?: string) => {
        if (name) {
          seen('v', name);
          return `c.v[${JSON.stringify(name)}]`;
        }
        if (links[whole] !== undefined) return `local.first_${g}[i][${JSON.stringify(links[whole])}]`;
        seen('r', whole);
        return `c.r[${JSON.stringify(whole)}]`;
      });
    const object = (values: Readonly<Record<string, unknown>>, rewrite: (t: string) => string) =>
      `{${Object.entries(values)
        .map(([k, v]) => `${JSON.stringify(k)} = ${toNativeExpression(v, rewrite)}`)
        .join(', ')}}`;
    const first = object(input.expressions, rewriter({}));
    const second = object(input.after ?? {}, rewriter(input.links ?? {}));
    if (missing.size > 0) throw new Error(`evaluateBatch: no value for ${[...missing].sort().join(', ')}`);
    locals[`cases_${g}`] = input.cases.map((c) => ({ v: literal(c.variables), r: literal(c.stubs) }));
    locals[`first_${g}`] = `\${[for i, c in local.cases_${g} : ${first}]}`;
    locals[`second_${g}`] = `\${[for i, c in local.cases_${g} : ${second}]}`;
    results.push(`[for i, v in local.first_${g} : merge(v, local.second_${g}[i])]`);
  });
  if (inputs.every((i) => i.cases.length === 0)) return inputs.map(() => []);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-eval-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ locals }));
    return runConsole(dir, [], `jsonencode([${results.join(', ')}])\n`, 256 * 1024 * 1024) as Array<Array<Record<string, unknown>>>;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Evaluates synthesized Terraform expressions offline with the real `terraform` binary.
 *
 * References to resources, data sources and remote state are replaced by stub locals (their values
 * are not known without a plan); variables are passed with `-var`. `terraform console` needs no
 * providers and no state for this, so it runs anywhere the binary is on PATH.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A reference such as `cloudflare_zero_trust_tunnel_cloudflared.site_tunnel_X.id` or `data.x.y.status`. */
const REFERENCE = /\b(?:data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\.[A-Za-z0-9_-]+)+/g;

export interface EvaluationInput {
  /** Named expressions, each a synthesized string such as `"${var.x ? a : b}"`. */
  readonly expressions: Readonly<Record<string, string>>;
  /** Stub values (any JSON value) for references, by reference text; unlisted references become `"<reference>"`. */
  readonly stubs?: Readonly<Record<string, unknown>>;
  /** Variables: name -> { type, value } (value as HCL literal). */
  readonly variables: Readonly<Record<string, { readonly type: string; readonly value: string }>>;
}

/** Every resource/data reference in an expression string. */
export function referencesIn(expression: string): string[] {
  const inside = [...expression.matchAll(/\$\{/g)].length > 0 ? expression : '';
  return [...new Set(inside.match(REFERENCE) ?? [])].filter((r) => !r.startsWith('var.') && !r.startsWith('local.'));
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
  const config = {
    ...(variables.length ? { variable: Object.fromEntries(variables.map(([k, v]) => [k, { type: v.type }])) } : {}),
    locals,
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-eval-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
    const args = ['console', ...Object.entries(input.variables).flatMap(([k, v]) => ['-var', `${k}=${v.value}`])];
    const out = execFileSync('terraform', args, {
      cwd: dir,
      input: 'jsonencode(local.__values)\n',
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    }).toString();
    return JSON.parse(JSON.parse(out.trim()));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Small helpers for reading synthesized JSON in rules. */

/** A whole-value Terraform expression: `${...}`. */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && /^\$\{[\s\S]*\}$/.test(value);
}

/** True when a string still holds a reference or expression (not a literal). */
export function hasExpression(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** Every [json path, string] in a value, skipping cdktf's `//` metadata. */
export function stringsIn(value: unknown, at = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (k === '//' ? [] : stringsIn(v, at ? `${at}.${k}` : k)));
  }
  return [];
}

/** The Terraform address an element's references use: `type.id` (resources) or `data.type.id`. */
export function addressOf(kind: string, type: string, id: string): string {
  return kind === 'data' ? `data.${type}.${id}` : `${type}.${id}`;
}

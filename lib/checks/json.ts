/** Small helpers for reading synthesized JSON in rules. */

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

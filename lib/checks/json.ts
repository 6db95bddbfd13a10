/** Small helpers for reading synthesized JSON in rules. */

/**
 * A Terraform expression (`${...}`) as cdktf writes it: wherever a construct was given a token (a
 * reference, a function call), the synthesized value is a string, whatever the attribute's type.
 */
export type Expression = string;

/** An attribute as synthesized: its value, or an expression that yields it. */
export type Synthesized<T> = T | Expression;

/** A list of blocks as synthesized: the list or an expression, and each entry a block or an expression. */
export type SynthesizedList<T> = Synthesized<readonly Synthesized<T>[]>;

/** True when a string still holds a reference or expression (not a literal). */
export function hasExpression(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** True when a synthesized list is a literal list, false when it is an expression (or missing). */
export function isList<T>(value: Synthesized<readonly T[]> | undefined): value is readonly T[] {
  return Array.isArray(value);
}

/** A synthesized block when it is one (an object), undefined when it is an expression or missing. */
export function blockOf<T extends object>(value: Synthesized<T> | undefined): T | undefined {
  return value && typeof value === 'object' ? value : undefined;
}

/** The entries of a literal list of blocks, or undefined when one of them is not a block (an expression). */
export function blocksIn<T extends object>(list: readonly Synthesized<T>[]): readonly T[] | undefined {
  const blocks = list.flatMap((entry) => blockOf(entry) ?? []);
  return blocks.length === list.length ? blocks : undefined;
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

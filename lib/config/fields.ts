/**
 * The fields the deployment file may write at a place in it, read from the zod schema itself
 * (lib/config/schema.ts), so that "is not a known field" can say which fields are known there.
 * Unions (rule shapes, site kinds) contribute the fields of every branch; a discriminated union whose
 * value names its branch (identity provider `type`, backend `type`), that branch's.
 */
import type { $ZodType } from 'zod/v4/core';

/** The parts of a zod v4 definition this walk reads (`schema._zod.def`). */
interface Definition {
  readonly type: string;
  readonly shape?: Readonly<Record<string, $ZodType>>;
  readonly valueType?: $ZodType;
  readonly element?: $ZodType;
  readonly innerType?: $ZodType;
  readonly options?: readonly $ZodType[];
  readonly in?: $ZodType;
  readonly left?: $ZodType;
  readonly right?: $ZodType;
  readonly getter?: () => $ZodType;
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
}

const definition = (schema: $ZodType): Definition => schema._zod.def;

/**
 * The branches of a union that a value may take: for a discriminated union whose value names its
 * branch (`type: one-time-pin`), that branch only; otherwise every branch.
 */
function branches(def: Definition, value: unknown): readonly $ZodType[] {
  const options = def.options ?? [];
  const tag = def.discriminator && value && typeof value === 'object' ? (value as Record<string, unknown>)[def.discriminator] : undefined;
  if (!def.discriminator || tag === undefined) return options;
  const chosen = options.filter((o) => {
    const field = definition(o).shape?.[def.discriminator ?? ''];
    return field !== undefined && (definition(field).values ?? []).includes(tag);
  });
  return chosen.length ? chosen : options;
}

/** The schemas a value at this place may have to match, wrappers (optional, default, pipes, unions) opened. */
function open(schema: $ZodType, value?: unknown, seen = new Set<$ZodType>()): $ZodType[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = definition(schema);
  const inner = [def.innerType, def.in, def.left, def.right, def.getter?.(), ...(def.type === 'union' ? branches(def, value) : [])].filter(
    (s): s is $ZodType => s !== undefined,
  );
  return inner.length ? inner.flatMap((s) => open(s, value, seen)) : [schema];
}

/** The value at `key` of a value of the file, when there is one. */
function child(value: unknown, key: PropertyKey): unknown {
  return value && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
}

/** One step down: an object's field, a record's value, an array's element. */
function step(schema: $ZodType, key: PropertyKey): $ZodType[] {
  const def = definition(schema);
  if (typeof key === 'number') return def.type === 'array' && def.element ? [def.element] : [];
  if (def.type === 'object' && def.shape && Object.hasOwn(def.shape, key)) return [def.shape[String(key)]];
  if (def.type === 'record' && def.valueType) return [def.valueType];
  return [];
}

/**
 * The fields the schema knows for the object at `path`, in declaration order: of every branch of a
 * union, or, when `raw` (the document) names the branch of a discriminated union, of that branch.
 */
export function knownFields(root: $ZodType, path: readonly PropertyKey[], raw?: unknown): string[] {
  let value = raw;
  let here = open(root, value);
  for (const key of path) {
    value = child(value, key);
    here = here.flatMap((s) => step(s, key)).flatMap((s) => open(s, value));
  }
  const fields = here.flatMap((s) => {
    const def = definition(s);
    return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
  });
  return [...new Set(fields)];
}

/** True when the field at `path` may be left out (it is optional or has a default): a message may then say so. */
export function optionalAt(root: $ZodType, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let here = open(root);
  for (const key of path.slice(0, -1)) here = here.flatMap((s) => step(s, key)).flatMap((s) => open(s));
  const last = path[path.length - 1];
  const fields = here.flatMap((s) => step(s, last));
  return fields.length > 0 && fields.every((s) => s._zod.optin !== undefined);
}

/**
 * Loads and validates a deployment file. Every problem is collected and reported at once,
 * one line each, naming the file, the field path, the value and what would be valid.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Document, isAlias, isCollection, isScalar, parseDocument, visit } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { GatehouseError, hasUrlPassword, looksLikeSecret, Problem } from '../core/errors';
import { looksLikeTypo } from '../core/rules';
import { PROJECT_ROOT, resolveUserPath } from '../core/paths';
import { DeploymentModel, resolveModel } from '../deployment/model';
import { checkDeployment, CheckOptions } from './checks';
import { knownFields, optionalAt } from './fields';
import { Deployment, DeploymentSchema, idpSecretVariable } from './schema';

/** The committed example deployment, used when GATEHOUSE_DEPLOYMENT is not set. */
export const DEFAULT_DEPLOYMENT = path.join(PROJECT_ROOT, 'deployment.example.yaml');
/** Environment variable that selects the deployment file. */
export const DEPLOYMENT_ENV = 'GATEHOUSE_DEPLOYMENT';

/**
 * Bounds on what yaml aliases may expand to. yaml's own `maxAliasCount` refuses exponential alias
 * chains; these bound the expanded document itself (a fleet of 10,000 tenants is about 60,000 values
 * and 1 MB), so a document that expands to more is refused with one line instead of exhausting memory.
 */
export const MAX_EXPANDED_VALUES = 1_000_000;
/** The most characters (string values and keys, after alias expansion) a deployment file may expand to: 16 MiB. */
export const MAX_EXPANDED_CHARACTERS = 16 * 1024 * 1024;

/** A deployment file that passed every check: what `loadDeployment` and `parseDeployment` return. */
export interface LoadedDeployment {
  /** The validated deployment, defaults filled in. */
  readonly deployment: Deployment;
  /** The resolved deployment (lib/deployment/model.ts), built once here and handed on to `buildStacks`. */
  readonly model: DeploymentModel;
  /** The file that was read, as given. */
  readonly source: string;
  /** Risky but legal choices, one line each. */
  readonly warnings: readonly string[];
}

/**
 * The file that `GATEHOUSE_DEPLOYMENT` selects, or the committed example, as an absolute path. A
 * relative `GATEHOUSE_DEPLOYMENT` is relative to the directory the user ran the command from
 * (`INIT_CWD` under npm), not to the package root npm runs scripts in.
 */
export function deploymentPath(env: NodeJS.ProcessEnv = process.env): string {
  const given = env[DEPLOYMENT_ENV];
  return given ? resolveUserPath(given, env) : DEFAULT_DEPLOYMENT;
}

/** Read, parse and validate a deployment file. Throws `GatehouseError` with every problem. */
export function loadDeployment(file: string, options: CheckOptions = {}): LoadedDeployment {
  const source = file;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code})`;
    throw new GatehouseError([{ path: '', message: `${why}; set ${DEPLOYMENT_ENV} to a deployment yaml file` }], source);
  }
  return parseDeployment(decodeUtf8(bytes, source), source, { deploymentDir: path.dirname(path.resolve(file)), ...options });
}

/**
 * Decode a file as UTF-8, refusing anything else (a silent replacement character would change a
 * hostname or a name) with the byte offset, line and column of the first invalid byte.
 */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    let line = 1;
    let start = 0;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) [line, start] = [line + 1, i + 1];
    const byte = `0x${bytes[offset].toString(16).padStart(2, '0')}`;
    throw new GatehouseError(
      [{ path: `line ${line}, column ${offset - start + 1}`, message: `is not UTF-8: byte ${byte} at byte offset ${offset} is not valid UTF-8; save the file as UTF-8` }],
      source,
    );
  }
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const [n, min, max] = c < 0x80 ? [0, 0, 0] : c >= 0xc2 && c <= 0xdf ? [1, 0x80, 0x7ff] : c >= 0xe0 && c <= 0xef ? [2, 0x800, 0xffff] : c >= 0xf0 && c <= 0xf4 ? [3, 0x10000, 0x10ffff] : [-1, 0, 0];
    if (n < 0) return i;
    let cp = n === 0 ? c : c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (b[i + k] & 0x3f);
    }
    if (n > 0 && (cp < min || cp > max || (cp >= 0xd800 && cp <= 0xdfff))) return i;
    i += n + 1;
  }
  return b.length;
}

/** Parse and validate deployment YAML text. `source` names it in messages. */
export function parseDeployment(text: string, source: string, options: CheckOptions = {}): LoadedDeployment {
  // Always the yaml 1.2 core schema, whatever a %YAML 1.1 directive says (1.1 would read yes as true and
  // 2030-06-30 as a timestamp, behind the messages' back). Merge keys (`<<: *defaults`) are read as yaml
  // 1.1 defines them, as most yaml tools do; unmerged, each would be an unknown field.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, merge: true, schema: 'core' });
  if (doc.errors.length > 0) throw new GatehouseError(yamlProblems(doc, text), source);
  const shapes = unsupportedNodes(doc, text);
  if (shapes.length > 0) throw new GatehouseError(shapes, source);
  let raw: unknown;
  try {
    // Anchors and aliases are welcome for sharing lists; the default cap of 100 aliases is too low for fleets.
    raw = doc.toJS({ maxAliasCount: 100_000 });
  } catch (e) {
    throw new GatehouseError([{ path: unresolvedAliasAt(doc, text) ?? 'yaml', message: `cannot be read: ${firstLine((e as Error).message)}` }], source);
  }
  const tooBig = expansionProblem(raw);
  if (tooBig) throw new GatehouseError([tooBig], source);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new GatehouseError([{ path: '', message: 'must be a yaml mapping with name, cloudflare and sites', value: raw }], source);
  }
  const reserved = reservedKeyProblems(raw);
  if (reserved.length) throw new GatehouseError(reserved, source);
  const secrets = secretProblems(raw as Record<string, unknown>);
  const parsed = DeploymentSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success || secrets.length > 0) {
    // One value is one mistake: a field that fails two of its rules (two patterns of a prefix) reports the first.
    const issues = (parsed.success ? [] : parsed.error.issues.flatMap((i) => issueProblems(i, { doc, raw: raw as Record<string, unknown> }))).filter(
      (p, i, all) => all.findIndex((q) => q.path === p.path) === i,
    );
    // A secret is the root cause at its path: the field's own complaint about it would be a second line.
    const covered = (p: string) => secrets.some((s) => p === s.path || p.startsWith(`${s.path}.`) || p.startsWith(`${s.path}[`));
    throw new GatehouseError([...secrets, ...mergeMisspelledFields(issues.filter((p) => !covered(p.path)), raw as Record<string, unknown>).map(hideSecretSlot)], source);
  }
  const model = resolveModel(parsed.data, options);
  const { errors, warnings } = checkDeployment(model, options);
  errors.throwIfAny(source);
  return {
    deployment: parsed.data,
    model,
    source,
    warnings: new GatehouseError(warnings.problems, source).lines(),
  };
}

const UNKNOWN_FIELD = 'is not a known field; check the spelling against deployment.schema.json';

/** Fields that name the variable a secret arrives in: what is written there by mistake is likely the secret itself. */
const SECRET_SLOT = /^(identity_providers\.[^.]+\.secret_variable|pages\.[^.]+\.env\.(production|preview)\.secrets\.[^.]+|workers\.[^.]+\.secrets\.[^.]+)$/;

/**
 * A bad value in a field that names a secret's variable is not shown unless it reads as a misspelt
 * variable name: a password pasted there (`SEARCH_KEY: hunter2!`) is refused as a variable name, and
 * printing it would echo the secret.
 */
function hideSecretSlot(problem: Problem): Problem {
  if (!SECRET_SLOT.test(problem.path) || !('value' in problem) || typeof problem.value !== 'string') return problem;
  // A name with a separator (Bad-Name, DOCS_SEARCH_KEY) is a misspelt variable, shown to help; anything else may be the secret.
  if (/^[A-Za-z][A-Za-z0-9]*([_-][A-Za-z0-9]+)+$/.test(problem.value)) return problem;
  return {
    path: problem.path,
    message: `${problem.message}; the value is not shown: if it is the secret itself, remove it, rotate the secret and supply it as TF_VAR_<variable>`,
  };
}

/**
 * A misspelled required field is one mistake, not two: `bukket:` next to a missing `bucket` becomes
 * one line at the misspelled key that names the field it was meant to be. Any other unknown field
 * names the field it looks like (one the object does not already have), or the fields known there.
 */
function mergeMisspelledFields(problems: Problem[], raw: Record<string, unknown>): Problem[] {
  const parentOf = (p: string) => p.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
  const keyOf = (p: string) => p.slice(parentOf(p).length + 1);
  const dropped = new Set<Problem>();
  const merged = new Map<Problem, Problem>();
  for (const unknown of problems.filter((p) => p.message === UNKNOWN_FIELD)) {
    const missing = problems.find(
      (p) => /^is required \(/.test(p.message) && !dropped.has(p) && parentOf(p.path) === parentOf(unknown.path) && looksLikeTypo(keyOf(unknown.path), keyOf(p.path)),
    );
    if (!missing) continue;
    dropped.add(missing);
    merged.set(unknown, { path: unknown.path, message: `is not a known field; did you mean ${keyOf(missing.path)}, which is required?` });
  }
  const kept = problems.filter((p) => !dropped.has(p)).map((p) => merged.get(p) ?? (p.message === UNKNOWN_FIELD ? unknownField(p, raw) : p));
  return missingTogether(kept, parentOf, keyOf);
}

/**
 * An entry left empty or half-written (`cloudflare: {}`, a route with neither hostname nor service)
 * is one mistake: its missing required fields are one line at the entry, naming them all.
 */
function missingTogether(problems: Problem[], parentOf: (p: string) => string, keyOf: (p: string) => string): Problem[] {
  const missing = (p: Problem) => /^is required( \(|:)/.test(p.message) && !('value' in p);
  const byParent = new Map<string, Problem[]>();
  for (const p of problems.filter(missing)) byParent.set(parentOf(p.path), [...(byParent.get(parentOf(p.path)) ?? []), p]);
  return problems.flatMap((p) => {
    const group = missing(p) ? byParent.get(parentOf(p.path)) : undefined;
    if (!group || group.length < 2) return [p];
    if (group[0] !== p) return [];
    return [{ path: parentOf(p.path), message: `is missing the required fields ${group.map((g) => keyOf(g.path)).join(', ')}` }];
  });
}

/** "is not a known field", with the field it looks like, or the fields known at its place. */
function unknownField(problem: Problem, raw: Record<string, unknown>): Problem {
  const at = pathSegments(problem.path);
  const key = String(at[at.length - 1]);
  const parent = at.slice(0, -1);
  const known = knownFields(DeploymentSchema, parent, raw);
  if (known.length === 0) return problem;
  const present = valueAt(raw, parent);
  const meant = known.find((k) => looksLikeTypo(key, k) && !(present && typeof present === 'object' && Object.hasOwn(present, k)));
  const where = parent.length ? `of ${formatPath(parent)}` : 'at the top level';
  return {
    path: problem.path,
    message: meant ? `is not a known field; did you mean ${meant}?` : `is not a known field; the fields ${where} are ${known.join(', ')}`,
  };
}

/** `a.b[2].c` as its segments, the reverse of formatPath. */
function pathSegments(p: string): PropertyKey[] {
  return [...p.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] ? Number(m[2]) : m[1]));
}

function valueAt(raw: unknown, at: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const k of at) v = v && typeof v === 'object' && Object.hasOwn(v, k) ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/**
 * The author's yaml mistakes, one line each. A syntax error throws the parser off for the rest of the
 * file (one tab used as indentation makes five errors), so only the first syntax error is reported,
 * with the duplicate keys before it (each of those is a mistake of its own). The line is the one the
 * error is on, as written.
 */
function yamlProblems(doc: Document, text: string): Problem[] {
  const syntax = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  const kept = doc.errors.filter((e) => e === syntax || (e.code === 'DUPLICATE_KEY' && (!syntax || e.pos[0] < syntax.pos[0])));
  return kept.map((err) => {
    const pos = err.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}` : 'yaml';
    const line = pos ? (text.split(/\r?\n/)[pos.line - 1] ?? '') : '';
    const got = line.trim() === '' ? {} : { value: line.trimEnd() };
    if (err.code === 'TAB_AS_INDENT') return { path: where, message: 'malformed yaml: a tab indents this line; yaml indents with spaces only', ...got };
    if (err.code === 'MULTIPLE_DOCS') return { path: where, message: 'malformed yaml: a second document starts here (---); a deployment file is one yaml document' };
    if (err.code === 'DUPLICATE_KEY') {
      const key = keyAt(doc, err.pos[0]);
      return { path: where, message: `malformed yaml: Map keys must be unique${key === undefined ? '' : `; ${JSON.stringify(key)} is written twice in one mapping, keep one`}` };
    }
    return { path: where, message: `malformed yaml: ${firstLine(err.message)}`, ...got };
  });
}

/** `line L, column C` of an offset in the text. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split(/\r?\n/);
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** The yaml 1.2 core tags, which only say what a plain value is (`!!str 0123` quotes a number). */
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq', 'merge'].map((t) => `tag:yaml.org,2002:${t}`));

/**
 * What yaml can write but a deployment file cannot mean, one line each: a tag (`!Ref ZoneName`,
 * `!!binary`; the value would be read as its plain text, silently), and a key that is a list or a
 * mapping (JavaScript objects can only hold text keys; yaml would stringify it, with a warning on stderr).
 */
function unsupportedNodes(doc: Document, text: string): Problem[] {
  const problems: Problem[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (isCollection(pair.key)) {
        problems.push({ path: lineColumn(text, pair.key.range?.[0] ?? 0), message: 'a mapping key must be a plain name, not a list or a mapping' });
      }
    },
    Node(_, node) {
      if (node.tag && !isAlias(node) && !PLAIN_TAGS.has(node.tag)) {
        const tag = node.tag.replace('tag:yaml.org,2002:', '!!');
        problems.push({ path: lineColumn(text, node.range?.[0] ?? 0), message: `the yaml tag ${tag} is not supported; a deployment file holds plain values`, value: isScalar(node) ? node.source : undefined });
      }
    },
  });
  for (const warning of doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED')) {
    const tag = /Unresolved tag: (\S+)/.exec(warning.message)?.[1] ?? 'here';
    if (!problems.some((p) => p.message.includes(tag))) problems.push({ path: lineColumn(text, warning.pos[0]), message: `the yaml tag ${tag.replace('tag:yaml.org,2002:', '!!')} is not supported; a deployment file holds plain values` });
  }
  return problems;
}

/** `line L, column C` of the first alias whose anchor is not set before it (the error toJS throws names only the anchor). */
function unresolvedAliasAt(doc: Document, text: string): string | undefined {
  const anchors = new Set<string>();
  let at: number | undefined;
  visit(doc, {
    Node(_, node) {
      if (at !== undefined) return visit.BREAK;
      if (isAlias(node)) {
        if (!anchors.has(node.source)) at = node.range?.[0];
      } else if (node.anchor) anchors.add(node.anchor);
      return undefined;
    },
  });
  return at === undefined ? undefined : lineColumn(text, at);
}

/** The key of the mapping entry that starts at `offset`, if it is a plain value. */
function keyAt(doc: Document, offset: number): unknown {
  let key: unknown;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) key = pair.key.value;
    },
  });
  return key;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '');
}

/**
 * The expanded document's size, counted without building anything, stopping at the bounds. A
 * problem names the top-level field whose aliases expand too far.
 */
function expansionProblem(raw: unknown): Problem | undefined {
  let values = 0;
  let characters = 0;
  const over = () => values > MAX_EXPANDED_VALUES || characters > MAX_EXPANDED_CHARACTERS;
  const walk = (v: unknown): boolean => {
    values++;
    if (typeof v === 'string') characters += v.length;
    else if (Array.isArray(v)) {
      for (const x of v) if (!walk(x)) return false;
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        characters += k.length;
        if (!walk(x)) return false;
      }
    }
    return !over();
  };
  const top = raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.entries(raw) : [['', raw] as const];
  for (const [key, value] of top) {
    characters += key.length;
    if (!walk(value)) {
      return {
        path: key || 'yaml',
        message:
          `expands through yaml aliases to more than ${MAX_EXPANDED_VALUES.toLocaleString('en-US')} values or ` +
          `${MAX_EXPANDED_CHARACTERS / 1024 / 1024} MiB of text; share fewer or smaller anchors`,
      };
    }
  }
  return undefined;
}

/** Keys that hold a secret in someone's mind: never a field of the deployment file. */
const SECRET_KEY = /(^|_)(secret|secrets|password|passwd|token|api_token|api_key|apikey|private_key|credential|credentials|client_secret)$/;

/**
 * A mapping key `__proto__`: YAML reads it as an ordinary key, but zod (like any JavaScript object
 * assignment) cannot keep it, so the entry would vanish without a word (an app, a bucket). Refused.
 */
function reservedKeyProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [];
  const walk = (v: unknown, at: readonly PropertyKey[]) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === '__proto__') problems.push({ path: formatPath([...at, k]), message: 'is not a usable key (JavaScript objects cannot hold it); choose another name' });
        else walk(x, [...at, k]);
      }
    }
  };
  walk(raw, []);
  return problems;
}

/**
 * Secrets never go in the deployment file. A key named like one (`client_secret:`, `token:`, ...)
 * that the schema does not know, and any value shaped like one (a Google client secret, an API
 * token, a key, a URL with a password), is refused, with the place the secret belongs instead.
 */
function secretProblems(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const walk = (v: unknown, at: readonly PropertyKey[]) => {
    if (typeof v === 'string') {
      if (looksLikeSecret(v)) problems.push({ path: formatPath(at), message: secretValueMessage(raw, at, v), value: v });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...at, i]));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (looksLikeSecret(k)) {
          problems.push({ path: formatPath(at), message: 'has a key that looks like a secret; secrets never go in the deployment file: remove it, and rotate the secret' });
        } else walk(x, [...at, k]);
      }
    }
  };
  walk(raw, []);
  return problems;
}

/** Where a secret belongs instead, for the identity provider under `at` (if any). */
function secretHome(raw: Record<string, unknown>, at: readonly PropertyKey[]): string {
  if (at[0] === 'identity_providers' && typeof at[1] === 'string') {
    const idp = (raw.identity_providers as Record<string, Record<string, unknown>> | undefined)?.[at[1]];
    const declared = typeof idp?.secret_variable === 'string' && /^[a-z][a-z0-9_]{0,62}$/.test(idp.secret_variable) ? idp.secret_variable : undefined;
    const variable = idpSecretVariable(at[1], declared ? { secret_variable: declared } : {});
    return `the client secret comes only from the environment: set TF_VAR_${variable}${declared ? ' (named by secret_variable)' : ''}`;
  }
  if (at[0] === 'cloudflare') return 'the Cloudflare provider reads its API token from the environment: set CLOUDFLARE_API_TOKEN';
  if (at[0] === 'backend') return 'terraform reads Google credentials from the environment (application default credentials)';
  if (at[0] === 'sites') return "a site's tunnel token is the sensitive output connector_token; the operator places it in token_file on the host";
  if (at[0] === 'service_tokens') return "a service token's id and secret are sensitive outputs of the access stack";
  if (at[0] === 'buckets' || at[0] === 'tenants') return 'bucket credentials are minted by gatehouse and handed out as sensitive outputs';
  return 'secrets come only from sensitive TF_VAR_* variables and provider environment auth (README, Secrets)';
}

function secretValueMessage(raw: Record<string, unknown>, at: readonly PropertyKey[], value: string): string {
  const rotate = 'secrets never go in the deployment file: remove it and rotate it (it was written down)';
  if (hasUrlPassword(value) && !looksLikeSecret(value.replace(/:[^:@/\s]+@/g, '@'))) {
    return `carries a password in a URL (user:password@); ${rotate}`;
  }
  return `looks like a secret; ${rotate}: ${secretHome(raw, at)}`;
}

/** Dotted path: `routes[2].service`, `apps.internal.hostnames[0]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`))
    .join('');
}

interface IssueContext {
  readonly doc: Document;
  readonly raw: Record<string, unknown>;
  /** False while re-checking a quoted value, so the re-check never recurses. */
  readonly requote?: boolean;
}

/** Zod issues become problems; union failures are flattened to the closest branch. */
function issueProblems(issue: $ZodIssue, ctx: IssueContext): Problem[] {
  const at = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: SECRET_KEY.test(key)
          ? `is not a field: secrets never go in the deployment file (remove it and rotate the secret); ${secretHome(ctx.raw, issue.path)}`
          : UNKNOWN_FIELD,
      }));
    case 'invalid_key':
      return issue.issues.map((inner) => ({ path: at, message: lowerFirst(inner.message), value: inner.input }));
    case 'invalid_union': {
      const discriminated = issue as $ZodIssue & { discriminator?: string; options?: unknown[] };
      if (discriminated.discriminator && discriminated.options) {
        const value = (issue.input as Record<string, unknown> | undefined)?.[discriminated.discriminator];
        return [{ path: at, message: `must be one of ${discriminated.options.map((o) => JSON.stringify(o)).join(', ')}`, value }];
      }
      // A tagged choice (rules, identity providers, backends): report the branch that got furthest,
      // or the list of accepted shapes when none fits.
      const branches = issue.errors.filter((b) => b.length > 0);
      // A branch whose issues all lie below the value itself fits its shape (e.g. `external:` with a
      // misspelled field inside) and says more than "no accepted shape".
      const best =
        branches.find((b) => b.every((i) => i.code !== 'unrecognized_keys' && i.path.length > 0)) ??
        branches.find((b) => b.every((i) => i.path.length > 0));
      if (best) return best.flatMap((i) => issueProblems({ ...i, path: [...issue.path, ...i.path] }, ctx));
      return [{ path: at, message: unionHint(issue.path, issue.input), ...(issue.input === undefined ? {} : { value: issue.input }) }];
    }
    case 'invalid_type':
      if (issue.input === undefined) return [{ path: at, message: `is required (${issue.expected})` }];
      if (issue.expected === 'int') return [{ path: at, message: 'must be a whole number', value: issue.input }];
      if (issue.expected === 'string' && (typeof issue.input === 'number' || typeof issue.input === 'boolean')) {
        if (ctx.requote === false) return [{ path: at, message: 'must be a string', value: issue.input }];
        return unquotedProblems(issue.path, issue.input, ctx);
      }
      return [{ path: at, message: typeMessage(issue.expected, issue.path, issue.input), value: issue.input }];
    case 'invalid_value':
      if (issue.input === undefined) return [{ path: at, message: `is required: ${optionMessage(issue.values, issue.message, issue.input).replace(/^invalid option: expected /, '')}` }];
      return [{ path: at, message: optionMessage(issue.values, issue.message, issue.input), value: issue.input }];
    default:
      return [{ path: at, message: lowerFirst(issue.message), value: issue.input }];
  }
}

/** What a container or scalar of the `expected` kind looks like in the file. */
function shapeOf(expected: string, at: readonly PropertyKey[]): string {
  if (expected === 'array') return 'a list';
  if (expected === 'record') return 'a mapping of name: entry lines';
  if (expected === 'object') {
    const fields = knownFields(DeploymentSchema, at);
    return fields.length ? `a mapping of its fields (${fields.join(', ')})` : 'a mapping';
  }
  if (expected === 'boolean') return 'true or false';
  if (expected === 'string') return 'a value';
  return article(expected);
}

/**
 * A value of the wrong kind. Zod says "expected record"; the file writes mappings and lists, so the
 * message says what to write, and what yaml did with the value when that is the surprise: a field
 * left empty is null, and yaml 1.2 reads yes, no, on and off as text, not booleans.
 */
function typeMessage(expected: string, at: readonly PropertyKey[], input: unknown): string {
  const shape = shapeOf(expected, at);
  if (input === null) {
    const none = expected === 'array' ? ' ([] for none)' : expected === 'record' ? ' ({} for none)' : '';
    return `is empty; write ${shape} here${none}${optionalAt(DeploymentSchema, at) ? ', or leave the field out' : ''}`;
  }
  if (expected === 'boolean' && typeof input === 'string' && /^(yes|no|on|off|y|n)$/i.test(input)) {
    return `must be true or false; yaml 1.2 reads ${input} as text`;
  }
  if (expected === 'number' && typeof input === 'number') return 'must be a finite number';
  if (expected === 'array' && (typeof input === 'string' || typeof input === 'number')) return `must be ${shape}, e.g. [${JSON.stringify(input)}]`;
  return `must be ${shape}`;
}

/**
 * A value outside a fixed set. Zod's own message lists the choices; a value that differs from one
 * only in case names it (`Pro` for `pro`). A `true` that must be written literally says so.
 */
function optionMessage(values: readonly unknown[], zodMessage: string, input: unknown): string {
  if (values.length === 1 && values[0] === true) {
    return typeof input === 'string' && /^(yes|on|y)$/i.test(input) ? `must be true; yaml 1.2 reads ${input} as text` : 'must be true (leave the rule out otherwise)';
  }
  const choices = values.filter((v): v is string => typeof v === 'string');
  const meant = typeof input === 'string' ? choices.find((v) => v !== input && v.toLowerCase() === input.toLowerCase()) : undefined;
  return `${lowerFirst(zodMessage)}${meant === undefined ? '' : `; did you mean ${meant}?`}`;
}

/**
 * A plain scalar read as a number or boolean where a string is expected. Quoting is advised only
 * when the text as written would pass the field's rule; otherwise the rule's own message is the
 * root cause (quoting `24` as a session would still not be a duration).
 */
function unquotedProblems(at: readonly PropertyKey[], input: number | boolean, ctx: IssueContext): Problem[] {
  const path = formatPath(at);
  const node = ctx.doc.getIn(at, true);
  const text = isScalar(node) && typeof node.source === 'string' ? node.source : String(input);
  const parent = at.length ? (at.slice(0, -1).reduce<unknown>((o, k) => (o as Readonly<Record<PropertyKey, unknown>> | null | undefined)?.[k], ctx.raw) as Record<PropertyKey, unknown>) : undefined;
  const key = at[at.length - 1];
  let remaining: Problem[] = [];
  if (parent && typeof parent === 'object') {
    parent[key] = text;
    try {
      const again = DeploymentSchema.safeParse(ctx.raw, { reportInput: true });
      const mine = again.success ? [] : again.error.issues.filter((i) => path.startsWith(formatPath(i.path)));
      remaining = mine
        .flatMap((i) => issueProblems(i, { ...ctx, requote: false }))
        .filter((p) => p.path === path)
        .map((p) => ({ ...p, value: input }));
    } finally {
      parent[key] = input;
    }
  }
  if (remaining.length) return remaining;
  // A number yaml changed on the way in (a long id rounded, a leading zero dropped) shows what was written too.
  const read = text === String(input) ? `it was read as a ${typeof input}` : `${text} was read as the ${typeof input} ${String(input)}`;
  return [{ path, message: `must be a string; quote it in the yaml (unquoted, ${read})`, value: input }];
}

function unionHint(segments: readonly PropertyKey[], input: unknown): string {
  const parent = segments.filter((s) => typeof s === 'string');
  const last = parent[parent.length - 1];
  if (last === 'include' || last === 'require' || last === 'exclude') {
    return 'must be exactly one of {group: <name>}, {email: <address>}, {email_domain: <domain>}, {service_token: <name>}, {everyone: true}, {any_valid_service_token: true}';
  }
  if (segments.length === 2 && segments[0] === 'sites') {
    const gce = 'a GCE site (name, project, region, zone, ...)';
    const external = 'an external site (external: {name, token_file, token_rotation})';
    if (input && typeof input === 'object' && Object.hasOwn(input, 'external') && Object.keys(input).length > 1) {
      return `is ${gce} or ${external}, never both: keep the GCE fields, or external: alone`;
    }
    if (input === null) return `is empty; write ${gce} or ${external} here${optionalAt(DeploymentSchema, segments) ? ', or leave the field out' : ''}`;
    return `${input === undefined ? 'is required:' : 'must be'} ${gce} or ${external}`;
  }
  return input === undefined ? 'is required' : 'does not match any accepted shape';
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

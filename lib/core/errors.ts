/**
 * One place for every user-facing problem message.
 *
 * A problem names where it is (a file and/or a field path), the value that was found, and what
 * would be valid. `GatehouseError` carries any number of problems so that every mistake is
 * reported at once, one line each, instead of one per run. Every line passes through
 * `redactSecrets`, so no message path can print a value that looks like a secret.
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
  /** The problems, in the order they were found. */
  public readonly problems: readonly Problem[];
  /** The file they are about, when there is one. */
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

/** What a message says instead of a value that looks like a secret. */
export const SECRET_NOT_SHOWN = 'a value that looks like a secret; not shown';

// Known secret formats, found anywhere in a text.
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]*-----[\s\S]*?(?:-----END [A-Z0-9 ]*-----|$)/g;
/** Google OAuth client secrets start with `GOCSPX-` (Google's documented prefix since 2021). */
const GOOGLE_CLIENT_SECRET = /GOCSPX-[A-Za-z0-9_-]*/g;
/** A JSON Web Token (or a Cloudflare tunnel token, base64 JSON): `eyJ` is `{"` in base64. */
const JWT_OR_B64_JSON = /eyJ[A-Za-z0-9_+/=-]{12,}(?:\.[A-Za-z0-9_+/=-]*)*/g;
/** `scheme://user:password@`: the password is masked, the rest of the URL still prints. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:"'`]*):([^\s/?#@"'`]+)@/gi;
/** Runs of characters a token or key can be made of, at least 16 long. */
const CANDIDATE = /[A-Za-z0-9+/=_.~-]{16,}/g;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** 32 hex (Cloudflare ids) and 40 hex (SHA-1 digests, OpenPGP key fingerprints) identify, they do not authenticate. */
const HEX_IDENTIFIER = /^(?:[0-9a-f]{32}|[0-9a-f]{40})$/i;
const HOSTNAME_LIKE = /^(\*\.)?([A-Za-z0-9_-]{1,63}\.)+[A-Za-z]{2,63}$/;

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** Share of neighbouring characters that change class; `classOf` maps a character to its class. */
function changeRatio(text: string, classOf: (c: string) => string): number {
  let changes = 0;
  for (let i = 1; i < text.length; i++) if (classOf(text[i]) !== classOf(text[i - 1])) changes++;
  return changes / (text.length - 1);
}
const charClass = (c: string) => (/[a-z]/.test(c) ? 'l' : /[A-Z]/.test(c) ? 'u' : /\d/.test(c) ? 'd' : 'o');
const digitOrNot = (c: string) => (/\d/.test(c) ? 'd' : 'x');

/**
 * Whether one run of token characters looks like a key or token. The rule is tuned on both sides:
 * - never: 32-hex Cloudflare account and zone ids, 40-hex digests and OpenPGP fingerprints, UUIDs, hostnames (so also Google client ids,
 *   `<n>-<32 chars>.apps.googleusercontent.com`, which are not secrets), and identifiers made of
 *   words: names, paths, images, variable names, dates, versions;
 * - always: 64+ hex digits (256-bit keys, such as R2 secret access keys), 40-character API tokens
 *   of mixed case and digits (Cloudflare API tokens, Entra client secrets), and 32+ characters of
 *   mixed case and digits with more than 4.3 bits of entropy per character (base64 keys);
 * - a piece of 16+ characters between separators (`-_./~`) that mixes letters and digits, has at
 *   least 3 bits of entropy per character, and changes character class often (random text changes
 *   between lower case, upper case and digits at 40-60% of positions; words with a number, such
 *   as `tenant00042archive2030` or `ZeroTrustApplication2026`, at under 30%). Measured on random
 *   strings of 16-40 characters, this finds 94-100% of base62, 82-100% of hex and 88-96% of
 *   lower-case alphanumerics; every identifier shape gatehouse uses stays visible (tests).
 */
function secretToken(run: string): boolean {
  // An absolute path is judged segment by segment: a temporary directory's random suffix is short, and
  // the path as a whole (mixed case, digits, many characters) must not pass for a base64 key.
  if (run.startsWith('/')) return run.split('/').some((segment) => segment.length >= 16 && secretToken(segment));
  const token = run.replace(/[.~]+$/, '');
  if (HEX_IDENTIFIER.test(token) || UUID.test(token) || HOSTNAME_LIKE.test(token)) return false;
  const mixed = /[a-z]/.test(token) && /[A-Z]/.test(token) && /\d/.test(token);
  if (mixed && /^[A-Za-z0-9_~.-]{40}$/.test(token)) return true;
  if (mixed && token.length >= 32 && !token.includes('.') && entropy(token) > 4.3) return true;
  return token.split(/[-_./~]+/).some((piece) => {
    if (/^[0-9a-f]{64,}$/i.test(piece) && entropy(piece) >= 3) return true;
    if (piece.length < 16 || HEX_IDENTIFIER.test(piece) || !/[A-Za-z]/.test(piece) || !/\d/.test(piece)) return false;
    return entropy(piece) >= 3 && (changeRatio(piece, charClass) >= 0.3 || changeRatio(piece, digitOrNot) >= 0.25);
  });
}

/**
 * The one redaction function every message goes through: values that look like secrets are
 * replaced by `<a value that looks like a secret; not shown>`, URL passwords by `****`.
 */
export function redactSecrets(text: string): string {
  const hidden = `<${SECRET_NOT_SHOWN}>`;
  return text
    .replace(PEM_BLOCK, hidden)
    .replace(GOOGLE_CLIENT_SECRET, hidden)
    .replace(JWT_OR_B64_JSON, hidden)
    .replace(URL_PASSWORD, '$1:****@')
    .replace(CANDIDATE, (run) => (secretToken(run) ? hidden : run));
}

/** True when a text holds something `redactSecrets` hides (a masked URL password counts). */
export function looksLikeSecret(text: string): boolean {
  return redactSecrets(text) !== text;
}

/** True when a text holds a URL with a password (`scheme://user:password@`). */
export function hasUrlPassword(text: string): boolean {
  return text.replace(URL_PASSWORD, '') !== text;
}

/** JSON of a value, cut off after about `limit` characters without ever building a longer string. */
function boundedJson(value: unknown, limit: number): string {
  let out = '';
  const seen = new Set<unknown>();
  const write = (v: unknown): boolean => {
    if (out.length > limit) return false;
    if (typeof v === 'string') out += JSON.stringify(v.length > limit ? v.slice(0, limit) : v);
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null) out += String(v);
    else if (typeof v === 'bigint') out += `${v}`;
    else if (v === undefined || typeof v === 'function' || typeof v === 'symbol') out += 'null';
    else if (v instanceof Date) out += JSON.stringify(Number.isNaN(v.getTime()) ? null : v.toISOString());
    else if (seen.has(v)) out += '"[circular]"';
    else {
      seen.add(v);
      const array = Array.isArray(v);
      out += array ? '[' : '{';
      const entries = array ? (v as unknown[]).map((x) => [undefined, x] as const) : Object.entries(v);
      let first = true;
      for (const [k, x] of entries) {
        if (!first) out += ',';
        first = false;
        if (k !== undefined) out += `${JSON.stringify(k)}:`;
        if (!write(x)) break;
      }
      out += array ? ']' : '}';
      seen.delete(v);
    }
    return out.length <= limit;
  };
  write(value);
  return out;
}

/**
 * Characters a reader cannot tell from what they look like: invisible ones (format characters such as
 * a zero-width space, and spacing other than the plain space), letters of another script beside Latin
 * ones (a Cyrillic а in example.com) and compatibility forms of ASCII (a fullwidth ｅ). They are
 * written as \uXXXX escapes, so `(got "ex\u0430mple.com")` shows why a name that looks right is not.
 */
function revealLookalikes(json: string): string {
  const latin = /[A-Za-z]/.test(json);
  return json.replace(/[^ -~]/gu, (c) => {
    const lookalike =
      /[\p{Cf}\p{Z}\p{Cc}]/u.test(c) ||
      (latin && /\p{L}/u.test(c) && !/\p{Script=Latin}/u.test(c)) ||
      (c.normalize('NFKC') !== c && /^[\x21-\x7e]+$/.test(c.normalize('NFKC')));
    if (!lookalike) return c;
    const code = c.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Render a value for a message: short, single-line, bounded in cost, and never a secret. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  // Look at much more than is shown, so a secret cut by the ellipsis is still recognised.
  const text = boundedJson(value, 4096);
  if (looksLikeSecret(text.replace(URL_PASSWORD, ''))) return SECRET_NOT_SHOWN;
  const shown = revealLookalikes(redactSecrets(text));
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}

/** `file: path: message (got value)`, redacted. */
export function formatProblem(problem: Problem, source?: string): string {
  const where = [source, problem.path || '(root)'].filter(Boolean).join(': ');
  const got = 'value' in problem ? ` (got ${describeValue(problem.value)})` : '';
  return redactSecrets(`${where}: ${problem.message}${got}`);
}

/** One line per problem; the same line is never printed twice. */
export function formatProblems(problems: readonly Problem[], source?: string): string[] {
  return [...new Set(problems.map((p) => formatProblem(p, source)))];
}

/** Collects problems while validating, then throws them all at once. */
export class ProblemCollector {
  private readonly items: Problem[] = [];

  constructor(private readonly prefix = '') {}

  /** Record a problem at `path` (below the collector's prefix), with the offending value when there is one. */
  public add(path: string, message: string, ...value: [unknown?]): void {
    const full = this.prefix && path ? `${this.prefix}.${path}` : this.prefix || path;
    this.items.push(value.length > 0 ? { path: full, message, value: value[0] } : { path: full, message });
  }

  /** True when a problem was already recorded at `path` or below it. */
  public has(path: string): boolean {
    return this.items.some((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`));
  }

  /** The problems recorded so far. */
  public get problems(): readonly Problem[] {
    return this.items;
  }

  /** Throw a `GatehouseError` with every problem recorded, if there is one. */
  public throwIfAny(source?: string): void {
    if (this.items.length > 0) throw new GatehouseError(this.items, source);
  }
}

/**
 * The entry `name` of a map of declared things, or a `GatehouseError` that names the missing name and
 * what is declared: the lookup for references that validation has already checked (never a `!`).
 */
export function lookup<T>(map: ReadonlyMap<string, T>, name: string, what: string): T {
  const value = map.get(name);
  if (value === undefined) {
    const known = [...map.keys()];
    throw new GatehouseError([{ path: name, message: `is not a declared ${what} (declared: ${known.length ? known.join(', ') : 'none'})` }]);
  }
  return value;
}

/**
 * Pure value rules shared by the deployment schema and the construct props validation.
 * Each returns `undefined` when the value is fine, or a lower-case message that says what is valid.
 */
import { RE2JS } from 're2js';
import { addDaysToDate } from './dates';
import { hostnameProblem } from './hostnames';

// Moved to their own modules (one hostname module, one date module); re-exported for existing imports.
export { customDomainProblem, hostnameProblem, inZone, pagesDevHostnames } from './hostnames';
export { addDaysToDate, isoDateProblem } from './dates';

/** Levenshtein distance: how many single-character edits turn `a` into `b` (typo detection). */
export function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** True when `typed` is plausibly a typo of `meant` (at most 2 edits, fewer for short words). */
export function looksLikeTypo(typed: string, meant: string): boolean {
  return typed !== meant && editDistance(typed, meant) <= Math.min(2, Math.floor(meant.length / 3));
}

/** A zone apex (`cloudflare.zone`, `extra_zones[].zone`): a hostname without a wildcard. */
export function zoneProblem(zone: string): string | undefined {
  if (zone.includes('*')) return 'must be the zone apex, such as example.com, not a wildcard';
  return hostnameProblem(zone);
}

/**
 * The domain of an email-domain rule: Access matches it against what follows the `@` of the
 * address, exactly, so it is a plain domain (a wildcard, an `@` or a scheme would match no one).
 */
export function emailDomainProblem(domain: string): string | undefined {
  const plain = 'must be a plain email domain such as example.com';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(domain)) return `${plain}, without a scheme`;
  if (domain.includes('@')) return `${plain}, without @ (the rule matches what follows the @ of an address)`;
  if (domain.includes('*')) return `${plain}: the rule matches the domain after @ exactly, so a wildcard matches no one; list each domain`;
  const problem = hostnameProblem(domain);
  // The hostname rule's example is a hostname (app.example.com); an email domain's is the domain itself.
  return problem?.startsWith('must be a fully qualified hostname') ? plain : problem;
}

/** The shortest reason gatehouse accepts, in characters of text (public routes, buckets, tenants, pages.dev hosts, suppressions). */
export const MIN_REASON_LENGTH = 10;

/**
 * The reason rule: a reason recorded for review is a string with at least 10 characters of text. The
 * deployment schema, the constructs, the suppressions and the policy pack all ask here.
 */
export function reasonProblem(reason: unknown): string | undefined {
  return typeof reason === 'string' && reason.trim().length >= MIN_REASON_LENGTH
    ? undefined
    : `must give a reason of at least ${MIN_REASON_LENGTH} characters`;
}

/**
 * A value that is compared or looked up exactly as written (a role name, a client id, a branch, an
 * image): never blank, and no whitespace around it, which yaml keeps inside quotes and no lookup
 * ignores. `example` shows a valid value.
 */
export function trimmedProblem(value: string, example: string): string | undefined {
  if (value.trim() === '') return `must not be empty or blank; write a value such as ${example}`;
  if (value !== value.trim()) return `must not start or end with whitespace; write ${JSON.stringify(value.trim())}`;
  return undefined;
}

/**
 * A CORS origin as browsers send it in the Origin header: scheme://host[:port], nothing after it (an
 * origin with a path or a trailing / never matches), and, where `wildcard` allows it, `*` for every
 * origin. https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Origin
 */
export function corsOriginProblem(origin: string, wildcard: boolean): string | undefined {
  if (wildcard && origin === '*') return undefined;
  const form = `must be an origin URL such as https://portal.example.com${wildcard ? ', or * for every origin' : ''}`;
  const url = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\s]*)(.*)$/i.exec(origin);
  if (!url || url[2] === '' || url[2].includes('@')) return form;
  if (url[3] !== '') return `${form}: scheme, host and port only; the Origin header a browser sends has no path, so this would never match`;
  return undefined;
}

/** A Host header or TLS server name for an origin: a host name (or [IPv6]) and, for a Host header, an optional port. */
export function originHostProblem(value: string, port: boolean): string | undefined {
  const host = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?)$/;
  const [name, p] = port && /:\d{1,5}$/.test(value) ? [value.replace(/:\d{1,5}$/, ''), true] : [value, false];
  if (host.test(name) && !(p && Number(value.slice(value.lastIndexOf(':') + 1)) > 65535)) return undefined;
  return `must be a host name such as internal.example.net${port ? ', optionally with a port (internal.example.net:8080)' : ''}, with no scheme, path or whitespace`;
}

const SERVICE_SCHEMES = ['http', 'https', 'unix', 'unix+tls', 'tcp', 'ssh', 'rdp', 'smb'] as const;

/** An origin service as cloudflared accepts it: scheme://host[:port] with no path, or http_status:NNN. */
export function serviceProblem(service: string): string | undefined {
  const status = /^http_status:(\d{3})$/.exec(service);
  if (status) {
    const code = Number(status[1]);
    return code >= 100 && code <= 599 ? undefined : 'http_status must be a code from 100 to 599';
  }
  const m = /^([a-z+]+):\/\/(.*)$/.exec(service);
  if (!m) return `must be a URL with one of the schemes ${SERVICE_SCHEMES.join(', ')}, or http_status:NNN`;
  const [, scheme, rest] = m;
  if (/^[^/]*@/.test(rest)) {
    return 'must not carry a user or password (user:password@); cloudflared does not send them, and a password in the file leaks: let the origin authenticate the Access user instead';
  }
  if (!(SERVICE_SCHEMES as readonly string[]).includes(scheme)) {
    return `scheme must be one of ${SERVICE_SCHEMES.join(', ')}`;
  }
  if (scheme === 'unix' || scheme === 'unix+tls') {
    return rest.startsWith('/') ? undefined : 'a unix socket service needs an absolute path (unix:///run/app.sock)';
  }
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    return 'must not contain a path, not even a trailing /; cloudflared does not proxy to a different path (use the route path to match instead)';
  }
  if (!/^(\[[0-9a-f:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(rest)) return 'must name a host and optional port';
  const port = /:(\d+)$/.exec(rest);
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) return 'port must be from 1 to 65535';
  return undefined;
}

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Parse a Go duration ("24h", "2h45m") into seconds, or undefined when it is not one. */
export function durationSeconds(duration: string): number | undefined {
  if (!DURATION.test(duration)) return undefined;
  let total = 0;
  for (const part of duration.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNIT_SECONDS[part[2]];
  }
  return total;
}

/** Access session durations: a Go duration from 1 minute to 730h (one month, Cloudflare's maximum). */
export function sessionDurationProblem(duration: string): string | undefined {
  const seconds = durationSeconds(duration);
  if (seconds === undefined) return 'must be a duration such as 30m, 8h or 24h (units ns, us, ms, s, m, h)';
  if (seconds < 60 || seconds > 730 * 3600) return 'must be from 1m to 730h';
  return undefined;
}

/** GCE resource names (instances, firewalls): RFC 1035, 1-63 characters. */
export function gceNameProblem(name: string): string | undefined {
  return /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)
    ? undefined
    : 'must be 1-63 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen';
}

/** GCP project ids: 6-30 characters, lower case, starting with a letter. */
export function gcpProjectProblem(project: string): string | undefined {
  return /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(project)
    ? undefined
    : 'must be a project id of 6-30 lower-case letters, digits and hyphens, starting with a letter';
}

/** R2 bucket names: 3-63 characters of lower-case letters, digits and hyphens; no leading or trailing hyphen. */
export function bucketNameProblem(name: string): string | undefined {
  return /^[a-z0-9]([a-z0-9-]{1,61})[a-z0-9]$/.test(name)
    ? undefined
    : 'must be 3-63 characters of lower-case letters, digits and hyphens, not starting or ending with a hyphen';
}

/** A 32-character lower-case hex id, as Cloudflare uses for accounts and zones. */
export function cloudflareIdProblem(id: string): string | undefined {
  return /^[0-9a-f]{32}$/.test(id) ? undefined : 'must be a 32-character lower-case hex id';
}

/**
 * A route path: cloudflared compiles it with Go's `regexp` (RE2 syntax). It is checked here with
 * re2js, a port of RE2 (github.com/le0pard/re2js), so what RE2 rejects (`\\Z`, possessive or nested
 * repeats, repeat counts over 1000) is refused at synth rather than by the connector. Lookaround and
 * backreferences get their own, clearer message.
 */
export function pathRegexProblem(path: string): string | undefined {
  if (/\(\?<?[=!]/.test(path)) return 'must not use lookahead or lookbehind; cloudflared uses go regexp (re2), which has none';
  if (/\\[1-9]/.test(path)) return 'must not use backreferences; cloudflared uses go regexp (re2), which has none';
  try {
    RE2JS.compile(path);
    return undefined;
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, '');
    try {
      new RegExp(path);
    } catch {
      return 'must be a valid regular expression'; // not a regular expression in any dialect
    }
    return `must be a regular expression that go regexp (re2) accepts: ${why}`;
  }
}

/** A date that starts a deletion clock: a retired bucket's `since`, a disabled tenant's `disabled_on`. */
export interface DeletionClock {
  /** The day the clock starts, YYYY-MM-DD. */
  readonly start: string;
  /** Days objects are kept after `start`. */
  readonly retainDays: number;
  /** Today, YYYY-MM-DD (UTC). */
  readonly today: string;
  /** The bucket whose objects the clock deletes. */
  readonly bucketName: string;
  /** The typed confirmation: the bucket's exact name, or undefined. */
  readonly confirmDelete?: string;
  /** How the start field is written where the message is read (`since`, `disabled_on`). */
  readonly startField: string;
  /** How the confirmation field is written where the message is read (`retired.confirm_delete`). */
  readonly confirmField: string;
}

/**
 * The rule every deletion clock obeys (buckets and tenants, file and constructs alike): a deletion
 * date (start + retention) on or before tomorrow would delete every object at once, or within a day
 * of the apply, so it is refused unless the confirmation field holds the bucket's exact name. The
 * confirmation also covers the normal end of a retention. A date later than tomorrow is fine, so a
 * file written with today's date stays valid while its retention runs.
 */
export function deletionClockProblem(clock: DeletionClock): string | undefined {
  if (clock.confirmDelete !== undefined && clock.confirmDelete !== clock.bucketName) return undefined; // reported on the field itself
  const ends = addDaysToDate(clock.start, clock.retainDays);
  if (ends > addDaysToDate(clock.today, 1) || clock.confirmDelete === clock.bucketName) return undefined;
  return (
    `deletes every object of bucket ${clock.bucketName} on ${ends} (${clock.startField} + ${clock.retainDays} days), ` +
    `${ends < clock.today ? 'a day that has passed' : ends === clock.today ? 'today' : 'tomorrow'} (today is ${clock.today}); write the day retention ` +
    `really starts, or confirm the deletion with ${clock.confirmField}: ${clock.bucketName}`
  );
}

/** The confirmation field itself: it must hold the bucket's exact name. */
export function deletionConfirmationProblem(bucketName: string, confirmDelete: string | undefined): string | undefined {
  if (confirmDelete === undefined || confirmDelete === bucketName) return undefined;
  return `must be the exact name of the bucket whose objects it lets expire, ${bucketName}`;
}

/** A bucket's lifecycle and lock, in days, as the lifecycle-vs-lock rules read them. */
export interface BucketDays {
  /** Days after upload when the lifecycle deletes an object; undefined when it never does. */
  readonly deleteAfterDays?: number;
  /** Days after upload when the lifecycle moves an object to Infrequent Access; undefined when it never does. */
  readonly transitionAfterDays?: number;
  /** Days the bucket lock keeps every object from deletion; undefined without a lock. */
  readonly lockRetainDays?: number;
  /** Only for a retired bucket: the days its objects are kept after retirement. */
  readonly retiredRetainDays?: number;
}

/** What contradicts what in a bucket's lifecycle; each field holds the offending number of days. */
export interface LifecycleConflicts {
  /** The transition to Infrequent Access is not before the deletion, so it never happens (an error). */
  readonly transitionNotBeforeDelete?: number;
  /** Objects would be deleted before their lock ends, which the lock refuses (an error). */
  readonly deleteBeforeLock?: number;
  /** A retired bucket's objects expire before their lock ends: locked objects outlive it (a warning). */
  readonly retirementBeforeLock?: number;
}

/** The lifecycle-vs-lock rules, for the deployment file and `ManagedBucket` alike (each words the fields its own way). */
export function lifecycleConflicts(days: BucketDays): LifecycleConflicts {
  const { deleteAfterDays: del, transitionAfterDays: transition, lockRetainDays: lock, retiredRetainDays: retired } = days;
  return {
    ...(del !== undefined && transition !== undefined && transition >= del ? { transitionNotBeforeDelete: transition } : {}),
    ...(lock !== undefined && del !== undefined && del < lock ? { deleteBeforeLock: del } : {}),
    ...(lock !== undefined && retired !== undefined && retired < lock ? { retirementBeforeLock: retired } : {}),
  };
}

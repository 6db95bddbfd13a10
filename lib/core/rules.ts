/**
 * Pure value rules shared by the deployment schema and the construct props validation.
 * Each returns `undefined` when the value is fine, or a lower-case message that says what is valid.
 */

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A DNS hostname, lower case, optionally with one leading `*.` wildcard (cloudflared's rule). */
export function hostnameProblem(hostname: string): string | undefined {
  if (hostname.includes(':')) return 'must not carry a port; cloudflared rejects a hostname with a port';
  if (hostname !== hostname.toLowerCase()) return 'must be lower case';
  const wildcard = hostname.startsWith('*.');
  const rest = wildcard ? hostname.slice(2) : hostname;
  if (rest.includes('*')) return 'may only use one wildcard, as the whole leftmost label (*.example.com)';
  if (hostname.length > 253) return 'must be at most 253 characters';
  const labels = rest.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    return 'must be a fully qualified hostname such as app.example.com';
  }
  return undefined;
}

/** True when `hostname` is the zone apex or below it. */
export function inZone(hostname: string, zone: string): boolean {
  const bare = hostname.startsWith('*.') ? hostname.slice(2) : hostname;
  return bare === zone || bare.endsWith(`.${zone}`);
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
  const hostPort = slash >= 0 ? rest.slice(0, slash) : rest;
  if (!/^(\[[0-9a-f:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(hostPort)) return 'must name a host and optional port';
  const port = /:(\d+)$/.exec(hostPort);
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

/** A calendar date written YYYY-MM-DD (2027-02-30 is not one). */
export function isoDateProblem(date: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'must be a date written YYYY-MM-DD';
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date ? undefined : 'must be a real calendar date (YYYY-MM-DD)';
}

/**
 * A route path: cloudflared compiles it with Go's `regexp` (RE2), which has no lookaround and no
 * backreferences, so those are refused here instead of at the connector.
 */
export function pathRegexProblem(path: string): string | undefined {
  if (/\(\?<?[=!]/.test(path)) return 'must not use lookahead or lookbehind; cloudflared uses go regexp (re2), which has none';
  if (/\\[1-9]/.test(path)) return 'must not use backreferences; cloudflared uses go regexp (re2), which has none';
  try {
    new RegExp(path);
  } catch {
    return 'must be a valid regular expression';
  }
  return undefined;
}

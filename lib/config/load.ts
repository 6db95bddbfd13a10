/**
 * Loads and validates a deployment file. Every problem is collected and reported at once,
 * one line each, naming the file, the field path, the value and what would be valid.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { GatehouseError, Problem } from '../core/errors';
import { PROJECT_ROOT } from '../core/paths';
import { crossCheck, CrossCheckOptions } from './cross-checks';
import { Deployment, DeploymentSchema } from './schema';

/** The committed example deployment, used when GATEHOUSE_DEPLOYMENT is not set. */
export const DEFAULT_DEPLOYMENT = path.join(PROJECT_ROOT, 'deployment.example.yaml');
/** Environment variable that selects the deployment file. */
export const DEPLOYMENT_ENV = 'GATEHOUSE_DEPLOYMENT';

export interface LoadedDeployment {
  readonly deployment: Deployment;
  /** The file that was read, as given. */
  readonly source: string;
  /** Risky but legal choices, one line each. */
  readonly warnings: readonly string[];
}

/** The file that `GATEHOUSE_DEPLOYMENT` selects, or the committed example. */
export function deploymentPath(env: NodeJS.ProcessEnv = process.env): string {
  return env[DEPLOYMENT_ENV] || DEFAULT_DEPLOYMENT;
}

/** Read, parse and validate a deployment file. Throws `GatehouseError` with every problem. */
export function loadDeployment(file: string, options: CrossCheckOptions = {}): LoadedDeployment {
  const source = file;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code})`;
    throw new GatehouseError([{ path: '', message: `${why}; set ${DEPLOYMENT_ENV} to a deployment yaml file` }], source);
  }
  return parseDeployment(text, source, options);
}

/** Parse and validate deployment YAML text. `source` names it in messages. */
export function parseDeployment(text: string, source: string, options: CrossCheckOptions = {}): LoadedDeployment {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new GatehouseError(
      doc.errors.map((err) => {
        const pos = err.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}` : 'yaml';
        return { path: where, message: `malformed yaml: ${firstLine(err.message)}` };
      }),
      source,
    );
  }
  let raw: unknown;
  try {
    // Anchors and aliases are welcome for sharing lists; the default cap of 100 aliases is too low for fleets.
    raw = doc.toJS({ maxAliasCount: 100_000 });
  } catch (e) {
    throw new GatehouseError([{ path: 'yaml', message: `cannot be read: ${firstLine((e as Error).message)}` }], source);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new GatehouseError([{ path: '', message: 'must be a yaml mapping with name, cloudflare and sites', value: raw }], source);
  }
  const parsed = DeploymentSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new GatehouseError(parsed.error.issues.flatMap(issueProblems), source);
  }
  const { errors, warnings } = crossCheck(parsed.data, options);
  errors.throwIfAny(source);
  return {
    deployment: parsed.data,
    source,
    warnings: new GatehouseError(warnings.problems, source).lines(),
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '');
}

/** Dotted path: `routes[2].service`, `apps.internal.hostnames[0]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`))
    .join('');
}

/** Zod issues become problems; union failures are flattened to the closest branch. */
function issueProblems(issue: $ZodIssue): Problem[] {
  const at = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: 'is not a known field; check the spelling against deployment.schema.json',
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
      const best = branches.find((b) => b.every((i) => i.code !== 'unrecognized_keys' && i.path.length > 0));
      if (best) return best.flatMap((i) => issueProblems({ ...i, path: [...issue.path, ...i.path] } as $ZodIssue));
      return [{ path: at, message: unionHint(issue.path), value: issue.input }];
    }
    case 'invalid_type':
      if (issue.input === undefined) return [{ path: at, message: `is required (${issue.expected})` }];
      if (issue.expected === 'int') return [{ path: at, message: 'must be a whole number', value: issue.input }];
      if (issue.expected === 'string' && (typeof issue.input === 'number' || typeof issue.input === 'boolean')) {
        return [{ path: at, message: `must be a string; quote it in the yaml (unquoted, it was read as a ${typeof issue.input})`, value: issue.input }];
      }
      return [{ path: at, message: `must be ${article(issue.expected)}`, value: issue.input }];
    default:
      return [{ path: at, message: lowerFirst(issue.message), value: issue.input }];
  }
}

function unionHint(segments: readonly PropertyKey[]): string {
  const parent = segments.filter((s) => typeof s === 'string');
  const last = parent[parent.length - 1];
  if (last === 'include' || last === 'require' || last === 'exclude') {
    return 'must be exactly one of {group: <name>}, {email: <address>}, {email_domain: <domain>}, {service_token: <name>}, {everyone: true}, {any_valid_service_token: true}';
  }
  return 'does not match any accepted shape';
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

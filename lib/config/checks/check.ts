/**
 * The shape of a deployment check (after cdk-nag's one rule per file): a small pure function of the
 * resolved model that returns its findings, errors and warnings, in the order they are reported.
 */
import type { Problem } from '../../core/errors';
import { ACTIVATE_DNS, PRIMARY_CONNECTOR_ON, SKIP_HEALTH_GATE } from '../../deployment/variables';
import type { DeploymentModel } from '../../deployment/model';

/** One finding of a check: a problem, and whether it only warns. */
export interface Finding extends Problem {
  /** Set on a warning (risky but legal: reported, the file still synthesizes); absent on an error. */
  readonly warning?: true;
}

/** What the checks may read besides the model. */
export interface CheckOptions {
  /**
   * "Today" as YYYY-MM-DD, for expiry checks and deletion dates.
   * @default - GATEHOUSE_TODAY, else the current UTC date
   */
  readonly today?: string;
  /**
   * The directory of the deployment file: Worker module files are checked there.
   * @default - module files are not checked (text without a file)
   */
  readonly deploymentDir?: string;
}

/** A deployment check. */
export type DeploymentCheck = (m: DeploymentModel, options: CheckOptions) => Finding[];

/** An error finding (a `value` argument, even `undefined`, is shown as `(got ...)`). */
export function error(path: string, message: string, ...value: [unknown?]): Finding {
  return value.length > 0 ? { path, message, value: value[0] } : { path, message };
}

/** A warning finding. */
export function warning(path: string, message: string, ...value: [unknown?]): Finding {
  return { ...error(path, message, ...value), warning: true };
}

/** Names for a message, or `(none)`. */
export function list(names: readonly string[]): string {
  return names.length ? names.join(', ') : '(none)';
}

/**
 * A hostname outside every declared zone, reported at `at`. When the zone itself looks wrong (no
 * hostname of the file lies in any zone), the zone is reported once instead (zones.ts).
 */
export function outsideZones(m: DeploymentModel, at: string, hostname: string): Finding | undefined {
  if (m.zoneOf(hostname) || m.zoneLooksWrong) return undefined;
  if (m.zones.length === 1) return error(at, `must lie in the zone ${m.primaryZone.zoneName} (e.g. app.${m.primaryZone.zoneName})`, hostname);
  return error(at, `must lie in a declared zone (${m.zones.map((z) => z.zoneName).join(', ')})`, hostname);
}

/** The claim at `at` on a hostname another owner serves already (lib/deployment/owners.ts). */
export function ownerConflict(m: DeploymentModel, at: string, hostname: string): Finding | undefined {
  const other = m.ownerConflicts.get(at);
  return other === undefined ? undefined : error(at, `is already served by ${other}; a hostname has one owner`, hostname);
}

/**
 * The entries of a list that repeat an earlier one (an identity provider, a zone listed twice), each
 * at its index: the list means a set, and a repeat changes what it counts (one IdP listed twice is two,
 * and turns auto-redirect off).
 */
export function repeated(at: string, items: readonly string[]): Finding[] {
  return items.flatMap((item, i) => (items.indexOf(item) !== i ? [error(`${at}[${i}]`, `is listed twice (also at ${at}[${items.indexOf(item)}]); list it once`, item)] : []));
}

/** The findings that are defined. */
export function defined(...findings: ReadonlyArray<Finding | undefined>): Finding[] {
  return findings.filter((f): f is Finding => f !== undefined);
}

/**
 * A secret (of a Pages project or a Worker) that names an identity provider's client secret variable:
 * one TF_VAR_ would feed both, so the identity provider's secret would reach a site or a script.
 */
export function identityProviderSecret(m: DeploymentModel, at: string, variable: string): Finding | undefined {
  const idp = [...m.identityProviders.values()].find((i) => i.secretVariable === variable);
  return idp ? error(at, `is the client secret variable of identity provider ${idp.name}; give this secret a variable of its own`, variable) : undefined;
}

/** The variables gatehouse declares itself in the site stacks: a secret may not take one of their names. */
export const RESERVED_VARIABLES: readonly string[] = [ACTIVATE_DNS, SKIP_HEALTH_GATE, PRIMARY_CONNECTOR_ON];

/** A secret that names a variable gatehouse declares itself. */
export function reservedVariable(at: string, variable: string): Finding | undefined {
  return RESERVED_VARIABLES.includes(variable) ? error(at, `names ${variable}, a variable gatehouse declares itself; choose another name`, variable) : undefined;
}

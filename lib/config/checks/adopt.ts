/**
 * Adoptions (`adopt:`): each entry names an object gatehouse creates, and each existing object is
 * adopted once. The id shapes are schema rules (lib/config/adopt-schema.ts); everything the file
 * declares about an adopted object is checked like a new one, by the other checks.
 */
import type { DeploymentModel } from '../../deployment/model';
import { ADOPT_KIND_NAMES, AdoptKind, ModelAdoption } from '../../deployment/adoptions';
import { error, Finding } from './check';

/** An entry that adopts nothing gatehouse creates: adopting it would manage nothing, or something else. */
export function adoptedTargets(m: DeploymentModel): Finding[] {
  // A list entry (adopt.buckets[0]) is named by its value, which the path does not show.
  return m.adoptions.flatMap((a) => (a.unmanaged === undefined ? [] : [error(a.at, a.unmanaged, ...(a.at.endsWith(']') ? [a.id] : []))]));
}

/** Kinds whose entry is a key of this file, not an id: the import id comes from the names the file gives. */
const NAMED_BY_THE_FILE: ReadonlySet<AdoptKind> = new Set<AdoptKind>(['r2_bucket', 'pages_project', 'pages_domain', 'workers_script']);

/**
 * Each remote object is adopted once: the same id (or, for objects named by the file, the same
 * import id) twice would import one object into two resources, and two states would fight over it.
 */
export function adoptedOnce(m: DeploymentModel): Finding[] {
  const findings: Finding[] = [];
  const first = new Map<string, ModelAdoption>();
  for (const a of m.adoptions) {
    // A written id is unique in Cloudflare whatever its kind; an object named by the file is identified by its import id.
    const key = NAMED_BY_THE_FILE.has(a.kind) ? `${a.kind} ${a.targets[0]?.importId ?? a.id}` : a.id;
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, a);
      continue;
    }
    const message =
      earlier.kind === a.kind
        ? `adopts the same ${ADOPT_KIND_NAMES[a.kind]} as ${earlier.at}; each existing object is adopted once`
        : `is already adopted as ${article(ADOPT_KIND_NAMES[earlier.kind])} at ${earlier.at}; an id names one object, adopted once`;
    findings.push(error(a.at, message, a.id));
  }
  return findings;
}

function article(noun: string): string {
  return /^[AEIOUaeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

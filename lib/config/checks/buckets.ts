/**
 * Buckets: names, public custom domains in a zone with one owner, deletion clocks and confirmations,
 * Secret Manager delivery to GCE sites only, the lifecycle-vs-lock rules (lib/core/rules.ts) and
 * credential expiry.
 */
import { bucketNameProblem, deletionClockProblem, deletionConfirmationProblem, lifecycleConflicts } from '../../core/rules';
import type { DeploymentModel, ModelBucket } from '../../deployment/model';
import { defined, error, Finding, outsideZones, ownerConflict, warning } from './check';
import { sitesMissing } from './sites';

/** The public custom domain of a bucket in service: in a zone, and served by the bucket alone. */
export function bucketDomains(m: DeploymentModel): Finding[] {
  return [...m.buckets.values()].flatMap((b) => {
    if (!b.customDomain || b.retired) return [];
    const at = `${b.at}.public.custom_domain`;
    const app = m.appsCovering(b.customDomain.hostname).at(0);
    const gated = app === undefined ? undefined : error(at, `is declared public, but app ${app} covers it, so access would ask every visitor to log in; take it out of the app, or drop public`, b.customDomain.hostname);
    return defined(outsideZones(m, at, b.customDomain.hostname), ownerConflict(m, at, b.customDomain.hostname), gated);
  });
}

function retirementFindings(m: DeploymentModel, b: ModelBucket): Finding[] {
  const r = b.spec.retired;
  if (!r) return [];
  const clock = deletionClockProblem({
    start: r.since,
    retainDays: r.retain_days,
    today: m.today,
    bucketName: b.bucketName,
    confirmDelete: r.confirm_delete,
    startField: 'since',
    confirmField: 'retired.confirm_delete',
  });
  const confirm = deletionConfirmationProblem(b.bucketName, r.confirm_delete);
  return [
    ...(clock ? [error(`${b.at}.retired.since`, clock, r.since)] : []),
    ...(confirm ? [error(`${b.at}.retired.confirm_delete`, confirm, r.confirm_delete)] : []),
  ];
}

function deliveryFindings(m: DeploymentModel, b: ModelBucket): Finding[] {
  // Without sites at all, the missing sites are the root cause (reported once, by sites.ts).
  if (sitesMissing(m)) return [];
  return Object.entries(b.spec.credentials).flatMap(([consumer, c]) =>
    c.deliver_to && !m.sites?.[c.deliver_to]?.gce
      ? [error(`${b.at}.credentials.${consumer}.deliver_to`, 'must name a GCE site (Secret Manager delivery needs a GCE host)', c.deliver_to)]
      : [],
  );
}

function lifecycleFindings(b: ModelBucket): Finding[] {
  const life = b.spec.lifecycle;
  const lock = b.spec.lock?.retain_days;
  const c = lifecycleConflicts({
    deleteAfterDays: life.delete_after_days,
    transitionAfterDays: life.transition_to_ia_after_days,
    lockRetainDays: lock,
    retiredRetainDays: b.spec.retired?.retain_days,
  });
  return [
    ...(c.transitionNotBeforeDelete !== undefined
      ? [error(`${b.at}.lifecycle.transition_to_ia_after_days`, 'must be less than delete_after_days', c.transitionNotBeforeDelete)]
      : []),
    ...(c.deleteBeforeLock !== undefined
      ? [error(`${b.at}.lifecycle.delete_after_days`, `must be at least lock.retain_days (${lock}); locked objects cannot be deleted earlier`, c.deleteBeforeLock)]
      : []),
    ...(c.retirementBeforeLock !== undefined
      ? [warning(`${b.at}.retired.retain_days`, `is shorter than lock.retain_days (${lock}); locked objects outlive it`, c.retirementBeforeLock)]
      : []),
  ];
}

/**
 * The `buckets` check: bucket names valid and unique, retirement clocks and their confirmations,
 * credential delivery to GCE sites only, lifecycle rules that agree with the bucket lock, and
 * credential expiry dates after today.
 */
export function buckets(m: DeploymentModel): Finding[] {
  const names = new Map<string, string>();
  return [...m.buckets.values()].flatMap((b) => {
    const other = names.get(b.bucketName);
    if (other === undefined) names.set(b.bucketName, b.key);
    const retiredDomain = b.customDomain && b.retired ? outsideZones(m, `${b.at}.public.custom_domain`, b.customDomain.hostname) : undefined;
    return [
      ...(!b.spec.name && bucketNameProblem(b.key)
        ? [error(b.at, 'key is used as the bucket name and must be 3-63 characters; set name: instead', b.key)]
        : []),
      ...(other !== undefined ? [error(`${b.at}.name`, `is also the name of bucket ${other}`, b.bucketName)] : []),
      ...defined(retiredDomain),
      ...retirementFindings(m, b),
      ...deliveryFindings(m, b),
      ...lifecycleFindings(b),
      ...Object.entries(b.spec.credentials).flatMap(([consumer, cred]) =>
        cred.expires && cred.expires <= m.today
          ? [error(`${b.at}.credentials.${consumer}.expires`, `must be a future date (today is ${m.today})`, cred.expires)]
          : [],
      ),
    ];
  });
}

/**
 * Tenants: unique ids and hostnames, hostnames no route, app or other owner uses, extra hostnames in
 * the tenants' zone with one owner (and within the tenant app's destination limit), deletion dates of
 * disabled tenants, bucket names, declared policies and providers, key expiry, a public reason when
 * a hub has no app, and every shard within its API budget.
 */
import { declared } from '../../core/names';
import { MAX_DESTINATIONS_PER_APP } from '../../core/limits';
import { deletionClockProblem, deletionConfirmationProblem } from '../../core/rules';
import type { DeploymentModel, ModelTenant } from '../../deployment/model';
import { defined, error, Finding, list, ownerConflict, repeated } from './check';

/** A tenant hostname that a public bucket, a Pages site or a Worker serves already (lib/deployment/owners.ts). */
export function tenantOwners(m: DeploymentModel): Finding[] {
  return m.tenants.flatMap((t) => {
    const other = m.ownerConflicts.get(t.at);
    return other === undefined ? [] : [error(`${t.at}.subdomain`, `gives ${t.hostname}, already served by ${other}`, t.spec.subdomain ?? t.hostname)];
  });
}

function retentionFindings(m: DeploymentModel, t: ModelTenant): Finding[] {
  const s = t.spec;
  const deletes = !s.enabled && s.delete_bucket;
  const clock =
    deletes && s.disabled_on
      ? deletionClockProblem({
          start: s.disabled_on,
          retainDays: s.retain_days,
          today: m.today,
          bucketName: t.bucketName,
          confirmDelete: s.confirm_delete,
          startField: 'disabled_on',
          confirmField: `${t.at}.confirm_delete`,
        })
      : undefined;
  const confirm = deletionConfirmationProblem(t.bucketName, s.confirm_delete);
  return [
    ...(deletes && !s.disabled_on ? [error(`${t.at}.disabled_on`, 'is required with enabled: false: the day retention starts (YYYY-MM-DD), or keep the objects with delete_bucket: false')] : []),
    ...(!s.delete_bucket && s.confirm_delete !== undefined
      ? [error(`${t.at}.confirm_delete`, 'confirms a deletion, but delete_bucket: false deletes nothing; remove one of them', s.confirm_delete)]
      : []),
    // An enabled tenant ignores disabled_on: a date written without enabled: false would leave the tenant running unnoticed.
    ...(s.enabled && s.disabled_on
      ? [error(`${t.at}.disabled_on`, 'applies only to a disabled tenant, and this one is enabled: set enabled: false to disable it, or remove disabled_on', s.disabled_on)]
      : []),
    ...(clock ? [error(`${t.at}.disabled_on`, clock, s.disabled_on)] : []),
    ...(confirm ? [error(`${t.at}.confirm_delete`, confirm, s.confirm_delete)] : []),
  ];
}

function referenceFindings(m: DeploymentModel, t: ModelTenant): Finding[] {
  const d = m.deployment;
  return [
    ...(t.spec.access?.policies ?? []).flatMap((p, j) =>
      !declared(d.access_policies, p)
        ? [error(`${t.at}.access.policies[${j}]`, `names no access policy; declared policies: ${list(Object.keys(d.access_policies))}`, p)]
        : declared(d.access_policies, p)?.decision === 'bypass'
          ? [error(`${t.at}.access.policies[${j}]`, `is a bypass policy, and a bypass must never cover a whole host (${t.hostname}); leave access out and give tenants.public_reason`, p)]
          : [],
    ),
    ...(t.spec.access?.idps ?? []).flatMap((p, j) =>
      declared(d.identity_providers, p) ? [] : [error(`${t.at}.access.idps[${j}]`, `names no identity provider; declared: ${list(Object.keys(d.identity_providers))}`, p)],
    ),
    ...repeated(`${t.at}.access.policies`, t.spec.access?.policies ?? []),
    ...repeated(`${t.at}.access.idps`, t.spec.access?.idps ?? []),
  ];
}

/** An enabled tenant's hostname under a wildcard app of the file: that app would gate it, not the tenant's own access (or its public reason). */
function coveringFindings(m: DeploymentModel, t: ModelTenant): Finding[] {
  const app = t.spec.enabled ? m.appsCovering(t.hostname).at(0) : undefined;
  return app === undefined
    ? []
    : [error(`${t.at}.subdomain`, `gives ${t.hostname}, which app ${app} covers with a wildcard; a tenant's hostnames are gated by its own access (or public by tenants.public_reason)`, t.spec.subdomain ?? t.hostname)];
}

/** A tenant's extra hostnames: in the tenants' zone (its tunnel's records live there), one owner each, no app of the file over them. */
function extraHostnameFindings(m: DeploymentModel, t: ModelTenant): Finding[] {
  if (!t.spec.enabled) return [];
  const zone = m.primaryZone.zoneName;
  const destinations = 1 + t.extraHostnames.length;
  return [
    ...t.extraHostnames.flatMap((x, j) => {
      const at = `${t.at}.extra_hostnames[${j}]`;
      if (x.zone !== m.primaryZone) return [error(at, `must lie in the zone ${zone}, where the tenants' records live (e.g. ws.${t.hostname})`, x.hostname)];
      // the one matcher: an app that lists it, or whose wildcard covers it
      const app = m.appsCovering(x.hostname).at(0);
      return [
        ...defined(ownerConflict(m, at, x.hostname)),
        ...(app ? [error(at, `is gated by app ${app}; a tenant's hostnames are gated by its own access`, x.hostname)] : []),
      ];
    }),
    ...(t.spec.access && destinations > MAX_DESTINATIONS_PER_APP
      ? [
          error(
            `${t.at}.extra_hostnames`,
            `with access, the tenant's app gates its hostname and ${t.extraHostnames.length} extra hostnames: ${destinations} destinations; cloudflare allows at most ${MAX_DESTINATIONS_PER_APP} per access application`,
            t.extraHostnames.length,
          ),
        ]
      : []),
  ];
}

function memberFindings(m: DeploymentModel): Finding[] {
  const ids = new Map<string, number>();
  const hosts = new Map<string, number>();
  const routed = new Set(m.routes.map((r) => r.hostname));
  const bucketKeys = new Map<string, string>();
  for (const b of m.buckets.values()) if (!bucketKeys.has(b.bucketName)) bucketKeys.set(b.bucketName, b.key);
  return m.tenants.flatMap((t) => {
    const { id, subdomain } = t.spec;
    const first = ids.get(id);
    if (first === undefined) ids.set(id, t.index);
    const other = hosts.get(t.hostname);
    if (other === undefined) hosts.set(t.hostname, t.index);
    // A repeated id gives the same default subdomain: the id is the root cause, reported once.
    const derivedFromRepeatedId = first !== undefined && !subdomain;
    const bucketKey = bucketKeys.get(t.bucketName);
    return [
      ...(first !== undefined ? [error(`${t.at}.id`, `is already used by tenants.members[${first}]`, id)] : []),
      ...(other !== undefined && !derivedFromRepeatedId ? [error(`${t.at}.subdomain`, `gives ${t.hostname}, already used by tenants.members[${other}]`, subdomain ?? t.hostname)] : []),
      ...(routed.has(t.hostname) || m.listedBy.has(t.hostname)
        ? [error(`${t.at}.subdomain`, `gives ${t.hostname}, which routes or apps already use`, subdomain ?? t.hostname)]
        : coveringFindings(m, t)),
      ...extraHostnameFindings(m, t),
      ...retentionFindings(m, t),
      ...(t.bucketName.length > 63 ? [error(`${t.at}.id`, `makes the bucket name ${t.bucketName} longer than 63 characters; use a shorter id`, id)] : []),
      ...(bucketKey !== undefined ? [error(`${t.at}.id`, `makes the bucket name ${t.bucketName}, which buckets.${bucketKey} already uses`, id)] : []),
      ...referenceFindings(m, t),
    ];
  });
}

/**
 * The `tenants` check: every member's own findings, `key_expires` after today, a `public_reason` when
 * a tenant has no Access app, and every shard within `shard_budget` API calls per refresh.
 */
export function tenants(m: DeploymentModel): Finding[] {
  const t = m.deployment.tenants;
  return [
    ...memberFindings(m),
    ...(t.key_expires && t.key_expires <= m.today
      ? [error('tenants.key_expires', `must be a future date (today is ${m.today}); rotate the keys and set a new date`, t.key_expires)]
      : []),
    ...(!t.public_reason && t.members.some((x) => x.enabled && !x.access)
      ? [error('tenants.public_reason', 'is required when a tenant has no access app: say why its hub is reachable without Access')]
      : []),
    ...m.shards.flatMap((shard) =>
      shard.refreshCost > t.shard_budget
        ? [
            error(
              'tenants.shard_budget',
              `shard ${shard.stackId} needs about ${shard.refreshCost} api calls per refresh (${shard.tenants.length} tenants), ` +
                `over the budget of ${t.shard_budget}; pin new tenants to a new shard with shard: <n> (changing shard_count moves tenants)`,
              shard.refreshCost,
            ),
          ]
        : [],
    ),
  ];
}

/**
 * Checks across fields of a shape-valid deployment: hostnames in the zone, nothing routed twice,
 * every referenced name exists, every route gated or declared public, sane combinations.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GatehouseError, ProblemCollector } from '../core/errors';
import {
  bucketNameProblem,
  deletionClockProblem,
  deletionConfirmationProblem,
  inZone,
  isoDateProblem,
  looksLikeTypo,
  pagesDevHostnames,
} from '../core/rules';
import { activationRecordNames } from '../cutover/activation-names';
import {
  MAX_ACCESS_APPS,
  MAX_ACCOUNT_TOKENS,
  MAX_DESTINATIONS_PER_APP,
  MAX_DNS_RECORDS,
  MAX_SERVICE_TOKENS,
  MAX_TUNNELS,
} from '../core/limits';
import { planShards, shardStackId, tenantBucketName, tenantHostname } from '../tenants/plan';
import { policySessions } from './sessions';
import { idpSecretVariable } from './schema';
import type { AccessRuleInput, Deployment, IdentityProviderSpec } from './schema';

export interface CrossCheckOptions {
  /** "Today" as YYYY-MM-DD, for expiry checks and deletion dates. @default - the current UTC date */
  readonly today?: string;
  /**
   * The directory of the deployment file: Worker module files are checked there.
   * @default - module files are not checked (text without a file)
   */
  readonly deploymentDir?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Days before an Entra client secret expires at which synth starts warning. */
export const SECRET_EXPIRY_WARNING_DAYS = 30;

export interface CrossCheckResult {
  readonly errors: ProblemCollector;
  readonly warnings: ProblemCollector;
}

export function crossCheck(d: Deployment, options: CrossCheckOptions = {}): CrossCheckResult {
  const errors = new ProblemCollector();
  const warnings = new ProblemCollector();
  const zone = d.cloudflare.zone;
  if (options.today !== undefined && isoDateProblem(options.today)) {
    throw new GatehouseError([{ path: 'GATEHOUSE_TODAY', message: isoDateProblem(options.today)!, value: options.today }]);
  }
  const today = options.today ?? new Date().toISOString().slice(0, 10);

  // Zones: each name and each id once, so every hostname has exactly one zone (zoneOf).
  const zoneNames = new Map<string, string>([[zone, 'cloudflare.zone']]);
  const zoneIds = new Map<string, string>([[d.cloudflare.zone_id, `cloudflare.zone_id (${zone})`]]);
  d.cloudflare.extra_zones.forEach((z, i) => {
    const at = `cloudflare.extra_zones[${i}]`;
    if (zoneNames.has(z.zone)) {
      errors.add(`${at}.zone`, `is already declared as ${zoneNames.get(z.zone)}; declare each zone once`, z.zone);
      return;
    }
    zoneNames.set(z.zone, `${at}.zone`);
    const other = zoneIds.get(z.zone_id);
    if (other) errors.add(`${at}.zone_id`, `is already the id of ${other}; each zone has its own id, records would land in the wrong zone`, z.zone_id);
    else zoneIds.set(z.zone_id, `${at}.zone_id (${z.zone})`);
  });

  const zones = declaredZones(d);
  // `<project>.pages.dev` and `*.<project>.pages.dev` of a declared Pages site may be app destinations (they lie in no zone).
  const pagesDevOf = new Map<string, string>();
  for (const [name, site] of Object.entries(d.pages)) for (const h of pagesDevHostnames(site.project ?? name)) pagesDevOf.set(h, name);
  // When no hostname of the file lies in any declared zone, the zone is the mistake (a typo, or the
  // wrong file): one line naming it, instead of one per hostname.
  const named = [...new Set([
    ...Object.values(d.apps).flatMap((a) => a.hostnames.filter((h) => !pagesDevOf.has(h))),
    ...d.routes.map((r) => r.hostname),
    ...Object.values(d.pages).flatMap((p) => p.domains),
    ...Object.values(d.workers).map((w) => w.hostname),
    ...Object.values(d.buckets).flatMap((b) => (b.public?.custom_domain ? [b.public.custom_domain] : [])),
  ])];
  const zoneIsWrong = named.length >= 2 && !named.some((h) => zoneOf(d, h));
  if (zoneIsWrong) {
    errors.add(
      'cloudflare.zone',
      `holds none of the ${named.length} hostnames this file names (e.g. ${named[0]})${zones.length > 1 ? `, nor does any extra zone` : ''}; ` +
        'write the zone they lie in',
      zone,
    );
  }
  /** Whether a hostname lies in a declared zone; reports it when it does not. */
  const checkInZone = (path: string, hostname: string): boolean => {
    if (zoneOf(d, hostname) || zoneIsWrong) return true;
    if (zones.length === 1) errors.add(path, `must lie in the zone ${zone} (e.g. app.${zone})`, hostname);
    else errors.add(path, `must lie in a declared zone (${zones.join(', ')})`, hostname);
    return false;
  };

  // Names referenced by rules, groups and apps exist.
  const idpNames = Object.keys(d.identity_providers);
  const secretVariables = new Map<string, string>();
  for (const [name, idp] of Object.entries(d.identity_providers)) {
    if (idp.type !== 'google-workspace' && idp.type !== 'entra') continue;
    const variable = idpSecretVariable(name, idp);
    const other = secretVariables.get(variable);
    if (other) errors.add(`identity_providers.${name}.secret_variable`, `is also the secret variable of identity provider ${other}; give each its own`, variable);
    else secretVariables.set(variable, name);
  }
  const checkRules = (path: string, rules: readonly AccessRuleInput[]) => {
    rules.forEach((rule, i) => {
      if ('group' in rule && !(rule.group in d.access_groups)) {
        errors.add(`${path}[${i}].group`, `names no access group; declared groups: ${list(Object.keys(d.access_groups))}`, rule.group);
      }
      if ('service_token' in rule && !(rule.service_token in d.service_tokens)) {
        errors.add(
          `${path}[${i}].service_token`,
          `names no service token; declared service tokens: ${list(Object.keys(d.service_tokens))}`,
          rule.service_token,
        );
      }
    });
  };

  for (const [name, group] of Object.entries(d.access_groups)) {
    const path = `access_groups.${name}`;
    if (group.email_domains.length + group.emails.length + group.idp_groups.length === 0) {
      errors.add(path, 'must have at least one email_domains, emails or idp_groups entry');
    }
    group.idp_groups.forEach((g, i) => {
      const idp = d.identity_providers[g.idp];
      if (!idp) {
        errors.add(`${path}.idp_groups[${i}].idp`, `names no identity provider; declared: ${list(idpNames)}`, g.idp);
      } else if (idp.type !== 'entra' || !idp.support_groups) {
        errors.add(`${path}.idp_groups[${i}].idp`, 'must name an entra identity provider with support_groups: true', g.idp);
      } else if (!UUID.test(g.group)) {
        // Checked once the provider is known to be entra: Access matches entra groups by object id.
        errors.add(`${path}.idp_groups[${i}].group`, "must be the entra group's object id, a uuid (a display name matches no one)", g.group);
      }
    });
  }

  for (const [name, policy] of Object.entries(d.access_policies)) {
    const path = `access_policies.${name}`;
    checkRules(`${path}.include`, policy.include);
    checkRules(`${path}.require`, policy.require);
    checkRules(`${path}.exclude`, policy.exclude);
    if (policy.decision === 'allow') {
      policy.include.forEach((rule, i) => {
        if ('everyone' in rule) {
          errors.add(`${path}.include[${i}]`, 'an allow policy must not admit everyone; name groups, domains or emails instead', rule);
        }
        if ('any_valid_service_token' in rule) {
          errors.add(
            `${path}.include[${i}]`,
            'an allow policy must not admit any valid service token; name the token in a non_identity policy instead',
            rule,
          );
        }
        if ('service_token' in rule) {
          errors.add(`${path}.include[${i}]`, 'service tokens are only admitted by decision non_identity, not allow', rule);
        }
      });
    }
    if (policy.decision === 'non_identity') {
      policy.include.forEach((rule, i) => {
        if (!('service_token' in rule)) {
          errors.add(`${path}.include[${i}]`, 'a non_identity policy may only include named service_token rules', rule);
        }
      });
    }
  }

  // Apps: references, destination limit, hostnames in the zone, each hostname on one app only.
  const gatedBy = new Map<string, string>();
  /** App hostnames outside every zone: a route they were meant to gate is not also reported as ungated. */
  const misplaced: string[] = [];
  for (const [name, app] of Object.entries(d.apps)) {
    const path = `apps.${name}`;
    app.hostnames.forEach((h, i) => {
      if (!pagesDevOf.has(h) && !checkInZone(`${path}.hostnames[${i}]`, h)) misplaced.push(h);
      const other = gatedBy.get(h);
      if (other) errors.add(`${path}.hostnames[${i}]`, `is already gated by app ${other}; a hostname belongs to one app`, h);
      else gatedBy.set(h, name);
    });
    app.policies.forEach((p, i) => {
      if (!(p in d.access_policies)) {
        errors.add(`${path}.policies[${i}]`, `names no access policy; declared policies: ${list(Object.keys(d.access_policies))}`, p);
      }
    });
    app.idps.forEach((p, i) => {
      if (!(p in d.identity_providers)) errors.add(`${path}.idps[${i}]`, `names no identity provider; declared: ${list(idpNames)}`, p);
    });
    if (new Set(app.policies).size !== app.policies.length) errors.add(`${path}.policies`, 'must not attach a policy twice', app.policies);
    app.policies.forEach((p, i) => {
      const policy = d.access_policies[p];
      if (policy?.decision === 'bypass' && policy.include.some((r) => 'everyone' in r)) {
        errors.add(
          `${path}.policies[${i}]`,
          'bypasses access for everyone, so the app gates nothing; declare its routes public with a reason instead',
          p,
        );
      }
    });
  }

  checkPagesGating(d, errors, gatedBy);
  checkSessions(d, errors);

  // Routes: in the zone, never twice, gated or declared public.
  const routed = new Map<string, number>();
  d.routes.forEach((route, i) => {
    const path = `routes[${i}]`;
    // A hostname outside the zones is the root cause: whether it is gated or routed twice follows from it.
    if (!checkInZone(`${path}.hostname`, route.hostname)) return;
    const key = `${route.hostname}${route.path ?? ''}`;
    const first = routed.get(key);
    if (first !== undefined) {
      errors.add(`${path}.hostname`, `is already routed by routes[${first}]; route each hostname (and path) once`, route.hostname);
    } else {
      routed.set(key, i);
    }
    const app = gatedBy.get(route.hostname);
    if (!app && !route.public && !misplaced.some((h) => looksLikeTypo(h, route.hostname))) {
      errors.add(
        `${path}.hostname`,
        'is routed through the tunnel but no access app gates it; add it to an app, or declare `public: {reason: ...}`',
        route.hostname,
      );
    }
    if (app && route.public) {
      errors.add(`${path}.public`, `contradicts app ${app}, which gates this hostname; remove one of them`, route.public);
    }
  });

  // Sites.
  if (!d.sites && d.routes.length > 0) {
    errors.add('sites', 'is required when routes are declared: a tunnel needs a site that runs its connector');
  }
  for (const role of ['primary', 'standby'] as const) {
    const site = d.sites?.[role];
    if (!site || 'external' in site) continue;
    if (!site.zone.startsWith(`${site.region}-`)) {
      errors.add(`sites.${role}.zone`, `must be a zone of region ${site.region} (e.g. ${site.region}-b)`, site.zone);
    }
  }
  const [primary, standby] = [d.sites?.primary, d.sites?.standby];
  if (primary && standby && !('external' in primary) && !('external' in standby) &&
      primary.egress === 'cloud-nat' && standby.egress === 'cloud-nat' &&
      primary.project === standby.project && primary.network === standby.network && primary.region === standby.region) {
    errors.add(
      'sites.standby.egress',
      `both sites would create a Cloud NAT for network ${standby.network} in ${standby.region}, and one network can have only one; set egress: existing on one of them`,
      standby.egress,
    );
  }
  if (primary && standby && siteName(primary) === siteName(standby) &&
      ('external' in primary || 'external' in standby || primary.project === standby.project)) {
    errors.add('sites.standby.name', 'must differ from sites.primary.name when both sites share a project', siteName(standby));
  }
  if (d.sites?.active === 'standby' && !standby) {
    errors.add('sites.active', 'can be standby only when sites.standby declares a standby site; set primary or declare one', d.sites.active);
  }

  // Pages, Workers, API tokens; every public hostname has one owner.
  const owners = new Map<string, string>();
  const own = (path: string, hostname: string) => {
    checkInZone(path, hostname);
    const other = owners.get(hostname);
    if (other) errors.add(path, `is already served by ${other}; a hostname has one owner`, hostname);
    else owners.set(hostname, path);
  };
  for (const r of new Set(d.routes.map((x) => x.hostname))) owners.set(r, 'a tunnel route');
  for (const [key, bucket] of Object.entries(d.buckets)) {
    if (bucket.public?.custom_domain && !bucket.retired) own(`buckets.${key}.public.custom_domain`, bucket.public.custom_domain);
  }
  d.tenants.members.forEach((m, i) => {
    if (!m.enabled) return;
    const host = tenantHostname(m, d.cloudflare.zone);
    const other = owners.get(host);
    // Two tenants on one hostname are reported by checkTenants, once.
    if (other && other !== 'a tunnel route' && !other.startsWith('tenants.')) {
      errors.add(`tenants.members[${i}].subdomain`, `gives ${host}, already served by ${other}`, m.subdomain ?? host);
    } else if (!other) owners.set(host, `tenants.members[${i}]`);
  });
  const projects = new Map<string, string>();
  for (const [name, site] of Object.entries(d.pages)) {
    const project = site.project ?? name;
    if (projects.has(project)) errors.add(`pages.${name}.project`, `is also the project of pages.${projects.get(project)}`, project);
    else projects.set(project, name);
    site.domains.forEach((h, i) => own(`pages.${name}.domains[${i}]`, h));
  }
  const databases = new Map<string, string>();
  for (const [name, w] of Object.entries(d.workers)) {
    own(`workers.${name}.hostname`, w.hostname);
    if (w.d1 && !w.module_file && !w.access_app) {
      errors.add(`workers.${name}.module_file`, 'is required with d1: the database is bound to the deployed script as DB');
    }
    if (w.d1) {
      if (databases.has(w.d1.database)) errors.add(`workers.${name}.d1.database`, `is also created by workers.${databases.get(w.d1.database)}`, w.d1.database);
      else databases.set(w.d1.database, name);
    }
    if (w.access_app) {
      const app = d.apps[w.access_app];
      if (!app) errors.add(`workers.${name}.access_app`, `names no access app; declared apps: ${list(Object.keys(d.apps))}`, w.access_app);
      else if (!app.hostnames.includes(w.hostname)) {
        errors.add(`workers.${name}.access_app`, `does not gate ${w.hostname}; add the hostname to the app`, w.access_app);
      }
      if (!w.module_file) errors.add(`workers.${name}.module_file`, 'is required with access_app: the AUD is handed to the script as ACCESS_AUD');
    }
  }
  for (const [name, t] of Object.entries(d.api_tokens)) {
    (t.zones ?? []).forEach((z, i) => {
      if (!zones.includes(z)) errors.add(`api_tokens.${name}.zones[${i}]`, `names no declared zone (${zones.join(', ')})`, z);
    });
    if (t.expires && t.expires <= today) errors.add(`api_tokens.${name}.expires`, `must be a future date (today is ${today})`, t.expires);
  }

  // Buckets.
  const bucketNames = new Map<string, string>();
  for (const [key, bucket] of Object.entries(d.buckets)) {
    const path = `buckets.${key}`;
    const name = bucket.name ?? key;
    if (!bucket.name && bucketNameProblem(key)) {
      errors.add(path, 'key is used as the bucket name and must be 3-63 characters; set name: instead', key);
    }
    const other = bucketNames.get(name);
    if (other) errors.add(`${path}.name`, `is also the name of bucket ${other}`, name);
    else bucketNames.set(name, key);
    if (bucket.public?.custom_domain && bucket.retired) checkInZone(`${path}.public.custom_domain`, bucket.public.custom_domain);
    if (bucket.retired) {
      const clock = deletionClockProblem({
        start: bucket.retired.since,
        retainDays: bucket.retired.retain_days,
        today,
        bucketName: name,
        confirmDelete: bucket.retired.confirm_delete,
        startField: 'since',
        confirmField: 'retired.confirm_delete',
      });
      if (clock) errors.add(`${path}.retired.since`, clock, bucket.retired.since);
      const confirm = deletionConfirmationProblem(name, bucket.retired.confirm_delete);
      if (confirm) errors.add(`${path}.retired.confirm_delete`, confirm, bucket.retired.confirm_delete);
    }
    // Without sites at all, the missing sites are the root cause (reported once, above).
    if (!errors.problems.some((p) => p.path === 'sites') && Object.values(bucket.credentials).some((c) => c.deliver_to && !isGce(d.sites?.[c.deliver_to]))) {
      for (const [consumer, c] of Object.entries(bucket.credentials)) {
        if (c.deliver_to && !isGce(d.sites?.[c.deliver_to])) {
          errors.add(`${path}.credentials.${consumer}.deliver_to`, 'must name a GCE site (Secret Manager delivery needs a GCE host)', c.deliver_to);
        }
      }
    }
    const life = bucket.lifecycle;
    if (life.delete_after_days !== undefined && life.transition_to_ia_after_days !== undefined &&
        life.transition_to_ia_after_days >= life.delete_after_days) {
      errors.add(`${path}.lifecycle.transition_to_ia_after_days`, 'must be less than delete_after_days', life.transition_to_ia_after_days);
    }
    if (bucket.lock && life.delete_after_days !== undefined && life.delete_after_days < bucket.lock.retain_days) {
      errors.add(
        `${path}.lifecycle.delete_after_days`,
        `must be at least lock.retain_days (${bucket.lock.retain_days}); locked objects cannot be deleted earlier`,
        life.delete_after_days,
      );
    }
    if (bucket.retired && bucket.lock && bucket.retired.retain_days < bucket.lock.retain_days) {
      warnings.add(`${path}.retired.retain_days`, `is shorter than lock.retain_days (${bucket.lock.retain_days}); locked objects outlive it`, bucket.retired.retain_days);
    }
    for (const [consumer, cred] of Object.entries(bucket.credentials)) {
      if (cred.expires && cred.expires <= today) {
        errors.add(`${path}.credentials.${consumer}.expires`, `must be a future date (today is ${today})`, cred.expires);
      }
    }
  }

  checkTenants(d, errors, bucketNames, gatedBy, today);
  checkLimits(d, errors);

  // Entra client secret expiry.
  for (const [name, idp] of Object.entries(d.identity_providers)) {
    if (idp.type !== 'entra' || !idp.secret_expires) continue;
    const days = daysBetween(today, idp.secret_expires);
    const path = `identity_providers.${name}.secret_expires`;
    if (days <= 0) {
      errors.add(path, `the entra client secret expired (today is ${today}); create a new secret and update the date`, idp.secret_expires);
    } else if (days <= SECRET_EXPIRY_WARNING_DAYS) {
      warnings.add(path, `the entra client secret expires in ${days} days; rotate it before then`, idp.secret_expires);
    }
  }

  // Files the document names are looked for once the document itself is sound, so a mistake in the
  // document is reported alone (and a fixed document then reports a missing file, by its field).
  if (options.deploymentDir && errors.problems.length === 0) {
    for (const [name, w] of Object.entries(d.workers)) {
      if (!w.module_file) continue;
      const file = path.resolve(options.deploymentDir, w.module_file);
      if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
        errors.add(`workers.${name}.module_file`, `must be an existing file, relative to the deployment file (looked for ${file})`, w.module_file);
      }
    }
  }
  checkReachableIdentities(d, warnings);
  return { errors, warnings };
}

function checkTenants(
  d: Deployment,
  errors: ProblemCollector,
  bucketNames: ReadonlyMap<string, string>,
  gatedBy: ReadonlyMap<string, string>,
  today: string,
): void {
  const t = d.tenants;
  const ids = new Map<string, number>();
  const hosts = new Map<string, number>();
  const routedHosts = new Set(d.routes.map((r) => r.hostname));
  t.members.forEach((tenant, i) => {
    const at = `tenants.members[${i}]`;
    const first = ids.get(tenant.id);
    if (first !== undefined) errors.add(`${at}.id`, `is already used by tenants.members[${first}]`, tenant.id);
    else ids.set(tenant.id, i);
    const host = tenantHostname(tenant, d.cloudflare.zone);
    const other = hosts.get(host);
    // A repeated id gives the same default subdomain: the id is the root cause, reported above.
    const derivedFromRepeatedId = first !== undefined && !tenant.subdomain;
    if (other !== undefined && !derivedFromRepeatedId) {
      errors.add(`${at}.subdomain`, `gives ${host}, already used by tenants.members[${other}]`, tenant.subdomain ?? host);
    } else if (other === undefined) hosts.set(host, i);
    if (routedHosts.has(host) || gatedBy.has(host)) {
      errors.add(`${at}.subdomain`, `gives ${host}, which routes or apps already use`, tenant.subdomain ?? host);
    }
    const bucket = tenantBucketName(d.name, tenant.id);
    if (!tenant.enabled && !tenant.disabled_on) {
      errors.add(`${at}.disabled_on`, 'is required with enabled: false: the day retention starts (YYYY-MM-DD)');
    } else if (!tenant.enabled && tenant.disabled_on) {
      const clock = deletionClockProblem({
        start: tenant.disabled_on,
        retainDays: tenant.retain_days,
        today,
        bucketName: bucket,
        confirmDelete: tenant.confirm_delete,
        startField: 'disabled_on',
        confirmField: `${at}.confirm_delete`,
      });
      if (clock) errors.add(`${at}.disabled_on`, clock, tenant.disabled_on);
    }
    const confirm = deletionConfirmationProblem(bucket, tenant.confirm_delete);
    if (confirm) errors.add(`${at}.confirm_delete`, confirm, tenant.confirm_delete);
    if (bucket.length > 63) errors.add(`${at}.id`, `makes the bucket name ${bucket} longer than 63 characters; use a shorter id`, tenant.id);
    if (bucketNames.has(bucket)) errors.add(`${at}.id`, `makes the bucket name ${bucket}, which buckets.${bucketNames.get(bucket)} already uses`, tenant.id);
    tenant.access?.policies.forEach((p, j) => {
      if (!(p in d.access_policies)) {
        errors.add(`${at}.access.policies[${j}]`, `names no access policy; declared policies: ${list(Object.keys(d.access_policies))}`, p);
      }
    });
    tenant.access?.idps.forEach((p, j) => {
      if (!(p in d.identity_providers)) errors.add(`${at}.access.idps[${j}]`, `names no identity provider; declared: ${list(Object.keys(d.identity_providers))}`, p);
    });
  });
  if (t.key_expires && t.key_expires <= today) {
    errors.add('tenants.key_expires', `must be a future date (today is ${today}); rotate the keys and set a new date`, t.key_expires);
  }
  if (!t.public_reason && t.members.some((m) => m.enabled && !m.access)) {
    errors.add('tenants.public_reason', 'is required when a tenant has no access app: say why its hub is reachable without Access');
  }
  for (const shard of planShards(d)) {
    if (shard.refreshCost > t.shard_budget) {
      errors.add(
        'tenants.shard_budget',
        `shard ${shardStackId(shard.shard)} needs about ${shard.refreshCost} api calls per refresh (${shard.tenants.length} tenants), ` +
          `over the budget of ${t.shard_budget}; pin new tenants to a new shard with shard: <n> (changing shard_count moves tenants)`,
        shard.refreshCost,
      );
    }
  }
}

/** Account and zone limits, against lib/core/limits.ts or the raised limits recorded in the file. */
function checkLimits(d: Deployment, errors: ProblemCollector): void {
  const enabled = d.tenants.members.filter((m) => m.enabled);
  const liveBuckets = Object.values(d.buckets).filter((b) => !b.retired);
  const limits = d.cloudflare.limits;
  const check = (field: string, what: string, count: number, limit: number, fix: string) => {
    if (count > limit) {
      errors.add(`cloudflare.limits.${field}`, `the deployment needs ${count} ${what}; the limit is ${limit}; ${fix}`, count);
    }
  };
  const raise = 'or record a limit cloudflare raised for the account here';
  check('tunnels', 'tunnels', 2 + enabled.length, limits.tunnels ?? MAX_TUNNELS, `disable tenants, use another account, ${raise}`);
  const tokens =
    liveBuckets.reduce((sum, b) => sum + Object.values(b.credentials).reduce((s, c) => s + (c.two_slot ? 2 : 1), 0), 0) +
    enabled.length +
    Object.keys(d.api_tokens).length;
  check('account_tokens', 'account api tokens', tokens, limits.account_tokens ?? MAX_ACCOUNT_TOKENS, `share credentials, disable tenants, ${raise}`);
  const hostnames = [
    ...new Set(d.routes.map((r) => r.hostname)),
    ...enabled.map((m) => tenantHostname(m, d.cloudflare.zone)),
    ...liveBuckets.flatMap((b) => (b.public?.custom_domain ? [b.public.custom_domain] : [])),
    ...Object.values(d.pages).flatMap((p) => p.domains),
    ...Object.values(d.workers).map((w) => w.hostname),
    ...activationRecordNames(d),
  ];
  for (const z of declaredZones(d)) {
    check(
      'dns_records',
      `dns records in ${z}`,
      hostnames.filter((h) => zoneOf(d, h) === z).length,
      limits.dns_records ?? MAX_DNS_RECORDS[d.cloudflare.plan],
      `the ${d.cloudflare.plan} plan allows ${MAX_DNS_RECORDS[d.cloudflare.plan]}; move to a paid plan (cloudflare.plan), ${raise}`,
    );
  }
  const apps = Object.keys(d.apps).length + enabled.filter((m) => m.access).length;
  check('access_apps', 'access applications', apps, limits.access_apps ?? MAX_ACCESS_APPS, `share apps across hostnames (5 each), ${raise}`);
  const serviceTokens = Object.keys(d.service_tokens).length;
  if (serviceTokens > MAX_SERVICE_TOKENS) {
    errors.add('service_tokens', `declares ${serviceTokens} service tokens; cloudflare allows ${MAX_SERVICE_TOKENS} per account`, serviceTokens);
  }
}

/** The primary zone and the extra zones, each once. */
export function declaredZones(d: Deployment): string[] {
  return [...new Set([d.cloudflare.zone, ...d.cloudflare.extra_zones.map((z) => z.zone)])];
}

/** The most specific declared zone that holds a hostname: the one function every caller uses. */
export function zoneOf(d: Deployment, hostname: string): string | undefined {
  return declaredZones(d)
    .filter((z) => inZone(hostname, z))
    .sort((a, b) => b.length - a.length)[0];
}

/**
 * Pages under Access. Pages serves a project's content on every custom domain and on
 * `<project>.pages.dev` and every preview `*.<project>.pages.dev`, so the app that gates one custom
 * domain gates them all: the other domains (listed in the app) and the pages.dev hosts (added by the
 * access stack, counted against the destination limit), unless `pages_dev.public` says otherwise.
 */
function checkPagesGating(d: Deployment, errors: ProblemCollector, gatedBy: ReadonlyMap<string, string>): void {
  const added = new Map<string, { site: string; hosts: string[] }[]>();
  for (const [name, site] of Object.entries(d.pages)) {
    const at = `pages.${name}`;
    const project = site.project ?? name;
    const [dev, previews] = pagesDevHostnames(project);
    const devApp = gatedBy.get(dev) ?? gatedBy.get(previews);
    if (site.pages_dev && devApp) {
      errors.add(`${at}.pages_dev.public`, `contradicts app ${devApp}, which gates the pages.dev hosts; remove one of them`, site.pages_dev.public);
      continue;
    }
    const apps = site.domains.map((h) => gatedBy.get(h));
    const first = apps.findIndex((a) => a !== undefined);
    if (first < 0) continue;
    const app = apps[first]!;
    let split = false;
    site.domains.forEach((h, i) => {
      if (apps[i] === app) return;
      split = true;
      errors.add(
        `${at}.domains[${i}]`,
        apps[i]
          ? `is gated by app ${apps[i]}, but ${site.domains[first]} of the same Pages site by app ${app}; one site is one app: gate all its domains with app ${app}`
          : `is not gated, but ${site.domains[first]} of the same Pages site is gated by app ${app}, and Pages serves the same content on both: add it to app ${app}`,
        h,
      );
    });
    if (split) continue;
    for (const host of [dev, previews]) {
      const other = gatedBy.get(host);
      if (other && other !== app) {
        const i = d.apps[other].hostnames.indexOf(host);
        errors.add(`apps.${other}.hostnames[${i}]`, `is a pages.dev host of ${at}, whose custom domains app ${app} gates; gate it with app ${app} (gatehouse adds it there)`, host);
        split = true;
      }
    }
    if (split || site.pages_dev) continue;
    const hosts = [dev, previews].filter((h) => !d.apps[app].hostnames.includes(h));
    if (hosts.length) added.set(app, [...(added.get(app) ?? []), { site: name, hosts }]);
  }
  for (const [name, app] of Object.entries(d.apps)) {
    const extra = added.get(name) ?? [];
    const count = app.hostnames.length + extra.reduce((n, s) => n + s.hosts.length, 0);
    if (count <= MAX_DESTINATIONS_PER_APP) continue;
    errors.add(
      `apps.${name}.hostnames`,
      extra.length
        ? `lists ${app.hostnames.length} hostnames and gates the pages.dev hosts of ${extra.map((s) => `pages.${s.site}`).join(', ')} ` +
            `(${extra.flatMap((s) => s.hosts).join(', ')}): ${count} destinations; cloudflare allows at most ${MAX_DESTINATIONS_PER_APP} per ` +
            'access application: gate the Pages site with a separate app (move its custom domains there), or declare its pages_dev public with a reason'
        : `lists ${app.hostnames.length} hostnames; cloudflare allows at most ${MAX_DESTINATIONS_PER_APP} per access application, split it into two apps`,
      count,
    );
  }
}

/** A policy's session applies on every app it is attached to, so apps that share it agree, or the policy says. */
function checkSessions(d: Deployment, errors: ProblemCollector): void {
  for (const [name, s] of policySessions(d)) {
    const decision = d.access_policies[name].decision;
    if (s.source !== 'conflict' || decision === 'deny' || decision === 'bypass') continue;
    errors.add(
      `access_policies.${name}.session_duration`,
      `is required here: the apps that use this policy declare different sessions (${s.users.map((u) => `${u.path} ${u.session}`).join(', ')}), ` +
        "and the policy's session, not the app's, is what a user admitted by it gets; set it, or give those apps one session_duration",
    );
  }
}

/** Whether an identity provider can sign in an address (or every address of a domain); undefined when unknown. */
function canSignIn(idp: IdentityProviderSpec, domain: string): boolean | undefined {
  if (idp.type === 'google-workspace') return domain === idp.apps_domain || domain.endsWith(`.${idp.apps_domain}`);
  if (idp.type === 'one-time-pin') return true;
  return undefined; // entra and existing providers: their directories are not known here
}

function describeIdp(name: string, idp: IdentityProviderSpec): string {
  return idp.type === 'google-workspace' ? `${name} (google workspace, ${idp.apps_domain} accounts only)` : `${name} (${idp.type})`;
}

/**
 * Warn when an allow policy admits an address or a domain that no identity provider allowed by an app
 * using it can sign in (an outside address where a Google Workspace IdP is the only one): that rule
 * matches no one there. Apps without `idps` allow every IdP of the account, which is not known here.
 */
function checkReachableIdentities(d: Deployment, warnings: ProblemCollector): void {
  const unreachable = new Map<string, { value: string; apps: string[]; idps: string[] }>();
  for (const [appName, app] of Object.entries(d.apps)) {
    const idps = app.idps.map((n) => [n, d.identity_providers[n]] as const);
    if (idps.length === 0 || idps.some(([, idp]) => !idp)) continue;
    const identities: Array<{ path: string; value: string; domain: string }> = [];
    const fromRules = (at: string, rules: readonly AccessRuleInput[]) =>
      rules.forEach((r, i) => {
        if ('email' in r) identities.push({ path: `${at}[${i}].email`, value: r.email, domain: r.email.split('@')[1] });
        if ('email_domain' in r) identities.push({ path: `${at}[${i}].email_domain`, value: r.email_domain, domain: r.email_domain });
        const groupName = 'group' in r ? r.group : undefined;
        const group = groupName ? d.access_groups[groupName] : undefined;
        if (group) {
          group.emails.forEach((e, j) => identities.push({ path: `access_groups.${groupName}.emails[${j}]`, value: e, domain: e.split('@')[1] }));
          group.email_domains.forEach((e, j) => identities.push({ path: `access_groups.${groupName}.email_domains[${j}]`, value: e, domain: e }));
        }
      });
    for (const p of new Set(app.policies)) {
      const policy = d.access_policies[p];
      if (policy?.decision === 'allow') fromRules(`access_policies.${p}.include`, policy.include);
    }
    for (const id of identities) {
      if (idps.some(([, idp]) => canSignIn(idp!, id.domain) !== false)) continue;
      const entry = unreachable.get(id.path) ?? { value: id.value, apps: [], idps: [] };
      if (!entry.apps.includes(appName)) entry.apps.push(appName);
      for (const [n, idp] of idps) if (!entry.idps.includes(describeIdp(n, idp!))) entry.idps.push(describeIdp(n, idp!));
      unreachable.set(id.path, entry);
    }
  }
  for (const [at, u] of unreachable) {
    warnings.add(
      at,
      `admits ${u.value}, but no identity provider of app${u.apps.length > 1 ? 's' : ''} ${u.apps.join(', ')} can sign it in ` +
        `(allowed: ${u.idps.join(', ')}); add one that can (e.g. one-time-pin) to the app's idps, or remove the rule`,
      u.value,
    );
  }
}

function siteName(site: NonNullable<Deployment['sites']>['primary']): string {
  return 'external' in site ? site.external.name : site.name;
}

function isGce(site: NonNullable<Deployment['sites']>['primary'] | undefined): boolean {
  return site !== undefined && !('external' in site);
}

function list(names: string[]): string {
  return names.length ? names.join(', ') : '(none)';
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

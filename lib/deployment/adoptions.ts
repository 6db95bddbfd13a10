/**
 * The `adopt:` entries resolved against the rest of the model: for each entry, the resources
 * gatehouse would create for it (stack, construct path, Terraform type) and the import id of the
 * existing object in the format provider 5.14 parses (lib/cloudflare/import-ids.ts). An entry that
 * names nothing gatehouse creates keeps the reason instead; the checks report it
 * (lib/config/checks/adopt.ts), and lib/deployment/adopt.ts imports the rest.
 *
 * The construct paths are those the mappers give (lib/deployment/{site,records,access,buckets,
 * workers}.ts, stacks/pages.ts); a test adopts one object of every kind and synthesizes it, and the
 * mapper refuses a path that finds no resource of the expected type.
 */
import { importIds } from '../cloudflare/import-ids';
import type { DeploymentModel, ModelZone } from './model';
import { ROUTE_OWNER } from './owners';

/** What an `adopt:` entry adopts. */
export type AdoptKind =
  | 'tunnel'
  | 'dns_record'
  | 'identity_provider'
  | 'access_group'
  | 'access_policy'
  | 'service_token'
  | 'access_application'
  | 'r2_bucket'
  | 'pages_project'
  | 'pages_domain'
  | 'workers_script'
  | 'workers_custom_domain'
  | 'd1_database';

/** One resource an adoption imports into. */
export interface AdoptTarget {
  /** The stack that creates it. */
  readonly stack: string;
  /** Construct ids from the stack down to the resource. */
  readonly path: readonly string[];
  /** Its Terraform type (the mapper checks it). */
  readonly resourceType: string;
  /** The import id, in the provider's documented format. */
  readonly importId: string;
}

/** One entry of `adopt:`. */
export interface ModelAdoption {
  /** Where it is written: `adopt.apps.crm`, `adopt.buckets[0]`. */
  readonly at: string;
  /** The kind of remote object it adopts (`ADOPT_KIND_NAMES` says how messages name it). */
  readonly kind: AdoptKind;
  /** The remote object's own id as written (a uuid or hex id), or the name that identifies it. */
  readonly id: string;
  /** The resources it imports into; empty when gatehouse creates nothing for it (see `unmanaged`). */
  readonly targets: readonly AdoptTarget[];
  /** Why gatehouse creates nothing for this entry (the checks report it). */
  readonly unmanaged?: string;
}

/** How each kind is named in messages. */
export const ADOPT_KIND_NAMES: Readonly<Record<AdoptKind, string>> = {
  tunnel: 'tunnel',
  dns_record: 'DNS record',
  identity_provider: 'identity provider',
  access_group: 'Access group',
  access_policy: 'Access policy',
  service_token: 'service token',
  access_application: 'Access application',
  r2_bucket: 'R2 bucket',
  pages_project: 'Pages project',
  pages_domain: 'Pages domain',
  workers_script: 'Worker script',
  workers_custom_domain: 'Workers custom domain',
  d1_database: 'D1 database',
};

/** The construct id of the public records of one zone (lib/deployment/records.ts). */
export function recordsConstructId(zone: ModelZone): string {
  return zone.primary ? 'dns' : `dns-${zone.zoneName}`;
}

const declared = (names: Iterable<string>) => {
  const list = [...names];
  return list.length ? list.join(', ') : 'none';
};

type Resolver = Pick<ModelAdoption, 'targets' | 'unmanaged'>;
const none = (unmanaged: string): Resolver => ({ targets: [], unmanaged });
const target = (stack: string, path: readonly string[], type: string, importId: string): AdoptTarget => ({
  stack,
  path,
  resourceType: `cloudflare_${type}`,
  importId,
});

/** The Access sections: where each lives in `adopt:` and in the `access` stack (lib/deployment/access.ts). */
const ACCESS_SECTIONS: ReadonlyArray<{
  readonly key: 'identity_providers' | 'access_groups' | 'access_policies' | 'service_tokens' | 'apps';
  readonly kind: AdoptKind;
  readonly noun: string;
  /** The construct id prefix of its entries (`app-<name>`). */
  readonly prefix: string;
  readonly type: string;
  readonly importId: (accountId: string, id: string) => string;
  /** The names the file declares, each with its identity provider type (other sections: ''). */
  readonly known: (m: DeploymentModel) => ReadonlyMap<string, string>;
}> = [
  {
    key: 'identity_providers',
    kind: 'identity_provider',
    noun: 'identity provider',
    prefix: 'idp',
    type: 'zero_trust_access_identity_provider',
    importId: importIds.identityProvider,
    known: (m) => new Map([...m.identityProviders].map(([n, idp]) => [n, idp.spec.type])),
  },
  { key: 'access_groups', kind: 'access_group', noun: 'Access group', prefix: 'group', type: 'zero_trust_access_group', importId: importIds.accessGroup, known: (m) => keys(m.deployment.access_groups) },
  { key: 'access_policies', kind: 'access_policy', noun: 'Access policy', prefix: 'policy', type: 'zero_trust_access_policy', importId: importIds.accessPolicy, known: (m) => keys(m.deployment.access_policies) },
  { key: 'service_tokens', kind: 'service_token', noun: 'service token', prefix: 'service-token', type: 'zero_trust_access_service_token', importId: importIds.serviceToken, known: (m) => keys(m.deployment.service_tokens) },
  { key: 'apps', kind: 'access_application', noun: 'app', prefix: 'app', type: 'zero_trust_access_application', importId: importIds.accessApplication, known: (m) => keys(m.deployment.apps) },
];

function keys(section: Record<string, unknown>): Map<string, string> {
  return new Map(Object.keys(section).map((k) => [k, '']));
}

/** Every `adopt:` entry of the model's deployment, in file order, each resolved. */
export function resolveAdoptions(m: DeploymentModel): ModelAdoption[] {
  return [...tunnelAdoptions(m), ...recordAdoptions(m), ...accessAdoptions(m), ...bucketAndPagesAdoptions(m), ...workerAdoptions(m)];
}

type Entry = (at: string, kind: AdoptKind, id: string, r: Resolver) => void;

/** Collect entries with `add`. */
function collect(fill: (add: Entry) => void): ModelAdoption[] {
  const out: ModelAdoption[] = [];
  fill((at, kind, id, r) => out.push({ at, kind, id, ...r }));
  return out;
}

/** Each site's tunnel and, with the same id, its remote configuration. */
function tunnelAdoptions(m: DeploymentModel): ModelAdoption[] {
  return collect((add) => {
    for (const role of ['primary', 'standby'] as const) {
      const id = m.deployment.adopt.tunnels[role];
      if (id === undefined) continue;
      const site = m.sites?.[role];
      const r: Resolver = site
        ? {
            targets: [
              target(site.stack, ['site', 'tunnel'], 'zero_trust_tunnel_cloudflared', importIds.tunnel(m.accountId, id)),
              target(site.stack, ['site', 'config'], 'zero_trust_tunnel_cloudflared_config', importIds.tunnelConfig(m.accountId, id)),
            ],
          }
        : none(`names no site: this file declares no sites.${role}, so gatehouse creates no ${role} tunnel`);
      add(`adopt.tunnels.${role}`, 'tunnel', id, r);
    }
  });
}

function recordAdoptions(m: DeploymentModel): ModelAdoption[] {
  return collect((add) => {
    for (const [hostname, id] of Object.entries(m.deployment.adopt.dns_records)) add(`adopt.dns_records.${hostname}`, 'dns_record', id, recordTarget(m, hostname, id));
  });
}

/** Identity providers, groups, policies, service tokens and apps, each by the name the file gives it. */
function accessAdoptions(m: DeploymentModel): ModelAdoption[] {
  return collect((add) => {
    for (const section of ACCESS_SECTIONS) {
      const known = section.known(m);
      for (const [name, id] of Object.entries(m.deployment.adopt[section.key])) {
        let r: Resolver;
        if (!known.has(name)) r = none(`names no ${section.noun} of this file (${section.key}: ${declared(known.keys())})`);
        else if (known.get(name) === 'existing') {
          r = none('names an identity provider of type existing: gatehouse only refers to it and never manages it, so there is nothing to adopt; remove the entry');
        } else r = { targets: [target('access', [`${section.prefix}-${name}`, 'resource'], section.type, section.importId(m.accountId, id))] };
        add(`adopt.${section.key}.${name}`, section.kind, id, r);
      }
    }
  });
}

/** Buckets, Pages projects and Pages domains: named by the file, so their import ids are too. */
function bucketAndPagesAdoptions(m: DeploymentModel): ModelAdoption[] {
  const a = m.deployment.adopt;
  const acc = m.accountId;
  return collect((add) => {
    a.buckets.forEach((key, i) => {
      const b = m.buckets.get(key);
      const r: Resolver = b
        ? { targets: [target('production', [`bucket-${key}`, 'bucket'], 'r2_bucket', importIds.r2Bucket(acc, b.bucketName, b.spec.jurisdiction))] }
        : none(`names no bucket of this file (buckets: ${declared(m.buckets.keys())})`);
      add(`adopt.buckets[${i}]`, 'r2_bucket', key, r);
    });
    a.pages_projects.forEach((key, i) => {
      const p = m.pages.get(key);
      const r: Resolver = p
        ? { targets: [target('pages', [`pages-${key}`, 'project'], 'pages_project', importIds.pagesProject(acc, p.project))] }
        : none(`names no Pages site of this file (pages: ${declared(m.pages.keys())})`);
      add(`adopt.pages_projects[${i}]`, 'pages_project', key, r);
    });
    a.pages_domains.forEach((hostname, i) => {
      const p = [...m.pages.values()].find((s) => s.domains.some((d) => d.hostname === hostname));
      const r: Resolver = p
        ? { targets: [target('pages', [`pages-${p.name}`, `domain-${hostname}`], 'pages_domain', importIds.pagesDomain(acc, p.project, hostname))] }
        : none(`is no custom domain of a Pages site of this file (domains: ${declared([...m.pages.values()].flatMap((s) => s.domains.map((d) => d.hostname)))})`);
      add(`adopt.pages_domains[${i}]`, 'pages_domain', hostname, r);
    });
  });
}

/** A Worker's script (only when gatehouse deploys it), custom domain and D1 database. */
function workerAdoptions(m: DeploymentModel): ModelAdoption[] {
  const a = m.deployment.adopt;
  const acc = m.accountId;
  const noWorker = none(`names no Worker of this file (workers: ${declared(m.workers.keys())})`);
  return collect((add) => {
    a.workers_scripts.forEach((key, i) => {
      const w = m.workers.get(key);
      const r: Resolver = !w
        ? noWorker
        : !w.spec.module_file
          ? none(`names a Worker whose script gatehouse does not deploy (workers.${key} has no module_file); the script stays where it is deployed`)
          : { targets: [target('production', [`worker-${key}`, 'script'], 'workers_script', importIds.workersScript(acc, w.script))] };
      add(`adopt.workers_scripts[${i}]`, 'workers_script', key, r);
    });
    for (const [hostname, id] of Object.entries(a.workers_domains)) {
      const w = [...m.workers.values()].find((x) => x.hostname === hostname);
      const r: Resolver = w
        ? { targets: [target('production', [`worker-${w.name}`, 'domain'], 'workers_custom_domain', importIds.workersCustomDomain(acc, id))] }
        : none(`is no Worker hostname of this file (workers: ${declared([...m.workers.values()].map((x) => x.hostname))})`);
      add(`adopt.workers_domains.${hostname}`, 'workers_custom_domain', id, r);
    }
    for (const [key, id] of Object.entries(a.d1_databases)) {
      const w = m.workers.get(key);
      const r: Resolver = !w
        ? noWorker
        : !w.spec.d1
          ? none(`names a Worker without a D1 database (workers.${key} has no d1)`)
          : { targets: [target('production', [`worker-${key}`, 'database'], 'd1_database', importIds.d1Database(acc, id))] };
      add(`adopt.d1_databases.${key}`, 'd1_database', id, r);
    }
  });
}

/**
 * The record gatehouse creates for a name: a route's CNAME (in `production`), a Pages domain's
 * CNAME (in `pages`) or an external site's TXT activation record (in the site's stack). Every other owner of a hostname keeps its record itself, or is not
 * adoptable; the reason says which and what to write instead.
 */
function recordTarget(m: DeploymentModel, hostname: string, id: string): Resolver {
  // An external site's TXT activation record (lib/cutover/activation.ts): it exists before this
  // deploy only when the deployment's state was lost or moved.
  for (const site of [m.sites?.primary, m.sites?.standby]) {
    if (site?.activationRecord === hostname) return { targets: [target(site.stack, ['activation', 'record'], 'dns_record', importIds.dnsRecord(m.primaryZone.zoneId, id))] };
  }
  if (hostname.startsWith('_gatehouse-')) {
    return none(`is no activation record of this file (${declared([m.sites?.primary, m.sites?.standby].flatMap((s) => (s?.activationRecord ? [s.activationRecord] : [])))}); only a site gatehouse does not create (external) has one`);
  }
  const owner = m.owners.get(hostname);
  const zone = m.recordZone(hostname);
  if (owner?.label === ROUTE_OWNER) {
    return { targets: [target('production', [recordsConstructId(zone), hostname], 'dns_record', importIds.dnsRecord(zone.zoneId, id))] };
  }
  const label = owner?.label ?? '';
  const pages = /^pages\.([^.]+)\.domains\[\d+\]$/.exec(label);
  if (pages) return { targets: [target('pages', [`pages-${pages[1]}`, `dns-${hostname}`], 'dns_record', importIds.dnsRecord(zone.zoneId, id))] };
  if (label.startsWith('workers.')) {
    return none(`is the custom domain of ${label.replace(/\.hostname$/, '')}, whose record Cloudflare keeps with the Workers custom domain: adopt it under adopt.workers_domains instead`);
  }
  if (label.startsWith('buckets.')) {
    return none(`is the custom domain of ${label.replace(/\.public\.custom_domain$/, '')}, whose record belongs to the R2 custom domain, which provider 5.14 cannot import (docs/adopt.md)`);
  }
  if (label.startsWith('tenants.')) return none(`is the hostname of ${label}: tenant objects are created per tenant and are not adopted (docs/adopt.md)`);
  return none('gets no record from gatehouse: records are created for routes, Pages custom domains and the activation records of external sites only');
}

/**
 * The deployment file discover prints: the draft's sections in the order a hand-written file has
 * them, keys sorted, empty sections left out, and `adopt:` last; the lists of what needs review and
 * what could not be expressed as comments at the top. Deterministic: the same account gives the same
 * bytes.
 */
import { stringify } from 'yaml';
import type { DiscoverNote, Draft } from './express';

type Obj = Record<string, unknown>;

const sorted = (m: Map<string, unknown>): Obj => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));

/** The draft as a plain deployment object (what the YAML holds). */
export function draftDocument(draft: Draft): Obj {
  const f = draft.file;
  const a = f.adopt;
  const adopt: Obj = {
    ...(Object.keys(a.tunnels).length ? { tunnels: a.tunnels } : {}),
    ...(a.dns_records.size ? { dns_records: sorted(a.dns_records) } : {}),
    ...(a.identity_providers.size ? { identity_providers: sorted(a.identity_providers) } : {}),
    ...(a.access_groups.size ? { access_groups: sorted(a.access_groups) } : {}),
    ...(a.access_policies.size ? { access_policies: sorted(a.access_policies) } : {}),
    ...(a.service_tokens.size ? { service_tokens: sorted(a.service_tokens) } : {}),
    ...(a.apps.size ? { apps: sorted(a.apps) } : {}),
    ...(a.buckets.length ? { buckets: [...a.buckets].sort() } : {}),
    ...(a.pages_projects.length ? { pages_projects: [...a.pages_projects].sort() } : {}),
    ...(a.pages_domains.length ? { pages_domains: [...a.pages_domains].sort() } : {}),
    ...(a.workers_domains.size ? { workers_domains: sorted(a.workers_domains) } : {}),
  };
  return {
    name: f.name,
    cloudflare: f.cloudflare,
    ...(f.identity_providers.size ? { identity_providers: sorted(f.identity_providers) } : {}),
    ...(f.access_groups.size ? { access_groups: sorted(f.access_groups) } : {}),
    ...(f.access_policies.size ? { access_policies: sorted(f.access_policies) } : {}),
    ...(f.service_tokens.size ? { service_tokens: sorted(f.service_tokens) } : {}),
    ...(f.apps.size ? { apps: sorted(f.apps) } : {}),
    ...(f.routes.length ? { routes: f.routes } : {}),
    ...(f.sites ? { sites: f.sites } : {}),
    ...(f.pages.size ? { pages: sorted(f.pages) } : {}),
    ...(f.workers.size ? { workers: sorted(f.workers) } : {}),
    ...(f.buckets.size ? { buckets: sorted(f.buckets) } : {}),
    backend: { type: 'local' },
    ...(Object.keys(adopt).length ? { adopt } : {}),
  };
}

/** The YAML of the draft alone (what is validated). */
export function draftYaml(draft: Draft): string {
  return stringify(draftDocument(draft), { lineWidth: 0 });
}

const comment = (notes: readonly DiscoverNote[]) => notes.map((n) => `#   - ${n.what}: ${n.why}`.replace(/\n/g, ' '));

/** The whole file: a header that says where it came from, the two lists, then the YAML. */
export function renderDiscovered(draft: Draft, o: { readonly accountId: string; readonly zones: readonly string[]; readonly today: string }): string {
  const header = [
    `# Written by gatehouse discover from account ${o.accountId} (zones: ${o.zones.join(', ')}) on ${o.today}.`,
    '# Every object under adopt: exists already: the first deploy imports it instead of creating it (docs/adopt.md).',
    '# The backend is local: choose where the state lives (README, Backend) before the first deploy.',
    '#',
    `# Review before the first deploy (${draft.review.length}):`,
    ...(draft.review.length ? comment(draft.review) : ['#   (nothing)']),
    '#',
    `# Could not express (${draft.unexpressed.length}); each stays as it is, outside gatehouse:`,
    ...(draft.unexpressed.length ? comment(draft.unexpressed) : ['#   (nothing)']),
    '',
  ];
  return `${header.join('\n')}${draftYaml(draft)}`;
}

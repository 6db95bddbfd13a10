/**
 * The picture of a deployment: a Mermaid flowchart (https://mermaid.js.org/syntax/flowchart.html) of
 * what it publishes and where each request goes.
 *
 *   public hostnames (and route paths) -> Access apps (policies, IdPs) -> tunnels (primary and
 *   standby; the active one carries the DNS records) -> hosts;
 *   Pages projects and Workers behind their hostnames; R2 buckets -> the consumers of their
 *   credentials (and the host they are delivered to); the tenant fleet as one summary node.
 *
 * `deploymentGraph` is the only function that reads the deployment, through its model
 * (lib/deployment/model.ts: which app gates a route, the tunnel names, the tenant shards are the
 * model's facts, not derived again here); `toMermaid` only prints the graph.
 * Both are deterministic: the same deployment gives the same bytes (file order, no clock, no randomness).
 */
import type { Deployment, SiteSpec } from '../config/schema';
import { DeploymentModel, modelOf } from '../deployment/model';

/** The file gatehouse writes the picture to, inside the output directory. */
export const GRAPH_FILE = 'gatehouse.mmd';

/** A box in the picture. `group` is the id of the subgraph that holds it. */
export interface GraphNode {
  /** The Mermaid id (unique in the graph). */
  readonly id: string;
  /** Lines of the label (printed joined by line breaks). */
  readonly label: readonly string[];
  /** The id of the subgraph that holds it. */
  readonly group: string;
  /** Style class: `active` (the site the records point at), `public` (declared public), `external`. */
  readonly className?: 'active' | 'public' | 'external';
}

/** An arrow. `dotted` marks what carries traffic only after a cutover (or is a hand-over, not a request). */
export interface GraphEdge {
  /** The id of the node it starts at. */
  readonly from: string;
  /** The id of the node it points at. */
  readonly to: string;
  /** Text on the arrow, if any. */
  readonly label?: string;
  /** Drawn dotted: carries traffic only after a cutover, or is a hand-over. */
  readonly dotted?: boolean;
}

/** A subgraph: a box of nodes with a title. */
export interface GraphGroup {
  /** The Mermaid id of the subgraph. */
  readonly id: string;
  /** Its title. */
  readonly title: string;
  /** Style class: `active` for the site the public records point at. */
  readonly className?: 'active';
}

/** The picture of a deployment, before it is printed as Mermaid (`toMermaid`). */
export interface DeploymentGraph {
  /** The picture's title (it names the deployment). */
  readonly title: string;
  /** The subgraphs, left to right in the order a request travels. */
  readonly groups: readonly GraphGroup[];
  /** Every node, in creation order. */
  readonly nodes: readonly GraphNode[];
  /** Every arrow: solid ones first, then dotted ones. */
  readonly edges: readonly GraphEdge[];
}

type Role = 'primary' | 'standby';

/** Left to right, in the order a request travels. */
const GROUP_ORDER = ['internet', 'access', 'site_primary', 'site_standby', 'pages', 'workers', 'buckets', 'consumers', 'tenants'];

/** The picture's content, read from a validated deployment (or its model, which is resolved once either way). */
export function deploymentGraph(deployment: Deployment | DeploymentModel): DeploymentGraph {
  const b = new GraphBuilder(modelOf(deployment));
  b.addApps();
  b.addSites();
  b.addRoutes();
  b.addPages();
  b.addWorkers();
  b.addBuckets();
  b.addTenants();
  return b.graph();
}

/**
 * Builds the graph one section of the deployment at a time, in the order the picture lists them; the
 * order of calls is the order of the nodes and edges, so it is part of the output.
 */
class GraphBuilder {
  private readonly ids = new IdMaker();
  private readonly groups: GraphGroup[] = [];
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly appIds = new Map<string, string>();
  private readonly tunnels: Array<{ role: Role; id: string }> = [];
  private readonly servers = new Map<Role, string>();
  private readonly active: Role;
  private readonly hostnames = 'internet';

  constructor(private readonly m: DeploymentModel) {
    this.active = m.sites?.active ?? 'primary';
  }

  private group(id: string, title: string, className?: 'active'): string {
    if (!this.groups.some((g) => g.id === id)) {
      this.ids.reserve(id);
      this.groups.push({ id, title, ...(className ? { className } : {}) });
    }
    return id;
  }

  private node(n: GraphNode): string {
    this.nodes.push(n);
    return n.id;
  }

  /** The node of the first app (in file order) that covers a hostname (the model's one matcher), if one does. */
  private gate(hostname: string): string | undefined {
    const app = this.m.appsCovering(hostname).at(0);
    return app === undefined ? undefined : this.appIds.get(app);
  }

  /** Access apps, in file order; a hostname belongs to at most one app (cross-checks). */
  public addApps(): void {
    for (const [name, app] of this.m.apps) {
      const idps = app.idps.length ? app.idps.join(', ') : 'any login method';
      this.appIds.set(
        name,
        this.node({
          id: this.ids.make('app', name),
          label: [`Access app ${name}`, `policies: ${app.policies.join(', ')}`, `IdP: ${idps}`, `session ${app.spec.session_duration}`],
          group: this.group('access', 'Cloudflare Access'),
        }),
      );
    }
  }

  /** Sites: a tunnel and its host in one box per site; the active one carries the records. */
  public addSites(): void {
    const sites = this.m.sites;
    if (!sites) return;
    for (const role of ['primary', 'standby'] as const) {
      const site = sites[role];
      if (!site) continue;
      // "Active" means something only when there is a site to cut over to.
      const isActive = role === this.active && Boolean(sites.standby);
      const title = !sites.standby ? `${role} site` : isActive ? `${role} site · active: the public records point here` : `${role} site · standby: same ingress, no record`;
      const box = this.group(`site_${role}`, title, isActive ? 'active' : undefined);
      const tunnel = this.node({ id: this.ids.make('tunnel', role), label: [`tunnel ${site.tunnelName}`], group: box, ...(isActive ? { className: 'active' as const } : {}) });
      const server = this.node({ id: this.ids.make('server', role), label: hostLabel(site.spec), group: box, ...(site.external ? { className: 'external' as const } : {}) });
      this.edges.push({ from: tunnel, to: server, label: 'connector' });
      this.tunnels.push({ role, id: tunnel });
      this.servers.set(role, server);
    }
  }

  /** Arrows to every tunnel: solid to the active one, dotted to the other (its ingress is ready; no record points at it). */
  private toTunnels(from: string, publicRoute: boolean): void {
    for (const t of this.tunnels) {
      const isActive = t.role === this.active || this.tunnels.length === 1;
      this.edges.push({ from, to: t.id, ...(isActive ? (publicRoute ? { label: 'public' } : {}) : { label: 'after cutover', dotted: true }) });
    }
  }

  /** Routes through the tunnels: hostname (and path) -> the app that gates it (the model's `gatingApps`, paths included), or straight to the tunnels when public. */
  public addRoutes(): void {
    const hostnames = this.hostnames;
    this.group(hostnames, 'Public hostnames');
    const gatedToTunnels = new Set<string>();
    for (const route of this.m.routes) {
      const isPublic = route.publicReason !== undefined;
      const label = [route.path !== undefined ? `${route.hostname} ${route.path}` : route.hostname, `→ ${route.spec.service}`];
      const id = this.node({ id: this.ids.make('h', route.hostname + (route.path ?? '')), label, group: hostnames, ...(isPublic ? { className: 'public' as const } : {}) });
      const gatingApp = route.gatingApps.at(0);
      const app = isPublic || gatingApp === undefined ? undefined : this.appIds.get(gatingApp);
      if (app) {
        this.edges.push({ from: id, to: app });
        if (!gatedToTunnels.has(app)) {
          gatedToTunnels.add(app);
          this.toTunnels(app, false);
        }
      } else {
        this.toTunnels(id, true);
      }
    }
  }

  /** Pages projects, behind their hostnames. */
  public addPages(): void {
    for (const [key, site] of this.m.pages) {
      const gates = site.domains.map(({ hostname }) => this.gate(hostname));
      const gated = gates.some(Boolean);
      // <project>.pages.dev and its previews: gated by the app of the custom domain unless declared public.
      const [dev] = site.pagesDev;
      const devLine = `${dev} and previews: ${gated && !site.spec.pages_dev ? 'gated too' : 'public'}`;
      const target = this.node({
        id: this.ids.make('pages', key),
        label: [`Pages project ${site.project}`, `branch ${site.spec.production_branch}`, devLine],
        group: this.group('pages', 'Cloudflare Pages'),
      });
      site.domains.forEach(({ hostname: domain }, i) => {
        const app = gates[i];
        const id = this.node({ id: this.ids.make('h', domain), label: [domain], group: this.hostnames, ...(app ? {} : { className: 'public' as const }) });
        this.edges.push(app ? { from: id, to: app } : { from: id, to: target, label: 'public' });
      });
      for (const app of new Set(gates.filter((a): a is string => Boolean(a)))) this.edges.push({ from: app, to: target });
    }
  }

  /** Workers, behind their hostnames (a Worker may share a route's hostname node). */
  public addWorkers(): void {
    for (const [key, { spec: worker, script, hostname }] of this.m.workers) {
      const label = [`Worker ${script}`, ...(worker.d1 ? [`D1 ${worker.d1.database}`] : []), ...(worker.module_file ? [] : ['script deployed elsewhere'])];
      const target = this.node({ id: this.ids.make('worker', key), label, group: this.group('workers', 'Cloudflare Workers') });
      const app = this.gate(hostname) ?? (worker.access_app ? this.appIds.get(worker.access_app) : undefined);
      const host =
        this.nodes.find((n) => n.group === this.hostnames && n.label[0] === hostname)?.id ??
        this.node({ id: this.ids.make('h', hostname), label: [hostname], group: this.hostnames, ...(app ? {} : { className: 'public' as const }) });
      if (app) {
        if (!this.edges.some((e) => e.from === host && e.to === app)) this.edges.push({ from: host, to: app });
        this.edges.push({ from: app, to: target, ...(worker.access_app ? { label: 'ACCESS_AUD' } : {}) });
      } else {
        this.edges.push({ from: host, to: target, label: 'public' });
      }
    }
  }

  /** Buckets -> the consumers of their credentials, and the host a credential is delivered to. */
  public addBuckets(): void {
    const consumers = new Map<string, string>();
    const buckets = [...this.m.buckets.values()].map((b) => b.spec);
    for (const [key, { spec: bucket, bucketName: name }] of this.m.buckets) {
      const details = [
        bucket.location,
        bucket.jurisdiction !== 'default' ? `jurisdiction ${bucket.jurisdiction}` : undefined,
        bucket.lock ? `lock ${bucket.lock.retain_days}d` : undefined,
        bucket.lifecycle.delete_after_days ? `delete after ${bucket.lifecycle.delete_after_days}d` : undefined,
        bucket.retired ? `retired ${bucket.retired.since}` : undefined,
      ].filter((x): x is string => Boolean(x));
      const id = this.node({ id: this.ids.make('bucket', key), label: [`bucket ${name}`, ...(details.length ? [details.join(', ')] : [])], group: this.group('buckets', 'R2 buckets') });
      if (bucket.public?.custom_domain) {
        const domain = this.node({ id: this.ids.make('h', bucket.public.custom_domain), label: [bucket.public.custom_domain], group: this.hostnames, className: 'public' });
        this.edges.push({ from: domain, to: id, label: 'public' });
      }
      for (const [consumer, cred] of Object.entries(bucket.credentials)) {
        let target = consumers.get(consumer);
        if (!target) {
          const delivered = buckets.some((b) => Object.hasOwn(b.credentials, consumer) && b.credentials[consumer].deliver_to);
          target = this.node({
            id: this.ids.make('consumer', consumer),
            label: [`credentials ${consumer}`, delivered ? 'delivered to the host' : 'sensitive output'],
            group: this.group('consumers', 'Credential holders'),
          });
          consumers.set(consumer, target);
        }
        this.edges.push({ from: id, to: target, label: cred.access });
        const host = cred.deliver_to ? this.servers.get(cred.deliver_to) : undefined;
        if (host && !this.edges.some((e) => e.from === target && e.to === host)) this.edges.push({ from: target, to: host, label: 'Secret Manager', dotted: true });
      }
    }
  }

  /** The tenant fleet, as one summary: each tenant has its own tunnel, hostname and bucket. */
  public addTenants(): void {
    const { tenants, shards } = this.m;
    if (tenants.length === 0) return;
    const members = tenants.map((t) => t.spec);
    const enabled = members.filter((t) => t.enabled);
    const gated = enabled.filter((t) => t.access).length;
    this.node({
      id: this.ids.make('tenants', 'fleet'),
      label: [
        `${members.length} tenant${members.length === 1 ? '' : 's'} in ${shards.length} stack${shards.length === 1 ? '' : 's'} (${shards.map((s) => s.stackId).join(', ')})`,
        `${enabled.length} enabled (${gated} behind Access), ${members.length - enabled.length} disabled`,
        `each: own tunnel, bucket and hostname, e.g. ${tenants[0].hostname}`,
      ],
      group: this.group('tenants', 'Managed tenants'),
    });
  }

  /** The graph: groups left to right, solid arrows before dotted ones. */
  public graph(): DeploymentGraph {
    // Solid arrows first: the layout places what carries traffic today before what would after a cutover.
    const ordered = [...this.edges.filter((e) => !e.dotted), ...this.edges.filter((e) => e.dotted)];
    const rank = (g: GraphGroup) => GROUP_ORDER.findIndex((p) => g.id.startsWith(p));
    return { title: `gatehouse deployment ${this.m.name}`, groups: [...this.groups].sort((a, b) => rank(a) - rank(b)), nodes: this.nodes, edges: ordered };
  }
}

function hostLabel(site: SiteSpec): string[] {
  if ('external' in site) return [`host ${site.external.name}`, 'not created by gatehouse', `token ${site.external.token_file}`];
  return [`GCE host ${site.name}`, site.project, `${site.zone} · ${site.machine_type}`];
}

/** Mermaid ids: `<kind>_<name>` with every other character as `_`, unique, in creation order. */
class IdMaker {
  private readonly used = new Set<string>();

  public reserve(id: string): void {
    this.used.add(id);
  }

  public make(kind: string, name: string): string {
    const base = `${kind}_${name.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    return id;
  }
}

/**
 * Text inside a quoted Mermaid label or edge label. Mermaid decodes `#<name>;` and `#<number>;`
 * entity codes in labels (https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters),
 * so every character that would end or change a label is written as one.
 */
export function mermaidText(text: string): string {
  return text.replace(/[#"<>&|`\\[\]{}]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** The flowchart source: groups as subgraphs (left to right: hostnames, Access, sites, Pages, Workers, buckets). */
export function toMermaid(graph: DeploymentGraph): string {
  const lines = [`%% ${graph.title}: public hostnames -> Access apps -> tunnels -> hosts (generated by gatehouse graph)`, 'flowchart LR'];
  for (const g of graph.groups.filter((x) => graph.nodes.some((n) => n.group === x.id))) {
    lines.push(`  subgraph ${g.id}["${mermaidText(g.title)}"]`);
    for (const n of graph.nodes.filter((x) => x.group === g.id)) {
      lines.push(`    ${n.id}["${n.label.map(mermaidText).join('<br/>')}"]`);
    }
    lines.push('  end');
  }
  for (const e of graph.edges) {
    const arrow = e.dotted ? '-.->' : '-->';
    lines.push(`  ${e.from} ${arrow}${e.label ? `|"${mermaidText(e.label)}"|` : ''} ${e.to}`);
  }
  lines.push(
    '  classDef active stroke:#2e7d32,stroke-width:3px',
    '  classDef public stroke:#e65100,stroke-dasharray:4 3',
    '  classDef external stroke-dasharray:2 2',
  );
  for (const cls of ['active', 'public', 'external'] as const) {
    const members = [...graph.nodes.filter((n) => n.className === cls).map((n) => n.id), ...graph.groups.filter((g) => g.className === cls).map((g) => g.id)];
    if (members.length) lines.push(`  class ${members.join(',')} ${cls}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The Mermaid source of a deployment's picture (from the deployment or its model). */
export function deploymentMermaid(deployment: Deployment | DeploymentModel): string {
  return toMermaid(deploymentGraph(deployment));
}

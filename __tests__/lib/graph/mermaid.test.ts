/**
 * The picture (lib/graph/mermaid.ts): what the graph holds for a deployment, read at the function
 * level, and the Mermaid text read back by Mermaid's own parser (one child process for every source,
 * __tests__/lib/graph/mermaid-parse.mjs): every node, edge and subgraph the function wrote is what
 * Mermaid reads, for the example, every examples/ deployment and a deployment whose labels hold every
 * character that means something to Mermaid.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { loadDeployment, parseDeployment } from '../../../lib/config/load';
import type { Deployment } from '../../../lib/config/schema';
import { deploymentGraph, deploymentMermaid, DeploymentGraph, mermaidText, toMermaid } from '../../../lib/graph/mermaid';

const ROOT = path.join(__dirname, '..', '..', '..');
const TODAY = '2026-11-22';
const EXAMPLES = ['onprem-gateway', 'sso-portal', 'managed-fleet', 'active-standby', 'workspace-trio'];

const load = (file: string) => loadDeployment(path.join(ROOT, file), { today: TODAY }).deployment;
const example = load('deployment.example.yaml');
const exampleInput = () => JSON.parse(JSON.stringify(parse(fs.readFileSync(path.join(ROOT, 'deployment.example.yaml'), 'utf8'))));
const from = (input: Record<string, any>): Deployment => parseDeployment(stringify(input), 'test.yaml', { today: TODAY }).deployment;

const edge = (g: DeploymentGraph, from: string, to: string) => g.edges.find((e) => e.from === from && e.to === to);
const label = (g: DeploymentGraph, id: string) => g.nodes.find((n) => n.id === id)?.label;

describe('deploymentGraph: the example', () => {
  const g = deploymentGraph(example);

  test('every routed hostname (with its origin) leads to the app that gates it, the public one straight to the tunnels', () => {
    expect(label(g, 'h_admin_example_com')).toEqual(['admin.example.com', '→ http://localhost:3000']);
    for (const h of ['h_admin_example_com', 'h_api_example_com', 'h_labs_example_com']) expect(edge(g, h, 'app_internal')).toEqual({ from: h, to: 'app_internal' });
    expect(edge(g, 'h_www_example_com', 'app_internal')).toBeUndefined();
    expect(edge(g, 'h_www_example_com', 'tunnel_primary')).toEqual({ from: 'h_www_example_com', to: 'tunnel_primary', label: 'public' });
    expect(g.nodes.find((n) => n.id === 'h_www_example_com')?.className).toBe('public');
  });

  test('an Access app shows its policies, identity providers and session', () => {
    expect(label(g, 'app_internal')).toEqual(['Access app internal', 'policies: allow-staff', 'IdP: workspace', 'session 24h']);
  });

  test('the active site (sites.active, primary by default) gets solid arrows; the standby dotted ones, "after cutover"', () => {
    expect(edge(g, 'app_internal', 'tunnel_primary')).toEqual({ from: 'app_internal', to: 'tunnel_primary' });
    expect(edge(g, 'app_internal', 'tunnel_standby')).toEqual({ from: 'app_internal', to: 'tunnel_standby', label: 'after cutover', dotted: true });
    expect(g.groups.find((x) => x.id === 'site_primary')).toEqual({ id: 'site_primary', title: 'primary site · active: the public records point here', className: 'active' });
    expect(g.groups.find((x) => x.id === 'site_standby')?.title).toBe('standby site · standby: same ingress, no record');
    expect(g.nodes.find((n) => n.id === 'tunnel_primary')?.className).toBe('active');
  });

  test('each tunnel leads to its host, in the box of its site', () => {
    expect(edge(g, 'tunnel_primary', 'server_primary')).toMatchObject({ label: 'connector' });
    expect(g.nodes.find((n) => n.id === 'server_primary')).toEqual({
      id: 'server_primary',
      label: ['GCE host edge-primary', 'example-prod-123', 'europe-west1-b · e2-small'],
      group: 'site_primary',
    });
  });

  test('buckets lead to the holders of their credentials, and a delivered credential to its host', () => {
    expect(label(g, 'bucket_example_backups')).toEqual(['bucket example-backups', 'weur, lock 30d, delete after 90d']);
    expect(edge(g, 'bucket_example_backups', 'consumer_restic')).toMatchObject({ label: 'read-write' });
    expect(edge(g, 'consumer_restic', 'server_primary')).toEqual({ from: 'consumer_restic', to: 'server_primary', label: 'Secret Manager', dotted: true });
    expect(label(g, 'consumer_deploy')).toEqual(['credentials deploy', 'sensitive output']);
    expect(edge(g, 'h_assets_example_com', 'bucket_example_assets')).toMatchObject({ label: 'public' });
  });

  test('subgraphs run in the order a request travels, and only those with nodes are drawn', () => {
    expect(g.groups.map((x) => x.id)).toEqual(['internet', 'access', 'site_primary', 'site_standby', 'buckets', 'consumers']);
    const text = deploymentMermaid(example);
    expect(text.split('\n').filter((l) => l.trim().startsWith('subgraph')).length).toBe(6);
  });
});

describe('deploymentGraph: variants', () => {
  test('after a cutover (sites.active: standby) the standby carries the solid arrows', () => {
    const input = exampleInput();
    input.sites.active = 'standby';
    const g = deploymentGraph(from(input));
    expect(edge(g, 'app_internal', 'tunnel_standby')).toEqual({ from: 'app_internal', to: 'tunnel_standby' });
    expect(edge(g, 'app_internal', 'tunnel_primary')).toMatchObject({ dotted: true, label: 'after cutover' });
    expect(g.groups.find((x) => x.id === 'site_standby')?.className).toBe('active');
  });

  test('one site: no "active" marking, every arrow solid', () => {
    const input = exampleInput();
    delete input.sites.standby;
    const g = deploymentGraph(from(input));
    expect(g.groups.find((x) => x.id === 'site_primary')).toEqual({ id: 'site_primary', title: 'primary site' });
    expect(g.edges.filter((e) => e.dotted && e.to.startsWith('tunnel_'))).toEqual([]);
  });

  test('a route path is part of the hostname node; two paths of one hostname are two nodes', () => {
    const input = exampleInput();
    input.routes.splice(1, 0, { hostname: 'api.example.com', path: '^/v2/', service: 'http://localhost:8002' });
    const g = deploymentGraph(from(input));
    expect(label(g, 'h_api_example_com_v2')).toEqual(['api.example.com ^/v2/', '→ http://localhost:8002']);
    expect(label(g, 'h_api_example_com')).toEqual(['api.example.com', '→ http://localhost:8000']);
  });

  test('a path-scoped app gates its path under a public host: the graph follows the model (paths included), not the hostname alone', () => {
    // GIVEN docs.example.com public, and its /admin path gated by an app that lists only docs.example.com/admin
    const input = exampleInput();
    input.apps['docs-admin'] = { hostnames: ['docs.example.com/admin'], policies: input.apps.internal.policies, idps: input.apps.internal.idps };
    input.routes.push({ hostname: 'docs.example.com', path: '^/admin(/|$)', service: 'http://localhost:8101' });
    input.routes.push({ hostname: 'docs.example.com', service: 'http://localhost:8100', public: { reason: 'the public documentation site' } });
    // WHEN it is drawn
    const g = deploymentGraph(from(input));
    // THEN the path goes through its app (not straight to the tunnels, as a hostname-only match drew it), the host does not
    expect(g.edges.filter((e) => e.from === 'h_docs_example_com_admin')).toEqual([{ from: 'h_docs_example_com_admin', to: 'app_docs_admin' }]);
    expect(edge(g, 'app_docs_admin', 'tunnel_primary')).toEqual({ from: 'app_docs_admin', to: 'tunnel_primary' });
    expect(edge(g, 'h_docs_example_com', 'tunnel_primary')).toEqual({ from: 'h_docs_example_com', to: 'tunnel_primary', label: 'public' });
    expect(g.nodes.find((n) => n.id === 'h_docs_example_com_admin')?.className).toBeUndefined();
  });

  test('Pages and Workers (sso-portal): domains through their app to the project; the Worker gets the app AUD', () => {
    const g = deploymentGraph(load('examples/sso-portal/deployment.yaml'));
    expect(edge(g, 'h_portal_example_com', 'app_portal')).toBeDefined();
    expect(edge(g, 'app_portal', 'pages_portal')).toBeDefined();
    expect(label(g, 'pages_portal')).toEqual(['Pages project portal-web', 'branch main', 'portal-web.pages.dev and previews: gated too']);
    expect(edge(g, 'app_portal', 'worker_api')).toEqual({ from: 'app_portal', to: 'worker_api', label: 'ACCESS_AUD' });
    expect(label(g, 'worker_api')).toEqual(['Worker portal-api', 'D1 portal-provision']);
  });

  test('a host gatehouse does not create, and public Pages sites (onprem-gateway)', () => {
    const g = deploymentGraph(load('examples/onprem-gateway/deployment.yaml'));
    expect(g.nodes.find((n) => n.id === 'server_primary')).toMatchObject({ label: ['host onprem-gateway', 'not created by gatehouse', 'token /etc/gatehouse/tunnel-token'], className: 'external' });
    expect(edge(g, 'h_www_example_com', 'pages_www')).toEqual({ from: 'h_www_example_com', to: 'pages_www', label: 'public' });
    expect(label(g, 'pages_www')?.[2]).toBe('onprem-www.pages.dev and previews: public');
  });

  test('the tenant fleet is one summary node (managed-fleet)', () => {
    const d = load('examples/managed-fleet/deployment.yaml');
    const [fleet] = deploymentGraph(d).nodes.filter((n) => n.group === 'tenants');
    expect(fleet.label[0]).toMatch(new RegExp(`^${d.tenants.members.length} tenants in \\d+ stacks \\(tenants-0`));
  });

  test('ids are unique even when names differ only in punctuation', () => {
    const input = exampleInput();
    const pub = { reason: 'two public test hostnames' };
    input.routes.push({ hostname: 'x-y.example.com', service: 'http://localhost:81', public: pub }, { hostname: 'x.y.example.com', service: 'http://localhost:82', public: pub });
    const g = deploymentGraph(from(input));
    const ids = g.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(label(g, 'h_x_y_example_com')?.[0]).toBe('x-y.example.com');
    expect(label(g, 'h_x_y_example_com_2')?.[0]).toBe('x.y.example.com');
  });

  test('deterministic: the same deployment gives the same bytes', () => {
    expect(deploymentMermaid(load('deployment.example.yaml'))).toBe(deploymentMermaid(example));
  });
});

test('mermaidText writes every character that would end or change a label as an entity code', () => {
  expect(mermaidText('a "b" #c <d> & e | f [g] {h} `i` \\')).toBe('a #34;b#34; #35;c #60;d#62; #38; e #124; f #91;g#93; #123;h#125; #96;i#96; #92;');
});

describe("Mermaid's own parser reads back exactly what was drawn", () => {
  // An adversarial deployment: labels with quotes, #, <, >, &, |, brackets and backticks.
  const tricky = exampleInput();
  // (first: cloudflared takes the first matching rule, so a path route after the host-wide www route is refused)
  tricky.routes.unshift({ hostname: 'www.example.com', path: '^/(a|b)[0-9]{2}#x"<y>&`z`$', service: 'http://localhost:81', public: { reason: 'a tricky path on purpose' } });
  const deployments: Array<[string, Deployment]> = [
    ['deployment.example.yaml', example],
    ...EXAMPLES.map((name) => [name, load(`examples/${name}/deployment.yaml`)] as [string, Deployment]),
    ['tricky labels', from(tricky)],
  ];
  const graphs = deployments.map(([, d]) => deploymentGraph(d));
  const parsed: Array<Record<string, any>> = (() => {
    // One process for all: every drawn source, then one broken source (the check can fail).
    const broken = `${toMermaid(graphs[0])}  h_admin_example_com -->\n`;
    const r = spawnSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify([...graphs.map(toMermaid), broken]), encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`mermaid-parse.mjs failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  })();
  // Mermaid keeps entity codes encoded until it renders (its decodeEntities); decoded the same way here.
  const decode = (t: string) => t.replace(/ﬂ°°/g, '&#').replace(/ﬂ°/g, '&').replace(/¶ß/g, ';').replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));

  test.each(deployments.map(([name], i) => [name, i]))('%s', (_name, i) => {
    const g = graphs[i as number];
    const p = parsed[i as number];
    expect(p).toMatchObject({ ok: true, type: 'flowchart-v2' });
    const byId = (a: string[], b: string[]) => (a[0] < b[0] ? -1 : 1);
    expect(p.vertices.map((v: any) => [v.id, decode(v.text)]).sort(byId)).toEqual(g.nodes.map((n) => [n.id, n.label.join("<br/>")]).sort(byId));
    expect(p.edges.map((e: any) => [e.start, e.end, e.stroke, decode(e.text)])).toEqual(g.edges.map((e) => [e.from, e.to, e.dotted ? 'dotted' : 'normal', e.label ?? '']));
    const drawn = g.groups.filter((x) => g.nodes.some((n) => n.group === x.id));
    expect(p.subgraphs.map((s: any) => [s.id, decode(s.title), [...s.nodes].sort()]).sort()).toEqual(
      drawn.map((x) => [x.id, x.title, g.nodes.filter((n) => n.group === x.id).map((n) => n.id).sort()]).sort(),
    );
    for (const n of g.nodes.filter((x) => x.className)) expect(p.vertices.find((v: any) => v.id === n.id).classes).toEqual([n.className]);
  });

  test('a broken source is refused by the parser (the check can fail)', () => {
    expect(parsed[graphs.length]).toMatchObject({ ok: false, error: expect.stringContaining('Parse error') });
  });
});

test("README embeds the example's picture exactly as gatehouse graph draws it", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```mermaid\n([\s\S]*?)```/.exec(readme);
  expect(block?.[1]).toBe(deploymentMermaid(example));
});

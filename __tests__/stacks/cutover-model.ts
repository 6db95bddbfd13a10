process.env.CHECKPOINT_DISABLE = '1';
/**
 * The cutover model check (used by cutover-model.test.ts): an exhaustive search of every state an
 * operator can reach with ordinary commands, where each deploy's effect is read from the synthesized
 * JSON evaluated by the real `terraform` binary, and `cutover --to X` is the real lib/cutover/run.ts.
 *
 * What is modelled, and how
 * - Stacks `access`, `standby`, `production` as synthesized. A stack deploy evaluates, for the current
 *   world, every precondition (all must be true or the stack's plan fails and changes nothing), every
 *   CNAME's content, and the activation the stack carries (GCE `gatehouse-connector` metadata or the
 *   `_gatehouse-*` TXT record). Nothing of the stacks' logic is re-implemented here: the model only
 *   supplies values for what terraform reads at plan time (tunnel ids, tunnel status, the live
 *   `cloudflare_dns_records` results filtered by the data source's own zone/type/content) and for
 *   variables (an unset variable takes the `default` in the synthesized JSON of the current file).
 *   All (stack, variables, stubs) combinations are evaluated up front in a few `terraform console` runs.
 * - A stack whose cross-stack `terraform_remote_state` names a stack never deployed fails (terraform:
 *   "Unable to find remote state").
 * - `deploy <stacks>` without `--ignore-missing-stack-dependencies` needs every dependency named
 *   (cdktf-cli refuses otherwise) and runs in dependency order, stopping before the dependants of a
 *   failed stack (cli-core stack-helpers, driven here). With the flag, cdktf runs the named stacks in
 *   parallel (cdktf-project.js: `next` ignores dependencies, parallelism -1): every interleaving of
 *   their plans and applies is explored.
 * - Variables: `activate_dns` and `primary_connector_on` each unset/true/false, in one environment for
 *   all stacks of a command (as TF_VAR_* is); environments that give every stack the same values are
 *   one step. Naming `access` beside other stacks once it is deployed is the same step as without it. `skip_tunnel_health_gate` is the documented disaster
 *   override, not an ordinary command: it stays false here; the test shows it appears only in the
 *   records' health gate, so it can never bypass a stop guard.
 * - Sites: a connector runs when its activation is `active` and it has not crashed; a tunnel is
 *   healthy when its connector runs, `down` when it ran before, `inactive` when it never ran
 *   (https://developers.cloudflare.com/tunnel/observability/). A started connector is healthy at once
 *   (optimistic: the real gate and the cutover's poll can only refuse more often).
 * - Faults and host actions: a connector crash stops it until the host reboots (worst case: the
 *   watcher does not restart it). A reboot clears the crash. A tunnel token rotation is a deploy of the
 *   site's stack with the recorded variables; the tunnel keeps its id (tunnel_secret is updated in
 *   place, provider 5.14) and a running connector keeps its connections. Editing `sites.active` by hand
 *   (as the runbook says after an emergency override) is an operator step too.
 *
 * The invariant, checked after every stack apply (each is a state that lasts minutes), inside every
 * operator step: every public hostname points at a site whose activation is `active` (no operator step
 * stops a connector DNS points at), and a record that the apply moved points at a running connector.
 * A crash is a fault, not an operator step: it changes no activation and no record, so it cannot break
 * the first half, and the second half only judges records an operator step moved. A refused step
 * changes nothing, which the search checks as well.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Deployment } from '../../lib/config/schema';
import type { SiteRole } from '../../lib/cutover/activation';
import type { CutoverApi } from '../../lib/cutover/cloudflare-api';
import { BatchCase, BatchInput, evaluateBatches, referencesIn } from '../../lib/cutover/evaluate';
import { DeployCommand, runCutover } from '../../lib/cutover/run';
import { deploymentFrom, synthToDir, SynthJson, tempDir } from '../helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- cdktf-cli's own scheduler, driven with stand-in stacks ({name, dependencies}) rather than the CdktfStack/SynthesizedStack its declarations ask for, so it is loaded untyped
const stackHelpers = require('@cdktf/cli-core/src/lib/helpers/stack-helpers');

type StackId = 'access' | 'standby' | 'production';
type Activation = 'active' | 'standby';
type Tri = 'unset' | 'true' | 'false';
const STACKS: StackId[] = ['access', 'standby', 'production'];
const ROLES: SiteRole[] = ['primary', 'standby'];
const SITE_OF: Partial<Record<StackId, SiteRole>> = { production: 'primary', standby: 'standby' };

/** A deployment as the model sees it: synthesized once per value of `sites.active`. */
export interface Variant {
  readonly name: string;
  readonly files: Record<SiteRole, { readonly deployment: Deployment; readonly stacks: Record<string, SynthJson> }>;
  readonly dependencies: Record<string, string[]>;
}

/**
 * Synthesize a deployment input once per value of `sites.active` (or only the given ones: such a variant
 * serves fine-grained tests, not the model, which needs both files).
 */
export function synthVariant(name: string, input: Record<string, any>, actives: readonly SiteRole[] = ROLES): Variant {
  const files = {} as Variant['files'];
  let dependencies: Record<string, string[]> = {};
  for (const active of actives) {
    const copy = structuredClone(input);
    copy.sites.active = active;
    const deployment = deploymentFrom(copy);
    const dir = tempDir('gatehouse-model-');
    try {
      synthToDir(deployment, dir);
      const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      const manifest = read('manifest.json');
      dependencies = Object.fromEntries(Object.entries<any>(manifest.stacks).map(([k, v]) => [k, v.dependencies]));
      const stacks = Object.fromEntries(STACKS.map((id) => [id, read(path.join('stacks', id, 'cdk.tf.json'))]));
      files[active] = { deployment, stacks };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return { name, files, dependencies };
}

/** What the model reads from one synthesized stack (addresses and expressions, nothing interpreted). */
interface StackShape {
  readonly id: StackId;
  readonly expressions: Record<string, unknown>;
  readonly after: Record<string, unknown>;
  readonly links: Record<string, string>;
  readonly records: ReadonlyArray<{ key: string; hostname: string; zoneId: string }>;
  readonly activationKey?: string;
  readonly preconditions: ReadonlyArray<{ key: string; message: string; address: string }>;
  readonly variables: readonly string[];
  readonly references: readonly string[];
  /** Producer stacks named by cross-stack remote state. */
  readonly needs: readonly StackId[];
}

function shapeOf(id: StackId, json: SynthJson): StackShape {
  const expressions: Record<string, unknown> = {};
  const records: Array<{ key: string; hostname: string; zoneId: string }> = [];
  const preconditions: Array<{ key: string; message: string; address: string }> = [];
  let activationKey: string | undefined;
  for (const [type, byId] of Object.entries<Record<string, SynthJson>>(json.resource ?? {})) {
    for (const [rid, r] of Object.entries(byId)) {
      const address = `${type}.${rid}`;
      (r.lifecycle?.precondition ?? []).forEach((p: SynthJson, i: number) => {
        expressions[`pre:${address}#${i}`] = p.condition;
        expressions[`msg:${address}#${i}`] = p.error_message;
        preconditions.push({ key: `pre:${address}#${i}`, message: `msg:${address}#${i}`, address });
      });
      if (type === 'cloudflare_dns_record' && r.type === 'CNAME') {
        expressions[`content:${address}`] = r.content;
        records.push({ key: `content:${address}`, hostname: r.name, zoneId: r.zone_id });
      }
      const isActivation =
        (type === 'google_compute_instance' && r.metadata?.['gatehouse-connector'] !== undefined) ||
        (type === 'cloudflare_dns_record' && r.type === 'TXT' && /^_gatehouse-/.test(r.name));
      if (isActivation) {
        if (activationKey) throw new Error(`${id}: two activation carriers`);
        activationKey = 'activation';
        expressions.activation = type === 'google_compute_instance' ? r.metadata['gatehouse-connector'] : r.content;
      }
    }
  }
  const after: Record<string, unknown> = {};
  const links: Record<string, string> = {};
  if (json.output?.public_record_targets) {
    after['out:public_record_targets'] = json.output.public_record_targets.value;
    for (const r of records) links[`${r.key.slice('content:'.length)}.content`] = r.key;
  }
  const references = [...new Set(Object.values({ ...expressions, ...after }).flatMap((v) => referencesIn(JSON.stringify(v))))].filter(
    (r) => !(r in links),
  );
  const needs = Object.keys(json.data?.terraform_remote_state ?? {})
    .map((k) => /^cross-stack-reference-input-(.+)$/.exec(k)?.[1])
    .filter((s): s is StackId => STACKS.includes(s as StackId));
  return { id, expressions, after, links, records, activationKey, preconditions, variables: Object.keys(json.variable ?? {}), references, needs };
}

/** The simulated world. */
export interface World {
  readonly file: SiteRole;
  readonly deployed: Readonly<Record<StackId, boolean>>;
  /** Live CNAMEs: id of a record state (see Model.recordStates); '' = none exist yet. */
  readonly records: string;
  readonly activation: Readonly<Record<SiteRole, Activation | null>>;
  readonly crashed: Readonly<Record<SiteRole, boolean>>;
  readonly everRan: Readonly<Record<SiteRole, boolean>>;
}

const running = (w: World, r: SiteRole) => w.activation[r] === 'active' && !w.crashed[r];
const statusOf = (w: World, r: SiteRole) => (running(w, r) ? 'healthy' : w.everRan[r] ? 'down' : 'inactive');
const settle = (w: World): World => ({ ...w, everRan: { primary: w.everRan.primary || running(w, 'primary'), standby: w.everRan.standby || running(w, 'standby') } });

/** The outcome of planning one stack in a world. */
interface Planned {
  readonly ok: boolean;
  readonly failed: readonly string[];
  readonly records?: string;
  readonly activation?: Activation;
}

/** An operator step and what happened. */
export interface Violation {
  readonly path: readonly string[];
  readonly reason: string;
}

export class Model {
  public readonly recordStates = new Map<string, Record<string, { zoneId: string; content: string }>>([['', {}]]);
  public readonly violations: Violation[] = [];
  public terraformRuns = 0;
  public evaluatedCases = 0;
  private readonly shapes: Record<SiteRole, Record<StackId, StackShape>>;
  /** Role of each `<id>.cfargotunnel.com`. */
  private readonly cnameRole = new Map<string, SiteRole>();
  /** Per stack: reference -> how to stub it. */
  private readonly refKinds = new Map<string, { kind: 'const'; value: unknown } | { kind: 'status'; role: SiteRole } | { kind: 'live'; zoneId: string; content: string }>();
  private readonly table = new Map<string, Planned>();
  private readonly hostnames: string[];

  constructor(
    public readonly variant: Variant,
    public readonly env: Record<string, string>,
  ) {
    this.shapes = Object.fromEntries(
      ROLES.map((f) => [f, Object.fromEntries(STACKS.map((id) => [id, shapeOf(id, variant.files[f].stacks[id])]))]),
    ) as Record<SiteRole, Record<StackId, StackShape>>;
    // The two file variants may differ only in variable defaults (checked by the test); expressions come from either.
    const stacks = variant.files.primary.stacks;
    // Tunnel ids, per stack (both stacks name their tunnel resource alike): own tunnels, and the producer's
    // tunnel behind a cross-stack remote state output.
    const ownTunnels = (id: string) => Object.entries<SynthJson>(stacks[id]?.resource?.cloudflare_zero_trust_tunnel_cloudflared ?? {});
    for (const id of ['production', 'standby'] as const) {
      for (const [, t] of ownTunnels(id)) this.cnameRole.set(`${t.name}-id.cfargotunnel.com`, SITE_OF[id]!);
    }
    const tunnelStubs: Record<string, Record<string, string>> = {};
    for (const [id, json] of Object.entries<SynthJson>(stacks)) {
      const stubs: Record<string, string> = {};
      for (const [rid, t] of ownTunnels(id)) stubs[`cloudflare_zero_trust_tunnel_cloudflared.${rid}.id`] = `${t.name}-id`;
      for (const remote of Object.keys(json.data?.terraform_remote_state ?? {})) {
        const producer = /^cross-stack-reference-input-(.+)$/.exec(remote)?.[1] ?? '';
        const names = Object.fromEntries(ownTunnels(producer).map(([rid, t]) => [`cloudflare_zero_trust_tunnel_cloudflared.${rid}.id`, `${t.name}-id`]));
        for (const [out, o] of Object.entries<SynthJson>(stacks[producer]?.output ?? {})) {
          const ref = /^\$\{(.*)\}$/.exec(String(o.value))?.[1];
          if (ref && names[ref]) stubs[`data.terraform_remote_state.${remote}.outputs.${out}`] = names[ref];
        }
      }
      tunnelStubs[id] = stubs;
      for (const [ref, value] of Object.entries(stubs)) this.refKinds.set(`${id}|${ref}`, { kind: 'const', value });
    }
    // Data source configs (tunnel_id of a status read; zone/type/content of a live DNS read), evaluated once per stack.
    const configs: Array<{ id: string; expressions: Record<string, unknown> }> = [];
    for (const [id, json] of Object.entries<SynthJson>(stacks)) {
      const expressions: Record<string, unknown> = {};
      for (const [rid, ds] of Object.entries<SynthJson>(json.data?.cloudflare_zero_trust_tunnel_cloudflared ?? {})) {
        expressions[`status|data.cloudflare_zero_trust_tunnel_cloudflared.${rid}.status`] = ds.tunnel_id;
      }
      for (const [rid, ds] of Object.entries<SynthJson>(json.data?.cloudflare_dns_records ?? {})) {
        if (ds.type !== 'CNAME' || !ds.content?.exact || Object.keys(ds).some((k) => !['//', 'zone_id', 'type', 'content'].includes(k))) {
          throw new Error(`${id}: data.cloudflare_dns_records.${rid} uses a filter the model does not apply`);
        }
        expressions[`live|data.cloudflare_dns_records.${rid}.result|${ds.zone_id}`] = ds.content.exact;
      }
      configs.push({ id, expressions });
    }
    const evaluated = this.run(configs.map((c) => ({ expressions: c.expressions, cases: [{ variables: {}, stubs: tunnelStubs[c.id] }] })));
    configs.forEach(({ id }, i) => {
      for (const [key, value] of Object.entries(evaluated[i][0] ?? {})) {
        const [kind, ref, zoneId] = key.split('|');
        if (kind === 'status') {
          const role = this.cnameRole.get(`${value}.cfargotunnel.com`);
          if (!role) throw new Error(`${id}: ${ref} reads no site's tunnel (${String(value)})`);
          this.refKinds.set(`${id}|${ref}`, { kind: 'status', role });
        } else {
          this.refKinds.set(`${id}|${ref}`, { kind: 'live', zoneId, content: String(value) });
        }
      }
    });
    this.hostnames = [...new Set(this.shapes.primary.production.records.map((r) => r.hostname))].sort();
    this.precompute();
  }

  /** One `terraform console` run for several batches. */
  private run(inputs: BatchInput[]): Array<Array<Record<string, unknown>>> {
    this.terraformRuns += 1;
    this.evaluatedCases += inputs.reduce((n, i) => n + i.cases.length, 0);
    return evaluateBatches(inputs);
  }

  /** The empty world: nothing deployed, the file records the primary. */
  public initial(): World {
    return {
      file: 'primary',
      deployed: { access: false, standby: false, production: false },
      records: '',
      activation: { primary: null, standby: null },
      crashed: { primary: false, standby: false },
      everRan: { primary: false, standby: false },
    };
  }

  /** Stub values for a stack's references in a world (statuses and live DNS as the data sources would read them). */
  private stubs(id: StackId, statuses: Record<SiteRole, string>, records: string): Record<string, unknown> {
    const live = this.recordStates.get(records)!;
    const out: Record<string, unknown> = {};
    for (const ref of this.shapes.primary[id].references) {
      const kind = this.refKinds.get(`${id}|${ref}`);
      if (!kind) throw new Error(`${id}: no stub rule for ${ref}`);
      if (kind.kind === 'const') out[ref] = kind.value;
      else if (kind.kind === 'status') out[ref] = statuses[kind.role];
      else {
        out[ref] = Object.entries(live)
          .filter(([, r]) => r.zoneId === kind.zoneId && r.content === kind.content)
          .map(([name, r]) => ({ name, content: r.content, type: 'CNAME' }))
          .sort((a, b) => a.name.localeCompare(b.name));
      }
    }
    return out;
  }

  /** Which world values a stack's plan reads (computed once per stack). */
  private readonly reads = new Map<StackId, { status: boolean; live: boolean }>();

  private key(id: StackId, vars: Record<string, boolean>, statuses: Record<SiteRole, string>, records: string): string {
    let reads = this.reads.get(id);
    if (!reads) {
      const refs = this.shapes.primary[id].references;
      reads = {
        status: refs.some((r) => this.refKinds.get(`${id}|${r}`)?.kind === 'status'),
        live: refs.some((r) => this.refKinds.get(`${id}|${r}`)?.kind === 'live'),
      };
      this.reads.set(id, reads);
    }
    const v = this.shapes.primary[id].variables.map((name) => (vars[name] ? 1 : 0)).join('');
    return `${id}|${v}|${reads.status ? `${statuses.primary},${statuses.standby}` : ''}|${reads.live ? records : ''}`;
  }

  /** Evaluate every (stack, variables, statuses, live records) case, growing the record states to a fixpoint. */
  private precompute(): void {
    const statusValues = ['healthy', 'down', 'inactive'];
    const done = new Set<string>();
    // Speculate the states a deploy can produce (every record on one tunnel), so one terraform run usually
    // reaches the fixpoint; the loop still evaluates any state a deploy really produces and was not foreseen.
    for (const [cname] of this.cnameRole) {
      const state = Object.fromEntries(this.shapes.primary.production.records.map((r) => [r.hostname, { zoneId: r.zoneId, content: cname }] as const).sort(([a], [b]) => a.localeCompare(b)));
      this.recordStates.set(JSON.stringify(state), state);
    }
    for (;;) {
      const pending = [...this.recordStates.keys()].filter((r) => !done.has(r));
      if (pending.length === 0) return;
      pending.forEach((r) => done.add(r));
      const batches: Array<{ shape: StackShape; cases: Array<{ key: string; c: BatchCase }> }> = [];
      for (const id of ['standby', 'production'] as const) {
        const shape = this.shapes.primary[id];
        const cases: Array<{ key: string; c: BatchCase }> = [];
        const seen = new Set<string>();
        const assignments = shape.variables.reduce<Array<Record<string, boolean>>>(
          (acc, v) => acc.flatMap((a) => (v === 'skip_tunnel_health_gate' ? [{ ...a, [v]: false }] : [{ ...a, [v]: false }, { ...a, [v]: true }])),
          [{}],
        );
        for (const records of pending) {
          for (const vars of assignments) {
            for (const p of statusValues) {
              for (const s of statusValues) {
                const statuses = { primary: p, standby: s };
                const key = this.key(id, vars, statuses, records);
                if (seen.has(key) || this.table.has(key)) continue;
                seen.add(key);
                cases.push({ key, c: { variables: vars, stubs: this.stubs(id, statuses, records) } });
              }
            }
          }
        }
        batches.push({ shape, cases });
      }
      const results = this.run(batches.map(({ shape, cases }) => ({ expressions: shape.expressions, after: shape.after, links: shape.links, cases: cases.map((c) => c.c) })));
      batches.forEach(({ shape, cases }, b) => results[b].forEach((values, i) => this.table.set(cases[i].key, this.interpret(shape, values))));
    }
  }

  private interpret(shape: StackShape, values: Record<string, unknown>): Planned {
    const failed = shape.preconditions.filter((p) => values[p.key] !== true).map((p) => String(values[p.message]));
    let records: string | undefined;
    if (shape.records.length > 0) {
      const state = Object.fromEntries(
        shape.records.map((r) => [r.hostname, { zoneId: r.zoneId, content: String(values[r.key]) }] as const).sort(([a], [b]) => a.localeCompare(b)),
      );
      // The output must describe exactly what the records point at.
      const out = values['out:public_record_targets'] as Record<string, string>;
      for (const [h, r] of Object.entries(state)) if (out?.[h] !== r.content) throw new Error(`public_record_targets[${h}] = ${out?.[h]}, record = ${r.content}`);
      records = JSON.stringify(state);
      if (!this.recordStates.has(records)) this.recordStates.set(records, state);
    }
    const activation = shape.activationKey ? (values[shape.activationKey] as Activation) : undefined;
    if (activation !== undefined && activation !== 'active' && activation !== 'standby') throw new Error(`${shape.id}: activation ${String(activation)}`);
    return { ok: failed.length === 0, failed, ...(records !== undefined ? { records } : {}), ...(activation ? { activation } : {}) };
  }

  /** Plan one stack against a world with the command's TF_VAR_* values (unset: the JSON default of the current file). */
  public plan(w: World, id: StackId, env: Readonly<Record<string, Tri>>): Planned {
    const shape = this.shapes[w.file][id];
    if (shape.needs.some((n) => !w.deployed[n])) return { ok: false, failed: [`Unable to find remote state of ${shape.needs.filter((n) => !w.deployed[n]).join(', ')}`] };
    if (id === 'access') return { ok: true, failed: [] };
    const vars = this.resolve(w, id, env);
    const statuses = { primary: statusOf(w, 'primary'), standby: statusOf(w, 'standby') };
    const planned = this.table.get(this.key(id, vars, statuses, w.records));
    if (!planned) throw new Error(`model: unevaluated case ${this.key(id, vars, statuses, w.records)}`);
    return planned;
  }

  /** The values terraform gives the stack's variables: TF_VAR_* when set, else the default in the current file's JSON. */
  private resolve(w: World, id: StackId, env: Readonly<Record<string, Tri>>): Record<string, boolean> {
    const json = this.variant.files[w.file].stacks[id];
    const vars: Record<string, boolean> = {};
    for (const v of this.shapes[w.file][id].variables) {
      const given = env[v] ?? 'unset';
      vars[v] = given === 'unset' ? json.variable[v].default : given === 'true';
    }
    return vars;
  }

  /** Apply a successful plan. */
  public apply(w: World, id: StackId, p: Planned): World {
    const site = SITE_OF[id];
    return settle({
      ...w,
      deployed: { ...w.deployed, [id]: true },
      ...(p.records !== undefined ? { records: p.records } : {}),
      ...(site && p.activation ? { activation: { ...w.activation, [site]: p.activation } } : {}),
    });
  }

  /** The site a record content points at. */
  public roleOf(content: string): SiteRole | undefined {
    return this.cnameRole.get(content);
  }

  /** Why a stack apply from `before` to `after` breaks the invariant, or undefined. */
  public check(before: World, after: World): string | undefined {
    const now = this.recordStates.get(after.records)!;
    const was = this.recordStates.get(before.records)!;
    for (const h of this.hostnames) {
      const r = now[h];
      if (!r) continue;
      const role = this.roleOf(r.content);
      if (!role) return `${h} points at ${r.content}, no site's tunnel`;
      if (after.activation[role] !== 'active') return `${h} points at the ${role} tunnel whose connector is stopped`;
      if (was[h]?.content !== r.content && !running(after, role)) return `${h} moved onto the ${role} tunnel whose connector is not running`;
    }
    return undefined;
  }

  /** Every operator step from a world: [label, successor worlds with their intermediate transitions]. */
  public async steps(w: World): Promise<Array<{ label: string; outcomes: Array<{ world: World; problem?: string }> }>> {
    const out: Array<{ label: string; outcomes: Array<{ world: World; problem?: string }> }> = [];
    const prodVars = this.shapes.primary.production.variables.filter((v) => v !== 'skip_tunnel_health_gate');
    const envs = prodVars.reduce<Array<Record<string, Tri>>>((acc, v) => acc.flatMap((e) => (['unset', 'true', 'false'] as Tri[]).map((t) => ({ ...e, [v]: t }))), [{}]);
    const subsets = [1, 2, 3, 4, 5, 6, 7].map((m) => STACKS.filter((_, i) => m & (1 << i)));
    const label = (names: StackId[], flag: boolean, env: Record<string, Tri>) =>
      `${Object.entries(env)
        .filter(([, t]) => t !== 'unset')
        .map(([k, t]) => `TF_VAR_${k}=${t} `)
        .join('')}npx cdktf deploy ${names.join(' ')}${flag ? ' --ignore-missing-stack-dependencies' : ''}`;
    // Environments that resolve to the same variable values in every stack (for the current file) are one step.
    const distinct = new Map<string, Record<string, Tri>>();
    for (const env of envs) {
      const resolved = STACKS.map((id) => this.resolve(w, id, env)).map((vars) => JSON.stringify(vars)).join('|');
      if (!distinct.has(resolved)) distinct.set(resolved, env);
    }
    const closed = (names: StackId[]) => {
      try {
        stackHelpers.checkIfAllDependenciesAreIncluded(names.map((name) => ({ name, dependencies: this.variant.dependencies[name] })));
        return true;
      } catch {
        return false; // cdktf-cli refuses to start: nothing runs
      }
    };
    for (const env of distinct.values()) {
      for (const names of subsets) {
        if (closed(names)) out.push({ label: label(names, false, env), outcomes: [await this.ordered(w, names, env)] });
        // Once access is deployed, naming it beside others with the flag changes nothing they read: the same step as without it.
        if (w.deployed.access && names.length > 1 && names.includes('access')) continue;
        out.push({ label: label(names, true, env), outcomes: this.parallel(w, names, env) });
      }
    }
    for (const to of ROLES) out.push({ label: `npm run cutover -- --to ${to}`, outcomes: [await this.cutover(w, to)] });
    for (const role of ROLES) {
      const stack = role === 'primary' ? 'production' : 'standby';
      if (w.deployed[stack]) {
        out.push({ label: `reboot the ${role} host`, outcomes: [{ world: settle({ ...w, crashed: { ...w.crashed, [role]: false } }) }] });
        out.push({ label: `rotate the ${role} tunnel token (deploy ${stack})`, outcomes: this.parallel(w, [stack], {}) });
      }
      if (w.file !== role) out.push({ label: `record sites.active: ${role} by hand`, outcomes: [{ world: { ...w, file: role } }] });
    }
    return out;
  }

  /** Faults: a running connector crashes. */
  public faults(w: World): Array<{ label: string; world: World }> {
    return ROLES.filter((r) => running(w, r)).map((r) => ({ label: `(fault) the ${r} connector crashes`, world: { ...w, crashed: { ...w.crashed, [r]: true } } }));
  }

  /** `cdktf deploy` in dependency order, stopping before the dependants of a failed stack (cli-core's own scheduler). */
  private async ordered(w: World, names: StackId[], env: Record<string, Tri>): Promise<{ world: World; problem?: string }> {
    const executors = names.map((name) => ({ stack: { name, dependencies: this.variant.dependencies[name] }, currentState: 'idle', isPending: true }));
    let world = w;
    for (;;) {
      const next = await stackHelpers.getStackWithNoUnmetDependencies(executors);
      if (!next) return { world };
      const id = next.stack.name as StackId;
      const p = this.plan(world, id, env);
      next.isPending = false;
      next.currentState = p.ok ? 'done' : 'errored';
      if (!p.ok) continue;
      const after = this.apply(world, id, p);
      const problem = this.check(world, after);
      if (problem) return { world: after, problem: `after ${id}: ${problem}` };
      world = after;
    }
  }

  /** `--ignore-missing-stack-dependencies`: the stacks run at once; every order of plans and applies. */
  private parallel(w: World, names: StackId[], env: Record<string, Tri>): Array<{ world: World; problem?: string }> {
    const outcomes: Array<{ world: World; problem?: string }> = [];
    const applyAll = (start: World, plans: Array<[StackId, Planned]>) => {
      let world = start;
      for (const [id, p] of plans) {
        if (!p.ok) continue;
        const after = this.apply(world, id, p);
        const problem = this.check(world, after);
        if (problem) return { world: after, problem: `after ${id}: ${problem}` };
        world = after;
      }
      return { world };
    };
    const orders = permutations(names);
    for (const order of orders) {
      // Each stack plans after the previous one applied ...
      let world = w;
      let result: { world: World; problem?: string } = { world };
      for (const id of order) {
        result = applyAll(world, [[id, this.plan(world, id, env)]]);
        if (result.problem) break;
        world = result.world;
      }
      outcomes.push(result);
      // ... or all plan against the world before the command, then apply in this order.
      if (order.length > 1) outcomes.push(applyAll(w, order.map((id) => [id, this.plan(w, id, env)] as [StackId, Planned])));
    }
    return outcomes;
  }

  /** The real cutover command against the world: its API reads the world, its deploys are model deploys. */
  private async cutover(start: World, to: SiteRole): Promise<{ world: World; problem?: string }> {
    let world = start;
    let problem: string | undefined;
    let clock = 0;
    const tunnel = (role: SiteRole) => `${this.variant.files.primary.deployment.name}-${role}`;
    const api: CutoverApi = {
      tunnelByName: async (_a, name) => {
        const role = ROLES.find((r) => tunnel(r) === name);
        const stack = role === 'primary' ? 'production' : 'standby';
        return role && world.deployed[stack] ? { id: `${name}-id`, name, status: statusOf(world, role) } : undefined;
      },
      tunnelStatus: async (_a, id) => statusOf(world, ROLES.find((r) => `${tunnel(r)}-id` === id)!),
      cnameContent: async (_z, hostname) => this.recordStates.get(world.records)![hostname]?.content,
    };
    const deploy = async (cmd: DeployCommand) => {
      const env = Object.fromEntries(Object.entries(cmd.variables).map(([k, v]) => [k, v as Tri]));
      const [outcome] = this.parallel(world, [cmd.stack], env);
      const p = this.plan(world, cmd.stack, env);
      if (outcome.problem && !problem) problem = outcome.problem;
      world = outcome.world;
      if (!p.ok) throw new Error(p.failed[0]);
    };
    const result = await runCutover({
      deployment: this.variant.files[start.file].deployment,
      file: 'deployment.yaml',
      to,
      stacks: this.variant.files[start.file].stacks,
      env: this.env,
      api,
      deploy,
      recordActive: (active) => {
        world = { ...world, file: active };
      },
      timeoutMs: 3,
      pollMs: 1,
      sleep: async (ms) => {
        clock += ms;
      },
      now: () => clock,
      out: () => undefined,
      err: () => undefined,
    });
    if (result.outcome === 'refused' && !result.changed && JSON.stringify(world) !== JSON.stringify(start)) problem = 'a refused cutover changed the world';
    return { world, ...(problem ? { problem } : {}) };
  }

  /** Run named operator steps from a world (the first outcome of each); stops at the first violation. */
  public async replay(labels: readonly string[], from: World = this.initial()): Promise<{ world: World; problem?: string; at?: string }> {
    let world = from;
    for (const label of labels) {
      const step = (await this.steps(world)).find((s) => s.label === label);
      if (!step) throw new Error(`no step "${label}" from ${JSON.stringify(world)}`);
      const [outcome] = step.outcomes;
      if (outcome.problem) return { world: outcome.world, problem: outcome.problem, at: label };
      world = outcome.world;
    }
    return { world };
  }

  /** Where the live records point: the one site they all point at, 'none' or 'mixed'. */
  public pointsAt(w: World): SiteRole | 'none' | 'mixed' {
    const roles = new Set(Object.values(this.recordStates.get(w.records)!).map((r) => this.roleOf(r.content)));
    if (roles.size === 0) return 'none';
    return roles.size === 1 ? ([...roles][0] ?? 'mixed') : 'mixed';
  }

  /** Breadth-first search over every reachable world; returns the first violation found (shortest path) or none. */
  public async search(maxDepth = Infinity): Promise<{ states: number; transitions: number; worlds: World[]; violation?: Violation }> {
    const start = this.initial();
    const keyOf = (w: World) => JSON.stringify(w);
    const paths = new Map<string, string[]>([[keyOf(start), []]]);
    const worlds: World[] = [start];
    let frontier = [start];
    let transitions = 0;
    for (let depth = 0; frontier.length > 0 && depth < maxDepth; depth++) {
      const next: World[] = [];
      for (const w of frontier) {
        const here = paths.get(keyOf(w))!;
        const successors: Array<{ label: string; world: World }> = [];
        for (const step of await this.steps(w)) {
          for (const o of step.outcomes) {
            transitions += 1;
            if (o.problem) return { states: paths.size, transitions, worlds: [], violation: { path: [...here, step.label], reason: o.problem } };
            successors.push({ label: step.label, world: o.world });
          }
        }
        successors.push(...this.faults(w));
        for (const s of successors) {
          const k = keyOf(s.world);
          if (!paths.has(k)) {
            paths.set(k, [...here, s.label]);
            next.push(s.world);
            worlds.push(s.world);
          }
        }
      }
      frontier = next;
    }
    return { states: paths.size, transitions, worlds };
  }
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

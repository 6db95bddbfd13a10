/**
 * The cutover that no routine deploy can undo (issue 12): the recorded active site, the plan-time
 * guards evaluated by the real terraform binary, and the model check over every reachable state.
 * The deployments are synthesized once (beforeAll) and shared by every test.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BatchInput, evaluate, evaluateBatches } from '../../lib/cutover/evaluate';
import { cutoverPlan, tunnelIdStubs } from '../../lib/cutover/plan';
import { missingCredentials, requiredSecretVariables } from '../../lib/cutover/preflight';
import { exampleInput, resources, SynthJson, tempDir } from '../helpers';
import { Model, synthVariant, Variant, World } from './cutover-model';
import { FORCES_REPLACEMENT } from '../replacement';

const HOSTS = ['admin.example.com', 'api.example.com', 'labs.example.com', 'www.example.com'];
const PRIMARY = 'example-primary-id.cfargotunnel.com';
const STANDBY = 'example-standby-id.cfargotunnel.com';
const ENV = { CLOUDFLARE_API_TOKEN: 'test-token' };

/** The example: GCE sites, keep_primary_connector_on_cutover: true. */
let gce: Variant;
/** keep_primary_connector_on_cutover: false and an external standby (TXT activation). */
let external: Variant;
/** Both sites external, keep false: the primary's activation is a TXT record too. */
let bothExternal: Variant;

beforeAll(() => {
  gce = synthVariant('example', exampleInput());
  const input = exampleInput();
  input.sites.keep_primary_connector_on_cutover = false;
  input.sites.standby = { external: { name: 'edge-standby' } };
  external = synthVariant('keep false, external standby', input);
  input.sites.primary = { external: { name: 'edge-primary' } };
  delete input.buckets['example-backups'].credentials.restic.deliver_to; // Secret Manager delivery needs a GCE host
  bothExternal = synthVariant('both external', input, ['primary']);
});

const stacksOf = (v: Variant, active: 'primary' | 'standby' = 'primary') => v.files[active].stacks;

/** Batches the describe blocks register; all are evaluated in ONE terraform run right after the synths. */
const batches: Array<{ name: string; input: () => BatchInput }> = [];
const evaluated = new Map<string, Array<Record<string, unknown>>>();
const later = (name: string, input: () => BatchInput) => batches.push({ name, input });
const results = (name: string) => evaluated.get(name)!;
beforeAll(() => {
  const out = evaluateBatches(batches.map((b) => b.input()));
  batches.forEach((b, i) => evaluated.set(b.name, out[i]));
});
const dataId = (stack: SynthJson, type: string, prefix: string) => {
  const id = Object.keys(stack.data?.[type] ?? {}).find((k) => k === prefix || k.startsWith(`${prefix}_`));
  if (!id) throw new Error(`no data.${type}.${prefix}`);
  return `data.${type}.${id}`;
};
/** What the live-DNS data source returns when every public record points at `site` ('none': no record yet). */
const live = (site: 'primary' | 'standby' | 'none', tunnel: 'primary' | 'standby') =>
  site === tunnel ? HOSTS.map((name) => ({ name, content: tunnel === 'primary' ? PRIMARY : STANDBY, type: 'CNAME' })) : [];

describe('the recorded active site (sites.active)', () => {
  /** Evaluate with the synthesized variable blocks and no value given: terraform applies the defaults. */
  const withDefaults = (v: Variant, active: 'primary' | 'standby') => {
    const { production, standby } = stacksOf(v, active);
    const stubs = tunnelIdStubs(production, standby); // the standby host's activation reads no resource
    const records = Object.fromEntries(resources(production, 'cloudflare_dns_record').map(([, r]) => [r.name, r.content]));
    const [[, primaryHost]] = resources(production, 'google_compute_instance');
    const [[, standbyHost]] = resources(standby, 'google_compute_instance');
    const declared = { ...production.variable, ...standby.variable };
    const values = evaluate({
      expressions: { ...records, primaryHost: primaryHost.metadata['gatehouse-connector'], standbyHost: standbyHost.metadata['gatehouse-connector'] },
      stubs,
      variables: {},
      declared,
    });
    return values;
  };

  test('sites.active: standby evaluates (real terraform, no variables set) to every public CNAME on the standby tunnel and the standby host on active', () => {
    expect(withDefaults(gce, 'standby')).toEqual({
      ...Object.fromEntries(HOSTS.map((h) => [h, STANDBY])),
      primaryHost: 'active', // keep_primary_connector_on_cutover: true
      standbyHost: 'active',
    });
  });

  test('sites.active: primary (the default) evaluates to every public CNAME on the primary tunnel and the standby host on standby', () => {
    expect(withDefaults(gce, 'primary')).toEqual({ ...Object.fromEntries(HOSTS.map((h) => [h, PRIMARY])), primaryHost: 'active', standbyHost: 'standby' });
  });

  test('activate_dns keeps its name in both site stacks; its default is the recorded site', () => {
    for (const active of ['primary', 'standby'] as const) {
      for (const s of ['production', 'standby']) {
        expect(stacksOf(gce, active)[s].variable.activate_dns).toMatchObject({ type: 'bool', default: active === 'standby', nullable: false });
      }
    }
    expect(stacksOf(external).production.variable.primary_connector_on).toMatchObject({ type: 'bool', default: false, nullable: false });
  });

  test('sites.active changes nothing but the default of activate_dns, so nothing that forces replacement depends on it', () => {
    for (const v of [gce, external]) {
      const a = stacksOf(v, 'primary');
      const b = stacksOf(v, 'standby');
      for (const s of Object.keys(a)) {
        const strip = (j: SynthJson) => ({ ...j, variable: { ...j.variable, ...(j.variable?.activate_dns ? { activate_dns: { ...j.variable.activate_dns, default: '<recorded>' } } : {}) } });
        expect([v.name, s, strip(b[s])]).toEqual([v.name, s, strip(a[s])]);
      }
    }
  });
});

describe('guards (plan-time preconditions evaluated by terraform)', () => {
  describe('health gate: applies only when a record moves', () => {
    const gate = () => {
      const { production, standby } = stacksOf(gce);
      const [, record] = resources(production, 'cloudflare_dns_record').find(([, r]) => r.name === 'admin.example.com')!;
      return { production, standby, precondition: record.lifecycle.precondition[0] };
    };
    type Case = [activate: boolean, now: 'primary' | 'standby' | 'none', primary: string, standby: string, allowed: boolean];
    const cases: Case[] = [
      [true, 'primary', 'healthy', 'healthy', true], // cutover onto a healthy standby
      [true, 'primary', 'healthy', 'degraded', true],
      [true, 'primary', 'healthy', 'down', false], // cutover onto a stopped standby
      [true, 'primary', 'healthy', 'inactive', false],
      [true, 'standby', 'healthy', 'down', true], // no move: unrelated changes deploy while the serving tunnel is down
      [false, 'primary', 'down', 'healthy', true], // no move, primary down: same
      [false, 'standby', 'down', 'healthy', false], // return onto a stopped primary
      [false, 'standby', 'healthy', 'down', true], // return onto a healthy primary
      [false, 'none', 'inactive', 'inactive', true], // first deploy: the records are created with the primary
      [true, 'none', 'healthy', 'inactive', false], // first deploy straight onto a standby that never ran
    ];
    later('gate', () => {
      const { production, standby, precondition } = gate();
      const onPrimary = dataId(production, 'cloudflare_dns_records', 'live-primary');
      const onStandby = dataId(production, 'cloudflare_dns_records', 'live-standby');
      return {
        expressions: { ok: precondition.condition, message: precondition.error_message },
        cases: [...cases, [true, 'primary', 'down', 'down', true] as Case].map(([activate, now, p, s], i) => ({
          variables: { activate_dns: activate, skip_tunnel_health_gate: i === cases.length },
          stubs: {
            ...tunnelIdStubs(production, standby),
            'data.cloudflare_zero_trust_tunnel_cloudflared.primary-status.status': p,
            'data.cloudflare_zero_trust_tunnel_cloudflared.standby-status.status': s,
            [`${onPrimary}.result`]: live(now, 'primary'),
            [`${onStandby}.result`]: live(now, 'standby'),
          },
        })),
      };
    });

    test.each(cases.map((c, i) => [i, ...c] as const))('case %i: activate_dns=%s, records on %s, primary %s, standby %s -> allowed=%s', (i, ...c) => {
      expect(results('gate')[i].ok).toBe(c[4]);
    });

    test('the disaster override lets a record move onto a tunnel that is down', () => {
      expect(results('gate')[cases.length].ok).toBe(true);
    });

    test('a refusal is one line naming the record, the tunnel, its status and the recovery command', () => {
      expect(results('gate')[2].message).toBe(
        'Refusing to move admin.example.com to tunnel example-standby: its status is "down", not healthy. ' +
          'Run npm run cutover -- --to standby, which starts its connector and waits for it; in a disaster set TF_VAR_skip_tunnel_health_gate=true (docs/cutover.md).',
      );
      expect(String(results('gate')[6].message)).toContain('tunnel example-primary: its status is "down"');
      expect(String(results('gate')[6].message)).toContain('npm run cutover -- --to primary');
    });
  });

  /** A stop guard of the resource carrying a site's activation, evaluated for these cases (registered for the one run). */
  const stopGuard = (name: string, v: () => Variant, stackId: 'production' | 'standby', type: string, cases: Array<[vars: Record<string, boolean>, now: 'primary' | 'standby' | 'none']>) =>
    later(name, () => {
      const stacks = stacksOf(v());
      const stack = stacks[stackId];
      const [[, carrier]] = resources(stack, type).filter(([, r]) => type !== 'cloudflare_dns_record' || r.type === 'TXT');
      const guard = carrier.lifecycle.precondition.find((p: SynthJson) => String(p.error_message).startsWith('Refusing to stop'));
      const tunnelStubs = stackId === 'production' ? tunnelIdStubs(stacks.production, stacks.standby) : tunnelIdStubs(stacks.standby, stacks.standby);
      const role = stackId === 'production' ? 'primary' : 'standby';
      const query = dataId(stack, 'cloudflare_dns_records', `live-${role}`);
      return {
        expressions: { ok: guard.condition, message: guard.error_message },
        cases: cases.map(([vars, now]) => ({ variables: vars, stubs: { ...tunnelStubs, [`${query}.result`]: live(now, role) } })),
      };
    });
  stopGuard('standby gce', () => gce, 'standby', 'google_compute_instance', [
    [{ activate_dns: false }, 'standby'],
    [{ activate_dns: false }, 'primary'],
    [{ activate_dns: true }, 'standby'],
    [{ activate_dns: false }, 'none'],
  ]);
  stopGuard('standby txt', () => external, 'standby', 'cloudflare_dns_record', [
    [{ activate_dns: false }, 'standby'],
    [{ activate_dns: false }, 'primary'],
    [{ activate_dns: true }, 'standby'],
  ]);
  const primaryCases: Array<[Record<string, boolean>, 'primary' | 'standby' | 'none']> = [
    [{ activate_dns: true, primary_connector_on: false, skip_tunnel_health_gate: false }, 'primary'], // move DNS and stop at once: refused
    [{ activate_dns: true, primary_connector_on: true, skip_tunnel_health_gate: false }, 'primary'], // move DNS, primary kept on
    [{ activate_dns: true, primary_connector_on: false, skip_tunnel_health_gate: false }, 'standby'], // DNS moved already: stop
    [{ activate_dns: false, primary_connector_on: false, skip_tunnel_health_gate: false }, 'primary'],
  ];
  stopGuard('primary gce', () => external, 'production', 'google_compute_instance', primaryCases);
  stopGuard('primary txt', () => bothExternal, 'production', 'cloudflare_dns_record', primaryCases);

  test('standby (GCE metadata): refuses to stop its connector while the live public records point at its tunnel', () => {
    const r = results('standby gce');
    expect(r.map((x) => x.ok)).toEqual([false, true, true, true]);
    expect(r[0].message).toBe(
      'Refusing to stop the standby connector: 4 public record(s) point at its tunnel example-standby. Move them first: npm run cutover -- --to primary.',
    );
  });

  test('standby (TXT activation of an external host): the same guard', () => {
    expect(results('standby txt').map((x) => x.ok)).toEqual([false, true, true]);
  });

  test('primary with keep_primary_connector_on_cutover false (GCE and TXT): may not stop while live records point at it', () => {
    expect(results('primary gce').map((x) => x.ok)).toEqual([false, true, true, true]);
    expect(results('primary txt').map((x) => x.ok)).toEqual([false, true, true, true]);
    expect(results('primary gce')[0].message).toBe(
      'Refusing to stop the primary connector: 4 public record(s) point at its tunnel example-primary. Move them first: npm run cutover -- --to standby.',
    );
  });

  test('the primary activation changes only after every record moved (depends_on), on the GCE host and on the TXT record', () => {
    for (const [v, type] of [[external, 'google_compute_instance'], [bothExternal, 'cloudflare_dns_record']] as const) {
      const { production } = stacksOf(v);
      const cnames = resources(production, 'cloudflare_dns_record').filter(([, r]) => r.type === 'CNAME').map(([id]) => `cloudflare_dns_record.${id}`);
      const [[, carrier]] = resources(production, type).filter(([, r]) => type !== 'cloudflare_dns_record' || r.type === 'TXT');
      expect(carrier.depends_on).toEqual(expect.arrayContaining(cnames));
    }
  });

  test('skip_tunnel_health_gate is read by the records health gate and nothing else', () => {
    for (const v of [gce, external, bothExternal]) {
      for (const [s, json] of Object.entries(stacksOf(v))) {
        const uses: string[] = [];
        for (const [type, byId] of Object.entries<Record<string, SynthJson>>(json.resource ?? {})) {
          for (const [id, r] of Object.entries(byId)) {
            const { lifecycle, ...rest } = r;
            if (JSON.stringify(rest).includes('var.skip_tunnel_health_gate')) uses.push(`${type}.${id} (attribute)`);
            (lifecycle?.precondition ?? []).forEach((p: SynthJson, i: number) => {
              if (JSON.stringify(p.condition).includes('var.skip_tunnel_health_gate')) uses.push(`${type}.${id} precondition ${i}: ${String(p.error_message).slice(0, 24)}`);
            });
          }
        }
        const expected = s === 'production' ? HOSTS.length : 0;
        expect([v.name, s, uses.length]).toEqual([v.name, s, expected]);
        for (const u of uses) expect(u).toMatch(/^cloudflare_dns_record\..* precondition 0: Refusing to move /);
      }
    }
  });

  test('terraform_remote_state cannot read a stack that has no state yet, whatever its defaults: the guards read live DNS instead', () => {
    // GIVEN a reader of a production state that does not exist yet (a first deploy), with defaults
    const dir = tempDir('gatehouse-remote-state-');
    try {
      const config = (statePath: string) =>
        JSON.stringify({
          data: { terraform_remote_state: { production: { backend: 'local', config: { path: statePath }, defaults: { public_record_targets: {} } } } },
          output: { seen: { value: '${data.terraform_remote_state.production.outputs.public_record_targets}' } },
        });
      const plan = () =>
        execFileSync('terraform', ['plan', '-input=false', '-no-color'], {
          cwd: dir,
          env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
          stdio: 'pipe',
        }).toString();
      fs.writeFileSync(path.join(dir, 'main.tf.json'), config('missing.tfstate'));
      // WHEN terraform plans, THEN it fails (builtin/providers/terraform/data_source_state.go: a nil state is an error)
      expect(plan).toThrow(/Unable to find remote state/);
      // while a state that exists but lacks the output does get the defaults
      fs.writeFileSync(path.join(dir, 'empty.tfstate'), JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'l', outputs: {}, resources: [] }));
      fs.writeFileSync(path.join(dir, 'main.tf.json'), config('empty.tfstate'));
      expect(plan()).toContain('+ seen = {}');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('external hosts: the TXT activation record', () => {
  test('each site stack owns _gatehouse-<name>-<role>.<zone>: TXT, ttl 60, not proxied, content from the same expression as a GCE host', () => {
    const txt = (json: SynthJson) => resources(json, 'cloudflare_dns_record').filter(([, r]) => r.type === 'TXT').map(([, r]) => r);
    const [standbyTxt] = txt(stacksOf(external).standby);
    const [[, standbyHost]] = resources(stacksOf(gce).standby, 'google_compute_instance');
    expect(standbyTxt).toMatchObject({
      name: '_gatehouse-example-standby.example.com',
      type: 'TXT',
      ttl: 60,
      proxied: false,
      zone_id: 'fedcba9876543210fedcba9876543210',
      comment: expect.stringContaining('active runs the standby'),
      content: standbyHost.metadata['gatehouse-connector'],
    });
    const [primaryTxt] = txt(stacksOf(bothExternal).production);
    const [[, primaryHost]] = resources(stacksOf(external).production, 'google_compute_instance');
    expect(primaryTxt).toMatchObject({ name: '_gatehouse-example-primary.example.com', content: primaryHost.metadata['gatehouse-connector'] });
    // GCE sites carry their activation in metadata: no TXT record
    expect(txt(stacksOf(gce).production)).toEqual([]);
    expect(txt(stacksOf(gce).standby)).toEqual([]);
  });

  test('cutover-plan lists the public CNAMEs only: an external primary\'s TXT (which reads primary_connector_on with keep false) is not a public record', () => {
    // GIVEN both sites external and keep_primary_connector_on_cutover: false (the primary's TXT content reads var.primary_connector_on)
    // WHEN the cutover plan is evaluated
    const plan = cutoverPlan(stacksOf(bothExternal).production, stacksOf(bothExternal).standby);
    // THEN it names exactly the routed hostnames, each moving from the primary tunnel to the standby's
    expect(plan.map((p) => p.hostname).sort()).toEqual(HOSTS);
    for (const p of plan) expect([p.whenFalse, p.whenTrue]).toEqual([PRIMARY, STANDBY]);
  });

  later('txt content', () => {
    const [standbyTxt] = resources(stacksOf(external).standby, 'cloudflare_dns_record').map(([, r]) => r);
    return { expressions: { c: standbyTxt.content }, cases: [false, true].map((activate) => ({ variables: { activate_dns: activate }, stubs: {} })) };
  });
  test('the TXT content evaluates (terraform) to active or standby exactly', () => {
    expect(results('txt content').map((x) => x.c)).toEqual(['standby', 'active']);
  });
});

describe('replacement safety: nothing that forces replacement depends on a cutover input (moved here from stacks.test.ts and extended)', () => {
  // Everything a cutover changes or reads: its variables, the live DNS reads and the tunnel status reads
  // (sites.active itself only changes the default of activate_dns: see above).
  const CUTOVER_INPUTS = /var\.(activate_dns|primary_connector_on|skip_tunnel_health_gate)\b|data\.cloudflare_dns_records\.|data\.cloudflare_zero_trust_tunnel_cloudflared\./;
  const strings = (value: unknown, at = ''): Array<[string, string]> => {
    if (typeof value === 'string') return [[at, value]];
    if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
    if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => (k === '//' ? [] : strings(v, at ? `${at}.${k}` : k)));
    return [];
  };
  const dependents = (stack: SynthJson) =>
    [
      ...new Set(
        Object.entries<Record<string, SynthJson>>(stack.resource ?? {}).flatMap(([type, byId]) =>
          Object.values(byId).flatMap((r) =>
            strings(r)
              .filter(([, v]) => CUTOVER_INPUTS.test(v))
              .map(([at]) => `${type}.${at.replace(/precondition\[\d+\]/, 'precondition[]')}`),
          ),
        ),
      ),
    ].sort();
  const guarded = (type: string) => [`${type}.lifecycle.precondition[].condition`, `${type}.lifecycle.precondition[].error_message`];
  const RECORDS = ['cloudflare_dns_record.content', ...guarded('cloudflare_dns_record')];
  const HOST = ['google_compute_instance.metadata.gatehouse-connector', ...guarded('google_compute_instance')];

  test.each([
    ['the example (GCE, keep true)', () => gce, { production: RECORDS, standby: HOST }],
    ['keep false, external standby', () => external, { production: [...RECORDS, ...HOST], standby: RECORDS }],
    ['keep false, both external (TXT activation)', () => bothExternal, { production: RECORDS, standby: RECORDS }],
  ])('%s: the attributes that change with a cutover input are exactly these, and none forces replacement', (_name, variant, expected) => {
    const { production, standby } = stacksOf(variant());
    expect({ production: dependents(production), standby: dependents(standby) }).toEqual({ production: [...expected.production].sort(), standby: [...expected.standby].sort() });
    for (const attr of [...dependents(production), ...dependents(standby)]) {
      const [type, top] = attr.split('.');
      expect([attr, (FORCES_REPLACEMENT[type] ?? []).includes(top)]).toEqual([attr, false]);
    }
    // and no count or for_each reads one, so the addresses are the same for every value
    for (const json of [production, standby]) expect(strings(json.resource).filter(([at, v]) => /\.(count|for_each)$/.test(at) && CUTOVER_INPUTS.test(v))).toEqual([]);
  });

  later('primary metadata', () => {
    const [[, instance]] = resources(stacksOf(external).production, 'google_compute_instance');
    return {
      expressions: { v: instance.metadata['gatehouse-connector'] },
      cases: [[false, false], [true, false], [true, true], [false, true]].map(([a, on]) => ({ variables: { activate_dns: a, primary_connector_on: on }, stubs: {} })),
    };
  });
  test('keep_primary_connector_on_cutover false: the primary stops on cutover (metadata, in place), unless primary_connector_on', () => {
    const [[, instance]] = resources(stacksOf(external).production, 'google_compute_instance');
    expect(instance.metadata['gatehouse-connector']).toBe('${(var.activate_dns && !var.primary_connector_on) ? "standby" : "active"}');
    expect(results('primary metadata').map((x) => x.v)).toEqual(['active', 'standby', 'active', 'active']);
  });
});

describe("the command's credential preflight (reusable by any command that deploys)", () => {
  test('every sensitive variable without a default that the stacks declare, read from the synthesized JSON', () => {
    const stacks = stacksOf(gce);
    expect(requiredSecretVariables(stacks, ['access', 'standby', 'production'])).toEqual(['workspace_client_secret']);
    expect(requiredSecretVariables(stacks, ['standby', 'production'])).toEqual([]);
    expect(missingCredentials(stacks, ['access'], {})).toEqual([
      'CLOUDFLARE_API_TOKEN is not set: the Cloudflare provider and the cutover read it (README: secrets)',
      'TF_VAR_workspace_client_secret is not set: access declares the sensitive variable workspace_client_secret with no default',
    ]);
    expect(missingCredentials(stacks, ['access', 'standby'], { CLOUDFLARE_API_TOKEN: 't', TF_VAR_workspace_client_secret: 's' })).toEqual([]);
    expect(missingCredentials(stacks, ['pages'], { CLOUDFLARE_API_TOKEN: 't' })).toEqual(['stack pages was not synthesized: run npm run synth and check the deployment file']);
  });
});

describe('model check: every reachable state, each deploy evaluated by terraform, the cutover command as it runs', () => {
  /** One model per variant (its terraform evaluations are shared by the tests that use it). */
  const models = new Map<Variant, Model>();
  const modelOf = (v: Variant) => models.get(v) ?? models.set(v, new Model(v, ENV)).get(v)!;
  const search = async (v: Variant) => {
    const model = modelOf(v);
    return { model, result: await model.search() };
  };
  const reachedCutover = (model: Model, worlds: World[]) => worlds.some((w) => w.file === 'standby' && model.pointsAt(w) === 'standby' && w.activation.standby === 'active');

  test.each([
    ['the example (GCE sites, keep_primary_connector_on_cutover: true)', () => gce],
    ['keep_primary_connector_on_cutover: false with an external standby', () => external],
  ])('%s: no sequence of operator steps leaves a public hostname on a stopped connector', async (_name, variant) => {
    const { model, result } = await search(variant());
    expect(result.violation).toBeUndefined();
    // not vacuous: the search reached real cutovers and many states, with every case evaluated by terraform
    expect(reachedCutover(model, result.worlds)).toBe(true);
    expect(result.worlds.some((w) => w.file === 'primary' && model.pointsAt(w) === 'primary' && w.activation.standby === 'standby' && w.deployed.production)).toBe(true);
    expect(result.states).toBeGreaterThan(30);
    expect(model.terraformRuns).toBe(2); // data source configs, then every case at once
  });

  test('after npm run cutover, every plain deploy (any stacks, any order, no TF_VAR_*) re-applies the recorded state and moves nothing', async () => {
    const model = modelOf(gce);
    const { world, problem } = await model.replay(['npx cdktf deploy access standby production', 'npm run cutover -- --to standby']);
    expect(problem).toBeUndefined();
    expect([world.file, model.pointsAt(world), world.activation]).toEqual(['standby', 'standby', { primary: 'active', standby: 'active' }]);
    const plain = (await model.steps(world)).filter((s) => s.label.startsWith('npx cdktf deploy'));
    expect(plain.map((s) => s.label)).toEqual(expect.arrayContaining(['npx cdktf deploy access standby production', 'npx cdktf deploy production --ignore-missing-stack-dependencies']));
    for (const step of plain) for (const o of step.outcomes) expect([step.label, o.world]).toEqual([step.label, world]);
  });

  test("the audit's sequence (a manual cutover that was not recorded, then a routine deploy of everything) is refused before anything changes", async () => {
    const model = modelOf(gce);
    const audit = [
      'npx cdktf deploy access standby production',
      'TF_VAR_activate_dns=true npx cdktf deploy standby --ignore-missing-stack-dependencies',
      'TF_VAR_activate_dns=true npx cdktf deploy production --ignore-missing-stack-dependencies',
    ];
    const { world: cutOver } = await model.replay(audit);
    expect([cutOver.file, model.pointsAt(cutOver)]).toEqual(['primary', 'standby']);
    const { world, problem } = await model.replay(['npx cdktf deploy access standby production'], cutOver);
    expect(problem).toBeUndefined();
    expect(world).toEqual({ ...cutOver, deployed: cutOver.deployed });
  });

  const withoutGuard = (v: Variant, stack: string, message: string): Variant => {
    const copy = structuredClone(v);
    for (const file of Object.values(copy.files)) {
      for (const byId of Object.values<Record<string, SynthJson>>(file.stacks[stack].resource)) {
        for (const r of Object.values(byId)) {
          if (r.lifecycle?.precondition) r.lifecycle.precondition = r.lifecycle.precondition.filter((p: SynthJson) => !String(p.error_message).startsWith(message));
        }
      }
    }
    return copy;
  };

  test('a copy of the synthesized JSON without the standby stop guard: the search finds the outage', async () => {
    const { model, result } = await search(withoutGuard(gce, 'standby', 'Refusing to stop the standby connector'));
    expect(result.violation).toBeDefined();
    expect(result.violation!.reason).toMatch(/points at the standby tunnel whose connector is stopped/);
    // and the audit's sequence itself is an outage there
    const audit = await model.replay([
      'npx cdktf deploy access standby production',
      'TF_VAR_activate_dns=true npx cdktf deploy standby --ignore-missing-stack-dependencies',
      'TF_VAR_activate_dns=true npx cdktf deploy production --ignore-missing-stack-dependencies',
      'npx cdktf deploy access standby production',
    ]);
    expect(audit.problem).toMatch(/^after standby: .* points at the standby tunnel whose connector is stopped/);
  });

  test('a copy without the health gate: the search finds DNS moved onto a stopped connector', async () => {
    const { result } = await search(withoutGuard(gce, 'production', 'Refusing to move'));
    expect(result.violation).toBeDefined();
    // the shortest such sequence: the standby's connector never started, and production moved DNS onto it
    expect(result.violation!.path).toEqual(['npx cdktf deploy access standby', 'TF_VAR_activate_dns=true npx cdktf deploy production --ignore-missing-stack-dependencies']);
    expect(result.violation!.reason).toMatch(/^after production: .* points at the standby tunnel whose connector is stopped/);
  });
});

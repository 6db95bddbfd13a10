'use strict';
/**
 * Benchmark scenarios for `npm run bench` (bench/run.js). Plain CommonJS, no build step.
 *
 * Each scenario is one child process, started fresh for every measured run. Two kinds:
 *
 *   { name, kind: 'node', args }
 *       runs `node <args...>` in the repository root (probes and baselines).
 *
 *   { name, kind: 'synth', makeDeployment(dir) -> path, check?(outdir, { stderr }) }
 *       `makeDeployment` writes (or names) a deployment YAML; `dir` is a private temp directory of
 *       the scenario. The runner then runs the app command from cdktf.json (`node bin/synth.js`), with
 *       GATEHOUSE_DEPLOYMENT=<path> and CDKTF_OUTDIR=<temp>, requires exit status 0 and
 *       <outdir>/stacks/production/cdk.tf.json, then calls `check(outdir, { stderr })` (throw to fail).
 *       Optional: `stats(outdir)` -> object, called after each passing run (outside the timed
 *       part; the last result is kept), and `fleet: true`, which puts the scenario in the second
 *       (tenant fleet) table and runs it BENCH_FLEET_RUNS / BENCH_FLEET_WARMUP times.
 *
 * Every scenario has a `family` (`FAMILIES`: core, hostnames, tenants) for `--only` / BENCH_ONLY.
 * `id` is optional; the runner looks up `provider-roots` (the reference for the ratio column) and
 * the scenarios its goals compare (bench/run.js RATIO_GOALS, RSS_GOALS) by id.
 * To add a scenario, push an object onto `scenarios` below, or in another module:
 * `require('./scenarios').scenarios.push({...})`. `fleetDeployment`, `tenantFleetDeployment`,
 * `tenantScenario` and `writeDeployment` are exported to build deployments from the example.
 */
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

/**
 * A deployment file as the bench writes it (the input shape of lib/config/schema.ts).
 * @typedef {import('../lib/config/schema').DeploymentInput} DeploymentInput
 */
/**
 * What `stats(outdir)` of a tenant fleet scenario returns (bench/run.js prints it in the fleet table).
 * @typedef {object} FleetStats
 * @property {number} tenants
 * @property {number} shardCount
 * @property {number} shardStacks
 * @property {{ max: number, mean: number }} resourcesPerShard
 * @property {{ max: number, mean: number }} refreshCallsPerShard
 * @property {number} shardBudget
 * @property {boolean} withinBudget
 * @property {ShardStat[]} shards
 */
/**
 * One synthesized `tenants-<n>` stack: its resource + data entries and its estimated refresh calls.
 * @typedef {{ id: string, resources: number, calls: number }} ShardStat
 */
/**
 * A benchmark scenario (see the top of this file).
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} [id]
 * @property {string} family one of FAMILIES
 * @property {'node' | 'synth'} kind
 * @property {string[]} [args] node scenarios: the arguments of `node`
 * @property {(this: Scenario, dir: string) => string} [makeDeployment] synth scenarios: writes (or names) the deployment file
 * @property {(outdir: string, output: { stderr?: string }) => void} [check] synth scenarios: throws to fail a run
 * @property {(outdir: string) => FleetStats} [stats] called after each passing run
 * @property {boolean} [fleet] in the tenant fleet table, run BENCH_FLEET_RUNS times
 * @property {number} [tenants] tenant fleets: the number of tenants
 * @property {number} [shardCount] tenant fleets: recorded by makeDeployment
 * @property {number} [shardBudget] tenant fleets: recorded by makeDeployment
 */

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'deployment.example.yaml');
/** Cloudflare: at most this many hostnames per Access application (lib/core/limits.ts). */
const MAX_DESTINATIONS_PER_APP = 5;
/** DNS records a free zone may hold (lib/core/limits.ts); bigger fleets declare a paid plan. */
const FREE_PLAN_DNS_RECORDS = 200;

/**
 * The example deployment as a plain object (a fresh copy on every call).
 * @returns {DeploymentInput}
 */
function loadExample() {
  return YAML.parse(fs.readFileSync(EXAMPLE, 'utf8'));
}

/**
 * Write a deployment object as YAML into `dir`; returns the file path.
 * @param {string} dir
 * @param {string} fileName
 * @param {DeploymentInput} deployment
 */
function writeDeployment(dir, fileName, deployment) {
  const file = path.join(dir, fileName);
  // aliasDuplicateObjects: false: write shared objects out in full, never as YAML anchors/aliases
  // (the loader caps aliases at yaml's default of 100 and operators do not write them).
  fs.writeFileSync(file, YAML.stringify(deployment, { lineWidth: 0, aliasDuplicateObjects: false }));
  return file;
}

/**
 * The example deployment with its apps and routes replaced by `count` routed hostnames
 * `svc-0001.<zone>` -> `http://localhost:<10000 + i>`, every one gated: apps `fleet-001`, ... of
 * five hostnames each, all sharing the example app's policies, identity providers and session.
 * Everything else (groups, policies, sites, buckets, backend) is the example's.
 * @param {number} count
 */
function fleetDeployment(count) {
  const d = loadExample();
  const zone = d.cloudflare.zone;
  const template = Object.values(d.apps || {})[0];
  if (!template) throw new Error(`${EXAMPLE} has no app to copy policies and identity providers from`);
  const hostnames = Array.from({ length: count }, (_, i) => `svc-${String(i + 1).padStart(4, '0')}.${zone}`);
  d.name = `fleet-${count}`;
  d.apps = {};
  for (let i = 0; i < hostnames.length; i += MAX_DESTINATIONS_PER_APP) {
    const name = `fleet-${String(i / MAX_DESTINATIONS_PER_APP + 1).padStart(3, '0')}`;
    d.apps[name] = { ...structuredClone(template), hostnames: hostnames.slice(i, i + MAX_DESTINATIONS_PER_APP) };
  }
  d.routes = hostnames.map((hostname, i) => ({ hostname, service: `http://localhost:${10000 + i}` }));
  // Every routed hostname gets a DNS record: keep the deployment within its plan's limits.
  if (count + 10 > FREE_PLAN_DNS_RECORDS && d.cloudflare.plan === 'free') d.cloudflare.plan = 'pro';
  return { deployment: d, hostnames };
}

/**
 * A synth scenario over `fleetDeployment(count)`; checks the last hostname reached production.
 * @param {number} count
 * @returns {Scenario}
 */
function fleetScenario(count) {
  /** @type {string} */
  let last = '';
  return {
    name: `synth ${count} hostnames`,
    id: `fleet-${count}`,
    family: 'hostnames',
    kind: 'synth',
    makeDeployment(dir) {
      const { deployment, hostnames } = fleetDeployment(count);
      last = hostnames[hostnames.length - 1];
      return writeDeployment(dir, `fleet-${count}.yaml`, deployment);
    },
    check(outdir) {
      const json = fs.readFileSync(path.join(outdir, 'stacks', 'production', 'cdk.tf.json'), 'utf8');
      if (!json.includes(last)) throw new Error(`production stack does not mention ${last}; not every route was synthesized`);
    },
  };
}

/**
 * Estimated refresh API calls a shard stack may cost: `tenants.shard_budget`, default 1000
 * (lib/config/schema.ts, TenantsSchema; Cloudflare allows 1,200 API requests per 5 minutes). The
 * generated fleets leave it at the default, so this is the budget their shards are held to.
 */
const DEFAULT_SHARD_BUDGET = 1000;
/** Tenants per shard the fleets aim at: shard_count = ceil(n / 100), about 800 calls per shard. */
const TENANTS_PER_SHARD = 100;

/**
 * The example deployment plus `count` managed tenants `tenant-00000`, ... (ids only: default
 * subdomain, service and hashed shard), as `fleetInput()` in __tests__/helpers.ts builds them: plan
 * pro, raised tunnel / account-token / DNS-record limits so that 5,000 tenants validate,
 * shard_count = ceil(count / 100), a public_reason (no tenant has an Access app) and a key expiry.
 * @param {number} count
 * @param {number} [shardCount]
 */
function tenantFleetDeployment(count, shardCount = Math.max(1, Math.ceil(count / TENANTS_PER_SHARD))) {
  const d = loadExample();
  d.cloudflare.plan = 'pro';
  d.cloudflare.limits = { ...(d.cloudflare.limits || {}), tunnels: 10_000, account_tokens: 10_000, dns_records: 10_000 };
  const ids = Array.from({ length: count }, (_, i) => `tenant-${String(i).padStart(5, '0')}`);
  d.tenants = {
    shard_count: shardCount,
    public_reason: 'each tenant hub authenticates its own users',
    key_expires: '2030-06-30',
    members: ids.map((id) => ({ id })),
  };
  return { deployment: d, ids, shardCount, shardBudget: d.tenants.shard_budget ?? DEFAULT_SHARD_BUDGET };
}

/**
 * What the synthesized tenant shards hold: every `tenants-<n>` stack under <outdir>/stacks, with its
 * resource + data entry count, and its estimated refresh API calls (`cloudflare_*` resources + data
 * sources, the estimate tenants.shard_budget bounds). `ids` is the set of tenant ids mentioned.
 * @param {string} outdir
 * @returns {{ shards: ShardStat[], ids: Set<string> }}
 */
function tenantShardStats(outdir) {
  const stacksDir = path.join(outdir, 'stacks');
  const shards = fs
    .readdirSync(stacksDir)
    .filter((id) => /^tenants-\d+$/.test(id))
    .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)))
    .map((id) => {
      const text = fs.readFileSync(path.join(stacksDir, id, 'cdk.tf.json'), 'utf8');
      const json = JSON.parse(text);
      let resources = 0;
      let calls = 0;
      for (const block of [json.resource, json.data]) {
        for (const [type, byId] of Object.entries(block || {})) {
          const n = Object.keys(byId).length;
          resources += n;
          if (type.startsWith('cloudflare_')) calls += n;
        }
      }
      return { id, resources, calls, ids: new Set(text.match(/tenant-\d{5}/g) || []) };
    });
  /** @type {Set<string>} */
  const ids = new Set();
  for (const s of shards) for (const id of s.ids) ids.add(id);
  return { shards: shards.map(({ id, resources, calls }) => ({ id, resources, calls })), ids };
}

/**
 * A synth that writes more than 10 stacks prints one progress line per stack on stderr,
 * `synth <stack> (<i>/<n>) <resources> resources`, then `synth: <n> stacks, ... in <s> s`
 * (lib/synth.ts); one with 10 or fewer prints them only if it runs past 5 s. Checked on every run.
 * @param {string} outdir
 * @param {string} stderr
 */
function checkProgress(outdir, stderr) {
  const written = fs.readdirSync(path.join(outdir, 'stacks'));
  const lines = stderr.split('\n');
  const perStack = lines.filter((l) => /^synth \S+ \(\d+\/\d+\) [\d,]+ resources?$/.test(l));
  const total = lines.filter((l) => /^synth: [\d,]+ stacks, [\d,]+ resources in \d+\.\d s$/.test(l));
  if (written.length <= 10 && perStack.length === 0 && total.length === 0) return; // small and quick: nothing printed
  const expected = written.map((id) => id).sort();
  const named = perStack.map((l) => l.split(' ')[1]).sort();
  if (JSON.stringify(named) !== JSON.stringify(expected)) {
    throw new Error(`progress: ${perStack.length} per-stack lines for ${written.length} stacks (${written.length > 10 ? 'more than 10 stacks: one line each expected' : 'a line each once any is printed'})`);
  }
  // every per-stack line matched the pattern above, so it has its (i/n) counter
  const counters = perStack.map((l) => /** @type {RegExpMatchArray} */ (l.match(/\((\d+)\/(\d+)\)/)).slice(1).map(Number));
  if (counters.some(([i, n], k) => i !== k + 1 || n !== written.length)) throw new Error(`progress: counters are not 1/${written.length} .. ${written.length}/${written.length} in order`);
  if (total.length !== 1 || !total[0].startsWith(`synth: ${written.length} stacks, `)) throw new Error(`progress: no final line "synth: ${written.length} stacks, ... in <s> s"`);
}

/**
 * A synth scenario over `tenantFleetDeployment(count)`. `fleet: true` puts it in the fleet table
 * and under BENCH_FLEET_RUNS; the runner calls `stats(outdir)` after every run that passed `check`.
 * @param {number} count
 * @returns {Scenario}
 */
function tenantScenario(count) {
  /** @type {ReturnType<typeof tenantFleetDeployment> | undefined} */
  let plan;
  const planned = () => {
    if (!plan) throw new Error(`synth ${count} tenants: makeDeployment has not run`);
    return plan;
  };
  return {
    name: `synth ${count} tenants`,
    id: `tenants-${count}`,
    family: 'tenants',
    kind: 'synth',
    fleet: true,
    tenants: count,
    makeDeployment(dir) {
      plan = tenantFleetDeployment(count);
      this.shardCount = plan.shardCount;
      this.shardBudget = plan.shardBudget;
      return writeDeployment(dir, `tenants-${count}.yaml`, plan.deployment);
    },
    check(outdir, { stderr = '' } = {}) {
      const fleet = planned();
      const { shards, ids } = tenantShardStats(outdir);
      if (shards.length === 0) throw new Error('no tenants-<n> stack was synthesized');
      if (shards.length > fleet.shardCount) throw new Error(`${shards.length} tenant shard stacks for shard_count ${fleet.shardCount}`);
      const missing = fleet.ids.filter((id) => !ids.has(id));
      if (missing.length) throw new Error(`${missing.length} of ${count} tenants appear in no shard stack (first: ${missing[0]})`);
      checkProgress(outdir, stderr);
    },
    stats(outdir) {
      const fleet = planned();
      const { shards } = tenantShardStats(outdir);
      /** @param {'resources' | 'calls'} k */
      const max = (k) => Math.max(...shards.map((s) => s[k]));
      /** @param {'resources' | 'calls'} k */
      const mean = (k) => shards.reduce((sum, s) => sum + s[k], 0) / shards.length;
      return {
        tenants: count,
        shardCount: fleet.shardCount,
        shardStacks: shards.length,
        resourcesPerShard: { max: max('resources'), mean: mean('resources') },
        refreshCallsPerShard: { max: max('calls'), mean: mean('calls') },
        shardBudget: fleet.shardBudget,
        withinBudget: shards.every((s) => s.calls <= fleet.shardBudget),
        shards,
      };
    },
  };
}

const requireRoot = (/** @type {string[]} */ ...pkgs) => pkgs.map((p) => `require(${JSON.stringify(p)});`).join(' ');

/** Scenario families, for `--only` / BENCH_ONLY. */
const FAMILIES = ['core', 'hostnames', 'tenants'];

/**
 * In table order.
 * @type {Scenario[]}
 */
const scenarios = [
  { name: 'node (bare)', id: 'node', family: 'core', kind: 'node', args: ['-e', ''] },
  { name: 'node + tsx (bare)', id: 'tsx', family: 'core', kind: 'node', args: ['--import', 'tsx', '-e', ''] },
  {
    name: 'require cloudflare root',
    id: 'cloudflare-root',
    family: 'core',
    kind: 'node',
    args: ['-e', requireRoot('@cdktf/provider-cloudflare')],
  },
  { name: 'require google root', id: 'google-root', family: 'core', kind: 'node', args: ['-e', requireRoot('@cdktf/provider-google')] },
  {
    name: 'require both provider roots',
    id: 'provider-roots',
    family: 'core',
    kind: 'node',
    args: ['-e', requireRoot('@cdktf/provider-cloudflare', '@cdktf/provider-google')],
  },
  { name: 'synth example', id: 'example', family: 'core', kind: 'synth', makeDeployment: () => EXAMPLE },
  fleetScenario(10),
  fleetScenario(100),
  fleetScenario(1000),
  // Tenant fleets (second table; BENCH_FLEET_RUNS): ~100 tenants per shard stack.
  tenantScenario(100),
  tenantScenario(1000),
  tenantScenario(5000),
];

module.exports = {
  scenarios,
  FAMILIES,
  checkProgress,
  fleetScenario,
  fleetDeployment,
  tenantScenario,
  tenantFleetDeployment,
  tenantShardStats,
  writeDeployment,
  loadExample,
  DEFAULT_SHARD_BUDGET,
  ROOT,
  EXAMPLE,
};

'use strict';
/**
 * Benchmark scenarios for `npm run bench` (bench/run.js). Plain CommonJS, no build step.
 *
 * Each scenario is one child process, started fresh for every measured run. Two kinds:
 *
 *   { name, kind: 'node', args }
 *       runs `node <args...>` in the repository root (probes and baselines).
 *
 *   { name, kind: 'synth', makeDeployment(dir) -> path, check?(outdir) }
 *       `makeDeployment` writes (or names) a deployment YAML; `dir` is a private temp directory of
 *       the scenario. The runner then runs the app command from cdktf.json (`node bin/synth.js`), with
 *       GATEHOUSE_DEPLOYMENT=<path> and CDKTF_OUTDIR=<temp>, requires exit status 0 and
 *       <outdir>/stacks/production/cdk.tf.json, then calls `check(outdir)` (throw to fail).
 *
 * `id` is optional; the runner looks up `provider-roots` (the reference for the ratio column) and
 * `example` (the summary line) by id. To add a scenario (say a tenant fleet), push an object onto
 * `scenarios` below, or in another module: `require('./scenarios').scenarios.push({...})`.
 * `fleetDeployment` and `writeDeployment` are exported to build deployments from the example.
 */
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'deployment.example.yaml');
/** Cloudflare: at most this many hostnames per Access application (lib/core/limits.ts). */
const MAX_DESTINATIONS_PER_APP = 5;
/** DNS records a free zone may hold (lib/core/limits.ts); bigger fleets declare a paid plan. */
const FREE_PLAN_DNS_RECORDS = 200;

/** The example deployment as a plain object (a fresh copy on every call). */
function loadExample() {
  return YAML.parse(fs.readFileSync(EXAMPLE, 'utf8'));
}

/** Write a deployment object as YAML into `dir`; returns the file path. */
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

/** A synth scenario over `fleetDeployment(count)`; checks the last hostname reached production. */
function fleetScenario(count) {
  let last;
  return {
    name: `synth ${count} hostnames`,
    id: `fleet-${count}`,
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

const requireRoot = (...pkgs) => pkgs.map((p) => `require(${JSON.stringify(p)});`).join(' ');

/** In table order. */
const scenarios = [
  { name: 'node (bare)', id: 'node', kind: 'node', args: ['-e', ''] },
  { name: 'node + tsx (bare)', id: 'tsx', kind: 'node', args: ['--import', 'tsx', '-e', ''] },
  {
    name: 'require cloudflare root',
    id: 'cloudflare-root',
    kind: 'node',
    args: ['-e', requireRoot('@cdktf/provider-cloudflare')],
  },
  { name: 'require google root', id: 'google-root', kind: 'node', args: ['-e', requireRoot('@cdktf/provider-google')] },
  {
    name: 'require both provider roots',
    id: 'provider-roots',
    kind: 'node',
    args: ['-e', requireRoot('@cdktf/provider-cloudflare', '@cdktf/provider-google')],
  },
  { name: 'synth example', id: 'example', kind: 'synth', makeDeployment: () => EXAMPLE },
  fleetScenario(10),
  fleetScenario(100),
  fleetScenario(1000),
];

module.exports = { scenarios, fleetScenario, fleetDeployment, writeDeployment, loadExample, ROOT, EXAMPLE };

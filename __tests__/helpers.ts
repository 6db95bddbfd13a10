/** Test helpers: build a deployment from the example plus overrides, synthesize stacks to JSON. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { parse, stringify } from 'yaml';
import { buildStacks } from '../lib/app';
import type { ComplianceReport } from '../lib/checks/report';
import { DEFAULT_DEPLOYMENT, loadDeployment, parseDeployment } from '../lib/config/load';
import type { Deployment } from '../lib/config/schema';

/** Fixed "today" for tests that involve dates. */
export const TODAY = '2026-11-22';

/** The example deployment as a plain object (a fresh copy each call). */
export function exampleInput(): Record<string, any> {
  return parse(fs.readFileSync(DEFAULT_DEPLOYMENT, 'utf8'));
}

/** Validate a deployment object the way a file is validated. */
export function deploymentFrom(input: Record<string, any>): Deployment {
  return parseDeployment(stringify(input), 'test.yaml', { today: TODAY }).deployment;
}

export type SynthJson = Record<string, any>;

/** Synthesize a whole app (cross-stack references wired, as `cdktf synth` does); parsed JSON by stack id. */
export function synthAll(deployment: Deployment): Record<string, SynthJson> {
  const outdir = tempDir('gatehouse-synth-');
  try {
    synthToDir(deployment, outdir);
    const ids = fs.readdirSync(path.join(outdir, 'stacks')).sort();
    return Object.fromEntries(ids.map((id) => [id, JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8'))]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The example plus a fleet of `n` tenants `tenant-00000`..; limits raised so large fleets validate. */
export function fleetInput(n: number, shardCount = Math.max(1, Math.ceil(n / 100))): Record<string, any> {
  const d = exampleInput();
  d.cloudflare.plan = 'pro';
  d.cloudflare.limits = { tunnels: 10_000, account_tokens: 10_000, dns_records: 10_000 };
  d.tenants = {
    shard_count: shardCount,
    public_reason: 'each tenant hub authenticates its own users',
    key_expires: '2030-06-30',
    members: Array.from({ length: n }, (_, i) => ({ id: `tenant-${String(i).padStart(5, '0')}` })),
  };
  return d;
}

/** All resources of a type in a synthesized stack, as an array of [logical id, config]. */
export function resources(stack: SynthJson, type: string): Array<[string, Record<string, any>]> {
  return Object.entries(stack.resource?.[type] ?? {});
}

/** A temporary directory removed by the caller. */
export function tempDir(prefix = 'gatehouse-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Synthesize a full app into `outdir` the way `cdktf synth` does. */
export function synthToDir(deployment: Deployment, outdir: string, deploymentDir?: string): ComplianceReport {
  const app = new App({ outdir, stackTraces: false }); // as lib/synth.ts: no stack traces in the manifest
  const { report } = buildStacks(app, deployment, { today: TODAY, ...(deploymentDir ? { deploymentDir } : {}) });
  app.synth();
  return report;
}

/** Load and synthesize a committed example (`examples/<name>/deployment.yaml`): stacks by id, and the report. */
export function synthExample(name: string): { stacks: Record<string, SynthJson>; report: ComplianceReport; deployment: Deployment } {
  const file = path.join(__dirname, '..', 'examples', name, 'deployment.yaml');
  const { deployment } = loadDeployment(file, { today: TODAY });
  const outdir = tempDir('gatehouse-example-');
  try {
    const report = synthToDir(deployment, outdir, path.dirname(file));
    const ids = fs.readdirSync(path.join(outdir, 'stacks')).sort();
    const stacks = Object.fromEntries(ids.map((id) => [id, JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8'))]));
    return { stacks, report, deployment };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

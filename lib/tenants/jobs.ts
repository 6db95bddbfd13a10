/**
 * Pure planning for a split synth (issue 15): a big tenant fleet is synthesized in jobs, separate
 * processes that each build and write a few shard stacks, so that time and memory grow linearly
 * with the fleet instead of with the square of one ever-growing heap. See `lib/synth-jobs.ts`.
 *
 * A shard stack depends on nothing but its own tenants and the `access` stack (gated tenants
 * reference its policies and identity providers), so a job builds `access` and its shards' tenants
 * only; the main process builds every other stack plus the gated tenants, whose references add the
 * cross-stack outputs to `access` exactly as a whole-app synth does.
 */
import type { Deployment } from '../config/schema';
import { planShards, shardOf, shardStackId } from './plan';

/** Tenants a job synthesizes, about. */
export const DEFAULT_TENANTS_PER_JOB = 500;

/** One job of a split synth: consecutive shard stacks, in plan order. */
export interface SynthJob {
  /** 0, 1, ... in plan order. */
  readonly index: number;
  /** Stack ids (`tenants-<n>`) this job synthesizes. */
  readonly stackIds: readonly string[];
  /** Tenants in those shards. */
  readonly tenants: number;
}

/**
 * The shard stacks, in plan order, cut into ceil(tenants / tenantsPerJob) jobs of about equal
 * tenant counts (a shard is never split: a job may hold up to about one shard more than its share,
 * and a shard bigger than a job's share is a job of its own; empty shards ride along with their
 * neighbours). One job or none means the fleet is synthesized in one process.
 */
export function planSynthJobs(d: Pick<Deployment, 'tenants'>, tenantsPerJob = DEFAULT_TENANTS_PER_JOB): SynthJob[] {
  if (!Number.isInteger(tenantsPerJob) || tenantsPerJob < 1) throw new RangeError(`tenantsPerJob must be an integer >= 1, got ${tenantsPerJob}`);
  const shards = planShards(d);
  const total = shards.reduce((n, s) => n + s.tenants.length, 0);
  const count = Math.max(1, Math.ceil(total / tenantsPerJob));
  const share = total / count;
  // Each shard goes to the job its middle tenant falls in, so the cuts land near multiples of `share`.
  const groups = new Map<number, { stackIds: string[]; tenants: number }>();
  let before = 0;
  let last = 0;
  for (const shard of shards) {
    const size = shard.tenants.length;
    const at = total === 0 ? 0 : Math.min(count - 1, Math.max(last, Math.floor((before + size / 2) / share)));
    const group = groups.get(at) ?? { stackIds: [], tenants: 0 };
    group.stackIds.push(shard.stackId);
    group.tenants += size;
    groups.set(at, group);
    before += size;
    last = at;
  }
  return [...groups.values()].map((g, index) => ({ index, stackIds: g.stackIds, tenants: g.tenants }));
}

/** The deployment a job builds: only the tenants of the given shard stacks (shards stay where they are). */
export function deploymentForShards(d: Deployment, stackIds: readonly string[]): Deployment {
  const wanted = new Set(stackIds);
  const members = d.tenants.members.filter((t) => wanted.has(shardStackId(shardOf(t, d.tenants.shard_count))));
  return { ...d, tenants: { ...d.tenants, members } };
}

/**
 * The deployment the main process builds next to its jobs: every stack but the shards' ungated
 * tenants. The gated tenants stay so that their references register `access`'s cross-stack outputs;
 * their shard stacks are built but written by the jobs.
 */
export function deploymentForReferences(d: Deployment): Deployment {
  return { ...d, tenants: { ...d.tenants, members: d.tenants.members.filter((t) => t.access !== undefined) } };
}

/**
 * `npm run cutover -- --to standby|primary`: moves the public hostnames to the other site in the one
 * safe order, and records the result in the deployment file.
 *
 *   1. start the target connector (a deploy of the stack that owns its activation);
 *   2. poll the target tunnel through the Cloudflare API until it can serve (timeout, one line per poll);
 *   3. re-check it right before DNS moves, so a plan-time status is never what decides;
 *   4. move DNS (deploy `production`; its own health gate checks again at plan time);
 *   5. check every public record's content through the API;
 *   6. stop the other connector where the file asks for it (the standby always stops on a return to
 *      the primary; the primary stops only with `keep_primary_connector_on_cutover: false`);
 *   7. write `sites.active` into the deployment file and say to commit it.
 *
 * Every refusal is one line and comes before anything changes: a missing credential, a deployment
 * whose file and live DNS disagree, or a target tunnel that does not become healthy (after its
 * connector was started, which moves no traffic). Deploys are injected, so tests and the model
 * check drive this exact code.
 */
import type { Deployment } from '../config/schema';
import { GatehouseError } from '../core/errors';
import type { SynthesizedStackJson } from '../core/terraform';
import { DeploymentModel, modelOf } from '../deployment/model';
import { ACTIVATE_DNS, PRIMARY_CONNECTOR_ON } from '../deployment/variables';
import type { SiteRole } from './activation';
import { CloudflareApiError, CutoverApi } from './cloudflare-api';
import { SERVING_STATUSES } from './guards';
import { missingCredentials } from './preflight';

/** The stacks a cutover deploys. */
export type CutoverStack = 'standby' | 'production';

/** One `npx cdktf deploy <stack>` with the cutover variables in its environment. */
export interface DeployCommand {
  /** The stack to deploy. */
  readonly stack: CutoverStack;
  /** TF_VAR_<name> values (never secrets: secrets come from the operator's environment). */
  readonly variables: Readonly<Record<string, string>>;
}

/** The command line of a deploy step (the variables go into the child's environment, not its argv). */
export function deployArgv(stack: CutoverStack): string[] {
  return ['npx', 'cdktf', 'deploy', stack, '--ignore-missing-stack-dependencies', '--auto-approve'];
}

/** How a deploy step reads in a log line. */
export function describeDeploy(cmd: DeployCommand): string {
  const vars = Object.entries(cmd.variables).map(([k, v]) => `TF_VAR_${k}=${v}`);
  return [...vars, ...deployArgv(cmd.stack)].join(' ');
}

/** One step of the safe order. */
export type CutoverStep =
  | { readonly kind: 'deploy'; readonly phase: 'start' | 'move' | 'stop'; readonly purpose: string; readonly command: DeployCommand }
  | { readonly kind: 'wait-healthy'; readonly role: SiteRole }
  | { readonly kind: 'recheck-healthy'; readonly role: SiteRole }
  | { readonly kind: 'verify-records'; readonly role: SiteRole }
  | { readonly kind: 'keep'; readonly text: string }
  | { readonly kind: 'record'; readonly active: SiteRole };

/** The steps of a cutover to `to`, in order (pure: the model check interprets the same list). */
export function cutoverSteps(d: Deployment, to: SiteRole): CutoverStep[] {
  if (!d.sites) throw new GatehouseError([{ path: 'sites', message: 'is required for a cutover: it declares the two sites' }]);
  const stopsPrimary = !d.sites.keep_primary_connector_on_cutover;
  // Every deploy says every cutover variable the stack declares, so no default decides mid-cutover.
  const production = (activate: boolean, primaryOn: boolean): DeployCommand => ({
    stack: 'production',
    variables: { [ACTIVATE_DNS]: String(activate), ...(stopsPrimary ? { [PRIMARY_CONNECTOR_ON]: String(primaryOn) } : {}) },
  });
  const standby = (activate: boolean): DeployCommand => ({ stack: 'standby', variables: { [ACTIVATE_DNS]: String(activate) } });
  if (to === 'standby') {
    return [
      { kind: 'deploy', phase: 'start', purpose: 'start the standby connector (no traffic moves)', command: standby(true) },
      { kind: 'wait-healthy', role: 'standby' },
      { kind: 'recheck-healthy', role: 'standby' },
      { kind: 'deploy', phase: 'move', purpose: 'move every public record to the standby tunnel', command: production(true, true) },
      { kind: 'verify-records', role: 'standby' },
      stopsPrimary
        ? { kind: 'deploy', phase: 'stop', purpose: 'stop the primary connector (keep_primary_connector_on_cutover: false)', command: production(true, false) }
        : { kind: 'keep', text: 'keep the primary connector running (keep_primary_connector_on_cutover: true), for an instant return' },
      { kind: 'record', active: 'standby' },
    ];
  }
  return [
    stopsPrimary
      ? { kind: 'deploy', phase: 'start', purpose: 'start the primary connector (no traffic moves)', command: production(true, true) }
      : { kind: 'keep', text: 'the primary connector never stopped (keep_primary_connector_on_cutover: true)' },
    { kind: 'wait-healthy', role: 'primary' },
    { kind: 'recheck-healthy', role: 'primary' },
    { kind: 'deploy', phase: 'move', purpose: 'move every public record back to the primary tunnel', command: production(false, false) },
    { kind: 'verify-records', role: 'primary' },
    { kind: 'deploy', phase: 'stop', purpose: 'stop the standby connector', command: standby(false) },
    { kind: 'record', active: 'primary' },
  ];
}

/** What a cutover needs: the deployment, where to go, and every effect (API, deploys, output) injected. */
export interface CutoverOptions {
  /** The deployment, or its model (`LoadedDeployment.model`), resolved once either way. */
  readonly deployment: Deployment | DeploymentModel;
  /** The deployment file, as the operator named it (for messages). */
  readonly file: string;
  /** The site to move every public record to. */
  readonly to: SiteRole;
  /** Print the steps and change nothing (the read-only checks still run). */
  readonly dryRun?: boolean;
  /** Synthesized stacks by id, for the credential preflight. */
  readonly stacks: Readonly<Record<string, SynthesizedStackJson | undefined>>;
  /** The environment (credentials and TF_VAR_ secrets are checked, never printed). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The Cloudflare API reads (tunnels, status, records). */
  readonly api: CutoverApi;
  /** Runs one deploy; rejects when it fails. */
  readonly deploy: (command: DeployCommand) => Promise<void>;
  /** Writes `sites.active` into the deployment file. */
  readonly recordActive: (active: SiteRole) => void;
  /** @default 300 000 */
  readonly timeoutMs?: number;
  /** @default 5 000 */
  readonly pollMs?: number;
  /** Progress lines (stdout) and the one refusal line (stderr). */
  readonly out: (line: string) => void;
  /** The refusal or failure line. */
  readonly err: (line: string) => void;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
}

/** How a cutover ended. `changed` says whether anything was deployed or written. */
export interface CutoverResult {
  /** How it ended. */
  readonly outcome: 'done' | 'nothing-to-do' | 'dry-run' | 'refused' | 'failed';
  /** Whether anything was deployed or written. */
  readonly changed: boolean;
  /** The exit status for the command. */
  readonly exitCode: number;
}

/** A refusal (nothing that carries traffic changed) or a failure part-way: one line for the operator. */
class Stop extends Error {
  constructor(
    message: string,
    public readonly refusal = true,
  ) {
    super(message);
  }
}

/** Where every public record points right now. */
type Applied = { kind: 'site'; role: SiteRole } | { kind: 'mixed'; detail: string } | { kind: 'missing'; hostname: string } | { kind: 'foreign'; detail: string };

/** A tunnel as the cutover sees it. */
interface CutoverTunnel {
  readonly id: string;
  readonly name: string;
  readonly cname: string;
}

/**
 * Run a cutover (see the module comment for the steps and refusals).
 *
 * @example
 * const result = await runCutover({ deployment, file, to: 'standby', stacks, env: process.env, api, deploy, recordActive, out, err });
 * process.exitCode = result.exitCode;
 */
export async function runCutover(o: CutoverOptions): Promise<CutoverResult> {
  const run = new CutoverRun(o);
  try {
    return await run.execute();
  } catch (error) {
    if (error instanceof Stop || error instanceof CloudflareApiError) {
      const refused = error instanceof Stop ? error.refusal : !run.changed;
      o.err(`gatehouse cutover: ${refused ? 'refused' : 'failed'}: ${error.message}`);
      return { outcome: refused ? 'refused' : 'failed', changed: run.changed, exitCode: 1 };
    }
    throw error;
  }
}

/** One cutover: the read-only preflight, then each step of the safe order. */
class CutoverRun {
  /** Whether anything was deployed or written yet. */
  public changed = false;
  private readonly m: DeploymentModel;
  private readonly other: SiteRole;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private tunnels = {} as Record<SiteRole, CutoverTunnel>;
  private hostnames: ReadonlyArray<{ hostname: string; zoneId: string }> = [];

  constructor(private readonly o: CutoverOptions) {
    this.m = modelOf(o.deployment);
    this.other = o.to === 'standby' ? 'primary' : 'standby';
    this.timeoutMs = o.timeoutMs ?? 300_000;
    this.pollMs = o.pollMs ?? 5_000;
    this.sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    this.now = o.now ?? Date.now;
  }

  public async execute(): Promise<CutoverResult> {
    const { o } = this;
    const recorded = await this.preflight();
    if (recorded === o.to) {
      this.say(`nothing to do: sites.active is ${o.to} and every public record points at the ${o.to} tunnel ${this.tunnels[o.to].name}`);
      return { outcome: 'nothing-to-do', changed: this.changed, exitCode: 0 };
    }
    const steps = cutoverSteps(this.m.deployment, o.to);
    this.say(`${this.other} -> ${o.to} (${this.m.name}, ${o.file})${o.dryRun ? ', dry run: nothing will change' : ''}`);
    steps.forEach((s, i) => o.out(`  ${i + 1}. ${this.describe(s)}`));
    if (o.dryRun) return { outcome: 'dry-run', changed: this.changed, exitCode: 0 };
    for (const [i, step] of steps.entries()) await this.runStep(step, `step ${i + 1}/${steps.length}`);
    this.say(`done: every public record points at the ${o.to} tunnel ${this.tunnels[o.to].name}`);
    return { outcome: 'done', changed: this.changed, exitCode: 0 };
  }

  private say(line: string): void {
    this.o.out(`gatehouse cutover: ${line}`);
  }

  /** Read-only: credentials, both tunnels, and where every public record points. Returns the recorded site. */
  private async preflight(): Promise<SiteRole> {
    const { o, m } = this;
    const sites = m.sites;
    if (!sites?.standby) throw new Stop(`${o.file} declares no sites.standby: there is no other site to cut over to`);
    const missing = missingCredentials(o.stacks, ['standby', 'production'], o.env);
    if (missing.length > 0) throw new Stop(missing.length === 1 ? missing[0] : missing.join('; '));
    for (const site of [sites.primary, sites.standby]) {
      const t = await o.api.tunnelByName(m.accountId, site.tunnelName);
      if (!t) throw new Stop(`tunnel ${site.tunnelName} does not exist: deploy the stacks first (npx cdktf deploy '*')`);
      this.tunnels[site.role] = { id: t.id, name: site.tunnelName, cname: `${t.id}.cfargotunnel.com` };
    }
    this.hostnames = m.routeZones.flatMap((z) => z.hostnames.map((hostname) => ({ hostname, zoneId: z.zone.zoneId })));
    const applied = await readApplied(o.api, this.hostnames, this.tunnels);
    const recorded = sites.active;
    if (applied.kind === 'missing') {
      throw new Stop(`${applied.hostname} has no CNAME record: deploy production first (npx cdktf deploy '*' records sites.active: ${recorded})`);
    }
    if (applied.kind === 'foreign') throw new Stop(`${applied.detail}, which is neither site's tunnel: fix the record, then run this again`);
    if (applied.kind === 'mixed') {
      throw new Stop(
        `the public records point at both tunnels (${applied.detail}): re-apply sites.active: ${recorded} with ` +
          `npx cdktf deploy production --ignore-missing-stack-dependencies, then run this again`,
      );
    }
    if (applied.role !== recorded) {
      throw new Stop(
        `${o.file} records sites.active: ${recorded} but every public record points at the ${applied.role} tunnel ` +
          `(a cutover or override that was not recorded): set sites.active: ${applied.role} in ${o.file}, commit it, then run this again`,
      );
    }
    return recorded;
  }

  private describe(s: CutoverStep): string {
    switch (s.kind) {
      case 'deploy':
        return `${s.purpose}: ${describeDeploy(s.command)}`;
      case 'wait-healthy':
        return `wait until tunnel ${this.tunnels[s.role].name} is healthy (poll every ${this.pollMs / 1000}s, timeout ${this.timeoutMs / 1000}s)`;
      case 'recheck-healthy':
        return `re-check that tunnel ${this.tunnels[s.role].name} is healthy right before DNS moves`;
      case 'verify-records':
        return `check that all ${this.hostnames.length} public records point at ${this.tunnels[s.role].cname}`;
      case 'keep':
        return s.text;
      case 'record':
        return `write sites.active: ${s.active} into ${this.o.file} (commit it)`;
    }
  }

  private async runStep(step: CutoverStep, at: string): Promise<void> {
    switch (step.kind) {
      case 'deploy':
        return this.deploy(step, at);
      case 'wait-healthy':
        return this.waitHealthy(step.role, at);
      case 'recheck-healthy':
        return this.recheckHealthy(step.role, at);
      case 'verify-records':
        return this.verifyRecords(step.role, at);
      case 'keep':
        this.say(`${at}: ${step.text}`);
        return;
      case 'record':
        this.record(step.active, at);
        return;
    }
  }

  private async deploy(step: Extract<CutoverStep, { kind: 'deploy' }>, at: string): Promise<void> {
    this.say(`${at}: ${this.describe(step)}`);
    this.changed = true;
    try {
      await this.o.deploy(step.command);
    } catch (error) {
      throw new Stop(`${at} failed (${oneLine(error)}): ${afterFailure(step, this.o.to, this.other)}`, false);
    }
  }

  private async waitHealthy(role: SiteRole, at: string): Promise<void> {
    const { id, name } = this.tunnels[role];
    const seconds = this.timeoutMs / 1000;
    const started = this.now();
    for (;;) {
      const status = await this.o.api.tunnelStatus(this.m.accountId, id);
      const elapsed = Math.round((this.now() - started) / 1000);
      this.say(`${at}: tunnel ${name} is ${status || 'unknown'} (${elapsed}s of ${seconds}s)`);
      if (SERVING_STATUSES.includes(status)) return;
      if (this.now() - started >= this.timeoutMs) {
        throw new Stop(
          `tunnel ${name} is not healthy after ${seconds}s (status ${status || 'unknown'}); DNS was not moved. ` +
            `Check the ${role} host, then run this again${this.changed ? ` (a deploy with no TF_VAR_* stops the ${role} connector again)` : ''}`,
        );
      }
      await this.sleep(this.pollMs);
    }
  }

  private async recheckHealthy(role: SiteRole, at: string): Promise<void> {
    const { id, name } = this.tunnels[role];
    const status = await this.o.api.tunnelStatus(this.m.accountId, id);
    if (!SERVING_STATUSES.includes(status)) {
      throw new Stop(`tunnel ${name} went ${status || 'unknown'} right before the DNS step; DNS was not moved. Check the ${role} host, then run this again`);
    }
    this.say(`${at}: tunnel ${name} is ${status}`);
  }

  private async verifyRecords(role: SiteRole, at: string): Promise<void> {
    const want = this.tunnels[role].cname;
    const wrong: string[] = [];
    for (const h of this.hostnames) {
      const content = await this.o.api.cnameContent(h.zoneId, h.hostname);
      if (content !== want) wrong.push(`${h.hostname} -> ${content ?? 'no record'}`);
    }
    if (wrong.length > 0) {
      throw new Stop(`after the DNS step ${wrong.join(', ')}, not ${want}; the ${this.other} connector was left running; run this again`, false);
    }
    this.say(`${at}: all ${this.hostnames.length} public records point at ${want}`);
  }

  private record(active: SiteRole, at: string): void {
    const file = this.o.file;
    try {
      this.o.recordActive(active);
    } catch (error) {
      throw new Stop(`could not write sites.active: ${active} into ${file} (${oneLine(error)}): set it by hand and commit it`, false);
    }
    this.say(`${at}: recorded sites.active: ${active} in ${file}; commit it: git commit -m "cutover to ${active}" -- ${file}`);
  }
}

/** What a failed deploy step leaves, and what to do next. */
function afterFailure(step: Extract<CutoverStep, { kind: 'deploy' }>, to: SiteRole, other: SiteRole): string {
  switch (step.phase) {
    case 'move':
      return `the ${to} connector runs and DNS may have partly moved; run this again (the records' health gate re-checks)`;
    case 'stop':
      return `DNS already points at the ${to} tunnel and the ${other} connector still runs; run this again to finish`;
    case 'start':
      return `no traffic moved; fix the cause and run this again`;
  }
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 200);
}

async function readApplied(
  api: CutoverApi,
  hostnames: ReadonlyArray<{ hostname: string; zoneId: string }>,
  tunnels: Readonly<Record<SiteRole, { readonly cname: string }>>,
): Promise<Applied> {
  const on: Record<SiteRole, string[]> = { primary: [], standby: [] };
  for (const h of hostnames) {
    const content = await api.cnameContent(h.zoneId, h.hostname);
    if (content === undefined) return { kind: 'missing', hostname: h.hostname };
    const role = (['primary', 'standby'] as const).find((r) => tunnels[r].cname === content);
    if (!role) return { kind: 'foreign', detail: `${h.hostname} points at ${content}` };
    on[role].push(h.hostname);
  }
  if (on.primary.length > 0 && on.standby.length > 0) {
    return { kind: 'mixed', detail: `${on.primary.length} on primary, ${on.standby.length} on standby, e.g. ${on.standby[0]}` };
  }
  return { kind: 'site', role: on.standby.length > 0 ? 'standby' : 'primary' };
}

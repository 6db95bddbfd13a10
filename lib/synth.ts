/**
 * Synthesizes into a staging directory next to the output directory and moves the result in only
 * when the whole app synthesized (policy pack included), so a failed synth never leaves a
 * half-written `cdktf.out`. Moving in replaces only what a synth writes (each stack's files, the
 * manifest, the report); terraform's own files in the stack directories (`.terraform/`, the lock
 * file, any state) are kept.
 *
 * A synth that writes more than `PROGRESS_MIN_STACKS` stacks, or runs past `PROGRESS_AFTER_MS`,
 * prints one line per stack on stderr (`synth tenants-17 (18/50) 1,000 resources`) and a final
 * line with the total time; smaller, quicker synths print nothing (issue 15).
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, ISynthesisSession, TerraformDataSource, TerraformRemoteState, TerraformResource, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { ComplianceReport } from './checks/report';
import { makeStagingDirectory } from './core/paths';

/** The report's file name inside the output directory. */
export const COMPLIANCE_REPORT = 'gatehouse-compliance.json';
/** Progress lines are printed for a synth that writes more stacks than this... */
export const PROGRESS_MIN_STACKS = 10;
/** ...or that runs longer than this (milliseconds). */
export const PROGRESS_AFTER_MS = 5000;

/** Where progress lines go and how time is measured (tests inject both). */
export interface SynthProgressOptions {
  /**
   * Receives each line (without the newline).
   * @default - writes to stderr
   */
  readonly write?: (line: string) => void;
  /**
   * A clock in milliseconds.
   * @default performance.now
   */
  readonly now?: () => number;
  /**
   * When the synth started, on that clock.
   * @default - when the reporter is constructed
   */
  readonly startedAt?: number;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Progress of one synth: `stackDone` once per written stack, `finish` at the end. Until a synth
 * proves big (more than `PROGRESS_MIN_STACKS` stacks in total) or slow (past `PROGRESS_AFTER_MS`)
 * nothing is printed; once it is, the lines held back so far come out first, so every stack gets
 * its line.
 *
 * @example
 * const progress = new SynthProgress(53);
 * progress.stackDone('tenants-17', 1000); // synth tenants-17 (1/53) 1,000 resources
 * progress.finish(); // synth: 53 stacks, 1,000 resources in 0.4 s
 */
export class SynthProgress {
  private readonly write: (line: string) => void;
  private readonly now: () => number;
  private readonly start: number;
  private readonly held: string[] = [];
  private printing: boolean;
  private done = 0;
  private resources = 0;

  constructor(
    /** Stacks the synth writes in all. */
    public readonly total: number,
    options: SynthProgressOptions = {},
  ) {
    this.write = options.write ?? ((line) => process.stderr.write(`${line}\n`));
    this.now = options.now ?? (() => performance.now());
    this.start = options.startedAt ?? this.now();
    this.printing = total > PROGRESS_MIN_STACKS;
  }

  /** Whether lines are being printed (the synth proved big or slow). */
  public get active(): boolean {
    return this.printing;
  }

  /** One stack was written, with this many resources and data sources. */
  public stackDone(stackId: string, resources: number): void {
    this.done += 1;
    this.resources += resources;
    this.emit(`synth ${stackId} (${this.done}/${this.total}) ${count(resources)} resource${resources === 1 ? '' : 's'}`);
  }

  /** The synth finished: the total line, if progress was printed. */
  public finish(): void {
    this.checkClock();
    if (!this.printing) return;
    const seconds = (this.now() - this.start) / 1000;
    this.write(`synth: ${count(this.done)} stacks, ${count(this.resources)} resources in ${seconds.toFixed(1)} s`);
  }

  private emit(line: string): void {
    this.checkClock();
    if (this.printing) this.write(line);
    else this.held.push(line);
  }

  private checkClock(): void {
    if (this.printing || this.now() - this.start <= PROGRESS_AFTER_MS) return;
    this.printing = true;
    for (const line of this.held.splice(0)) this.write(line);
  }
}

/** Resources, data sources and remote states of a stack: the `resource` and `data` entries it synthesizes. */
export function stackResourceCount(stack: TerraformStack): number {
  let n = 0;
  const visit = (c: IConstruct) => {
    if (TerraformResource.isTerraformResource(c) || TerraformDataSource.isTerraformDataSource(c) || c instanceof TerraformRemoteState) n += 1;
    for (const child of c.node.children) if (!TerraformStack.isStack(child)) visit(child);
  };
  visit(stack);
  return n;
}

/** Hooks of `synthApp`: which stacks to write, and what to do after each. */
export interface SynthAppOptions {
  /**
   * Write only the stacks this returns true for; the others are built and prepared (so that their
   * cross-stack references register on the stacks they read) but write nothing and are not in the
   * manifest.
   * @default - every stack
   */
  readonly only?: (stackId: string) => boolean;
  /**
   * Called after each stack is written.
   * @default - nothing
   */
  readonly onStack?: (stackId: string, resources: number) => void;
}

/**
 * `build` the app into `outdir` and synthesize it (cdktf's `app.synth()`: every stack prepared,
 * then each synthesized and written, then the manifest), with the hooks of `options`. Returns the
 * app (its manifest can be extended and written again) and the report `build` returned.
 */
export function synthApp(
  outdir: string,
  build: (app: App) => ComplianceReport | void,
  options: SynthAppOptions = {},
): { app: App; report: ComplianceReport | void } {
  // No stack traces in the manifest's annotations: they name this process's files and lines (the
  // checkout path, the bundle), so a warning would make manifest.json differ between two checkouts.
  const app = new App({ outdir, stackTraces: false });
  const report = build(app);
  for (const stack of app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c))) {
    const inner = stack.synthesizer;
    const id = stack.node.id;
    const write = options.only?.(id) ?? true;
    stack.synthesizer = {
      synthesize(session: ISynthesisSession) {
        if (!write) return;
        inner.synthesize(session);
        options.onStack?.(id, stackResourceCount(stack));
      },
    };
  }
  app.synth();
  return { app, report };
}

/**
 * Run `fill(staging)` on a fresh staging directory beside `outdir`, then move what it wrote into
 * `outdir`; if `fill` throws, nothing is moved and the staging directory is removed.
 */
export function withStaging<T>(outdir: string, fill: (staging: string) => T): T {
  const target = path.resolve(outdir);
  const staging = makeStagingDirectory(target);
  try {
    const result = fill(staging);
    moveIn(staging, target);
    return result;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** `withStaging` for an asynchronous `fill`. */
export async function withStagingAsync<T>(outdir: string, fill: (staging: string) => Promise<T>): Promise<T> {
  const target = path.resolve(outdir);
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}-staging-`));
  try {
    const result = await fill(staging);
    moveIn(staging, target);
    return result;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Write the report into a synthesized output directory. */
export function writeReport(outdir: string, report: ComplianceReport): void {
  fs.writeFileSync(path.join(outdir, COMPLIANCE_REPORT), report.toJson());
}

/**
 * Build and synthesize an app into `outdir` atomically (see the top of this file), with progress
 * lines for big or slow synths, and write the report `build` returns beside the stacks.
 */
export function synthAtomically(
  build: (app: App) => ComplianceReport | void,
  outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out',
  progressOptions: SynthProgressOptions = {},
): ComplianceReport | void {
  const options = { startedAt: performance.now(), ...progressOptions };
  return withStaging(outdir, (staging) => {
    let progress: SynthProgress | undefined;
    const { report } = synthApp(
      staging,
      (app) => {
        const r = build(app);
        progress = new SynthProgress(app.node.findAll().filter((c) => TerraformStack.isStack(c)).length, options);
        return r;
      },
      { onStack: (id, resources) => progress?.stackDone(id, resources) },
    );
    progress?.finish();
    if (report) writeReport(staging, report);
    return report;
  });
}

/** Move every synthesized entry of `from` into `to`, replacing the same entries and nothing else. */
function moveIn(from: string, to: string): void {
  if (!fs.existsSync(to)) {
    fs.renameSync(from, to);
    return;
  }
  for (const entry of fs.readdirSync(from)) {
    const [src, dst] = [path.join(from, entry), path.join(to, entry)];
    if (entry === 'stacks' && fs.existsSync(dst)) {
      for (const stack of fs.readdirSync(src)) moveIn(path.join(src, stack), path.join(dst, stack));
      continue;
    }
    fs.rmSync(dst, { recursive: true, force: true });
    fs.renameSync(src, dst);
  }
}

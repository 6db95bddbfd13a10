/**
 * Synthesizes into a staging directory next to the output directory and moves the result in only
 * when the whole app synthesized (policy pack included), so a failed synth never leaves a
 * half-written `cdktf.out`. Moving in replaces only what a synth writes (each stack's files, the
 * manifest, the report); terraform's own files in the stack directories (`.terraform/`, the lock
 * file, any state) are kept.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import type { ComplianceReport } from './checks/report';
import { makeStagingDirectory } from './core/paths';

/** The report's file name inside the output directory. */
export const COMPLIANCE_REPORT = 'gatehouse-compliance.json';

export function synthAtomically(
  build: (app: App) => ComplianceReport | void,
  outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out',
): ComplianceReport | void {
  const target = path.resolve(outdir);
  const staging = makeStagingDirectory(target);
  try {
    const app = new App({ outdir: staging });
    const report = build(app);
    app.synth();
    if (report) fs.writeFileSync(path.join(staging, COMPLIANCE_REPORT), report.toJson());
    moveIn(staging, target);
    return report;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
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

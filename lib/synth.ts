/**
 * Synthesizes into a staging directory next to the output directory and swaps it in only when the
 * whole app synthesized (policy pack included), so a failed synth never leaves a half-written
 * `cdktf.out`. The compliance report is written inside it as `gatehouse-compliance.json`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import type { ComplianceReport } from './checks/report';

/** The report's file name inside the output directory. */
export const COMPLIANCE_REPORT = 'gatehouse-compliance.json';

export function synthAtomically(
  build: (app: App) => ComplianceReport | void,
  outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out',
): ComplianceReport | void {
  const target = path.resolve(outdir);
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}-staging-`));
  try {
    const app = new App({ outdir: staging });
    const report = build(app);
    app.synth();
    if (report) fs.writeFileSync(path.join(staging, COMPLIANCE_REPORT), report.toJson());
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
    return report;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

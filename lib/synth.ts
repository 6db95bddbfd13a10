/**
 * Synthesizes into a staging directory next to the output directory and swaps it in only when the
 * whole app synthesized, so a failed synth never leaves a half-written `cdktf.out`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';

export function synthAtomically(build: (app: App) => void, outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out'): void {
  const target = path.resolve(outdir);
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}-staging-`));
  try {
    const app = new App({ outdir: staging });
    build(app);
    app.synth();
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The files a command reads and writes, resolved the way the user means them. */
import * as fs from 'fs';
import * as path from 'path';
import { deploymentPath } from '../config/load';
import { GatehouseError } from '../core/errors';
import { resolveUserPath } from '../core/paths';

/** The deployment file: the argument (relative to where the user is), else GATEHOUSE_DEPLOYMENT, else the example. */
export function deploymentFileArg(given: string | undefined, env: NodeJS.ProcessEnv): string {
  return given !== undefined ? resolveUserPath(given, env) : deploymentPath(env);
}

/**
 * The output directory: `--output` or `CDKTF_OUTDIR` (relative to where the user is), else `cdktf.out`
 * in the working directory (the package root under npm, where cdktf puts it).
 */
export function outputDirArg(given: string | true | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (typeof given === 'string') return resolveUserPath(given, env);
  if (env.CDKTF_OUTDIR) return resolveUserPath(env.CDKTF_OUTDIR, env);
  return path.resolve(cwd, 'cdktf.out');
}

/** Write a file whole or not at all (a temporary file beside it, renamed into place); creates its directory. */
export function writeFileAtomically(file: string, text: string): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing was created
    }
    const err = e as NodeJS.ErrnoException;
    throw new GatehouseError([{ path: file, message: `cannot be written (${err.code === 'ENOTDIR' || err.code === 'EEXIST' ? 'a file is in the way' : (err.code ?? err.message)}); choose another output directory (--output or CDKTF_OUTDIR)` }]);
  }
}

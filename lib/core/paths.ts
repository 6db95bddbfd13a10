import * as fs from 'fs';
import * as path from 'path';
import { GatehouseError } from './errors';

/**
 * The project root: the nearest directory above this module that holds `cloud-init/`. Found by
 * walking up, so it is right whether the code runs from source (tsx, jest) or from the in-memory
 * bundle that `bin/synth.js` builds.
 */
function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'cloud-init', 'connector-host.yaml'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`gatehouse: cannot find the project root above ${start}`);
  }
}

/** The project root (the directory that holds `cloud-init/`), whether the code runs from source, a bundle or dist. */
export const PROJECT_ROOT = findRoot(__dirname);

/**
 * The directory the user ran the command from: `INIT_CWD` under npm (npm runs scripts in the package
 * root and records where they were started there; https://docs.npmjs.com/cli/v11/commands/npm-run-script),
 * else the process's working directory. Paths a user gives are relative to it.
 */
export function userDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.INIT_CWD && path.isAbsolute(env.INIT_CWD) ? env.INIT_CWD : process.cwd();
}

/** A path the user gave, resolved against the directory they ran the command from. */
export function resolveUserPath(given: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(userDirectory(env), given);
}

/**
 * A fresh staging directory beside an output directory (`<parent>/.<name>-staging-XXXXXX`). A parent
 * that does not exist yet is created (as cdktf creates its output directory); one that cannot be
 * created or written is refused with one line naming the resolved path, never a stack trace.
 */
export function makeStagingDirectory(target: string): string {
  const parent = path.dirname(target);
  const refuse = (what: string, e: unknown): never => {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'ENOTDIR' || err.code === 'EEXIST' ? 'a file is in the way' : (err.code ?? err.message);
    throw new GatehouseError([{ path: target, message: `cannot be written: ${what} ${parent} (${why}); choose another output directory (--output or CDKTF_OUTDIR)` }]);
  };
  try {
    fs.mkdirSync(parent, { recursive: true });
  } catch (e) {
    refuse('cannot create its parent directory', e);
  }
  try {
    return fs.mkdtempSync(path.join(parent, `.${path.basename(target)}-staging-`));
  } catch (e) {
    return refuse('cannot create a staging directory in', e);
  }
}

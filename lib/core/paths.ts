import * as fs from 'fs';
import * as path from 'path';

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

export const PROJECT_ROOT = findRoot(__dirname);

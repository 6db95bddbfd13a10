/**
 * Running the cdktf CLI from gatehouse: which executable the project has (`cdktf` from cdktf-cli, or
 * `cdktn` from CDK Terrain's cdktn-cli, also when installed under the alias `cdktf-cli`), always through
 * `npx` from the project's own node_modules and with checkpoint (HashiCorp's version check and
 * telemetry, https://github.com/hashicorp/go-checkpoint) disabled.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The cdktf CLI executable installed for the project in `dir` (`cdktf` or `cdktn`), or undefined. */
export function cdktfExecutable(dir: string): string | undefined {
  for (const pkg of ['cdktf-cli', 'cdktn-cli']) {
    try {
      const manifest = require.resolve(`${pkg}/package.json`, { paths: [dir] });
      const bin = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> }).bin;
      const names = typeof bin === 'string' ? [pkg] : Object.keys(bin ?? {});
      const found = ['cdktf', 'cdktn'].find((n) => names.includes(n));
      if (found) return found;
    } catch {
      // not installed under this name
    }
  }
  return undefined;
}

/** The output directory cdktf uses in `dir`: cdktf.json's `output`, else `cdktf.out`. */
export function cdktfOutput(dir: string): string {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8')) as { output?: unknown };
    if (typeof config.output === 'string' && config.output) return path.resolve(dir, config.output);
  } catch {
    // no cdktf.json, or not JSON: cdktf's own default
  }
  return path.resolve(dir, 'cdktf.out');
}

/** Run `npx <cdktf> <args>` in `cwd` with the terminal attached; resolves to its exit status. */
export function runCdktf(executable: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', [executable, ...args], { cwd, env: { ...env, CHECKPOINT_DISABLE: '1' }, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

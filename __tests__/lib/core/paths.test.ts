/**
 * Where paths resolve: the directory the user ran the command from (INIT_CWD under npm), the
 * deployment file GATEHOUSE_DEPLOYMENT names, and the staging directory beside an output directory
 * whose parent may not exist yet.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { DEFAULT_DEPLOYMENT, deploymentPath } from '../../../lib/config/load';
import { GatehouseError } from '../../../lib/core/errors';
import { makeStagingDirectory, resolveUserPath, userDirectory } from '../../../lib/core/paths';
import { synthAtomically } from '../../../lib/synth';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-paths-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the user directory is INIT_CWD (absolute) under npm, else the working directory', () => {
  expect(userDirectory({ INIT_CWD: '/home/u/project/sub' })).toBe('/home/u/project/sub');
  expect(userDirectory({})).toBe(process.cwd());
  expect(userDirectory({ INIT_CWD: 'relative/nonsense' })).toBe(process.cwd());
  expect(resolveUserPath('../edge.yaml', { INIT_CWD: '/home/u/project/sub' })).toBe('/home/u/project/edge.yaml');
  expect(resolveUserPath('/abs/edge.yaml', { INIT_CWD: '/home/u' })).toBe('/abs/edge.yaml');
});

test('GATEHOUSE_DEPLOYMENT relative to the user directory, absolute as given; unset: the example', () => {
  expect(deploymentPath({ GATEHOUSE_DEPLOYMENT: 'edge.yaml', INIT_CWD: '/srv/ops/staging' })).toBe('/srv/ops/staging/edge.yaml');
  expect(deploymentPath({ GATEHOUSE_DEPLOYMENT: '/etc/edge.yaml', INIT_CWD: '/srv' })).toBe('/etc/edge.yaml');
  expect(deploymentPath({})).toBe(DEFAULT_DEPLOYMENT);
  expect(path.isAbsolute(DEFAULT_DEPLOYMENT)).toBe(true);
});

test('an output directory whose parent does not exist: the parent is created and the synth lands there', () => {
  const target = path.join(dir, 'new', 'deeper', 'out');
  synthAtomically(() => undefined, target);
  expect(fs.readdirSync(target).sort()).toEqual(['manifest.json', 'stacks']);
  expect(fs.readdirSync(path.dirname(target))).toEqual(['out']); // the staging directory is gone
});

test('a parent that cannot be created is refused in one line naming the output directory, without a trace', () => {
  // A plain path: messages hide values that look like secrets, and a random mkdtemp name can.
  const plain = path.join(os.tmpdir(), `gatehouse-paths-test-${process.pid}`);
  fs.mkdirSync(plain, { recursive: true });
  const file = path.join(plain, 'plain-file');
  fs.writeFileSync(file, '');
  const target = path.join(file, 'out');
  let error: unknown;
  try {
    makeStagingDirectory(target);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(GatehouseError);
  expect((error as GatehouseError).lines()).toEqual([
    `${target}: cannot be written: cannot create its parent directory ${file} (a file is in the way); choose another output directory (--output or CDKTF_OUTDIR)`,
  ]);
  expect(() => synthAtomically((app: App) => void app, path.join(file, 'sub', 'out'))).toThrow(GatehouseError);
  fs.rmSync(plain, { recursive: true, force: true });
});

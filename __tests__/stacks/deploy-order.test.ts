/**
 * How the cutover runbook's order was checked: this drives cdktf-cli 0.21.0's own scheduling
 * functions (@cdktf/cli-core stack-helpers, the code `cdktf deploy` uses) with the dependencies
 * recorded in our synthesized manifest.
 */
import * as fs from 'fs';
import * as path from 'path';
import { deploymentFrom, exampleInput, synthToDir, tempDir } from '../helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- cdktf-cli's own scheduler, driven with stand-in stacks ({name, dependencies}) rather than the CdktfStack/SynthesizedStack its declarations ask for, so it is loaded untyped
const helpers = require('@cdktf/cli-core/src/lib/helpers/stack-helpers');

interface Executor {
  stack: { name: string; dependencies: string[] };
  currentState: string;
  isPending: boolean;
}

/** The stack dependencies a synth records in manifest.json, by stack id. */
function manifestDependencies(input: Record<string, any>): Record<string, string[]> {
  const dir = tempDir();
  try {
    synthToDir(deploymentFrom(input), dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    return Object.fromEntries(Object.entries<any>(manifest.stacks).map(([k, v]) => [k, v.dependencies]));
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}

let dependencies: Record<string, string[]>;
beforeAll(() => {
  dependencies = manifestDependencies(exampleInput());
});

/** The order `cdktf deploy <names...>` runs stacks in. */
async function deployOrder(names: string[], deps: Record<string, string[]> = dependencies): Promise<string[]> {
  const dependencies = deps;
  const executors: Executor[] = names.map((name) => ({ stack: { name, dependencies: dependencies[name] }, currentState: 'pending', isPending: true }));
  const order: string[] = [];
  for (;;) {
    const next: Executor | undefined = await helpers.getStackWithNoUnmetDependencies(executors);
    if (!next) return order;
    order.push(next.stack.name);
    next.currentState = 'done';
    next.isPending = false;
  }
}

test('the stacks depend one way: access -> standby -> production', () => {
  expect(dependencies).toEqual({ access: [], standby: ['access'], production: ['access', 'standby'] });
});

test('deploy runs dependencies first whatever the argument order', async () => {
  expect(await deployOrder(['production', 'standby', 'access'])).toEqual(['access', 'standby', 'production']);
});

test('so a rollback cannot be one command: production must be deployed alone, before standby', () => {
  const stacks = (names: string[]) => names.map((name) => ({ name, dependencies: dependencies[name] }));
  expect(() => helpers.checkIfAllDependenciesAreIncluded(stacks(['production']))).toThrow('--ignore-missing-stack-dependencies');
  expect(() => helpers.checkIfAllDependenciesAreIncluded(stacks(['standby']))).toThrow('--ignore-missing-stack-dependencies');
  expect(() => helpers.checkIfAllDependenciesAreIncluded(stacks(['access', 'standby', 'production']))).not.toThrow();
});

describe('with Pages sites', () => {
  // GIVEN the example with a Pages site whose custom domain an app gates
  let withPages: Record<string, string[]>;
  beforeAll(() => {
    const input = exampleInput();
    input.pages = { docs: { project: 'example-docs', domains: ['docs.example.com'] } };
    input.apps.docs = { hostnames: ['docs.example.com'], policies: ['allow-staff'], idps: ['workspace'] };
    withPages = manifestDependencies(input);
  });

  test('access depends on pages: a custom domain exists before the Access app that covers it', () => {
    expect(withPages).toEqual({ pages: [], access: ['pages'], standby: ['access'], production: ['access', 'standby'] });
  });

  test('deploy runs pages before access whatever the argument order', async () => {
    expect(await deployOrder(['production', 'access', 'standby', 'pages'], withPages)).toEqual(['pages', 'access', 'standby', 'production']);
  });

  test('access cannot be deployed without pages (cdktf refuses the missing dependency)', () => {
    const stacks = (names: string[]) => names.map((name) => ({ name, dependencies: withPages[name] }));
    expect(() => helpers.checkIfAllDependenciesAreIncluded(stacks(['access']))).toThrow('--ignore-missing-stack-dependencies');
    expect(() => helpers.checkIfAllDependenciesAreIncluded(stacks(['pages', 'access']))).not.toThrow();
  });
});

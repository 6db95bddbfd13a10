/**
 * Support for the construct unit tests under __tests__/lib/cloudflare: synthesize a scope, find
 * resources by type or by construct path, and catch GatehouseErrors.
 *
 * `Testing.synth` strips the `//` metadata (and with it `metadata.path`) from the JSON, so construct
 * paths are mapped to logical ids through the construct tree of the synthesized stack instead.
 *
 * `Testing.synthScope` and `Testing.app()` create a fresh /tmp/cdktf.outdir.* directory per call and
 * never remove it; `synth` does exactly what `synthScope` does, but every app of a test file shares one
 * output directory that is removed after the file's tests.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AnnotationMetadataEntryType, App, TerraformElement, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { GatehouseError, Problem } from '../../../../lib/core/errors';

export type Json = Record<string, any>;

/** The synthesized JSON of one stack, with lookups by type and by construct path. */
export class Synthesized {
  constructor(
    public readonly json: Json,
    public readonly stack: TerraformStack,
  ) {}

  /** All resources of a type, as [logical id, config] pairs. */
  public resources(type: string): Array<[string, Json]> {
    return Object.entries(this.json.resource?.[type] ?? {});
  }

  /** The only resource of a type (fails when there are none or several). */
  public only(type: string): Json {
    const found = this.resources(type);
    if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
    return found[0][1];
  }

  /** The logical id of the element at a construct path relative to the stack, e.g. `b/bucket`. */
  public logicalId(path: string): string {
    const full = `${this.stack.node.path}/${path}`;
    const element = this.stack.node.findAll().find((c) => c.node.path === full);
    if (!(element instanceof TerraformElement)) throw new Error(`no terraform element at ${full}`);
    return element.friendlyUniqueId;
  }

  /** The resource of a type at a construct path relative to the stack. */
  public at(type: string, path: string): Json {
    const id = this.logicalId(path);
    const config = this.json.resource?.[type]?.[id];
    if (!config) throw new Error(`no ${type} with logical id ${id} (construct ${path})`);
    return config;
  }

  /** The value of a Terraform output. */
  public output(name: string): unknown {
    const out = this.json.output?.[name];
    if (!out) throw new Error(`no output ${name}`);
    return out.value;
  }
}

let outdir: string | undefined;

afterAll(() => {
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  outdir = undefined;
});

/** A testing app (as `Testing.app()`) whose output directory is shared and cleaned up. */
function testApp(): App {
  outdir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-unit-'));
  return Testing.app({ outdir });
}

/** A fresh stack, as `Testing.synthScope` creates it. */
export function newStack(): TerraformStack {
  return new TerraformStack(testApp(), 'stack');
}

/** Build constructs in a fresh stack and synthesize it, exactly as `Testing.synthScope` does, and parse the result. */
export function synth(build: (scope: Construct) => void): Synthesized {
  const stack = newStack();
  build(stack);
  return new Synthesized(JSON.parse(Testing.synth(stack)), stack);
}

/** The problems of the GatehouseError thrown by `fn`; fails when nothing or something else is thrown. */
export function problemsOf(fn: () => unknown): Problem[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatehouseError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a GatehouseError, but nothing was thrown');
}

/** Assert that `fn` throws a GatehouseError with a problem at exactly `path` whose message contains `message`. */
export function expectProblem(fn: () => unknown, path: string, message: string): Problem {
  const problems = problemsOf(fn);
  const match = problems.find((p) => p.path === path && p.message.includes(message));
  if (!match) {
    throw new Error(`no problem at ${path} containing "${message}"; got:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  }
  return match;
}

/** Warning annotations attached to a construct itself. */
export function warningsOf(construct: Construct): string[] {
  return construct.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
}

/** A Cloudflare account id (32 lower-case hex characters). */
export const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';

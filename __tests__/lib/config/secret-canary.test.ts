/**
 * Canary: no message ever prints a value that looks like a secret. Every string field of the schema
 * (walked from the generated JSON schema, so a new field is covered the day it is added) and every
 * map key gets a secret-shaped value; no output line (error or warning) may contain it. The yaml
 * layer (aliases, malformed text) and the command-line path are covered too.
 */
import { stringify } from 'yaml';
import { deploymentJsonSchema } from '../../../lib/config/json-schema';
import { parseDeployment } from '../../../lib/config/load';
import { problemLines } from '../../../lib/core/cli';
import { GatehouseError, SECRET_NOT_SHOWN } from '../../../lib/core/errors';
import { exampleInput, TODAY } from '../../helpers';
import { SECRETS } from '../core/secrets';

type Schema = Record<string, any>;
type Step = { kind: 'prop'; name: string } | { kind: 'key' } | { kind: 'item' } | { kind: 'branch'; schema: Schema };

/** Every string field of the schema, as steps from the root (map keys and union branches included). */
function stringFields(node: Schema, steps: Step[] = []): Step[][] {
  const out: Step[][] = [];
  for (const [name, child] of Object.entries<Schema>(node.properties ?? {})) out.push(...stringFields(child, [...steps, { kind: 'prop', name }]));
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    out.push([...steps, { kind: 'key' }]);
    out.push(...stringFields(node.additionalProperties, [...steps, { kind: 'key' }]));
  }
  if (node.items) out.push(...stringFields(node.items, [...steps, { kind: 'item' }]));
  for (const union of ['anyOf', 'oneOf'] as const) for (const branch of node[union] ?? []) out.push(...stringFields(branch, [...steps, { kind: 'branch', schema: branch }]));
  if (node.type === 'string') out.push(steps);
  return out;
}

/** The example with `secret` written at the field (containers created as needed; a union branch's `type` set). */
function withSecret(steps: Step[], secret: string, asKey: boolean): Record<string, any> {
  const doc = exampleInput();
  let parent: any = null;
  let slot: string | number = '';
  let here: any = doc;
  const descend = (next: string | number, empty: () => unknown) => {
    if (here[next] === undefined || here[next] === null || typeof here[next] !== 'object') here[next] = empty();
    parent = here;
    slot = next;
    here = here[next];
  };
  steps.forEach((step, i) => {
    const last = i === steps.length - 1;
    const following = steps[i + 1];
    const empty = () => (following?.kind === 'item' ? [] : {});
    if (step.kind === 'prop') {
      if (last) [parent, slot] = [here, step.name];
      else descend(step.name, empty);
    } else if (step.kind === 'item') {
      if (last) [parent, slot] = [here, 0];
      else descend(0, empty);
    } else if (step.kind === 'key') {
      const key = asKey && last ? secret : 'canary';
      if (last) [parent, slot] = [here, key];
      else descend(key, empty);
    } else {
      const tag = step.schema.properties?.type?.const;
      if (tag !== undefined && here && typeof here === 'object' && !Array.isArray(here)) here.type = tag;
    }
  });
  if (!(asKey && steps[steps.length - 1]?.kind === 'key')) parent[slot] = secret;
  else parent[slot] = {};
  return doc;
}

/** Every line a load prints: the problems, or the warnings. */
function outputOf(doc: Record<string, any>): string[] {
  try {
    return [...parseDeployment(stringify(doc), 'deploy.yaml', { today: TODAY }).warnings];
  } catch (e) {
    if (!(e instanceof GatehouseError)) throw e;
    return e.lines();
  }
}

const FIELDS = stringFields(JSON.parse(deploymentJsonSchema()));
const KINDS = Object.entries(SECRETS);
const label = (steps: Step[]) => steps.map((s) => (s.kind === 'prop' ? s.name : s.kind === 'key' ? '<key>' : s.kind === 'item' ? '[]' : '|')).join('.');

/** The parts of a secret that must never show: 8+ character pieces of each line of it. */
function needles(secret: string): string[] {
  return secret.split('\n').flatMap((line) => (line.length >= 16 ? [line.slice(0, 12), line.slice(-12)] : line.length >= 8 ? [line] : []));
}

test('the walk finds every string field (at least the 116 the schema has today)', () => {
  expect(FIELDS.length).toBeGreaterThanOrEqual(116);
  expect(FIELDS.map(label)).toEqual(expect.arrayContaining(['identity_providers.<key>.|.secret_variable', 'routes.[].service', 'backend.|.prefix']));
});

describe('no message echoes a secret-shaped value, in any string field or map key', () => {
  // One secret kind per field, rotating (every kind lands on many fields), keeps this cheap.
  test.each(FIELDS.map((steps, i) => [label(steps), steps, i] as const))('%s', (_, steps, i) => {
    const [kind, secret] = KINDS[i % KINDS.length];
    const asKey = steps[steps.length - 1]?.kind === 'key';
    const lines = outputOf(withSecret(steps, secret, asKey));
    // THEN the file is refused (a secret never gets through) and no line carries any piece of the secret
    expect([kind, lines.length > 0]).toEqual([kind, true]);
    for (const line of lines) for (const needle of needles(secret)) expect([kind, line]).not.toEqual([kind, expect.stringContaining(needle)]);
  });

  test.each(KINDS)('every kind of secret is refused without echo in a few representative fields: %s', (_, secret) => {
    for (const field of ['identity_providers.<key>.|.secret_variable', 'identity_providers.<key>.|.client_id', 'routes.[].service', 'buckets.<key>.public.reason']) {
      const steps = FIELDS.find((f) => label(f) === field)!;
      const lines = outputOf(withSecret(steps, secret, false));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) for (const needle of needles(secret)) expect(line).not.toContain(needle);
    }
  });
});

describe('the yaml layer and the command line never echo a secret either', () => {
  const secret = SECRETS['google oauth client secret'];

  test('an unknown alias named like a secret, and malformed yaml around one', () => {
    for (const text of [`name: *${secret}\n`, `name: example\ncloudflare: [${secret}\n`, `name: "${secret}\n`]) {
      let lines: string[] = [];
      try {
        parseDeployment(text, 'deploy.yaml', { today: TODAY });
      } catch (e) {
        lines = (e as GatehouseError).lines();
      }
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).not.toContain('GOCSPX');
    }
  });

  test("cdktf's construct validation errors are redacted before they are printed", () => {
    const lines = problemLines(new Error(`Validation failed with the following errors:\n  [stack/x] bad value ${secret}\n  [stack/x] bad value ${secret}`));
    expect(lines).toEqual([`[stack/x] bad value <${SECRET_NOT_SHOWN}>`]);
  });
});

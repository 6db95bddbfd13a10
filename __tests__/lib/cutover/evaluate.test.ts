/**
 * Batch evaluation: synthesized templates rewritten into one `for` expression per batch give exactly
 * what terraform gives the JSON templates one by one.
 */
import { evaluate, evaluateBatch, evaluateBatches, toNativeExpression } from '../../../lib/cutover/evaluate';

const id = (t: string) => t;

test('a template becomes a quoted native template: literal quotes, backslashes and newlines escaped; escapes and interpolations kept', () => {
  expect(toNativeExpression('${var.a ? "x" : "y"}', id)).toBe('"${var.a ? "x" : "y"}"');
  expect(toNativeExpression('say "hi" \\ ${var.a}\n$${keep} %%{keep}', id)).toBe('"say \\"hi\\" \\\\ ${var.a}\\n$${keep} %%{keep}"');
  expect(toNativeExpression('${var.a ? "${b.c_d.e}.x" : "lit"}', (t) => t.toUpperCase())).toBe('"${VAR.A ? "${B.C_D.E}.x" : "lit"}"');
  expect(toNativeExpression({ 'a.example.com': '${x}', n: [1, true, null] }, id)).toBe('{"a.example.com" = "${x}", "n" = [1, true, null]}');
});

test('references inside string literals of an expression are not rewritten', () => {
  const seen: string[] = [];
  toNativeExpression('${contains(["data.a_b.c.d"], data.x_y.z.w)}', (t) => (seen.push(t), t));
  expect(seen.join('|')).not.toContain('data.a_b.c.d');
  expect(seen.join('|')).toContain('data.x_y.z.w');
});

test('evaluateBatch agrees with evaluate on every case, in one terraform run', () => {
  const expressions = {
    msg: 'Refusing "${var.on ? "a" : "b"}": status is "${var.on ? data.t_s.s.status : data.t_s.p.status}"',
    ok: '${var.on || contains(["healthy"], data.t_s.p.status)}',
    list: '${[for key, val in toset(data.t_r.q.result): val.name]}',
  };
  const cases = [true, false].flatMap((on) =>
    ['healthy', 'down'].map((p) => ({
      variables: { on },
      stubs: { 'data.t_s.s.status': 'inactive', 'data.t_s.p.status': p, 'data.t_r.q.result': [{ name: 'b.example.com' }, { name: 'a.example.com' }] },
    })),
  );
  const batch = evaluateBatch({ expressions, cases });
  const one = cases.map((c) => evaluate({ expressions, stubs: c.stubs, variables: { on: { type: 'bool', value: String(c.variables.on) } } }));
  expect(batch).toEqual(one);
  expect(batch[1]).toEqual({ msg: 'Refusing "a": status is "inactive"', ok: true, list: ['a.example.com', 'b.example.com'] });
});

test('a later expression can read an earlier one of the same case (an output that reads a resource attribute)', () => {
  const [a, b] = evaluateBatches([
    { expressions: { content: '${var.x}-id' }, after: { out: { h: '${res_a.r.content}' } }, links: { 'res_a.r.content': 'content' }, cases: [{ variables: { x: 'p' }, stubs: {} }] },
    { expressions: { v: '${res_a.r.id}' }, cases: [{ variables: {}, stubs: { 'res_a.r.id': '${not a template}' } }] },
  ]);
  expect(a).toEqual([{ content: 'p-id', out: { h: 'p-id' } }]);
  expect(b).toEqual([{ v: '${not a template}' }]); // stub data is never read as a template
});

test('a variable or reference without a value in some case is an error, not a guess', () => {
  expect(() => evaluateBatch({ expressions: { a: '${var.x}' }, cases: [{ variables: {}, stubs: {} }] })).toThrow('evaluateBatch: no value for var.x');
  expect(() => evaluateBatch({ expressions: { a: '${data.t_s.p.status}' }, cases: [{ variables: {}, stubs: {} }] })).toThrow(
    'evaluateBatch: no value for data.t_s.p.status',
  );
});

test('an expression terraform cannot evaluate (an undeclared variable) is an Error naming terraform\'s diagnostic, not a JSON parse failure', () => {
  // GIVEN an expression that reads a variable the evaluation does not declare
  // WHEN it is evaluated (terraform console exits 0 and prints "(known after apply)" in this case)
  // THEN the error carries terraform's own first diagnostic line
  expect(() => evaluate({ expressions: { a: '${var.declared && var.undeclared}' }, variables: { declared: { type: 'bool', value: 'true' } } })).toThrow(
    'terraform console could not evaluate the expressions: Error: Reference to undeclared input variable',
  );
});

// node bin/synth.js scripts/function-lengths.ts [limit]: the longest functions in lib/ and stacks/ and the
// count of non-null assertions (`x!`); exits 1 when a function is longer than the limit (80 lines,
// issue 16; ESLint's max-lines-per-function enforces it once the linter lands).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const limit = Number(process.argv[3] ?? 80);
const files = execFileSync('git', ['ls-files', 'lib', 'stacks'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f.endsWith('.ts'));
const functions: Array<{ where: string; name: string; lines: number }> = [];
const nonNull: string[] = [];
for (const file of files) {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const line = (pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const name = node.name?.getText(source) ?? (ts.isConstructorDeclaration(node) ? 'constructor' : '<anonymous>');
      functions.push({ where: `${file}:${line(node.getStart(source))}`, name, lines: line(node.end) - line(node.getStart(source)) + 1 });
    }
    if (node.kind === ts.SyntaxKind.NonNullExpression) nonNull.push(`${file}:${line(node.getStart(source))}`);
    ts.forEachChild(node, visit);
  };
  visit(source);
}
functions.sort((a, b) => b.lines - a.lines);
for (const f of functions.slice(0, 10)) process.stdout.write(`${String(f.lines).padStart(4)}  ${f.where} ${f.name}\n`);
const over = functions.filter((f) => f.lines > limit);
process.stdout.write(`${functions.length} functions in ${files.length} files; ${over.length} over ${limit} lines; ${nonNull.length} non-null assertions\n`);
for (const n of nonNull) process.stdout.write(`  non-null assertion at ${n}\n`);
process.exitCode = over.length ? 1 : 0;

#!/usr/bin/env node
/**
 * `npm run check` (and `npm test`, beside jest): the static checks on ONE TypeScript program.
 *
 * 1. tsc: builds the program of tsconfig.json once and reports its diagnostics, as `tsc --noEmit`.
 * 2. ESLint (eslint.config.js) on the repository; typed files are linted with that same program
 *    (typescript-eslint's `parserOptions.programs`), so it is not built a second time.
 * 3. TypeDoc on that same program, no output written: the public API as `npm run docs` documents it
 *    (typedoc.json: lib/index.ts and lib/deployment/index.ts), validated for types it references but
 *    does not export and for broken links; then every module of lib/ and stacks/, validated for a doc
 *    comment on every export and every public member, `@default` on optional props and `@example`
 *    on constructs and stacks (scripts/typedoc-plugin.js).
 *
 * Every problem fails the check: tsc errors, ESLint errors and warnings, TypeDoc warnings.
 *
 *   node bin/check.js
 */
'use strict';
const path = require('path');
const ts = require('typescript');
const { ESLint } = require('eslint');
const td = require('typedoc');
const { eslintConfig } = require('../eslint.config.js');

const ROOT = path.join(__dirname, '..');

/** @param {number} start */
const seconds = (start) => ((Date.now() - start) / 1000).toFixed(1);

/** The program of tsconfig.json and its diagnostics (configuration included), as tsc builds them. */
function typeCheck() {
  const configFile = path.join(ROOT, 'tsconfig.json');
  /** @type {ts.Diagnostic[]} */
  const configProblems = [];
  const config = ts.getParsedCommandLineOfConfigFile(configFile, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => configProblems.push(d),
  });
  if (!config) return { program: undefined, diagnostics: configProblems };
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options: config.options,
    projectReferences: config.projectReferences,
    configFileParsingDiagnostics: config.errors,
  });
  return { program, diagnostics: [...config.errors, ...ts.getPreEmitDiagnostics(program)] };
}

/** @param {readonly ts.Diagnostic[]} diagnostics */
function formatDiagnostics(diagnostics) {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  });
}

/**
 * ESLint with the given program for the typed files.
 * @param {ts.Program} program
 */
async function lint(program) {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    baseConfig: eslintConfig({ programs: [program] }),
    errorOnUnmatchedPattern: false,
  });
  const results = await eslint.lintFiles(['.']);
  const problems = results.reduce((n, r) => n + r.errorCount + r.warningCount, 0);
  const formatter = await eslint.loadFormatter('stylish');
  const output = await formatter.format(results);
  return { problems, output, files: results.length };
}

/** A TypeDoc logger that keeps its warnings and errors instead of printing them. */
class KeepingLogger extends td.Logger {
  /** @type {string[]} */
  messages = [];
  /**
   * @param {string} message
   * @param {td.LogLevel} level
   */
  log(message, level) {
    super.log(message, level);
    if (level >= td.LogLevel.Warn) this.messages.push(message);
  }
  /**
   * @param {string} message
   * @param {td.LogLevel} _level
   * @param {unknown[]} args a TypeScript node, or a position and a file, when TypeDoc gives one
   */
  addContext(message, _level, ...args) {
    const [first, second] = args;
    if (first && typeof first === 'object' && 'getSourceFile' in first) {
      const node = /** @type {ts.Node} */ (first);
      const file = node.getSourceFile();
      const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
      return `${path.relative(ROOT, file.fileName)}:${line + 1} ${message}`;
    }
    if (typeof first === 'number' && second && typeof second === 'object' && 'fileName' in second) {
      return `${path.relative(ROOT, String(second.fileName))} (offset ${first}) ${message}`;
    }
    return message;
  }
}

/**
 * TypeDoc's conversion and validation, on the given program.
 * @param {ts.Program} program
 */
async function documentation(program) {
  const app = await td.Application.bootstrapWithPlugins({ options: path.join(ROOT, 'typedoc.json'), logLevel: 'Warn', disableSources: false }, [new td.TypeDocReader()]);
  const logger = new KeepingLogger();
  app.logger = logger;
  /** @param {string[]} files absolute paths */
  const entryPoints = (files) =>
    files.map((file) => {
      const sourceFile = program.getSourceFile(file);
      if (!sourceFile) throw new Error(`check: ${path.relative(ROOT, file)} is not in the program of tsconfig.json`);
      return { displayName: path.relative(ROOT, file).replace(/\.ts$/, ''), program, sourceFile };
    });
  const validation = app.options.getValue('validation');
  // the public API, as `npm run docs` documents it: exports and links
  app.options.setValue('validation', { ...validation, notDocumented: false });
  const publicApi = app.converter.convert(entryPoints(app.options.getValue('entryPoints')));
  app.validate(publicApi);
  // every module of lib/ and stacks/: doc comments, @default, @example
  app.options.setValue('validation', { ...validation, notExported: false, invalidLink: false });
  const modules = program
    .getRootFileNames()
    .filter((f) => /^(lib|stacks)\/.*\.ts$/.test(path.relative(ROOT, f)) && !f.endsWith('.d.ts'));
  app.validate(app.converter.convert(entryPoints(modules)));
  return { messages: [...new Set(logger.messages)] };
}

async function main() {
  const start = Date.now();
  const { program, diagnostics } = typeCheck();
  const tscSeconds = seconds(start);
  if (diagnostics.length) process.stdout.write(formatDiagnostics(diagnostics));
  if (!program) return 1;

  const lintStart = Date.now();
  const lintResult = await lint(program);
  if (lintResult.output) process.stdout.write(lintResult.output);
  const lintSeconds = seconds(lintStart);

  const docStart = Date.now();
  const docs = await documentation(program);
  const docSeconds = seconds(docStart);

  for (const m of docs.messages) process.stdout.write(`typedoc: ${m}\n`);

  const verdict = (/** @type {number} */ n, /** @type {string} */ what) => (n ? `${n} ${what}` : 'ok');
  process.stdout.write(
    `check: tsc ${verdict(diagnostics.length, 'diagnostics')} (${tscSeconds} s), ` +
      `eslint ${verdict(lintResult.problems, 'problems')} in ${lintResult.files} files (${lintSeconds} s), ` +
      `typedoc ${verdict(docs.messages.length, 'warnings')} (${docSeconds} s)\n`,
  );
  return diagnostics.length || lintResult.problems || docs.messages.length ? 1 : 0;
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (/** @type {unknown} */ e) => {
    process.stderr.write(`check: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);

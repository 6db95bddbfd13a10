/**
 * ESLint for gatehouse (flat config). `npm test` lints through bin/check.js, which builds the one
 * TypeScript program of tsconfig.json, reports tsc's diagnostics and hands the same program to
 * typescript-eslint (`parserOptions.programs`), so the program is built once. `npx eslint <files>`
 * uses this file as it is, with typescript-eslint's project service instead.
 *
 * - lib/, stacks/, main.ts, scripts/*.ts: typescript-eslint's strictTypeChecked (with type
 *   information), tuned below, each tuning with its reason; `max-lines-per-function` 80 (every line counted, comments and blanks too) in lib/ and
 *   stacks/ (issue 16).
 * - __tests__/: the non-type-aware `strict` preset, tuned for tests.
 * - JavaScript (bin/, bench/, scripts/*.js, the jest hooks, .ci/): eslint's recommended rules; the
 *   files are type-checked by tsc (`checkJs` in tsconfig.json).
 * - Everywhere: an `eslint-disable` comment must give its reason (`-- reason`), and one that
 *   disables nothing is an error.
 */
'use strict';
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const { defineConfig, globalIgnores } = require('eslint/config');

/** Files linted with type information (strictTypeChecked). */
const TYPED = ['lib/**/*.ts', 'stacks/**/*.ts', 'main.ts', 'scripts/**/*.ts'];

/** A local rule: every `eslint-disable` comment says why (`-- reason`). */
const disableNeedsReason = {
  meta: { type: 'problem', messages: { reason: 'an eslint-disable comment must give its reason: `-- <why>`' }, schema: [] },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const text = comment.value.trim();
          if (!/^eslint-disable(-next-line|-line)?(\s|$)/.test(text)) continue;
          if (!/\s--\s+\S/.test(text)) context.report({ loc: comment.loc ?? { line: 1, column: 0 }, messageId: 'reason' });
        }
      },
    };
  },
};

/**
 * The configuration.
 * @param {object} [options]
 * @param {import('typescript').Program[]} [options.programs] the program(s) to lint typed files with
 *   (bin/check.js); default: typescript-eslint's project service
 */
function eslintConfig({ programs } = {}) {
  const parserOptions = programs ? { programs, projectService: false } : { projectService: true, tsconfigRootDir: __dirname };
  return defineConfig([
    globalIgnores(['node_modules/', 'dist/', 'cdktf.out/', 'docs/api/', 'coverage/', 'state/', 'tmp/']),
    // examples/*/worker.js are user scripts for the Workers runtime, not part of the package
    globalIgnores(['examples/']),
    {
      linterOptions: { reportUnusedDisableDirectives: 'error', reportUnusedInlineConfigs: 'error' },
      plugins: { gatehouse: { rules: { 'disable-needs-reason': disableNeedsReason } } },
      rules: { 'gatehouse/disable-needs-reason': 'error' },
    },
    {
      files: ['**/*.js'],
      extends: [js.configs.recommended],
      languageOptions: { ecmaVersion: 2022, sourceType: 'commonjs' },
      rules: {
        // tsc checks every name in these files (checkJs; tsconfig.json includes them)
        'no-undef': 'off',
      },
    },
    {
      files: ['**/*.ts'],
      extends: [js.configs.recommended, tseslint.configs.strict],
      rules: {
        // `_`-prefixed parameters and destructured leftovers are deliberate (tsc's noUnusedParameters agrees)
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      },
    },
    {
      files: ['__tests__/**/*.ts'],
      rules: {
        // tests read synthesized Terraform JSON and API bodies as `any`: the shape is what they assert
        '@typescript-eslint/no-explicit-any': 'off',
        // a test that dereferences a missing value fails right there; a guard would restate the expectation
        '@typescript-eslint/no-non-null-assertion': 'off',
        // tests set and then delete environment variables by name (`delete process.env[name]`)
        '@typescript-eslint/no-dynamic-delete': 'off',
      },
    },
    {
      files: TYPED,
      extends: [tseslint.configs.strictTypeChecked],
      languageOptions: { parserOptions },
      rules: {
        // numbers and booleans print as expected in messages and Terraform expressions
        '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
        // an async function without await is how a handler returns a Promise whose throws are rejections
        // (Command.run); no-floating-promises and await-thenable catch the mistakes that matter
        '@typescript-eslint/require-await': 'off',
        // `X | void` is how a callback may return a value or nothing (synthAtomically's `build`)
        '@typescript-eslint/no-invalid-void-type': 'off',
        // `(line) => process.stderr.write(line)`-style callbacks are an idiom, not a confusion
        '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      },
    },
    {
      files: ['lib/cli/commands.ts', 'scripts/gen-schema.ts'],
      rules: {
        // a command's handler (the schema for npm run schema) is require()d only when it runs, so --help
        // loads nothing; an import() would not do: jest's esbuild transform leaves it native, and jest
        // cannot run that
        '@typescript-eslint/no-require-imports': 'off',
      },
    },
    {
      files: ['lib/**/*.ts', 'stacks/**/*.ts'],
      rules: {
        // issue 16: no function in lib/ or stacks/ over 80 lines (blank lines and comments not counted)
        'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }],
      },
    },
  ]);
}

module.exports = eslintConfig();
module.exports.eslintConfig = eslintConfig;
module.exports.TYPED = TYPED;

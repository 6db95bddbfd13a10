/**
 * Runs a synth for a command-line entry point: every known problem is printed one line each on
 * stderr, with no stack trace, and the exit status is non-zero. Nothing is written on failure.
 */
import { GatehouseError, redactSecrets } from './errors';

/** cdktf reports failed construct validations as one Error with this heading. */
const VALIDATION_HEADING = /^(Validation failed with the following errors:|Encountered Annotations with level "ERROR":)\s*/;

/**
 * cdktf's footer under policy-pack errors (cdktf lib/errors.js encounteredAnnotationWithLevelError): not
 * a problem of the file, and its advice (an environment variable that ignores every error annotation)
 * would switch the policy pack off; a rule is suppressed one at a time, with a reason (docs/rules.md).
 */
const ANNOTATIONS_FOOTER = /^Either fix the issues above, or set the environment variable CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS/;

/** The one-line problems an error carries (a `GatehouseError`, or cdktf's failed validations), secrets redacted; undefined for any other error (a bug: keep its trace). */
export function problemLines(error: unknown): string[] | undefined {
  if (error instanceof GatehouseError) return error.lines();
  if (error instanceof Error && VALIDATION_HEADING.test(error.message)) {
    return error.message
      .replace(VALIDATION_HEADING, '')
      .split('\n')
      .map((l) => redactSecrets(l.trim()))
      .filter((l, i, all) => l && !ANNOTATIONS_FOOTER.test(l) && all.indexOf(l) === i);
  }
  return undefined;
}

/** Run `main`; returns 0, or prints each problem on `stderr` (one line each, no stack trace) and returns 1. */
export function runCli(main: () => void, stderr: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): number {
  try {
    main();
    return 0;
  } catch (error) {
    return reportProblems(error, stderr);
  }
}

/** `runCli` for an asynchronous entry point. */
export async function runCliAsync(main: () => Promise<void>, stderr: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  try {
    await main();
    return 0;
  } catch (error) {
    return reportProblems(error, stderr);
  }
}

function reportProblems(error: unknown, stderr: (line: string) => void): number {
  const lines = problemLines(error);
  if (!lines) throw error; // a bug, not bad input: keep the trace
  stderr(`gatehouse: ${lines.length} problem${lines.length === 1 ? '' : 's'}; nothing was synthesized`);
  for (const line of lines) stderr(`  ${line}`);
  return 1;
}

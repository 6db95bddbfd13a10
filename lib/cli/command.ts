/**
 * What every `gatehouse` subcommand is made of: a name, a one-line summary for `gatehouse --help`,
 * its own usage text for `gatehouse <name> --help`, and a handler. The command table in
 * lib/cli/main.ts lists them; adding a command is one entry there and one file here in lib/cli/.
 *
 * `--help` is answered before any handler runs, so it never reads or writes a file. A handler parses
 * its own arguments with `parseArgs`, which throws `UsageError` (one line, exit status 2) for an
 * unknown option or a missing value.
 */

/** What a command may use: the environment, where the user is, and the two output streams. */
export interface CommandContext {
  /** The environment the command reads (GATEHOUSE_DEPLOYMENT, CDKTF_OUTDIR, credentials, ...). */
  readonly env: NodeJS.ProcessEnv;
  /**
   * The working directory: the project (the package root under npm run), where cdktf.json and the
   * default output directory are. Paths the user types are relative to `userDirectory(env)` instead.
   */
  readonly cwd: string;
  /** stdout: results (quiet on success: one summary line or the result itself). */
  readonly out: (line: string) => void;
  /** stderr: problems, warnings and notes. */
  readonly err: (line: string) => void;
}

/** A `gatehouse` subcommand (lib/cli/commands.ts lists them). */
export interface Command {
  /** What the user types: `gatehouse <name>`. */
  readonly name: string;
  /** One line for `gatehouse --help`. */
  readonly summary: string;
  /** The full text `gatehouse <name> --help` prints (ends with a newline). */
  readonly usage: string;
  /** Runs the command with its arguments (after the command name); resolves to the exit status. */
  readonly run: (argv: readonly string[], ctx: CommandContext) => Promise<number>;
}

/** A mistake on the command line: one line, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** How an option is written. `value` options take the next word or `--name=value`. */
export interface OptionSpec {
  /** Whether the option takes a value (`--output <dir>`); otherwise it is a flag. */
  readonly value?: boolean;
}

/** A parsed command line: its options and its positional arguments. */
export interface ParsedArgs {
  /** Each option given, with its value (`true` for a flag). */
  readonly options: ReadonlyMap<string, string | true>;
  /** The other arguments, in order. */
  readonly positionals: readonly string[];
}

/**
 * Parse `argv` against the options a command knows. Positionals are kept in order; `max` bounds
 * them (`what` names them in the message).
 */
export function parseArgs(
  argv: readonly string[],
  command: string,
  options: Readonly<Record<string, OptionSpec>>,
  positionals: { readonly max: number; readonly what: string },
): ParsedArgs {
  const found = new Map<string, string | true>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (!word.startsWith('-') || word === '-') {
      rest.push(word);
      continue;
    }
    const eq = word.startsWith('--') ? word.indexOf('=') : -1;
    const [name, inline] = eq > 0 ? [word.slice(0, eq), word.slice(eq + 1)] : [word, undefined];
    const spec = options[name] as OptionSpec | undefined;
    if (!spec) throw new UsageError(`unknown option ${JSON.stringify(word)}; run gatehouse ${command} --help`);
    if (spec.value) {
      const value = inline ?? argv.at(++i);
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('-'))) {
        throw new UsageError(`${name} needs a value; run gatehouse ${command} --help`);
      }
      found.set(name, value);
    } else {
      if (inline !== undefined) throw new UsageError(`${name} takes no value (got ${JSON.stringify(inline)})`);
      found.set(name, true);
    }
  }
  if (rest.length > positionals.max) {
    const extra = rest.slice(positionals.max).map((w) => JSON.stringify(w)).join(' ');
    throw new UsageError(`${positionals.max === 0 ? 'takes no arguments' : `takes at most ${positionals.max} ${positionals.what}`}; got also ${extra}`);
  }
  return { options: found, positionals: rest };
}

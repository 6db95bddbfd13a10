/**
 * `gatehouse <command>`: the command line (bin/gatehouse.js runs `main`). `--help` anywhere in a
 * command's arguments prints that command's usage and runs nothing; an unknown option is one line and
 * exit status 2; a bad deployment is one line per problem and exit status 1, with nothing written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { problemLines } from '../core/cli';
import { PROJECT_ROOT } from '../core/paths';
import { UsageError, type Command, type CommandContext } from './command';
import { COMMANDS } from './commands';

/** What `gatehouse --help` prints: every command with its summary. */
export function usage(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `usage: gatehouse <command> [options]      (in the gatehouse repository: npm run <command> -- [options])

Publishes self-hosted services through Cloudflare Access and Tunnel from one deployment file.

commands:
${commands.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`).join('\n')}

Run gatehouse <command> --help for its options. Paths are relative to the directory you run gatehouse
from. Environment: GATEHOUSE_DEPLOYMENT (the deployment file), CDKTF_OUTDIR (the output directory),
CLOUDFLARE_API_TOKEN and TF_VAR_<name> (diff, deploy, cutover), GATEHOUSE_TODAY (pins the date).
`;
}

/** The process's own streams and environment. */
export function processContext(): CommandContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
}

const isHelp = (word: string) => word === '--help' || word === '-h';

/** Run `gatehouse <argv>`; resolves to the exit status. */
export async function main(argv: readonly string[], ctx: CommandContext = processContext(), commands: readonly Command[] = COMMANDS): Promise<number> {
  const name = argv.at(0);
  const rest = argv.slice(1);
  if (name === undefined) {
    ctx.err(usage(commands).trimEnd());
    return 2;
  }
  if (isHelp(name) || name === 'help') {
    ctx.out(usage(commands).trimEnd());
    return 0;
  }
  if (name === '--version') {
    ctx.out((JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const what = name.startsWith('-') ? `unknown option ${JSON.stringify(name)}` : `unknown command ${JSON.stringify(name)}`;
    ctx.err(`gatehouse: ${what}; the commands are ${commands.map((c) => c.name).join(', ')}; run gatehouse --help`);
    return 2;
  }
  if (rest.some(isHelp)) {
    ctx.out(command.usage.trimEnd());
    return 0;
  }
  try {
    return await command.run(rest, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.err(`gatehouse ${name}: ${error.message}`);
      return 2;
    }
    const lines = problemLines(error);
    if (!lines) {
      // A bug, not bad input: keep the trace.
      ctx.err(`gatehouse ${name}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return 1;
    }
    ctx.err(`gatehouse ${name}: ${lines.length} problem${lines.length === 1 ? '' : 's'}; nothing was written`);
    for (const line of lines) ctx.err(`  ${line}`);
    return 1;
  }
}

import { Command, CommanderError } from 'commander';
import { formatError, isGlassboxError } from '../errors.js';
import { VERSION } from '../version.js';
import { EXIT_ERROR } from './exit-codes.js';
import { registerCommands } from './register-commands.js';

/**
 * Builds the `glassbox` program: with every command registered, or only the one argv names (see
 * registerCommands).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('glassbox')
    .description('Debug machine-learning models beyond test-set accuracy.')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  await registerCommands(program, argv);
  return program;
}

/** Runs the CLI on argv (as process.argv: node, script, …args) and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await (await buildProgram(argv)).parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_ERROR;
    process.stderr.write(`${formatError(error)}\n`);
    if (!isGlassboxError(error) && process.env.GLASSBOX_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return EXIT_ERROR;
  }
}

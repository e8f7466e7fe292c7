import { Command, CommanderError } from 'commander';
import { registerAccountCommands } from './accounts.js';
import { registerKeyCommands } from './keys.js';
import { registerOperationCommands } from './operations.js';
import { type CliIo, CliRuntime } from './runtime.js';
import { registerUserCommands } from './users.js';
import { packageVersion } from './version.js';

export type { CliIo } from './runtime.js';

function buildProgram(runtime: CliRuntime): Command {
  const program = new Command('punchclock')
    .description('Punchclock operator commands, run against the database the server uses (same environment).')
    // Settings first: subcommands copy them when they are created.
    .exitOverride()
    .configureOutput({
      writeOut: runtime.stdout,
      writeErr: runtime.stderr,
      // runCli reports errors itself, so --json can add the error object on stdout.
      outputError: () => {},
    });
  program.hook('preAction', (_program, command) => {
    runtime.json = command.opts<{ json?: boolean }>().json === true;
  });
  // Commander's own --version prints plain text; this one prints one JSON object with --json, as every command does.
  program.option('-V, --version', 'print the Punchclock version (with --json: {"version": "..."})');
  program.on('option:version', () => {
    const version = packageVersion();
    runtime.print({ json: { version }, text: version });
    throw new CommanderError(0, 'commander.version', version);
  });
  registerAccountCommands(program, runtime);
  registerKeyCommands(program, runtime);
  registerUserCommands(program, runtime);
  registerOperationCommands(program, runtime);
  return program;
}

/**
 * Runs one CLI invocation and returns its exit code; never calls process.exit, so tests can run it in-process.
 * `argv` is shaped like process.argv (node, script, then the arguments).
 */
export async function runCli(argv: string[], io: CliIo = {}): Promise<number> {
  const runtime = new CliRuntime(argv.slice(2), io);
  try {
    await buildProgram(runtime).parseAsync(argv, { from: 'node' });
    return 0;
  } catch (error) {
    return runtime.fail(error);
  }
}

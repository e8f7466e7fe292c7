import { type Command, CommanderError } from 'commander';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { ApiError } from '../platform/errors/api-error.js';

/** What runCli writes to and reads from; tests inject all three to run commands in-process. */
export interface CliIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** The environment the configuration is read from; loadConfig's own default (process.env) when absent. */
  env?: NodeJS.ProcessEnv;
}

/** What a command produced: the object `--json` prints, and the summary a person reads otherwise. */
export interface CommandResult {
  json: object;
  text: string;
}

/** Exit codes: 1 when a command failed, 2 when it was called wrongly (the usual shell convention). */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

interface Failure {
  code: string;
  message: string;
  exitCode: number;
}

/** Help and version requests travel as CommanderErrors too, but they are not failures. */
const NOT_FAILURES = new Set(['commander.helpDisplayed', 'commander.version']);

function describeFailure(error: unknown): Failure | null {
  if (error instanceof CommanderError) {
    if (NOT_FAILURES.has(error.code)) return null;
    if (error.code === 'commander.help') {
      // Commander has already written the help to stderr: a group (`keys`) was called without a command.
      return { code: 'invalid_usage', message: 'No command given.', exitCode: EXIT_USAGE };
    }
    // Commander's messages start with "error: " and may put a "Did you mean" hint on a second line.
    const sentences = error.message
      .replace(/^error:\s*/, '')
      .split(/\s*\n\s*/)
      .filter((line) => line.length > 0)
      .map((line) => (/[.?!)]$/.test(line) ? line : `${line}.`));
    return {
      code: 'invalid_usage',
      message: `${sentences.join(' ')} Run with --help for usage.`,
      exitCode: EXIT_USAGE,
    };
  }
  if (error instanceof ApiError) return { code: error.code, message: error.message, exitCode: EXIT_FAILURE };
  if (error instanceof ConfigError) {
    return { code: 'invalid_configuration', message: error.message, exitCode: EXIT_FAILURE };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'unexpected_error', message, exitCode: EXIT_FAILURE };
}

/** Shared by every command: the parsed configuration, the output mode and the writers. */
export class CliRuntime {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Starts as a guess from argv so that parse errors honour --json; the parsed option replaces it. */
  json: boolean;
  readonly #env: NodeJS.ProcessEnv | undefined;
  #config: Config | undefined;

  constructor(argv: readonly string[], io: CliIo) {
    this.stdout = io.stdout ?? ((text) => void process.stdout.write(text));
    this.stderr = io.stderr ?? ((text) => void process.stderr.write(text));
    this.#env = io.env;
    const end = argv.indexOf('--');
    this.json = (end === -1 ? argv : argv.slice(0, end)).includes('--json');
  }

  /** Parsed on first use, so `--help` works even with a broken environment. */
  config(): Config {
    this.#config ??= loadConfig(this.#env);
    return this.#config;
  }

  print(result: CommandResult): void {
    this.stdout(this.json ? `${JSON.stringify(result.json, null, 2)}\n` : `${result.text}\n`);
  }

  /** Reports an error (one line on stderr; with --json also the error object on stdout) → exit code. */
  fail(error: unknown): number {
    const failure = describeFailure(error);
    if (!failure) return 0;
    this.stderr(`Error: ${failure.message}\n`);
    if (this.json) {
      this.stdout(
        `${JSON.stringify({ error: { code: failure.code, message: failure.message } }, null, 2)}\n`,
      );
    }
    return failure.exitCode;
  }
}

/**
 * Runs a service call whose errors may name an API field (`param`) and says which flag or argument of the command
 * that field came from, so the operator reads `--reassign-keys-to: ...` rather than a field they never typed.
 */
export async function namingFlags<T>(
  flags: Readonly<Record<string, string>>,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const flag = error instanceof ApiError && error.param !== undefined ? flags[error.param] : undefined;
    if (error instanceof ApiError && flag !== undefined) {
      throw new ApiError(error.code, `${flag}: ${error.message}`, { param: error.param });
    }
    throw error;
  }
}

/** A command that does something (not a group); every one of them takes --json (DESIGN §3.11). */
export function actionCommand(parent: Command, nameAndArguments: string, description: string): Command {
  return parent
    .command(nameAndArguments)
    .description(description)
    .option('--json', 'print exactly one JSON object on stdout');
}

import type { Command } from 'commander';
import type { Config } from '../config.js';
import { migrateToLatest } from '../db/database.js';
import { startServer } from '../server.js';
import { actionCommand, type CliRuntime } from './runtime.js';
import { withDatabase } from './services.js';

/** Names the database without printing DATABASE_URL, which may hold a password. */
function databaseName(config: Config): string {
  return config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `SQLite in ${config.dataDir}`;
}

export function registerOperationCommands(program: Command, runtime: CliRuntime): void {
  actionCommand(
    program,
    'migrate',
    'apply pending database migrations (every command and the server do it too)',
  ).action(async () => {
    const config = runtime.config();
    const { applied } = await withDatabase(config, (database) => migrateToLatest(database.db));
    runtime.print({
      json: { applied },
      text:
        applied.length === 0
          ? `${databaseName(config)} is up to date.`
          : `Applied to ${databaseName(config)}: ${applied.join(', ')}.`,
    });
  });

  actionCommand(program, 'serve', 'start the server (what `npm start` runs); stops on SIGINT/SIGTERM').action(
    async () => {
      const server = await startServer(
        runtime.config(),
        // With --json, stdout carries only the one object below: the demo banner joins it, the log goes to stderr.
        runtime.json
          ? { banner: false, logDestination: { write: runtime.stderr } }
          : { banner: runtime.stdout },
      );
      runtime.print({
        json: { object: 'server', url: server.url, demo: server.demo },
        text: `Punchclock is listening on ${server.url} (Ctrl-C stops it).`,
      });
    },
  );
}

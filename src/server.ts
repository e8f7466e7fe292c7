import { type App, type AppDependencies, buildApp } from './app.js';
import type { Config } from './config.js';
import { type DatabaseHandle, migrateToLatest, openDatabase, sqliteFileIn } from './db/database.js';
import { type DemoCredentials, demoBanner, seedDemoIfEmpty } from './demo/seed.js';

export interface StartServerOptions {
  /**
   * Where the one-time demo banner is written (default stdout). `false` prints nothing: `serve --json` returns the
   * credentials inside its one JSON object instead.
   */
  banner?: ((text: string) => void) | false;
  /** Sends the request log here instead of stdout, so `serve --json` keeps stdout for its one JSON object. */
  logDestination?: { write(line: string): void };
  /** Close and exit on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
  /** Overrides of the request log's batching and timers (a shutdown test turns the flush timer off). */
  requestLog?: AppDependencies['requestLog'];
}

export interface RunningServer {
  readonly app: App;
  /** The address actually bound (differs from the configured port when PORT=0). */
  readonly url: string;
  /** Set when this start seeded the demo account (first start on an empty database). */
  readonly demo: DemoCredentials | null;
  /** Stops listening, flushes what the app buffers, closes the database. Safe to call more than once. */
  close(): Promise<void>;
}

/** The database the configuration names: PostgreSQL with DATABASE_URL, else the SQLite file in the data dir. */
export function openConfiguredDatabase(config: Config): DatabaseHandle {
  return openDatabase({
    databaseUrl: config.databaseUrl,
    sqliteFile: config.databaseUrl ? undefined : sqliteFileIn(config.dataDir),
    sqliteSynchronous: config.sqliteSynchronous,
  });
}

/** Opens and migrates the configured database, builds the app, seeds the demo if asked, and listens. */
export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const database = openConfiguredDatabase(config);
  let app: App | undefined;
  try {
    await migrateToLatest(database.db);
    app = await buildApp(config, {
      database,
      webhooks: { autoStart: true },
      ...(options.logDestination ? { logger: { stream: options.logDestination } } : {}),
      ...(options.requestLog ? { requestLog: options.requestLog } : {}),
    });
    const demo = config.demo ? await seedDemoIfEmpty(app.context) : null;
    const banner = options.banner ?? ((text: string) => void process.stdout.write(text));
    if (demo && banner) banner(`${demoBanner(demo, config.publicUrl)}\n`);
    const url = await app.listen({ port: config.port, host: config.host });
    return serverHandle(app, database, url, demo, options.handleSignals ?? true);
  } catch (error) {
    // A failed start (port in use, database unreachable) must not leave the pool or the file open.
    await app?.close();
    await database.close();
    throw error;
  }
}

function serverHandle(
  app: App,
  database: DatabaseHandle,
  url: string,
  demo: DemoCredentials | null,
  handleSignals: boolean,
): RunningServer {
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await app.close();
      await database.close();
    })();
    return closing;
  };
  if (handleSignals) {
    const shutdown = (signal: NodeJS.Signals): void => {
      app.log.info({ signal }, 'shutting down');
      // Exit explicitly: a handle some library forgot to unref must not keep a stopped server alive.
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    // `once`: a second Ctrl-C while closing falls through to Node's default and stops the process at once.
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  }
  return { app, url, demo, close };
}

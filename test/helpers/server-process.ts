import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

/** A server process started the way `npm start` starts it (`node dist/main.js`). */
export interface ServerProcess {
  process: ChildProcess;
  url: string;
  output: string[];
}

/** Builds dist/ once, as `npm start` would, so server processes run the current source. */
export function buildServer(): void {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
}

/**
 * The environment of a test's server process: a free port on loopback, no demo account, log lines at info (tests
 * read them), plus `extra` (the database, Redis, webhook settings). Nothing else of the test's own environment.
 */
export function serverProcessEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: '0',
    HOST: '127.0.0.1',
    PUNCHCLOCK_DEMO: 'false',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** Starts `node dist/main.js` with `env` (set PORT=0) and resolves with the URL it listens on. */
export function startServerProcess(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['dist/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join('')}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(''));
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ process: child, url: match[1], output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output.join('')}`)));
  });
}

/** Sends `signal` (a graceful SIGTERM by default; SIGKILL to crash it) and waits for the process to exit. */
export async function stopServerProcess(
  server: ServerProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (server.process.exitCode !== null || server.process.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    server.process.once('exit', () => resolve());
    server.process.kill(signal);
  });
}

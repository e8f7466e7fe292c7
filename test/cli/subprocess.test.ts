import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseOneObject } from './harness.js';

/** The CLI as a real process, started from source the way bin/punchclock.js starts the build. */
function startCli(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
    env: { ...process.env, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(stream: NodeJS.ReadableStream | null): { text: string } {
  const sink = { text: '' };
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    sink.text += chunk;
  });
  return sink;
}

describe('cli as a process', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'punchclock-cli-process-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  test('accounts create --json prints exactly one JSON object and exits 0', async () => {
    const child = startCli(
      ['accounts', 'create', '--name', 'Process Co', '--admin-email', 'ops@process.test', '--json'],
      { PUNCHCLOCK_DATA_DIR: dataDir },
    );
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const [code] = await once(child, 'close');
    assert.equal(stderr.text, '');
    assert.equal(code, 0);
    const created = parseOneObject<{ account: { id: string }; admin: { email: string; password: string } }>(
      stdout.text,
    );
    assert.match(created.account.id, /^acct_/);
    assert.equal(created.admin.email, 'ops@process.test');
  });

  test('a failing command exits non-zero with the error object on stdout', async () => {
    const child = startCli(['keys', 'revoke', 'key_01JD2X6Y3Z4A5B6C7D8E9F0G1H', '--json'], {
      PUNCHCLOCK_DATA_DIR: dataDir,
    });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const [code] = await once(child, 'close');
    assert.equal(code, 1);
    assert.equal(stderr.text, 'Error: API key key_01JD2X6Y3Z4A5B6C7D8E9F0G1H not found.\n');
    assert.equal(parseOneObject<{ error: { code: string } }>(stdout.text).error.code, 'resource_not_found');
  });

  test('serve --json: one JSON object on stdout, the log on stderr, a clean stop on SIGTERM', async () => {
    const serveDir = await mkdtemp(path.join(tmpdir(), 'punchclock-cli-serve-'));
    const child = startCli(['serve', '--json'], { PUNCHCLOCK_DATA_DIR: serveDir, PUNCHCLOCK_DEMO: 'true' });
    try {
      const stdout = collect(child.stdout);
      const stderr = collect(child.stderr);
      // The object arrives once the server listens; it may come in several chunks.
      const announced = await new Promise<string>((resolve, reject) => {
        child.stdout?.on('data', () => {
          try {
            JSON.parse(stdout.text);
            resolve(stdout.text);
          } catch {
            // not complete yet
          }
        });
        child.once('close', (code) => reject(new Error(`serve exited with ${code}: ${stderr.text}`)));
      });
      const server = parseOneObject<{ object: string; url: string; demo: { apiKey: string } | null }>(
        announced,
      );
      assert.equal(server.object, 'server');
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(server.demo, 'a fresh database gets the demo account');

      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      const self = await fetch(`${server.url}/v1/api-key`, {
        headers: { authorization: `Bearer ${server.demo.apiKey}` },
      });
      assert.equal(self.status, 200);

      child.kill('SIGTERM');
      const [code] = await once(child, 'close');
      assert.equal(code, 0);
      assert.equal(stdout.text, announced, 'nothing else on stdout');
      assert.match(stderr.text, /"msg":"Server listening at/);
      assert.match(stderr.text, /"msg":"shutting down"/);
      assert.ok(!stderr.text.includes(server.demo.apiKey), 'the key never reaches the log');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await rm(serveDir, { recursive: true, force: true });
    }
  });
});

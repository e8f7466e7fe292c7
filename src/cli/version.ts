import { readFileSync } from 'node:fs';

/**
 * The version of the installed package, read from its package.json: two folders up from this file both in src/cli
 * (run from source) and in dist/cli (the build `npx punchclock` runs).
 */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  if (typeof manifest.version !== 'string') throw new Error('package.json has no version');
  return manifest.version;
}

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { createTestApp } from '../helpers/app.js';
import { fetchDocument } from './openapi-document.js';

const run = promisify(execFile);
const SPECTRAL = path.resolve('node_modules/.bin/spectral');
const RULESET = path.resolve('.spectral.yaml');

interface SpectralResult {
  code: string;
  message: string;
  path: (string | number)[];
  /** 0 error, 1 warning, 2 information, 3 hint. */
  severity: number;
}

test('Spectral (spectral:oas) reports no errors on /openapi.json', async () => {
  const t = await createTestApp('sqlite');
  const dir = await mkdtemp(path.join(tmpdir(), 'punchclock-spectral-'));
  try {
    const { raw } = await fetchDocument(t);
    const documentFile = path.join(dir, 'openapi.json');
    const resultFile = path.join(dir, 'results.json');
    await writeFile(documentFile, raw);
    // Spectral exits non-zero when it finds errors; the results file is what we judge, so keep going.
    await run(
      SPECTRAL,
      ['lint', documentFile, '--ruleset', RULESET, '-f', 'json', '-o', resultFile, '--quiet'],
      { timeout: 60_000 },
    ).catch((error: { code?: unknown }) => {
      if (typeof error.code !== 'number') throw error;
    });
    const results = JSON.parse(await readFile(resultFile, 'utf8')) as SpectralResult[];
    const describe = (r: SpectralResult) => `${r.code} at ${r.path.join('.')}: ${r.message}`;
    const errors = results.filter((r) => r.severity === 0);
    const warnings = results.filter((r) => r.severity === 1);
    console.log(`spectral: ${errors.length} errors, ${warnings.length} warnings, ${results.length} results`);
    for (const warning of warnings) console.log(`  warning ${describe(warning)}`);
    assert.deepEqual(errors.map(describe), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await t.close();
  }
});

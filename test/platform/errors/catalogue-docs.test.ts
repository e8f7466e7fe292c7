import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CATALOGUE } from '../../../src/platform/errors/catalogue.js';

const DOC = 'docs/errors.md';

interface DocumentedCode {
  status: number;
  type: string;
  code: string;
  meaning: string;
}

/** The rows of the `| status | type | code | meaning |` table; backticks around cells are allowed. */
function documentedCodes(markdown: string): DocumentedCode[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((line) =>
    /^\|\s*status\s*\|\s*type\s*\|\s*code\s*\|\s*meaning\s*\|\s*$/.test(line),
  );
  assert.ok(header >= 0, `${DOC} has a "| status | type | code | meaning |" table`);
  const rows: DocumentedCode[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim().replace(/^`(.*)`$/, '$1'));
    const [status, type, code, ...meaning] = cells;
    rows.push({
      status: Number(status),
      type: type ?? '',
      code: code ?? '',
      meaning: meaning.join('|').trim(),
    });
  }
  return rows;
}

test('docs/errors.md lists exactly the codes of the error catalogue, with their status and type', () => {
  const rows = documentedCodes(readFileSync(DOC, 'utf8'));
  const documented = rows.map((row) => row.code);
  assert.equal(new Set(documented).size, documented.length, 'each code is documented once');

  const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, def]) => ({
    code,
    status: def.status,
    type: def.type,
  }));
  const missing = catalogue.filter((entry) => !documented.includes(entry.code)).map((entry) => entry.code);
  const unknown = documented.filter((code) => !(code in ERROR_CATALOGUE));
  assert.deepEqual({ missing, unknown }, { missing: [], unknown: [] }, `${DOC} and the catalogue disagree`);

  for (const row of rows) {
    const def = ERROR_CATALOGUE[row.code as keyof typeof ERROR_CATALOGUE];
    assert.deepEqual(
      { code: row.code, status: row.status, type: row.type },
      { code: row.code, status: def.status, type: def.type },
    );
    assert.ok(row.meaning.length > 0, `${row.code}: meaning`);
  }
});

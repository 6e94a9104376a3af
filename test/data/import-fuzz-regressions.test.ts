/**
 * Inputs the importer's fuzz suite (test/fuzz/) found mishandled, each kept as a small test: the
 * promise is always exit code 0 or 2 with one line on stderr (docs/security.md, "Imported files").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { normaliseHeader } from '../../data/import/csv-records.ts';
import { ImportInputError, oneLine } from '../../data/import/detect-format.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();

async function writeParquet(path: string, sql: string): Promise<void> {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  await connection.run(`COPY (${sql}) TO '${path}' (FORMAT parquet)`);
  connection.closeSync();
}

describe('fuzz regressions', () => {
  it('a Parquet column named file_row_number (any case) is refused in one line, not an unexpected error', async () => {
    for (const name of ['file_row_number', 'FILE_ROW_NUMBER']) {
      const path = files.path(`${name}.parquet`);
      await writeParquet(path, `SELECT 'exposure' AS event_name, TIMESTAMP '2026-03-01' AS "timestamp", 'u' || i AS user_id, i AS "${name}" FROM range(3) t(i)`);
      const run = await runCli(['import', '--db', files.path(`${name}.duckdb`), path]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^experiment-desk: .*column "${name}": .*rename it\\n$`));
    }
  });

  it('a file name or header name with a line break stays one line in an error', async () => {
    const dir = files.path('odd');
    mkdirSync(dir, { recursive: true });
    const missing = await runCli(['import', '--db', files.path('odd.duckdb'), `${dir}/new\nline.csv`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')).toHaveLength(2);
    expect(missing.stderr).toContain('new\\nline.csv: cannot read file');
    const path = `${dir}/keys.ndjson`;
    writeFileSync(path, '{"a\\nb": 1, "c\\r": 2}\n');
    const header = await runCli(['import', '--db', files.path('odd.duckdb'), path]);
    expect(header.code).toBe(2);
    expect(header.stderr.split('\n')).toHaveLength(2);
    expect(header.stderr).toContain('header not recognised (a\\nb, c\\r)');
  });

  it('NDJSON keys with a backslash, a quote, no name, or differing only in case import (were unexpected errors)', async () => {
    const path = files.path('keys2.ndjson');
    const base = { event_name: 'exposure', timestamp: '2026-03-01T00:00:00Z', experiment_id: 'e1', variant_id: 'control' };
    writeFileSync(path, `${JSON.stringify({ ...base, user_id: 'u1', 'a\\': 1, 'b"c': 2, '': 3, 'x\\"y': 4, USER_ID: 'other' })}\n`);
    const run = await runCli(['import', '--db', files.path('keys2.duckdb'), path]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/1 rows read = 1 accepted \+ 0 rejected/);
  });

  it('CSV header names differing only in case get DuckDB\'s suffixes (was an unexpected error)', async () => {
    expect(normaliseHeader(['a', 'A', 'b', 'B', 'a', 'A'])).toEqual(['a', 'A_1', 'b', 'B_1', 'a_2', 'A_3']);
    const path = files.write('case.csv', 'event_name,timestamp,user_id,experiment_id,variant_id,x,X\nexposure,2026-03-01T00:00:00Z,u1,e1,control,1,2\n');
    const run = await runCli(['import', '--db', files.path('case.duckdb'), path]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/1 rows read = 1 accepted \+ 0 rejected/);
  });

  it('an Arrow column named rowid imports, with line numbers from the row positions (was an unexpected error)', async () => {
    const { tableFromArrays, tableToIPC } = await import('apache-arrow');
    const path = files.path('rowid.arrow');
    writeFileSync(path, tableToIPC(tableFromArrays({
      event_name: ['exposure', 'exposure', 'exposure'], timestamp: ['2026-03-01T00:00:00Z', 'bad', '2026-03-01T00:00:00Z'], user_id: ['u1', 'u2', 'u3'],
      experiment_id: ['e1', 'e1', 'e1'], variant_id: ['control', 'B', 'B'], rowid: ['x', 'y', 'z'],
    }), 'file'));
    const dbPath = files.path('rowid.duckdb');
    const run = await runCli(['import', '--db', dbPath, path]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/3 rows read = 2 accepted \+ 1 rejected/);
    const { openDatabase } = await import('../../data/database.ts');
    const db = await openDatabase(dbPath);
    try {
      expect((await db.query<{ line: bigint }>('SELECT line FROM rejects')).map((r) => Number(r.line))).toEqual([3]);
    } finally {
      await db.close();
    }
  });

  it('a NUL in a column name is refused in one line (was an unexpected error: SQL identifiers end at NUL)', async () => {
    const csv = files.write('nul.csv', 'event_name,timestamp,user_id,experi\0ment_id\nexposure,2026-03-01T00:00:00Z,u1,e1\n');
    const ndjson = files.write('nul.ndjson', `${'{"event_name":"exposure","timestamp":"2026-03-01T00:00:00Z","user_id":"u1"}\n'.repeat(30_000)}{"a\\u0000b":1}\n`);
    for (const path of [csv, ndjson]) {
      const run = await runCli(['import', '--db', files.path('nul.duckdb'), path]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^experiment-desk: .*\\u0000.*: a column name with a NUL character cannot be imported; rename it\n$/);
    }
  });

  it('ImportInputError messages escape controls', () => {
    expect(new ImportInputError('x\ny\r\0\u2028z').message).toBe('x\\ny\\r\\u0000\\u2028z');
    expect(oneLine('plain, unchanged: été 数据')).toBe('plain, unchanged: été 数据');
  });
});

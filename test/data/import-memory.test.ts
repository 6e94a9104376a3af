/**
 * The import in bounded memory (docs/import.md, "Memory"): a quoted event log with quoted commas,
 * quoted line breaks and malformed rows, large enough that the earlier import (a window over every
 * line to find records) ran out of memory, imports with 16 DuckDB threads and a 512 MiB limit on
 * any machine, and every row is accounted for with its physical line. And the mapping question is
 * asked before the file is hashed or staged.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../data/database.ts';
import { MappingRequiredError } from '../../data/import/detect-format.ts';
import { importFile, type ImportProgress } from '../../data/import/import-file.ts';
import { DEFAULT_SCALE_OPTIONS, generateScaleEventLog } from '../../data/simulate/duckdb-event-log.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();

/**
 * Events of the quoted log: at 2M events (227 MB) the import before the bounded-memory rewrite ran
 * out of memory at 512 MiB even with 2 threads (README, Performance).
 */
const EVENTS = 2_000_000;

/** Physical line numbers (1-based) of the lines matching `pattern`, streamed. */
async function matchingLines(path: string, pattern: RegExp): Promise<number[]> {
  const lines: number[] = [];
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    n += 1;
    if (pattern.test(line)) lines.push(n);
  }
  return lines;
}

describe('import in bounded memory', () => {
  it(`accounts for every row of a ${EVENTS.toLocaleString('en')}-event quoted log with 16 threads and 512 MiB`, async () => {
    const path = files.path('quoted.csv');
    const generator = await openDatabase(':memory:', { memoryLimit: '4GB' });
    const truth = await generateScaleEventLog(generator, path, { ...DEFAULT_SCALE_OPTIONS, events: EVENTS, brokenShare: 0.00001, quoted: true, multilineShare: 0.001 });
    await generator.close();
    expect(truth.malformedRows).toBeGreaterThan(0);
    expect(truth.multilineRows).toBeGreaterThan(1000);

    const db = await openDatabase(files.path('quoted.duckdb'), { threads: 16, memoryLimit: '512MiB' });
    try {
      const settings = (await db.query<{ threads: bigint }>(`SELECT current_setting('threads') AS threads`))[0]!;
      expect(Number(settings.threads)).toBe(16);
      const summary = await importFile(db, path);
      expect(summary.rowsRead).toBe(EVENTS);
      expect(summary.rowsAccepted + summary.rowsRejected).toBe(summary.rowsRead);
      expect(summary.rejectsByReason).toEqual({
        ...Object.fromEntries(Object.entries(truth.brokenRows).filter(([, n]) => n > 0)), malformed_record: truth.malformedRows,
      });
      const stored = (await db.query<{ events: bigint; rejects: bigint }>(
        'SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM rejects) AS rejects'))[0]!;
      expect([Number(stored.events), Number(stored.rejects)]).toEqual([summary.rowsAccepted, summary.rowsRejected]);
      // The exact physical lines of the rows that open a quote and never close it.
      const malformed = await db.query<{ line: bigint }>(`SELECT line FROM rejects WHERE reason = 'malformed_record' ORDER BY line`);
      expect(malformed.map((r) => Number(r.line))).toEqual(await matchingLines(path, /,"(new|returning|b2b, enterprise),/));
      // Records over two lines keep the line where they start.
      const multiline = await db.query<{ line: bigint }>(`
        SELECT line FROM events WHERE contains(event_version, chr(10)) UNION ALL SELECT line FROM rejects WHERE contains(raw, chr(10)) ORDER BY line`);
      expect(multiline.map((r) => Number(r.line))).toEqual(await matchingLines(path, /,"1\.0$/));
    } finally {
      await db.close();
    }
  }, 600_000);

  it('asks for the mapping before hashing or staging the file', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `${i},${i % 2 ? 'b' : 'a'},${i % 7}`);
    const path = files.write('units.csv', `customer,arm,score\n${rows.join('\n')}\n`);
    const db = await openDatabase();
    const statements: string[] = [];
    const run = db.run.bind(db);
    db.run = (sql, params) => {
      statements.push(sql);
      return run(sql, params);
    };
    const phases: ImportProgress['phase'][] = [];
    try {
      await expect(importFile(db, path, { onProgress: (p) => phases.push(p.phase) })).rejects.toBeInstanceOf(MappingRequiredError);
      expect(phases).toEqual([]);
      expect(statements.filter((sql) => /COPY|read_csv|CREATE/i.test(sql))).toEqual([]);
      // Answered, the import stages the file once.
      statements.length = 0;
      const summary = await importFile(db, path, { mapping: { unit: 'customer', variant: 'arm', metrics: ['score'] } });
      expect(summary.rowsAccepted).toBe(50_000);
      expect(statements.filter((sql) => sql.includes('COPY (SELECT line FROM read_csv'))).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});

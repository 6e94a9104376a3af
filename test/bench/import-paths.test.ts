/**
 * The line-based fast path of a CSV event-log import (data/import/csv-lines.ts) gives exactly what
 * the staged path gives: the same events with the same line numbers, the same rejects with the
 * same raw text and reasons, the same summary — on a file with every kind of broken row, blank
 * lines, CRLF, duplicates, zone-less and epoch timestamps and a non-canonical column.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../data/database.ts';
import { importFile, type ImportSummary } from '../../data/import/import-file.ts';
import { DEFAULT_SCALE_OPTIONS, generateScaleEventLog } from '../../data/simulate/duckdb-event-log.ts';
import { defaultScenario, writeEventLogCsv } from '../../data/simulate/index.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();

const HEADER = 'event_name,timestamp,user_id,experiment_id,variant_id,is_control,revenue_cents,channel';
const LINES = [
  HEADER,
  'experiment.exposure,2026-03-01T10:00:00Z,u1,exp,control,true,,web', // 2 ok
  'experiment.exposure,2026-03-01T10:00:00Z,,exp,control,true,,web', // 3 missing_user_id
  'experiment.exposure,yesterday,u3,exp,control,true,,web', // 4 bad_timestamp
  'experiment.exposure,2026-03-01T10:00:00Z,u4,exp', // 5 wrong_column_count (fewer)
  'checkout.completed,2026-03-02T10:00:00Z,u1,,,,-500,web', // 6 negative_revenue
  '', // 7 blank: not a row
  'checkout.completed,1772445600000,u1,,,,1;5,app', // 8 bad_number
  'experiment.exposure,2026-03-01T10:00:00Z,u1,exp,control,true,,web', // 9 duplicate_event (of 2)
  'experiment.exposure,2026-03-01T12:00:00,u5,exp,,false,,web', // 10 unknown_variant_shape
  ',2026-03-01T12:00:00Z,u6,exp,treatment,false,,web', // 11 missing_event_name
  'checkout.completed,1772445600000,u1,,,,2500,app', // 12 ok (epoch ms)
  'experiment.exposure,2026-03-01 12:00:00,u7,exp,treatment,false,,web', // 13 ok (no zone)
  'experiment.exposure,2026-03-01T12:00:00,u8,exp,treatment,false,x,y,z', // 14 wrong_column_count (more)
  'experiment.exposure,2026-03-01 12:00:00,u7,exp,treatment,false,,web', // 15 duplicate of a zone-less row
  'experiment.exposure,2026-03-01T10:00:00Z,u1,exp,control,TRUE,,web', // 16 ok: same values as 2, other text
  '   ', // 17 wrong_column_count (one field)
  'checkout.completed,2026-03-03T09:00:00.250+01:00,u7,,,, 1999 ,app', // 18 ok (offset, spaces)
  'checkout.completed,2026-03-03T09:00:00.250+01:00,u7,,,, 1999 ,app', // 19 duplicate
  '', // 20 blank
  '', // 21 blank
];

async function importBoth(path: string): Promise<{ fast: Snapshot; staged: Snapshot }> {
  const fast = await snapshot(path, true);
  const staged = await snapshot(path, false);
  expect([fast.lines, staged.lines]).toEqual([true, false]);
  return { fast: { ...fast, lines: false }, staged };
}

interface Snapshot {
  /** Whether the import read the file's lines (fast path) rather than staging it. */
  lines: boolean;
  summary: Omit<ImportSummary, 'seconds' | 'path' | 'fileId'>;
  events: Record<string, unknown>[];
  rejects: Record<string, unknown>[];
  assignments: Record<string, unknown>[];
}

async function snapshot(path: string, linePath: boolean): Promise<Snapshot> {
  const db = await openDatabase();
  let lines = false;
  const run = db.run.bind(db);
  db.run = (sql, params) => {
    if (sql.includes('string_split(line, $delim)')) lines = true;
    return run(sql, params);
  };
  try {
    const { seconds: _s, path: _p, fileId: _f, ...summary } = await importFile(db, path, { linePath });
    const json = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
      JSON.parse(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v))) as Record<string, unknown>[];
    return {
      lines,
      summary,
      events: json(await db.query('SELECT * EXCLUDE (file_id) FROM events ORDER BY line')),
      rejects: json(await db.query(`SELECT line, raw, reason, CASE WHEN reason = 'wrong_column_count' THEN NULL ELSE detail END AS detail FROM rejects ORDER BY line`)),
      assignments: json(await db.query('SELECT * FROM assignments ORDER BY ALL')),
    };
  } finally {
    await db.close();
  }
}

describe('CSV import: line-based fast path = staged path', () => {
  it('on every kind of broken row, blank lines, duplicates and timestamp forms (LF)', async () => {
    const { fast, staged } = await importBoth(files.write('mixed.csv', `${LINES.join('\n')}\n`));
    expect(fast).toEqual(staged);
    expect(fast.summary.rowsRead).toBe(17);
    expect(fast.rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'missing_user_id'], [4, 'bad_timestamp'], [5, 'wrong_column_count'], [6, 'negative_revenue'], [8, 'bad_number'],
      [9, 'duplicate_event'], [10, 'unknown_variant_shape'], [11, 'missing_event_name'], [14, 'wrong_column_count'],
      [15, 'duplicate_event'], [17, 'wrong_column_count'], [19, 'duplicate_event'],
    ]);
    expect(fast.events.map((e) => e.line)).toEqual([2, 12, 13, 16, 18]);
    expect(fast.summary.zonelessTimestamps).toBe(1);
    expect(fast.events[0]!.properties).toBe('{"channel":"web"}');
  });

  it('with CRLF line ends and no final line end', async () => {
    const { fast, staged } = await importBoth(files.write('crlf.csv', LINES.slice(0, 16).join('\r\n')));
    expect(fast).toEqual(staged);
    expect(fast.rejects.find((r) => r.line === 3)!.raw).toBe(LINES[2]);
  });

  it('without blanks around any field (trimming skipped), semicolon-delimited', async () => {
    const lines = LINES.filter((line) => !/ /.test(line)).map((line) => line.replaceAll(',', ';'));
    const { fast, staged } = await importBoth(files.write('plain.csv', `${lines.join('\n')}\n`));
    expect(fast).toEqual(staged);
    expect(fast.summary.rowsRejected).toBeGreaterThan(5);
  });

  it('a quote after the sampled start sends the file to staging, with the same result', async () => {
    const plain = Array.from({ length: 6000 }, (_, i) => `page_view,2026-03-01T10:00:${String(i % 60).padStart(2, '0')}Z,u${i},,,,,web`);
    const path = files.write('late-quote.csv', `${[HEADER, ...plain, 'checkout.completed,2026-03-02T10:00:00Z,u1,,,,"1,5",web', ...plain.slice(0, 3)].join('\n')}\n`);
    const fast = await snapshot(path, true);
    const staged = await snapshot(path, false);
    expect(fast.lines).toBe(false);
    expect(fast).toEqual(staged);
    expect(fast.rejects.map((r) => [r.line, r.reason])).toEqual([[6002, 'bad_number'], [6003, 'duplicate_event'], [6004, 'duplicate_event'], [6005, 'duplicate_event']]);
  });

  it('a file that is not UTF-8 fails the same way on both paths', async () => {
    const path = files.path('latin1.csv');
    writeFileSync(path, Buffer.concat([Buffer.from(`${HEADER}\nexperiment.exposure,2026-03-01T10:00:00Z,u`), Buffer.from([0xff]), Buffer.from(',exp,control,true,,web\n')]));
    const attempt = async (linePath: boolean): Promise<string> => {
      const db = await openDatabase();
      try {
        await importFile(db, path, { linePath });
        return 'imported';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      } finally {
        await db.close();
      }
    };
    const fast = await attempt(true);
    expect(fast).toMatch(/^ImportInputError: .*cannot be read as CSV/);
    expect(fast).toBe(await attempt(false));
  });

  it('on the scale generator\'s log', async () => {
    const path = files.path('scale.csv');
    const db = await openDatabase();
    const truth = await generateScaleEventLog(db, path, { ...DEFAULT_SCALE_OPTIONS, events: 20_000, brokenShare: 0.001 });
    await db.close();
    const { fast, staged } = await importBoth(path);
    expect(fast).toEqual(staged);
    expect(fast.summary.rowsRead).toBe(20_000);
    expect(fast.summary.rejectsByReason).toEqual(Object.fromEntries(Object.entries(truth.brokenRows).filter(([, n]) => n > 0)));
  });

  it('on the simulated event log', async () => {
    const path = files.path('simulated.csv');
    await writeEventLogCsv(path, defaultScenario({ units: 3000, seed: 5 }));
    const { fast, staged } = await importBoth(path);
    expect(fast).toEqual(staged);
    expect(fast.summary.rowsRejected).toBe(12);
  });
});

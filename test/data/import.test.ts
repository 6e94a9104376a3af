/**
 * Import behaviour of docs/analysis-definitions.md: every row accepted or rejected with file, line, raw text and
 * reason; accepted + rejected = rows read; one transaction; re-import detected by hash.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../data/database.ts';
import { ImportInputError } from '../../data/import/detect-format.ts';
import { ImportCancelledError, importFile } from '../../data/import/import-file.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();

const HEADER = 'event_name,timestamp,user_id,experiment_id,variant_id,is_control,revenue_cents';
const GOOD_EVENT_LOG = [
  HEADER,
  'experiment.exposure,2026-03-01T10:00:00Z,u1,exp,control,true,',
  'experiment.exposure,2026-03-01T11:00:00Z,u2,exp,treatment,false,',
  'checkout.completed,2026-03-02T10:00:00.500Z,u2,,,,1999',
].join('\n');

async function count(db: Database, table: string): Promise<number> {
  const rows = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

describe('CSV event log with broken rows', () => {
  const content = [
    HEADER,
    'experiment.exposure,2026-03-01T10:00:00Z,u1,exp,control,true,', // 2 ok
    'experiment.exposure,2026-03-01T10:00:00Z,,exp,control,true,', // 3 missing_user_id
    'experiment.exposure,yesterday,u3,exp,control,true,', // 4 bad_timestamp
    'experiment.exposure,2026-03-01T10:00:00Z,u4,exp', // 5 wrong_column_count
    'checkout.completed,2026-03-02T10:00:00Z,u1,,,,-500', // 6 negative_revenue
    '', // blank: not a row
    'checkout.completed,1772445600000,u1,,,,"1,5"', // 8 bad_number (quoted comma)
    'experiment.exposure,2026-03-01T10:00:00Z,u1,exp,control,true,', // 9 duplicate_event (same as line 2)
    'experiment.exposure,2026-03-01T12:00:00,u5,exp,,false,', // 10 unknown_variant_shape
    ',2026-03-01T12:00:00Z,u6,exp,treatment,false,', // 11 missing_event_name
    'checkout.completed,1772445600000,u1,,,,2500', // 12 ok (epoch ms)
    'experiment.exposure,2026-03-01 12:00:00,u7,exp,treatment,false,', // 13 ok (no zone → UTC)
    'experiment.exposure,2026-03-01T12:00:00,u8,exp,treatment,false,x,y', // 14 wrong_column_count
  ].join('\r\n') + '\r\n';

  it('accepts the good rows, rejects each broken one with line, raw text and reason, and balances', async () => {
    const db = await openDatabase();
    const path = files.write('broken.csv', content);
    const summary = await importFile(db, path);
    expect(summary.rowsRead).toBe(12); // the blank line is not a row
    expect(summary.rowsAccepted).toBe(3);
    expect(summary.rowsRejected).toBe(9);
    expect(summary.rowsAccepted + summary.rowsRejected).toBe(summary.rowsRead);
    expect(summary.zonelessTimestamps).toBe(1);
    const rejects = await db.query<{ line: bigint; raw: string; reason: string }>('SELECT line, raw, reason FROM rejects ORDER BY line');
    expect(rejects.map((r) => [Number(r.line), r.reason])).toEqual([
      [3, 'missing_user_id'], [4, 'bad_timestamp'], [5, 'wrong_column_count'], [6, 'negative_revenue'],
      [8, 'bad_number'], [9, 'duplicate_event'], [10, 'unknown_variant_shape'], [11, 'missing_event_name'],
      [14, 'wrong_column_count'],
    ]);
    expect(rejects[0]!.raw).toBe('experiment.exposure,2026-03-01T10:00:00Z,,exp,control,true,');
    expect(rejects[4]!.raw).toBe('checkout.completed,1772445600000,u1,,,,"1,5"');
    const events = await db.query<{ line: bigint; ts: Date; revenue_cents: bigint | null }>('SELECT line, ts, revenue_cents FROM events ORDER BY line');
    expect(events.map((e) => Number(e.line))).toEqual([2, 12, 13]);
    expect(events[1]!.ts.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(Number(events[1]!.revenue_cents)).toBe(2500);
    expect(events[2]!.ts.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    await db.close();
  });
});

describe('formats', () => {
  it('sniffs semicolons and tabs, reads quoted fields, multi-line records and gzip', async () => {
    const db = await openDatabase();
    const semicolon = files.write('semi.csv', 'unit;arm;score\n1;"a;b";1.5\n2;c;2\n3;"multi\nline";x\n4;c;3\n');
    const s1 = await importFile(db, semicolon, { mapping: { unit: 'unit', variant: 'arm', metrics: ['score'] } });
    expect([s1.rowsRead, s1.rowsAccepted, s1.rowsRejected]).toEqual([4, 3, 1]);
    const bad = await db.query<{ line: bigint; raw: string; reason: string }>('SELECT line, raw, reason FROM rejects');
    expect(bad).toEqual([{ line: 4n, raw: '3;"multi\nline";x', reason: 'bad_number' }]);
    const tab = files.write('tab.tsv.gz', 'unit\tarm\tscore\n1\ta\t1\n2\tb\t0\n', true);
    const s2 = await importFile(db, tab, { mapping: { unit: 'unit', variant: 'arm' } });
    expect([s2.rowsRead, s2.rowsAccepted, s2.format]).toEqual([2, 2, 'csv']);
    expect(s2.mapping).toMatchObject({ shape: 'unit_table', metrics: ['score'] });
    await db.close();
  });

  it('reads NDJSON and rejects lines that are not JSON objects', async () => {
    const db = await openDatabase();
    const path = files.write('events.ndjson', [
      '{"event_name":"experiment.exposure","timestamp":"2026-03-01T10:00:00Z","user_id":"u1","experiment_id":"e","variant_id":"control"}',
      'not json',
      '{"event_name":"checkout.completed","timestamp":"2026-03-01T11:00:00Z","user_id":"u1","revenue_cents":1200,"extra":{"a":1}}',
      '[1,2]',
    ].join('\n'));
    const summary = await importFile(db, path);
    expect([summary.rowsRead, summary.rowsAccepted, summary.rowsRejected]).toEqual([4, 2, 2]);
    expect(summary.rejectsByReason).toEqual({ malformed_record: 2 });
    const lines = await db.query<{ line: bigint }>('SELECT line FROM rejects ORDER BY line');
    expect(lines.map((l) => Number(l.line))).toEqual([2, 4]);
    const revenue = await db.query<{ r: bigint }>(`SELECT revenue_cents AS r FROM events WHERE event_name = 'checkout.completed'`);
    expect(Number(revenue[0]!.r)).toBe(1200);
    await db.close();
  });

  it('reads Parquet', async () => {
    const db = await openDatabase();
    const path = files.path('units.parquet');
    await db.run(`COPY (SELECT i AS unit, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS arm, (i % 3 = 0) AS bought
                  FROM range(100) t(i)) TO '${path.replaceAll("'", "''")}' (FORMAT parquet)`);
    const summary = await importFile(db, path, { mapping: { unit: 'unit', variant: 'arm', metrics: ['bought'] } });
    expect([summary.rowsRead, summary.rowsAccepted, summary.format]).toEqual([100, 100, 'parquet']);
    const sum = await db.query<{ s: number }>(`SELECT sum(value) AS s FROM unit_values`);
    expect(sum[0]!.s).toBe(34);
    await db.close();
  });
});

describe('one transaction per import', () => {
  it('re-importing the same content is detected by its hash and is a no-op unless forced', async () => {
    const db = await openDatabase();
    const path = files.write('good.csv', GOOD_EVENT_LOG);
    const first = await importFile(db, path);
    const again = await importFile(db, files.write('copy.csv', GOOD_EVENT_LOG));
    expect(again.duplicateOf).toBe(first.fileId);
    expect(await count(db, 'events')).toBe(3);
    const forced = await importFile(db, path, { force: true });
    expect(forced.rowsAccepted).toBe(3);
    expect(await count(db, 'events')).toBe(6);
    await db.close();
  });

  it('a cancelled import leaves the database as it was', async () => {
    const db = await openDatabase();
    await importFile(db, files.write('first.csv', GOOD_EVENT_LOG));
    const before = [await count(db, 'events'), await count(db, 'rejects'), await count(db, 'files'), await count(db, 'assignments')];
    const controller = new AbortController();
    const path = files.write('second.csv', `${GOOD_EVENT_LOG}\nexperiment.exposure,2026-03-01T10:00:00Z,u9,exp,control,true,\nbroken`);
    const attempt = importFile(db, path, {
      signal: controller.signal,
      onProgress: (p) => (p.phase === 'validating' ? controller.abort() : undefined),
    });
    await expect(attempt).rejects.toBeInstanceOf(ImportCancelledError);
    const after = [await count(db, 'events'), await count(db, 'rejects'), await count(db, 'files'), await count(db, 'assignments')];
    expect(after).toEqual(before);
    await db.close();
  });

  it('a mapping error leaves nothing behind and says what is wrong in one line', async () => {
    const db = await openDatabase();
    const path = files.write('units.csv', 'id,arm,score\n1,a,1\n');
    await expect(importFile(db, path, { mapping: { variant: 'arm', metrics: ['nope'] } })).rejects.toThrow(/--metric nope: no such column/);
    await expect(importFile(db, path)).rejects.toBeInstanceOf(ImportInputError);
    expect(await count(db, 'files')).toBe(0);
    expect(await count(db, 'unit_rows')).toBe(0);
    await db.close();
  });
});

describe('unit tables with several rows per unit (docs/analysis-definitions.md)', () => {
  it('takes the earliest row by timestamp and excludes units seen with two variants', async () => {
    const db = await openDatabase();
    const path = files.write('dups.csv', [
      'user,ts,group,converted',
      'a,2026-01-02 00:00:00,control,1',
      'a,2026-01-01 00:00:00,control,0', // earlier: gives a's value 0
      'b,2026-01-01 00:00:00,control,1',
      'b,2026-01-03 00:00:00,treatment,1', // b saw two variants: excluded
      'c,2026-01-01 00:00:00,treatment,1',
    ].join('\n'));
    await importFile(db, path, { mapping: { unit: 'user', timestamp: 'ts', variant: 'group', metrics: ['converted'] } });
    const rows = await db.query<{ unit_id: string; variant_id: string | null; value: number | null }>(`
      SELECT a.unit_id, a.variant_id, v.value FROM assignments a
      LEFT JOIN unit_values v ON v.file_id = a.file_id AND v.line = a.line AND a.variant_id IS NOT NULL ORDER BY a.unit_id`);
    expect(rows).toEqual([
      { unit_id: 'a', variant_id: 'control', value: 0 },
      { unit_id: 'b', variant_id: null, value: null },
      { unit_id: 'c', variant_id: 'treatment', value: 1 },
    ]);
    await db.close();
  });
});

describe('database file', () => {
  it('applies the schema migration once and keeps data across reopen', async () => {
    const path = files.path('desk.duckdb');
    const db = await openDatabase(path);
    await importFile(db, files.write('persist.csv', GOOD_EVENT_LOG));
    await db.close();
    const reopened = await openDatabase(path);
    expect(await count(reopened, 'events')).toBe(3);
    const versions = await reopened.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }]);
    await reopened.close();
  });
});

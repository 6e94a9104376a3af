/**
 * Arrow IPC input (docs/analysis-definitions.md, data/import/arrow-ipc.ts): a file and a stream of the same event log
 * import exactly like the CSV of the same values — the same events with the same line numbers
 * (row + 1), the same rejects and reasons, the same analysis; typed timestamps keep their
 * microseconds and a zone-less column is counted; a unit table works; a file that is not Arrow is
 * a one-line error; the mapping dialog's preview reads it.
 */
import { writeFileSync } from 'node:fs';
import {
  Bool, Dictionary, Int32, Int64, Table, TimeUnit, TimestampMicrosecond, TimestampMillisecond,
  Utf8, makeData, makeVector, tableToIPC, vectorFromArray, type DataType, type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../contract/settings.ts';
import { analyzeDatabase } from '../../data/analysis/analyze.ts';
import { openDatabase } from '../../data/database.ts';
import { isoFromUnit } from '../../data/import/arrow-ipc.ts';
import { ImportInputError } from '../../data/import/detect-format.ts';
import { importFile } from '../../data/import/import-file.ts';
import { previewFile } from '../../data/import/preview.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();

interface Row {
  event_name: string | null; timestamp: number | null; user_id: string | null; experiment_id: string | null; variant_id: string | null;
  is_control: boolean | null; revenue_cents: bigint | null;
}

/** A small event log with every kind of rejected row an Arrow file can hold. */
function eventRows(): Row[] {
  const rows: Row[] = [];
  const t0 = Date.UTC(2026, 2, 1, 9, 0, 0, 250);
  for (let u = 0; u < 60; u++) {
    const variant = u % 2 === 0 ? 'control' : 'treatment';
    rows.push({ event_name: 'experiment.exposure', timestamp: t0 + u * 60_000, user_id: `u${u}`, experiment_id: 'exp', variant_id: variant, is_control: variant === 'control', revenue_cents: null });
    if (u % 3 === 0) rows.push({ event_name: 'checkout.completed', timestamp: t0 + u * 60_000 + 3_600_000, user_id: `u${u}`, experiment_id: null, variant_id: null, is_control: null, revenue_cents: BigInt(1000 + u) });
    if (u % 4 === 0) rows.push({ event_name: 'page_view', timestamp: t0 + u * 60_000 + 86_400_000 * 1.5, user_id: `u${u}`, experiment_id: null, variant_id: null, is_control: null, revenue_cents: null });
  }
  rows.push({ event_name: 'page_view', timestamp: t0, user_id: null, experiment_id: null, variant_id: null, is_control: null, revenue_cents: null }); // missing_user_id
  rows.push({ event_name: 'checkout.completed', timestamp: t0, user_id: 'u1', experiment_id: null, variant_id: null, is_control: null, revenue_cents: -5n }); // negative_revenue
  rows.push({ event_name: 'page_view', timestamp: null, user_id: 'u2', experiment_id: null, variant_id: null, is_control: null, revenue_cents: null }); // bad_timestamp
  rows.push({ event_name: 'experiment.exposure', timestamp: t0, user_id: 'u3', experiment_id: 'exp', variant_id: null, is_control: null, revenue_cents: null }); // unknown_variant_shape
  rows.push({ ...rows[0]! }); // duplicate_event
  return rows;
}

function arrowTable(rows: Row[], timestampType: DataType = new TimestampMillisecond('UTC')): Table {
  const column = <T>(pick: (r: Row) => T, type: DataType): Vector => vectorFromArray(rows.map(pick), type);
  return new Table({
    event_name: column((r) => r.event_name, new Dictionary(new Utf8(), new Int32())),
    timestamp: column((r) => r.timestamp, timestampType),
    user_id: column((r) => r.user_id, new Utf8()),
    experiment_id: column((r) => r.experiment_id, new Utf8()),
    variant_id: column((r) => r.variant_id, new Utf8()),
    is_control: column((r) => r.is_control, new Bool()),
    revenue_cents: column((r) => r.revenue_cents, new Int64()),
  });
}

function csvOf(rows: Row[]): string {
  const text = (v: unknown): string => (v === null ? '' : String(v));
  const lines = rows.map((r) => [r.event_name, r.timestamp === null ? null : new Date(r.timestamp).toISOString(), r.user_id, r.experiment_id,
    r.variant_id, r.is_control, r.revenue_cents].map(text).join(','));
  return `${['event_name', 'timestamp', 'user_id', 'experiment_id', 'variant_id', 'is_control', 'revenue_cents'].join(',')}\n${lines.join('\n')}\n`;
}

async function snapshot(path: string) {
  const db = await openDatabase();
  try {
    const summary = await importFile(db, path);
    const json = <T>(x: T): T => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v))) as T;
    return {
      summary,
      events: json(await db.query('SELECT * EXCLUDE (file_id, properties) FROM events ORDER BY line')),
      rejects: json(await db.query('SELECT line, reason FROM rejects ORDER BY line')),
      raw: json(await db.query('SELECT raw FROM rejects ORDER BY line')).map((r) => String(r.raw)),
      analysis: json((await analyzeDatabase(db, defaultSettings())).experiments),
    };
  } finally {
    await db.close();
  }
}

describe('Arrow IPC import', () => {
  it('a file and a stream import exactly like the CSV of the same values', async () => {
    const rows = eventRows();
    const arrowFile = files.path('events.arrow');
    writeFileSync(arrowFile, tableToIPC(arrowTable(rows), 'file'));
    const arrowStream = files.path('events.arrows');
    writeFileSync(arrowStream, tableToIPC(arrowTable(rows), 'stream'));
    const csv = files.write('events.csv', csvOf(rows));

    const fromCsv = await snapshot(csv);
    const fromFile = await snapshot(arrowFile);
    const fromStream = await snapshot(arrowStream);
    expect(fromFile.summary.format).toBe('arrow');
    expect(fromFile.summary.rowsRead).toBe(rows.length);
    expect(fromFile.summary.rejectsByReason).toEqual({
      bad_timestamp: 1, duplicate_event: 1, missing_user_id: 1, negative_revenue: 1, unknown_variant_shape: 1,
    });
    for (const imported of [fromFile, fromStream]) {
      expect(imported.events).toEqual(fromCsv.events);
      expect(imported.rejects).toEqual(fromCsv.rejects);
      expect(imported.analysis).toEqual(fromCsv.analysis);
      expect(imported.summary.rowsAccepted + imported.summary.rowsRejected).toBe(rows.length);
    }
    // A rejected row's raw text is the row as JSON (as for Parquet).
    expect(JSON.parse(fromFile.raw[0]!)).toMatchObject({ event_name: 'page_view', user_id: null });
  });

  it('keeps a timestamp column’s microseconds; a column without a zone is read as UTC and counted', async () => {
    const t = Date.UTC(2026, 2, 1, 9, 0, 0, 250);
    const micros = BigInt(t) * 1000n + 17n;
    const table = new Table({
      event_name: vectorFromArray(['experiment.exposure', 'page_view'], new Utf8()),
      timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: 2, nullCount: 0, data: BigInt64Array.of(micros, micros + 1n) })),
      user_id: vectorFromArray(['u1', 'u1'], new Utf8()),
      experiment_id: vectorFromArray(['exp', null], new Utf8()),
      variant_id: vectorFromArray(['control', null], new Utf8()),
    });
    const path = files.path('micros.feather');
    writeFileSync(path, tableToIPC(table, 'file'));
    const db = await openDatabase();
    const summary = await importFile(db, path);
    expect(summary.zonelessTimestamps).toBe(2);
    const stored = await db.query<{ us: bigint }>('SELECT epoch_us(ts) AS us FROM events ORDER BY line');
    expect(stored.map((r) => r.us)).toEqual([micros, micros + 1n]);
    await db.close();
  });

  it('writes every time unit to the microsecond, before and after 1970', () => {
    expect(isoFromUnit(1_772_355_600n, TimeUnit.SECOND, true)).toBe('2026-03-01T09:00:00.000Z');
    expect(isoFromUnit(1_772_355_600_250n, TimeUnit.MILLISECOND, true)).toBe('2026-03-01T09:00:00.250Z');
    expect(isoFromUnit(1_772_355_600_250_017n, TimeUnit.MICROSECOND, false)).toBe('2026-03-01T09:00:00.250017');
    expect(isoFromUnit(1_772_355_600_250_017_999n, TimeUnit.NANOSECOND, true)).toBe('2026-03-01T09:00:00.250017Z');
    expect(isoFromUnit(-1n, TimeUnit.MICROSECOND, true)).toBe('1969-12-31T23:59:59.999999Z');
    expect(isoFromUnit(-1_500n, TimeUnit.NANOSECOND, true)).toBe('1969-12-31T23:59:59.999998Z');
  });

  it('imports a unit table, and the mapping dialog previews the file', async () => {
    const n = 40;
    const table = new Table({
      userid: vectorFromArray(Array.from({ length: n }, (_, i) => `p${i}`), new Utf8()),
      version: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'gate_30' : 'gate_40')), new Utf8()),
      retention_1: vectorFromArray(Array.from({ length: n }, (_, i) => i % 3 === 0), new Bool()),
      sum_gamerounds: vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i * 7)), new Int64()),
    });
    const path = files.path('cookie-like.arrow');
    writeFileSync(path, tableToIPC(table, 'file'));
    const db = await openDatabase();
    const preview = await previewFile(db, path);
    expect(preview.header).toEqual(['userid', 'version', 'retention_1', 'sum_gamerounds']);
    expect(preview.rows[0]).toEqual(['p0', 'gate_30', 'true', '0']);
    expect(preview.variantValues).toEqual(['gate_30', 'gate_40']);
    const summary = await importFile(db, path, { mapping: { unit: 'userid', variant: 'version', control: 'gate_30', metrics: ['retention_1'] } });
    expect([summary.shape, summary.rowsAccepted, summary.rowsRejected]).toEqual(['unit_table', n, 0]);
    const report = await analyzeDatabase(db, defaultSettings());
    const metric = report.experiments[0]!.metrics.find((m) => m.name === 'retention_1')!;
    // Rows 0, 3, 6, … are retained: 7 of the 20 even rows (gate_30), 7 of the 20 odd rows.
    expect(metric.variants.map((v) => [v.variant, v.n, v.mean])).toEqual([['gate_30', 20, 7 / 20], ['gate_40', 20, 7 / 20]]);
    await db.close();
  });

  it('a file named .arrow that is not Arrow IPC is a one-line error, and the database is unchanged', async () => {
    const path = files.write('not.arrow', 'event_name,timestamp\npage_view,2026-03-01T00:00:00Z\n');
    const db = await openDatabase();
    await expect(importFile(db, path)).rejects.toThrow(ImportInputError);
    await expect(importFile(db, path)).rejects.toThrow(/not an Arrow IPC file or stream/);
    expect(await db.query('SELECT count(*) AS n FROM files')).toEqual([{ n: 0n }]);
    await db.close();
  });
});

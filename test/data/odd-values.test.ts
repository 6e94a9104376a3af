/**
 * Odd values never brick a database nor abort an import (docs/analysis-definitions.md, "Accepted
 * ranges" and "data_end"): each is a reject with its reason and a detail, or is accepted when valid;
 * afterwards every analysis, the experiment list and the rows preview still work. Files are
 * imported through the real importer (plain, quoted and padded CSV, NDJSON, Parquet, Arrow) and the
 * command line.
 */
import { writeFileSync } from 'node:fs';
import { Int64, Table, TimestampMicrosecond, Utf8, makeData, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../contract/settings.ts';
import { analyzeDatabase } from '../../data/analysis/analyze.ts';
import { openDatabase, type Database } from '../../data/database.ts';
import { ImportInputError } from '../../data/import/detect-format.ts';
import { importFile } from '../../data/import/import-file.ts';
import { createDeskService } from '../../data/service/desk-service.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();
const HEADER = 'event_name,timestamp,user_id,experiment_id,variant_id,is_control,revenue_cents';
const EXPOSURE = 'experiment.exposure';
const ORDER = 'checkout.completed';

/** Two exposed units and an order: a log that analyses. */
const BASE = [
  `${EXPOSURE},2026-03-01T10:00:00Z,u1,exp,control,true,`,
  `${EXPOSURE},2026-03-01T11:00:00Z,u2,exp,treatment,false,`,
  `${ORDER},2026-03-02T10:00:00Z,u2,,,,1999`,
];

let fileNo = 0;
function csv(lines: readonly string[], header = HEADER): string {
  fileNo += 1;
  return files.write(`odd-${fileNo}.csv`, [header, ...lines].join('\n') + '\n');
}

/**
 * The CSV layouts the importer reads differently: plain fields (split at the delimiter, not
 * trimmed), a quoted first field (RFC 4180 grammar), a padded first field (trimmed).
 */
const LAYOUTS = {
  plain: (line: string) => line,
  quoted: (line: string) => line.replace(/^([^,]*)/, '"$1"'),
  padded: (line: string) => line.replace(/^([^,]*)/, '$1 '),
} as const;

async function rejects(db: Database): Promise<{ line: number; reason: string; detail: string | null }[]> {
  const rows = await db.query<{ line: bigint; reason: string; detail: string | null }>('SELECT line, reason, detail FROM rejects ORDER BY line');
  return rows.map((r) => ({ line: Number(r.line), reason: r.reason, detail: r.detail }));
}

/** Every query that hands timestamps back to JavaScript works on `db`. */
async function expectReadable(db: Database): Promise<void> {
  const report = await analyzeDatabase(db, defaultSettings());
  for (const experiment of report.experiments) {
    if (experiment.dataEnd !== null) expect(Number.isFinite(Date.parse(experiment.dataEnd))).toBe(true);
  }
  await db.query('SELECT * FROM events');
  await db.query('SELECT * FROM assignments');
  await db.query('SELECT * FROM unit_rows');
}

const databases: Database[] = [];
afterAll(async () => {
  for (const db of databases) await db.close();
});
async function database(): Promise<Database> {
  const db = await openDatabase();
  databases.push(db);
  return db;
}

describe('timestamps outside 1970-01-01 … 2099-12-31 (UTC) are bad_timestamp rejects', () => {
  const odd = [
    'infinity', '-infinity', '+infinity', 'Infinity', '294247-01-01', '294247-01-01T00:00:00Z', '10000-01-01T00:00:00Z',
    '2999-01-01T00:00:00Z', '2100-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '0001-01-01T00:00:00Z',
    '-1', '4102444800000', '1772445600000000', '9999999999999999', '-9999999999999999', '99999999999999999999',
  ];
  const valid = ['1970-01-01T00:00:00Z', '0', '2099-12-31T23:59:59.999999Z', '4102444799999'];

  for (const [layout, write] of Object.entries(LAYOUTS)) {
    it(`on a conversion or an exposure, and valid edges are accepted (${layout} CSV)`, async () => {
      const db = await database();
      const lines = [
        ...BASE,
        ...odd.map((ts, i) => `${ORDER},${ts},u1,,,,${100 + i}`),
        `${EXPOSURE},-infinity,u3,exp,control,true,`,
        `${EXPOSURE},infinity,u4,exp,treatment,false,`,
        ...valid.map((ts, i) => `page_view,${ts},u1,,,,${200 + i}`),
      ];
      const summary = await importFile(db, csv(lines.map(write)));
      expect(summary.rowsRead).toBe(lines.length);
      expect(summary.rejectsByReason).toEqual({ bad_timestamp: odd.length + 2 });
      expect(summary.rowsAccepted).toBe(BASE.length + valid.length);
      const detail = (await rejects(db)).map((r) => r.detail);
      expect(detail[0]).toBe('timestamp: infinity (outside 1970-01-01 … 2099-12-31 UTC)');
      expect(detail).toContain('timestamp: 1772445600000000 (outside 1970-01-01 … 2099-12-31 UTC)');
      const stored = await db.query<{ lo: string; hi: string }>('SELECT min(ts)::VARCHAR AS lo, max(ts)::VARCHAR AS hi FROM events');
      expect(stored[0]).toEqual({ lo: '1970-01-01 00:00:00+00', hi: '2099-12-31 23:59:59.999999+00' });
      await expectReadable(db);
    });
  }

  it('in NDJSON and in a unit table', async () => {
    const db = await database();
    const ndjson = files.write('odd.ndjson', [
      JSON.stringify({ event_name: EXPOSURE, timestamp: '2026-03-01T10:00:00Z', user_id: 'u1', experiment_id: 'e', variant_id: 'a' }),
      JSON.stringify({ event_name: EXPOSURE, timestamp: 'infinity', user_id: 'u2', experiment_id: 'e', variant_id: 'b' }),
      `{"event_name":"${ORDER}","timestamp":9999999999999999,"user_id":"u1","revenue_cents":5}`, // a JSON number, 16 digits
    ].join('\n'));
    expect((await importFile(db, ndjson)).rejectsByReason).toEqual({ bad_timestamp: 2 });
    const units = csv(['1,a,2026-03-01T00:00:00Z,1', '2,b,-infinity,0', '3,b,294247-01-01,1'], 'id,arm,seen,bought');
    const summary = await importFile(db, units, { mapping: { unit: 'id', variant: 'arm', timestamp: 'seen', metrics: ['bought'] } });
    expect([summary.rowsAccepted, summary.rejectsByReason]).toEqual([1, { bad_timestamp: 2 }]);
    await expectReadable(db);
  });

  it('from a Parquet or an Arrow timestamp column (DuckDB infinity, the largest 64-bit value)', async () => {
    const db = await database();
    const parquet = files.path('odd.parquet');
    await db.run(`COPY (SELECT 'experiment.exposure' AS event_name, 'u' || i AS user_id, 'e' AS experiment_id,
                         CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS variant_id,
                         CASE i WHEN 3 THEN 'infinity'::TIMESTAMP WHEN 4 THEN '-infinity'::TIMESTAMP
                                ELSE TIMESTAMP '2026-03-01' + INTERVAL (i) HOUR END AS timestamp
                  FROM range(6) t(i)) TO '${parquet.replaceAll("'", "''")}' (FORMAT parquet)`);
    expect((await importFile(db, parquet)).rejectsByReason).toEqual({ bad_timestamp: 2 });

    const micros = BigInt(Date.UTC(2026, 2, 1)) * 1000n;
    const table = new Table({
      event_name: vectorFromArray([EXPOSURE, EXPOSURE, EXPOSURE], new Utf8()),
      timestamp: makeVector(makeData({
        type: new TimestampMicrosecond(), length: 3, nullCount: 0, data: BigInt64Array.of(micros, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_807n),
      })),
      user_id: vectorFromArray(['v1', 'v2', 'v3'], new Utf8()),
      experiment_id: vectorFromArray(['f', 'f', 'f'], new Utf8()),
      variant_id: vectorFromArray(['a', 'b', 'b'], new Utf8()),
    });
    const arrow = files.path('odd.arrow');
    writeFileSync(arrow, tableToIPC(table, 'file'));
    const summary = await importFile(db, arrow);
    expect([summary.rowsAccepted, summary.rejectsByReason]).toEqual([1, { bad_timestamp: 2 }]);
    const detail = await db.query<{ detail: string }>(`SELECT detail FROM rejects WHERE file_id = $f ORDER BY line`, { f: summary.fileId });
    expect(detail[0]!.detail).toBe('timestamp: 9223372036854775807 µs since 1970-01-01 (out of range)');
    await expectReadable(db);
  });

  it('the command line imports with exit 0 and every later analyze exits 0; the app lists the experiments', async () => {
    const path = csv([...BASE, `${ORDER},infinity,u1,,,,100`, `${EXPOSURE},-infinity,u3,exp,control,true,`, `${ORDER},294247-01-01,u2,,,,5`]);
    const dbPath = files.path('timestamps.duckdb');
    const imported = await runCli(['import', path, '--db', dbPath]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/6 rows read = 3 accepted \+ 3 rejected/);
    for (let i = 0; i < 2; i++) {
      const analysed = await runCli(['analyze', '--db', dbPath, '--format', 'json']);
      expect([analysed.code, analysed.stderr]).toEqual([0, '']);
    }

    const service = await createDeskService({ databasePath: ':memory:', settingsPath: files.path('settings.json'), uploadDir: files.path('work') });
    try {
      await service.handlers.importFiles({ importId: 'odd', files: [{ kind: 'path', path }] });
      expect((await service.handlers.listExperiments({})).map((e) => e.experimentId)).toEqual(['exp']);
      expect((await service.handlers.previewRows({ table: 'events' })).byteLength).toBeGreaterThan(0);
    } finally {
      await service.close();
    }
  });
});

describe('odd numbers are bad_number rejects with a reason, never an aborted import', () => {
  const odd = [
    'NaN', 'nan', '-NaN', 'inf', '-inf', '+inf', 'Infinity', '-Infinity', '1e309', '-1e309', '1e19', '-1e19',
    '9223372036854775807', '99999999999999999999', '1e16', '1000000000000001',
  ];

  for (const [layout, write] of Object.entries(LAYOUTS)) {
    it(`revenue_cents (${layout} CSV)`, async () => {
      const db = await database();
      const lines = [...BASE, ...odd.map((v, i) => `${ORDER},2026-03-02T11:00:${String(i).padStart(2, '0')}Z,u1,,,,${v}`),
        `${ORDER},2026-03-02T12:00:00Z,u1,,,,1000000000000000`];
      const summary = await importFile(db, csv(lines.map(write)));
      expect(summary.rejectsByReason).toEqual({ bad_number: odd.length });
      expect(summary.rowsAccepted).toBe(BASE.length + 1);
      const all = await rejects(db);
      expect(all[0]!.detail).toBe('revenue: NaN (not a finite amount within ±10^15 cents)');
      expect(all.every((r) => r.reason === 'bad_number')).toBe(true);
      const max = await db.query<{ m: bigint }>('SELECT max(revenue_cents) AS m FROM events');
      expect(max[0]!.m).toBe(1_000_000_000_000_000n);
      await expectReadable(db);
    });
  }

  it('value (× 100) and a pricing export order total', async () => {
    const db = await database();
    const values = csv([
      `${EXPOSURE},2026-03-01T10:00:00Z,u1,exp,control,true,`,
      `${ORDER},2026-03-02T10:00:00Z,u1,,,,1e13`, // 10^15 cents: accepted
      `${ORDER},2026-03-02T10:00:01Z,u1,,,,1e14`, // 10^16 cents
      `${ORDER},2026-03-02T10:00:02Z,u1,,,,inf`,
      `${ORDER},2026-03-02T10:00:03Z,u1,,,,1e19`,
    ], 'event_name,timestamp,user_id,experiment_id,variant_id,is_control,value');
    const summary = await importFile(db, values);
    expect([summary.rowsAccepted, summary.rejectsByReason]).toEqual([2, { bad_number: 3 }]);

    const pricing = files.write('pricing-odd.csv', [
      'slug,variantKey,isControl,recordedAt,journeyId,eventId,orderId,orderTotal,orderCurrency',
      'p,control,true,2026-03-01T10:00:00Z,j1,e1,,,',
      'p,test,false,2026-03-01T10:00:00Z,j2,e2,o2,NaN,EUR',
      'p,test,false,2026-03-01T11:00:00Z,j3,e3,o3,1e309,EUR',
      'p,test,false,2026-03-01T12:00:00Z,j4,e4,o4,12.50,EUR',
    ].join('\n') + '\n');
    const priced = await importFile(db, pricing);
    expect([priced.rowsAccepted, priced.rejectsByReason]).toEqual([2, { bad_number: 2 }]);
    await expectReadable(db);
  });

  it('a unit table: NaN and inf are rejects, the column stays a metric and its statistics finite', async () => {
    const db = await database();
    // `account` is a 20-digit number: a (meaningless) metric, as ever, not a reason to reject rows.
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${i % 2 ? 'b' : 'a'},${i}.5,98765432109876543${100 + i}`);
    const path = csv([...rows, '20,a,NaN,1', '21,b,inf,1', '22,a,-Infinity,1', '23,b,1e309,1', '24,a,1e300,1'], 'id,arm,spend,account');
    const summary = await importFile(db, path, { mapping: { unit: 'id', variant: 'arm' } });
    expect(summary.mapping).toMatchObject({ metrics: ['spend', 'account'] });
    expect([summary.rowsAccepted, summary.rejectsByReason]).toEqual([20, { bad_number: 5 }]);
    expect((await rejects(db))[0]!.detail).toBe('spend: NaN (not a finite number within ±10^100)');
    const report = await analyzeDatabase(db, defaultSettings());
    const spend = report.experiments[0]!.metrics.find((m) => m.name === 'spend')!;
    expect(spend.variants.map((v) => [v.n, v.mean])).toEqual([[10, 9.5], [10, 10.5]]);
    expect(spend.comparisons[0]!.pValue).not.toBeNull();
  });

  it('the command line: exit 0 for every odd revenue', async () => {
    const path = csv([...BASE, ...odd.map((v, i) => `${ORDER},2026-03-02T11:00:${String(i).padStart(2, '0')}Z,u2,,,,${v}`)]);
    const run = await runCli(['analyze', path, '--format', 'json']);
    expect([run.code, run.stderr]).toEqual([0, '']);
  });
});

describe('events far after the exposure period (events_outside_period)', () => {
  /** 200 units exposed over February 2026, an order by every third. */
  const LOG: string[] = [];
  for (let i = 0; i < 200; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    LOG.push(`${EXPOSURE},2026-02-${day}T10:00:00Z,u${i},exp,${i % 2 ? 'treatment' : 'control'},${i % 2 ? 'false' : 'true'},`);
    if (i % 3 === 0) LOG.push(`${ORDER},2026-02-${day}T12:00:00Z,u${i},,,,${1000 + i}`);
  }

  async function analyse(extra: readonly string[]): Promise<Awaited<ReturnType<typeof analyzeDatabase>>['experiments'][number]> {
    const db = await database();
    await importFile(db, csv([...LOG, ...extra]));
    return (await analyzeDatabase(db, defaultSettings())).experiments[0]!;
  }

  it('do not move the end of the data nor count in a metric, and are flagged with their count', async () => {
    const normal = await analyse([]);
    expect(normal.dataEnd).toBe('2026-02-28T12:00:00.000Z');
    expect(normal.warnings.map((w) => w.code)).not.toContain('events_outside_period');

    // A mistyped year on an order, and a page view a year later.
    const stray = await analyse([`${ORDER},2099-01-01T00:00:00Z,u3,,,,500`, 'page_view,2027-03-01T00:00:00Z,u6,,,,']);
    expect(stray.dataEnd).toBe(normal.dataEnd);
    expect(stray.runtimeDays).toBe(normal.runtimeDays);
    expect(stray.metrics).toEqual(normal.metrics);
    const warning = stray.warnings.find((w) => w.code === 'events_outside_period')!;
    // The end of exposures (the 99th percentile of t0, 2026-02-28T10:00Z) + 31 + 90 days.
    expect(warning.values).toEqual({ events: 2, after: '2026-06-29T10:00:00.000Z', latest: '2099-01-01T00:00:00.000Z' });
    expect(warning.message).toMatch(/^2 events dated after 2026-06-29T10:00:00.000Z, far after the exposure period/);
    expect(stray.verdict).toEqual(normal.verdict);
  });

  it('one stray exposure does not move the end of the exposure period', async () => {
    const stray = await analyse([`${EXPOSURE},2099-06-01T00:00:00Z,late,exp,control,true,`, `${ORDER},2099-06-02T00:00:00Z,late,,,,500`]);
    expect(stray.dataEnd).toBe('2026-02-28T12:00:00.000Z');
    expect(stray.runtimeDays).toBeLessThan(28);
    expect(stray.warnings.find((w) => w.code === 'events_outside_period')!.values).toMatchObject({ events: 2 });
  });

  it('events within the horizon (a longer metric window widens it) keep defining the end of the data', async () => {
    const later = await analyse([`${ORDER},2026-06-01T00:00:00Z,u3,,,,500`]);
    expect(later.dataEnd).toBe('2026-06-01T00:00:00.000Z');
    expect(later.warnings.map((w) => w.code)).not.toContain('events_outside_period');
    const db = await database();
    await importFile(db, csv([...LOG, `${ORDER},2026-12-01T00:00:00Z,u3,,,,500`]));
    const windowed = await analyzeDatabase(db, defaultSettings({ metricWindowDays: { revenue_per_user: 365 } }));
    expect(windowed.experiments[0]!.dataEnd).toBe('2026-12-01T00:00:00.000Z');
  });
});

describe('reserved column names', () => {
  async function expectRefused(path: string, column: string, options: Parameters<typeof importFile>[2] = {}): Promise<void> {
    const db = await database();
    const attempt = importFile(db, path, options);
    await expect(attempt).rejects.toThrow(ImportInputError);
    await expect(importFile(db, path, options)).rejects.toThrow(new RegExp(`column "${column}": names that begin with "__" are reserved`));
    const error = await importFile(db, path, options).catch((e: Error) => e);
    expect((error as Error).message).not.toMatch(/\n/);
    expect(await db.query('SELECT count(*) AS n FROM files')).toEqual([{ n: 0n }]);
  }

  it('__line and __raw in CSV (plain and quoted), NDJSON, Parquet, Arrow and unit tables are refused in one line', async () => {
    await expectRefused(csv([`${EXPOSURE},2026-03-01T00:00:00Z,u1,e,a,99`], 'event_name,timestamp,user_id,experiment_id,variant_id,__line'), '__line');
    await expectRefused(csv([`${EXPOSURE},2026-03-01T00:00:00Z,u1,e,"a",x`], 'event_name,timestamp,user_id,experiment_id,variant_id,__raw'), '__raw');
    await expectRefused(csv(['1,a,5'], 'id,arm,__LINE'), '__LINE', { mapping: { unit: 'id', variant: 'arm', metrics: ['__LINE'] } });
    await expectRefused(files.write('reserved.ndjson', JSON.stringify({ event_name: EXPOSURE, timestamp: '2026-03-01T00:00:00Z', user_id: 'u1', __line: 7 }) + '\n'), '__line');

    const db = await database();
    const parquet = files.path('reserved.parquet');
    await db.run(`COPY (SELECT 'experiment.exposure' AS event_name, TIMESTAMPTZ '2026-03-01' + INTERVAL (i) HOUR AS timestamp, 'u' || i AS user_id,
                         'e' AS experiment_id, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS variant_id, 1000 + i AS __line
                  FROM range(6) t(i)) TO '${parquet.replaceAll("'", "''")}' (FORMAT parquet)`);
    await expectRefused(parquet, '__line');

    const arrow = files.path('reserved.arrow');
    writeFileSync(arrow, tableToIPC(new Table({
      event_name: vectorFromArray([EXPOSURE], new Utf8()), timestamp: vectorFromArray(['2026-03-01T00:00:00Z'], new Utf8()),
      user_id: vectorFromArray(['u1'], new Utf8()), __raw: vectorFromArray([1n], new Int64()),
    }), 'file'));
    await expectRefused(arrow, '__raw');
  });

  it('pandas’ __index_level_0__ is an ordinary column', async () => {
    const db = await database();
    const parquet = files.path('pandas.parquet');
    await db.run(`COPY (SELECT 'experiment.exposure' AS event_name, TIMESTAMPTZ '2026-03-01' + INTERVAL (i) HOUR AS timestamp, 'u' || i AS user_id,
                         'e' AS experiment_id, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS variant_id, 1000 + i AS __index_level_0__
                  FROM range(6) t(i)) TO '${parquet.replaceAll("'", "''")}' (FORMAT parquet)`);
    const summary = await importFile(db, parquet);
    expect([summary.rowsAccepted, summary.rowsRejected]).toEqual([6, 0]);
    const lines = await db.query<{ line: bigint }>('SELECT line FROM events ORDER BY line');
    expect(lines.map((l) => Number(l.line))).toEqual([2, 3, 4, 5, 6, 7]);
  });
});

describe('a header-only CSV', () => {
  for (const ending of ['', '\n', '\r\n']) {
    it(`imports as an empty file (${JSON.stringify(ending)} after the header)`, async () => {
      const db = await database();
      const events = files.write(`header-only-${fileNo++}.csv`, HEADER + ending);
      expect(await importFile(db, events)).toMatchObject({ rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, shape: 'event_log' });
      const units = files.write(`header-only-units-${fileNo++}.csv`, 'id,arm,spend' + ending);
      expect(await importFile(db, units, { mapping: { unit: 'id', variant: 'arm' } }))
        .toMatchObject({ rowsRead: 0, rowsAccepted: 0, shape: 'unit_table' });
      expect((await analyzeDatabase(db, defaultSettings())).experiments).toEqual([]);
    });
  }

  it('the command line says that nothing can be analysed, exit 0', async () => {
    const path = files.write('header-only-cli.csv', HEADER);
    const run = await runCli(['analyze', path]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/0 rows read = 0 accepted \+ 0 rejected/);
    expect(run.stdout).toMatch(/No experiments found/);
  });
});

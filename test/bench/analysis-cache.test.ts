/**
 * The analysis reads per-unit values computed once per state of the data and a cube of sums per
 * (experiment, variant, segment, day of exposure) (data/metrics/unit-metrics-build.ts, analysis-context.ts). These
 * tests hold it to the direct definitions: for every filter — none, a segment, a date range at
 * UTC midnight (the cube), a range with a time of day (the units) — the sufficient statistics,
 * the cumulative series and the D0–D30 retention curve equal straightforward SQL over the event
 * log (the definitions of docs/analysis-definitions.md, written as plainly as possible); and the
 * cached values follow a new import and new settings, and persist to the next session.
 */
import { listValue } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings, type AnalysisSettings } from '../../contract/settings.ts';
import { openDatabase, type Database } from '../../data/database.ts';
import { analyzeDatabase } from '../../data/analysis/analyze.ts';
import { cumulativeUplift, retentionCurve } from '../../data/analysis/time-series.ts';
import { importFile } from '../../data/import/import-file.ts';
import { DEFAULT_SCALE_OPTIONS, generateScaleEventLog } from '../../data/simulate/duckdb-event-log.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();
let first: string;
let second: string;

beforeAll(async () => {
  const db = await openDatabase();
  first = files.path('first.csv');
  second = files.path('second.csv');
  await generateScaleEventLog(db, first, { ...DEFAULT_SCALE_OPTIONS, events: 30_000 });
  await generateScaleEventLog(db, second, { ...DEFAULT_SCALE_OPTIONS, events: 10_000, seed: 7 });
  await db.close();
});

const n = (value: unknown): number => Number(value ?? 0);

/** Per (experiment, variant): n and Σy of each metric, straight from the event log. */
async function directSums(db: Database, settings: AnalysisSettings): Promise<Map<string, number[]>> {
  const rows = await db.query(`
    WITH a AS (
      SELECT * FROM assignments a WHERE a.source = 'events' AND a.variant_id IS NOT NULL
        AND ($from IS NULL OR a.t0 >= CAST($from AS TIMESTAMPTZ)) AND ($to IS NULL OR a.t0 < CAST($to AS TIMESTAMPTZ))
        AND ($segment IS NULL OR a.segment = $segment)
    ), bounds AS (SELECT max(ts) AS data_end FROM events),
    u AS (
      SELECT a.experiment_id, a.variant_id, a.unit_id, a.t0,
        coalesce(bool_or(list_contains($conversion, e.event_name) AND e.ts >= a.t0), FALSE)::INTEGER AS converted,
        count(*) FILTER (WHERE list_contains($conversion, e.event_name) AND e.ts >= a.t0) AS orders,
        coalesce(sum(coalesce(e.revenue_cents, 0)) FILTER (WHERE list_contains($conversion, e.event_name) AND e.ts >= a.t0), 0) AS revenue,
        coalesce(bool_or(e.ts >= a.t0 + INTERVAL 1 DAY AND e.ts < a.t0 + INTERVAL 2 DAY), FALSE)::INTEGER AS d1,
        coalesce(bool_or(e.ts >= a.t0 + INTERVAL 7 DAY AND e.ts < a.t0 + INTERVAL 8 DAY), FALSE)::INTEGER AS d7
      FROM a JOIN events e ON e.user_id = a.unit_id GROUP BY ALL
    )
    SELECT experiment_id, variant_id, count(*) AS n, sum(converted) AS converted, sum(orders) AS orders, sum(revenue) AS revenue,
      count(*) FILTER (WHERE t0 + INTERVAL 2 DAY <= (SELECT data_end FROM bounds)) AS n1,
      sum(d1) FILTER (WHERE t0 + INTERVAL 2 DAY <= (SELECT data_end FROM bounds)) AS d1,
      count(*) FILTER (WHERE t0 + INTERVAL 8 DAY <= (SELECT data_end FROM bounds)) AS n7,
      sum(d7) FILTER (WHERE t0 + INTERVAL 8 DAY <= (SELECT data_end FROM bounds)) AS d7
    FROM u GROUP BY ALL ORDER BY ALL`,
  { from: settings.exposureFrom ?? null, to: settings.exposureTo ?? null, segment: settings.segment ?? null, conversion: listValue([...settings.conversionEvents]) });
  return new Map(rows.map((r) => [`${String(r.experiment_id)}/${String(r.variant_id)}`,
    [r.n, r.converted, r.orders, r.revenue, r.n1, r.d1, r.n7, r.d7].map(n)]));
}

/** The same numbers from the analysis report. */
async function reportSums(db: Database, settings: AnalysisSettings): Promise<Map<string, number[]>> {
  const report = await analyzeDatabase(db, settings);
  const out = new Map<string, number[]>();
  for (const e of report.experiments) {
    for (const variant of e.variants) {
      const m = (name: string): { n: number; mean: number | null } => e.metrics.find((x) => x.name === name)!.variants.find((v) => v.variant === variant)!;
      const sum = (name: string): number => Math.round((m(name).mean ?? 0) * m(name).n);
      out.set(`${e.experimentId}/${variant}`, [
        m('conversion').n, sum('conversion'), sum('orders_per_user'), sum('revenue_per_user'),
        m('retention_d1').n, sum('retention_d1'), m('retention_d7').n, sum('retention_d7'),
      ]);
    }
  }
  return out;
}

/** The D0–D30 curve straight from the event log: per variant and day, mature and retained units. */
async function directCurve(db: Database, experiment: string, settings: AnalysisSettings): Promise<string[]> {
  const rows = await db.query(`
    WITH a AS (
      SELECT * FROM assignments a WHERE a.source = 'events' AND a.variant_id IS NOT NULL AND a.experiment_id = $experiment
        AND ($from IS NULL OR a.t0 >= CAST($from AS TIMESTAMPTZ)) AND ($to IS NULL OR a.t0 < CAST($to AS TIMESTAMPTZ))
        AND ($segment IS NULL OR a.segment = $segment)
    ), bounds AS (SELECT max(ts) AS data_end FROM events),
    days AS (SELECT range AS k FROM range(0, 31)),
    mature AS (
      SELECT a.variant_id, d.k, count(*) AS mature FROM a, days d
      WHERE a.t0 + to_days(CAST(d.k + 1 AS INTEGER)) <= (SELECT data_end FROM bounds) GROUP BY ALL
    ), active AS (
      SELECT DISTINCT a.unit_id, a.variant_id, d.k, a.t0 FROM a, days d, events e
      WHERE e.user_id = a.unit_id AND e.ts >= a.t0 + to_days(CAST(d.k AS INTEGER)) AND e.ts < a.t0 + to_days(CAST(d.k + 1 AS INTEGER))
    ), retained AS (
      SELECT variant_id, k, count(*) AS retained FROM active
      WHERE t0 + to_days(CAST(k + 1 AS INTEGER)) <= (SELECT data_end FROM bounds) GROUP BY ALL
    )
    SELECT m.variant_id, m.k, m.mature, coalesce(r.retained, 0) AS retained
    FROM mature m LEFT JOIN retained r USING (variant_id, k) ORDER BY m.variant_id, m.k`,
  { experiment, from: settings.exposureFrom ?? null, to: settings.exposureTo ?? null, segment: settings.segment ?? null });
  return rows.map((r) => `${String(r.variant_id)} ${n(r.k)} ${n(r.mature)} ${n(r.retained)}`);
}

const FILTERS: Record<string, Partial<AnalysisSettings>> = {
  none: {},
  segment: { segment: 'returning' },
  'dates at midnight (cube)': { exposureFrom: '2026-03-05', exposureTo: '2026-03-20' },
  'dates with a time of day (units)': { exposureFrom: '2026-03-05T12:30:00Z', segment: 'new' },
};

describe('cached per-unit values and cube = the definitions over the event log', () => {
  for (const [label, filter] of Object.entries(FILTERS)) {
    it(`sums, cumulative series and retention curve, filter: ${label}`, async () => {
      const db = await openDatabase();
      await importFile(db, first);
      const settings = defaultSettings(filter);
      expect(await reportSums(db, settings)).toEqual(await directSums(db, settings));
      const report = (await analyzeDatabase(db, settings, 'onboarding-tour')).experiments[0]!;
      const curve = await retentionCurve(db, report, settings);
      expect(curve.variant.map((variant, i) => `${variant} ${curve.day[i]} ${curve.mature[i]} ${Math.round((curve.rate[i] || 0) * curve.mature[i]!)}`))
        .toEqual(await directCurve(db, 'onboarding-tour', settings));
      // The cumulative series ends with every selected unit: the report's unadjusted comparison.
      const cumulative = await cumulativeUplift(db, report, settings);
      const last = cumulative.variant.length - 1;
      const comparison = report.metrics[0]!.comparisons.find((c) => c.variant === cumulative.variant[last])!;
      expect(cumulative.relative[last]).toBeCloseTo(comparison.relative.estimate!, 12);
      await db.close();
    });
  }
});

describe('the cached values follow the data and the settings', () => {
  it('a second import, new conversion events and a new pre-period each give the direct numbers', async () => {
    const db = await openDatabase();
    await importFile(db, first);
    const settings = defaultSettings();
    const before = await reportSums(db, settings);
    await importFile(db, second);
    const after = await reportSums(db, settings);
    expect(after).not.toEqual(before);
    expect(after).toEqual(await directSums(db, settings));
    const fewer = defaultSettings({ conversionEvents: ['checkout.started'] });
    expect(await reportSums(db, fewer)).toEqual(await directSums(db, fewer));
    const report = await analyzeDatabase(db, defaultSettings({ cupedPrePeriodDays: 3 }), 'checkout-redesign');
    const fresh = await openDatabase();
    await importFile(fresh, first);
    await importFile(fresh, second);
    expect((await analyzeDatabase(fresh, defaultSettings({ cupedPrePeriodDays: 3 }), 'checkout-redesign')).experiments)
      .toEqual(report.experiments);
    await fresh.close();
    await db.close();
  });
});

describe('the cached values persist with the database', () => {
  it('a new session reads them instead of rebuilding them, and rebuilds them when they are stale', async () => {
    const path = files.path('persisted.duckdb');
    const settings = defaultSettings();
    let db = await openDatabase(path);
    await importFile(db, first);
    const report = await analyzeDatabase(db, settings);
    const built = await db.query<{ built_at: unknown }>('SELECT built_at FROM analysis_cache');
    expect(built).toHaveLength(1);
    await db.close();

    db = await openDatabase(path);
    const statements: string[] = [];
    const run = db.run.bind(db);
    db.run = async (sql, params) => {
      statements.push(sql);
      return run(sql, params);
    };
    expect((await analyzeDatabase(db, settings)).experiments).toEqual(report.experiments);
    expect(statements.filter((sql) => /CREATE OR REPLACE TABLE/.test(sql))).toEqual([]);
    expect(await db.query('SELECT built_at FROM analysis_cache')).toEqual(built);

    // Tables left by an interrupted build (no state row) are rebuilt, not read.
    await db.run('DELETE FROM analysis_cache');
    await db.run('DELETE FROM analysis_unit_cube');
    await db.close();
    db = await openDatabase(path);
    expect((await analyzeDatabase(db, settings)).experiments).toEqual(report.experiments);
    expect(await db.query('SELECT count(*) AS n FROM analysis_cache')).toEqual([{ n: 1n }]);

    // Another file: the persisted tables are stale.
    await importFile(db, second);
    await db.close();
    db = await openDatabase(path);
    expect(await reportSums(db, settings)).toEqual(await directSums(db, settings));
    await db.close();
  });
});

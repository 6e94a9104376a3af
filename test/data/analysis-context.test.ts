/**
 * One analysis context per request (data/metrics/analysis-context.ts): the report, both series
 * and the filter choices read the per-unit tables through it, so the state of the data (the cache
 * key) is read once; the numbers are those of the calls that open their own context.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../contract/settings.ts';
import { analyzeDatabase } from '../../data/analysis/analyze.ts';
import { cumulativeUplift, retentionCurve } from '../../data/analysis/time-series.ts';
import { openDatabase, type Database } from '../../data/database.ts';
import { importFile } from '../../data/import/import-file.ts';
import { analysisContext } from '../../data/metrics/analysis-context.ts';
import { exposureAttributeValues } from '../../data/metrics/unit-sums.ts';
import { defaultScenario, writeEventLogCsv } from '../../data/simulate/index.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();

/** `db` with a count of the statements that read the imported files' state (the cache key). */
function counting(db: Database): { db: Database; keyReads: () => number } {
  let reads = 0;
  const query: Database['query'] = (sql, params) => {
    if (/sum\(rows_accepted\)/.test(sql)) reads++;
    return db.query(sql, params);
  };
  return { db: { ...db, query }, keyReads: () => reads };
}

describe('analysis context', () => {
  it('reads the state of the data once per request, with the same numbers as separate calls', async () => {
    const raw = await openDatabase();
    const path = files.path('sample.csv');
    await writeEventLogCsv(path, defaultScenario());
    await importFile(raw, path);
    const settings = defaultSettings();
    const { db, keyReads } = counting(raw);

    const separate = (await analyzeDatabase(db, settings, 'checkout-redesign')).experiments[0]!;
    const separateSeries = await cumulativeUplift(db, separate, settings);
    const separateCurve = await retentionCurve(db, separate, settings);
    const perCall = keyReads();
    expect(perCall).toBeGreaterThanOrEqual(3);

    const context = await analysisContext(db, settings);
    const report = (await analyzeDatabase(db, settings, 'checkout-redesign', { context })).experiments[0]!;
    const series = await cumulativeUplift(db, report, settings, context);
    const curve = await retentionCurve(db, report, settings, context);
    await exposureAttributeValues(context, 'checkout-redesign');
    expect(keyReads() - perCall).toBe(1);

    expect(report.metrics).toEqual(separate.metrics);
    expect(series).toEqual(separateSeries);
    expect(curve).toEqual(separateCurve);
    await raw.close();
  });
});

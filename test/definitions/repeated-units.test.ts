/**
 * Repeated units of a unit table (WA marketing campaign: 137 stores × 4 weekly rows): counted by
 * the import, never dropped, combined per store by the definition's rule. Store-level numbers
 * equal the pandas/SciPy reference test/fixtures/datasets/wa_store_level.json, written by
 * `/usr/bin/python3 test/reference/datasets/repeated_units_reference.py`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeMetric, type SampleMoments } from '../../stats/index.ts';
import { defaultSettings } from '../../contract/settings.ts';
import type { CombineRule } from '../../contract/experiment-definition.ts';
import { openDatabase, type Database } from '../../data/database.ts';
import { importFile } from '../../data/import/import-file.ts';
import { unitTableFrames, RepeatedUnitsRefusedError } from '../../data/metrics/unit-table-metrics.ts';
import { expectClose } from '../helpers/compare-report.ts';
import { datasetPath, datasetsMissing, REPO_ROOT } from '../helpers/shared-datasets.ts';

const WA = 'wa_marketing_campaign/WA_Marketing-Campaign.csv';
const ID = 'WA_Marketing-Campaign';

interface Reference {
  repeatedUnits: { units: number; rows: number };
  rules: Record<string, {
    arms: Record<string, { n: number; mean: number; variance: number }>;
    comparisons: Record<string, { absolute: number; absolutePValue: number }>;
  }>;
}
const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'datasets', 'wa_store_level.json'), 'utf8')) as Reference;

let db: Database;
beforeEach(async () => { db = await openDatabase(':memory:'); });
afterEach(async () => { await db.close(); });

describe.skipIf(datasetsMissing(WA))('WA marketing campaign at store level', () => {
  it('counts the repeated units in the import summary and keeps every row', async () => {
    const summary = await importFile(db, datasetPath(WA)!, { mapping: { unit: 'LocationID', variant: 'Promotion' } });
    expect(summary.rowsAccepted).toBe(548);
    expect(summary.repeatedUnits).toEqual({ ...reference.repeatedUnits, combine: ['mean'] });
  });

  for (const rule of ['sum', 'mean'] as const) {
    it(`combines a store's rows by ${rule} like pandas groupby().${rule}()`, async () => {
      await importFile(db, datasetPath(WA)!, { mapping: { unit: 'LocationID', variant: 'Promotion' }, combine: rule });
      const [frame] = await unitTableFrames(db, defaultSettings(), ID, { combine: new Map<string, CombineRule>([[ID, rule]]) });
      const metric = frame!.metrics.find((m) => m.input.name === 'SalesInThousands')!;
      const expected = reference.rules[rule]!;
      for (const arm of metric.input.arms) {
        const m = arm.moments as SampleMoments;
        const want = expected.arms[arm.variant]!;
        expect(m.n, `${rule} ${arm.variant} n`).toBe(want.n);
        expectClose(m.sum / m.n, want.mean, `${rule} ${arm.variant} mean`, 1e-12);
        expectClose((m.sumSquares - (m.sum * m.sum) / m.n) / (m.n - 1), want.variance, `${rule} ${arm.variant} variance`, 1e-9);
      }
      const result = analyzeMetric({ ...metric.input, control: '1' }, { alpha: 0.05 });
      for (const c of result.comparisons) {
        expectClose(c.absolute.estimate, expected.comparisons[c.variant]!.absolute, `${rule} ${c.variant} Δ`, 1e-9);
        expectClose(c.absolutePValue, expected.comparisons[c.variant]!.absolutePValue, `${rule} ${c.variant} p`, 1e-6);
      }
    });
  }

  it('refuses at import with the count, and changes nothing', async () => {
    await expect(importFile(db, datasetPath(WA)!, { mapping: { unit: 'LocationID', variant: 'Promotion' }, combine: 'refuse' }))
      .rejects.toThrow('137 units have more than one row (548 rows)');
    expect((await db.query('SELECT count(*) AS n FROM unit_rows'))[0]!.n).toBe(0n);
  });

  it('refuses at analysis when the definition says refuse', async () => {
    await importFile(db, datasetPath(WA)!, { mapping: { unit: 'LocationID', variant: 'Promotion' } });
    const analysis = unitTableFrames(db, defaultSettings(), null, { combine: new Map<string, CombineRule>([[ID, 'refuse']]) });
    await expect(analysis).rejects.toThrow(RepeatedUnitsRefusedError);
    await expect(unitTableFrames(db, defaultSettings(), null, { combine: new Map<string, CombineRule>([[ID, 'refuse']]) }))
      .rejects.toThrow(`experiment ${ID}: 137 units have more than one row (548 rows)`);
  });
});

describe('max, last and first on a small table', () => {
  // Rows in file order; u1's rows are out of time order, so `last` (latest timestamp) ≠ the last line.
  const csv = [
    'unit,arm,ts,y',
    'u1,A,2026-01-03T00:00:00Z,5',
    'u1,A,2026-01-01T00:00:00Z,2',
    'u1,A,2026-01-02T00:00:00Z,7',
    'u2,A,2026-01-01T00:00:00Z,1',
    'u3,B,2026-01-02T00:00:00Z,4',
    'u3,B,2026-01-01T00:00:00Z,3',
  ].join('\n');
  // Per unit (u1, u2 | u3): max 7, 1 | 4; last (latest ts) 5, 1 | 4; first (earliest ts) 2, 1 | 3.
  const expected: Record<string, Record<string, number>> = { max: { A: 8, B: 4 }, last: { A: 6, B: 4 }, first: { A: 3, B: 3 } };
  for (const rule of ['max', 'last', 'first'] as const) {
    it(`${rule}: per-arm sums of the per-unit values`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'experiment-desk-combine-'));
      try {
        writeFileSync(join(dir, 'small.csv'), `${csv}\n`);
        const summary = await importFile(db, join(dir, 'small.csv'), { mapping: { unit: 'unit', variant: 'arm', timestamp: 'ts', metrics: ['y'] }, combine: rule });
        expect(summary.repeatedUnits).toEqual({ units: 2, rows: 5, combine: [rule] });
        const [frame] = await unitTableFrames(db, defaultSettings(), 'small', { combine: new Map<string, CombineRule>([['small', rule]]) });
        const sums = Object.fromEntries(frame!.metrics[0]!.input.arms.map((a) => [a.variant, (a.moments as SampleMoments).sum]));
        expect(sums).toEqual(expected[rule]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

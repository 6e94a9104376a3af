/**
 * Funnel metrics (docs/analysis-definitions.md "funnel step s: 1 if the unit reached step s (ordered event names) after
 * t0"), on a log written by hand so that each unit is one case: steps in order, out of order, at
 * equal times, only before exposure, repeated, none. The pre-period covariate is the same walk over
 * [t0 − P, t0). A funnel whose steps are not all in the data gives no funnel metrics; the steps
 * come from the settings.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../contract/settings.ts';
import type { MetricReport } from '../../contract/report.ts';
import { analyzeDatabase } from '../../data/analysis/analyze.ts';
import { openDatabase } from '../../data/database.ts';
import { importFile } from '../../data/import/import-file.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();

const t = (day: number, hour: number, minute = 0): string => new Date(Date.UTC(2026, 2, day, hour, minute)).toISOString();

/** unit → [variant, events (name, time) after its exposure at 2026-03-10 12:00]. Expected depth after t0 and before. */
const CASES: Record<string, { variant: string; events: [string, string][]; depth: number; preDepth: number }> = {
  inOrder: { variant: 'control', events: [['page_view', t(10, 13)], ['checkout.started', t(10, 14)], ['checkout.completed', t(11, 9)]], depth: 3, preDepth: 0 },
  completedBeforeStarted: { variant: 'control', events: [['page_view', t(10, 13)], ['checkout.completed', t(10, 14)], ['checkout.started', t(10, 15)]], depth: 2, preDepth: 0 },
  sameTime: { variant: 'treatment', events: [['checkout.started', t(10, 13)], ['page_view', t(10, 13)], ['checkout.completed', t(10, 13)]], depth: 3, preDepth: 0 },
  startedFirst: { variant: 'treatment', events: [['checkout.started', t(10, 13)], ['page_view', t(10, 14)]], depth: 1, preDepth: 0 },
  onlyBefore: { variant: 'treatment', events: [['page_view', t(5, 8)], ['checkout.started', t(5, 9)], ['checkout.completed', t(5, 10)]], depth: 0, preDepth: 3 },
  // The greedy walk takes the first page view, then a later start; the second view changes nothing.
  repeated: { variant: 'control', events: [['page_view', t(10, 13)], ['page_view', t(10, 16)], ['checkout.started', t(10, 15)], ['checkout.started', t(10, 17)]], depth: 2, preDepth: 0 },
  // Straddling exposure: the pre-period walk stops at t0, the post walk starts there.
  straddling: { variant: 'control', events: [['page_view', t(9, 8)], ['checkout.started', t(10, 13)], ['page_view', t(10, 14)]], depth: 1, preDepth: 1 },
  none: { variant: 'treatment', events: [], depth: 0, preDepth: 0 },
};

function logCsv(): string {
  const lines = ['event_name,timestamp,user_id,experiment_id,variant_id'];
  for (const [unit, c] of Object.entries(CASES)) {
    lines.push(`experiment.exposure,${t(10, 12)},${unit},exp,${c.variant}`);
    for (const [name, at] of c.events) lines.push(`${name},${at},${unit},,`);
  }
  return `${lines.join('\n')}\n`;
}

/** Per variant: n and mean of each funnel metric, and the Σ of its covariate, from the report. */
function funnel(metrics: readonly MetricReport[]): Record<string, Record<string, [number, number | null]>> {
  return Object.fromEntries(metrics.filter((m) => m.funnelStep).map((m) => [m.name, Object.fromEntries(m.variants.map((v) => [v.variant, [v.n, v.mean]]))]));
}

function expected(step: number, pre = false): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const variant of ['control', 'treatment']) {
    const units = Object.values(CASES).filter((c) => c.variant === variant);
    out[variant] = [units.length, units.filter((c) => (pre ? c.preDepth : c.depth) >= step).length / units.length];
  }
  return out;
}

describe('funnel metrics', () => {
  it('count units that reached each step in order after exposure, per the cases written by hand', async () => {
    const db = await openDatabase();
    await importFile(db, files.write('funnel.csv', logCsv()));
    const report = (await analyzeDatabase(db, defaultSettings({ minSamplePerVariant: 1 }))).experiments[0]!;
    const metrics = report.metrics.filter((m) => m.funnelStep);
    expect(metrics.map((m) => [m.name, m.funnelStep])).toEqual([
      ['funnel_1_page_view', { index: 1, event: 'page_view' }],
      ['funnel_2_checkout.started', { index: 2, event: 'checkout.started' }],
      ['funnel_3_checkout.completed', { index: 3, event: 'checkout.completed' }],
    ]);
    expect(funnel(report.metrics)).toEqual({
      'funnel_1_page_view': expected(1), 'funnel_2_checkout.started': expected(2), 'funnel_3_checkout.completed': expected(3),
    });
    // The CUPED covariate is the same walk over the pre-period: Σx per metric over all units.
    const preDepths = Object.values(CASES).map((c) => c.preDepth);
    const covariateSums = await db.query<{ s1: number; s2: number; s3: number }>(
      `SELECT sum(funnel_1__x) AS s1, sum(funnel_2__x) AS s2, sum(funnel_3__x) AS s3 FROM analysis_unit_cube`);
    expect(covariateSums[0]).toEqual({ s1: preDepths.filter((d) => d >= 1).length, s2: preDepths.filter((d) => d >= 2).length, s3: preDepths.filter((d) => d >= 3).length });
    await db.close();
  });

  it('follow the configured steps; a funnel with a step missing from the data, or none, gives no funnel metrics', async () => {
    const db = await openDatabase();
    await importFile(db, files.write('funnel-settings.csv', logCsv()));
    const names = async (steps: string[]): Promise<string[]> =>
      (await analyzeDatabase(db, defaultSettings({ funnelSteps: steps }))).experiments[0]!.metrics.filter((m) => m.funnelStep).map((m) => m.name);
    expect(await names(['checkout.started', 'checkout.completed'])).toEqual(['funnel_1_checkout.started', 'funnel_2_checkout.completed']);
    expect(await names(['page_view', 'add_to_cart', 'checkout.completed'])).toEqual([]);
    expect(await names([])).toEqual([]);
    // Two steps: units that started (at or after t0), then completed at or after that.
    const report = (await analyzeDatabase(db, defaultSettings({ funnelSteps: ['checkout.started', 'checkout.completed'] }))).experiments[0]!;
    const completed = report.metrics.find((m) => m.name === 'funnel_2_checkout.completed')!;
    // inOrder and sameTime only (completedBeforeStarted completed before it started).
    expect(completed.variants.map((v) => [v.variant, v.mean])).toEqual([['control', 1 / 4], ['treatment', 1 / 4]]);
    await db.close();
  });

  it('rejects a funnel that names one event twice', () => {
    expect(() => defaultSettings({ funnelSteps: ['page_view', 'page_view'] })).toThrow(/different events/);
  });
});

/**
 * Per-metric windows (docs/analysis-definitions.md: "a per-metric window in days can be set"): a windowed metric counts
 * the unit's events in [t0, t0 + days) — half-open, so an event exactly at the end is out — and
 * the others keep counting until the end of the data. Two units written by hand; the CLI's
 * `--window METRIC=DAYS`.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings, type AnalysisSettings } from '../../contract/settings.ts';
import { analyzeDatabase } from '../../data/analysis/analyze.ts';
import { openDatabase } from '../../data/database.ts';
import { importFile } from '../../data/import/import-file.ts';
import { analysisSettings } from '../../cli/options.ts';
import { UsageError } from '../../cli/usage-error.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();
const T = Date.UTC(2026, 2, 10, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number): string => new Date(T + ms).toISOString();

// unit, variant; events after exposure at T: [name, offset, revenue cents].
const EVENTS: [string, string, [string, number, number | null][]][] = [
  ['u1', 'control', [
    ['page_view', 0.5 * HOUR, null], ['checkout.completed', HOUR, 100], ['checkout.completed', 2 * DAY, 200],
    ['checkout.started', 3 * DAY, null], ['checkout.completed', 10 * DAY, 400],
  ]],
  ['u2', 'treatment', [
    ['page_view', HOUR, null], ['checkout.started', HOUR, null], ['checkout.completed', 8 * DAY, 50],
  ]],
];

function logCsv(): string {
  const lines = ['event_name,timestamp,user_id,experiment_id,variant_id,revenue_cents'];
  for (const [unit, variant, events] of EVENTS) {
    lines.push(`experiment.exposure,${at(0)},${unit},exp,${variant},`);
    for (const [name, offset, revenue] of events) lines.push(`${name},${at(offset)},${unit},,,${revenue ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** metric → [control mean, treatment mean]. */
async function means(settings: AnalysisSettings): Promise<Record<string, (number | null)[]>> {
  const db = await openDatabase();
  await importFile(db, files.write(`log-${Math.random()}.csv`, logCsv()));
  const report = (await analyzeDatabase(db, settings)).experiments[0]!;
  await db.close();
  return Object.fromEntries(report.metrics.map((m) => [m.name, m.variants.map((v) => v.mean)]));
}

describe('per-metric windows', () => {
  it('count each windowed metric in [t0, t0 + days) and every other one until the end of the data', async () => {
    const open = await means(defaultSettings());
    expect(open.conversion).toEqual([1, 1]);
    expect(open.revenue_per_user).toEqual([700, 50]);
    expect(open.orders_per_user).toEqual([3, 1]);
    expect(open['funnel_3_checkout.completed']).toEqual([1, 1]);

    const windowed = await means(defaultSettings({ metricWindowDays: { conversion: 1, revenue_per_user: 2, orders_per_user: 9, funnel: 2 } }));
    expect(windowed.conversion).toEqual([1, 0]); // u2's only order is on day 8
    expect(windowed.revenue_per_user).toEqual([100, 0]); // the order at exactly t0 + 2 days is out
    expect(windowed.orders_per_user).toEqual([2, 1]);
    // Funnel within 2 days: u1 starts checkout on day 3 (after the window), u2 completes on day 8.
    expect(windowed['funnel_1_page_view']).toEqual([1, 1]);
    expect(windowed['funnel_2_checkout.started']).toEqual([0, 1]);
    expect(windowed['funnel_3_checkout.completed']).toEqual([0, 0]);

    // Only the funnel windowed: the other metrics are as without windows.
    const funnelOnly = await means(defaultSettings({ metricWindowDays: { funnel: 9 } }));
    expect([funnelOnly.conversion, funnelOnly.revenue_per_user, funnelOnly.orders_per_user]).toEqual([open.conversion, open.revenue_per_user, open.orders_per_user]);
    expect(funnelOnly['funnel_3_checkout.completed']).toEqual([0, 1]); // u2 completes on day 8, u1 on day 10
  });

  it('the CLI takes --window METRIC=DAYS (repeatable); an unknown metric or a bad number is a usage error', () => {
    expect(analysisSettings({ window: ['conversion=7', 'funnel=1.5'] }).metricWindowDays).toEqual({ conversion: 7, funnel: 1.5 });
    expect(analysisSettings({}).metricWindowDays).toEqual({});
    expect(() => analysisSettings({ window: ['retention_d1=7'] })).toThrow(UsageError);
    expect(() => analysisSettings({ window: ['conversion=soon'] })).toThrow(UsageError);
    expect(() => analysisSettings({ window: ['conversion=-1'] })).toThrow(UsageError);
  });
});

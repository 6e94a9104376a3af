/**
 * Filters on text columns of the exposure event (docs/analysis-definitions.md: "Filters: date range of exposure,
 * `user_segment`, and any text column of the exposure event"): a unit is selected by the values
 * its first exposure carries; the filters combine with each other and with the segment; the
 * experiment screen gets each attribute's values; the CLI takes `--where COLUMN=VALUE`.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings, type AnalysisSettings } from '../../contract/settings.ts';
import { analyzeDatabase } from '../../data/analysis/analyze.ts';
import { openDatabase, type Database } from '../../data/database.ts';
import { importFile } from '../../data/import/import-file.ts';
import { analysisContext } from '../../data/metrics/analysis-context.ts';
import { exposureAttributeValues } from '../../data/metrics/unit-sums.ts';
import { analysisSettings } from '../../cli/options.ts';
import { UsageError } from '../../cli/usage-error.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();
const at = (hour: number): string => new Date(Date.UTC(2026, 2, 10, hour)).toISOString();

// unit, variant, first exposure's store, plan, segment, converts; a later exposure elsewhere must not count.
const UNITS: [string, string, string, string, string, boolean][] = [
  ['u1', 'control', 'store-nl', 'basic', 'new', true],
  ['u2', 'control', 'store-nl', 'pro', 'returning', false],
  ['u3', 'control', 'store-de', 'basic', 'new', false],
  ['u4', 'treatment', 'store-nl', 'basic', 'new', true],
  ['u5', 'treatment', 'store-de', 'pro', 'new', true],
  ['u6', 'treatment', 'store-de', 'basic', 'returning', false],
];

function logCsv(): string {
  const lines = ['event_name,timestamp,user_id,experiment_id,variant_id,user_segment,plan_code,store_id'];
  for (const [unit, variant, store, plan, segment, converts] of UNITS) {
    lines.push(`experiment.exposure,${at(10)},${unit},exp,${variant},${segment},${plan},${store}`);
    lines.push(`experiment.exposure,${at(11)},${unit},exp,${variant},${segment},${plan},store-fr`);
    if (converts) lines.push(`checkout.completed,${at(12)},${unit},,,,,`);
  }
  return `${lines.join('\n')}\n`;
}

/** Conversion per variant: [units, mean]. */
async function conversion(db: Database, settings: AnalysisSettings): Promise<[string, number, number | null][]> {
  const report = (await analyzeDatabase(db, settings)).experiments[0];
  return report ? report.metrics[0]!.variants.map((v) => [v.variant, v.n, v.mean]) : [];
}

describe('exposure attribute filters', () => {
  it('select units by their first exposure; combine with each other and with the segment', async () => {
    const db = await openDatabase();
    await importFile(db, files.write('filters.csv', logCsv()));
    expect(await conversion(db, defaultSettings())).toEqual([['control', 3, 1 / 3], ['treatment', 3, 2 / 3]]);
    expect(await conversion(db, defaultSettings({ exposureFilters: { store_id: 'store-nl' } })))
      .toEqual([['control', 2, 1 / 2], ['treatment', 1, 1]]);
    expect(await conversion(db, defaultSettings({ exposureFilters: { store_id: 'store-de', plan_code: 'basic' } })))
      .toEqual([['control', 1, 0], ['treatment', 1, 0]]);
    expect(await conversion(db, defaultSettings({ exposureFilters: { plan_code: 'basic' }, segment: 'new' })))
      .toEqual([['control', 2, 1 / 2], ['treatment', 1, 1]]);
    // store-fr is only on the second exposures: no unit.
    expect(await conversion(db, defaultSettings({ exposureFilters: { store_id: 'store-fr' } }))).toEqual([]);
    // The choices offered: the first exposures' values.
    expect(await exposureAttributeValues(await analysisContext(db, defaultSettings()), 'exp')).toEqual({ store_id: ['store-de', 'store-nl'], plan_code: ['basic', 'pro'] });
    await db.close();
  });

  it('the CLI takes --where COLUMN=VALUE (repeatable); another column or no value is a usage error', () => {
    expect(analysisSettings({ where: ['store_id=store-nl', 'plan_code=a=b'] }).exposureFilters).toEqual({ store_id: 'store-nl', plan_code: 'a=b' });
    expect(analysisSettings({}).exposureFilters).toEqual({});
    expect(() => analysisSettings({ where: ['user_id=u1'] })).toThrow(UsageError);
    expect(() => analysisSettings({ where: ['store_id='] })).toThrow(UsageError);
  });
});

/**
 * The exposure events are an analysis setting (docs/analysis-definitions.md, "Assignment"): the
 * assignments follow the list the analysis is given, not the one the import used — changing it
 * after an import changes the units, and changing it back restores them; a reopened database
 * keeps the rebuilt assignments.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings, type AnalysisSettings } from '../../contract/settings.ts';
import { analyzeDatabase } from '../../data/analysis/analyze.ts';
import { openDatabase, type Database } from '../../data/database.ts';
import { importFile } from '../../data/import/import-file.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();
const at = (hour: number): string => new Date(Date.UTC(2026, 2, 10, hour)).toISOString();

/** u1–u4 are exposed with the default event; u5 and u6 only with `promo.seen`, u6 marked as control. */
function logCsv(): string {
  const lines = ['event_name,timestamp,user_id,experiment_id,variant_id,is_control'];
  lines.push(`experiment.exposure,${at(10)},u1,exp,a,`, `experiment.exposure,${at(10)},u2,exp,a,`);
  lines.push(`experiment.exposure,${at(10)},u3,exp,b,`, `experiment.exposure,${at(10)},u4,exp,b,`);
  lines.push(`promo.seen,${at(9)},u5,exp,b,`, `promo.seen,${at(9)},u6,exp,b,true`);
  lines.push(`checkout.completed,${at(12)},u1,,,`, `checkout.completed,${at(12)},u5,,,`);
  return `${lines.join('\n')}\n`;
}

/** Per variant of the event-log experiment: [variant, units, conversion mean]; the control first. */
async function units(db: Database, settings: AnalysisSettings): Promise<{ control: string | null; arms: [string, number, number | null][] }> {
  const report = (await analyzeDatabase(db, settings)).experiments.find((e) => e.source === 'events');
  return { control: report?.control ?? null, arms: report ? report.metrics[0]!.variants.map((v) => [v.variant, v.n, v.mean]) : [] };
}

describe('exposure events read by the analysis', () => {
  it('changing the setting after the import changes the units; changing it back restores them', async () => {
    const path = files.path('exposure-setting.duckdb');
    const db = await openDatabase(path);
    await importFile(db, files.write('exposures.csv', logCsv()));
    const imported = await units(db, defaultSettings());
    expect(imported.arms).toEqual([['a', 2, 1 / 2], ['b', 2, 0]]);

    expect((await units(db, defaultSettings({ exposureEvents: ['no_such_event'] }))).arms).toEqual([]);

    // promo.seen alone: u5 and u6, and the control marked on that exposure.
    const promo = await units(db, defaultSettings({ exposureEvents: ['promo.seen'] }));
    expect(promo.arms).toEqual([['b', 2, 1 / 2]]);

    // Both events: u5 and u6 join variant b; b is now the marked control.
    const both = await units(db, defaultSettings({ exposureEvents: ['experiment.exposure', 'promo.seen'] }));
    expect(both.control).toBe('b');
    expect(both.arms).toEqual([['b', 4, 1 / 4], ['a', 2, 1 / 2]]);
    await db.close();

    // Reopened: the assignments were rebuilt for the last list, and are rebuilt again for the defaults.
    const reopened = await openDatabase(path);
    expect((await units(reopened, defaultSettings({ exposureEvents: ['promo.seen', 'experiment.exposure'] }))).arms).toEqual(both.arms);
    expect((await units(reopened, defaultSettings())).arms).toEqual(imported.arms);
    await reopened.close();
  });
});

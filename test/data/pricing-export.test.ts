/**
 * The pricing experiment export (docs/analysis-definitions.md) is recognised by its header: each row is an exposure
 * of its journey (the unit) to `variantKey` of experiment `slug`; a row with an order is also a
 * conversion worth `orderTotal` (major units → cents).
 */
import { describe, expect, it } from 'vitest';
import { analyzeDatabase } from '../../data/analysis/analyze.ts';
import { openDatabase } from '../../data/database.ts';
import { importFile } from '../../data/import/import-file.ts';
import { defaultSettings } from '../../contract/settings.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();

describe('pricing experiment export', () => {
  it('maps slug/variantKey/recordedAt/orderTotal into exposures and conversions', async () => {
    const path = files.write('pricing.csv', [
      'slug,variantKey,variantName,isControl,assignmentStrategy,recordedAt,orderTotal,orderCurrency,orderId,journeyId,eventId,status,loyaltyProjectionPoints',
      'spring-offer,control,Control,true,hash,2026-03-01T10:00:00Z,,,,j1,e1,exposed,0',
      'spring-offer,annual-20off,Annual −20%,false,hash,2026-03-01T10:05:00Z,,,,j2,e2,exposed,0',
      'spring-offer,annual-20off,Annual −20%,false,hash,2026-03-01T10:20:00Z,19.99,EUR,o1,j2,e3,completed,40',
      'spring-offer,control,Control,true,hash,2026-03-01T11:00:00Z,-5,EUR,o2,j3,e4,completed,0',
    ].join('\n'));
    const db = await openDatabase();
    const summary = await importFile(db, path);
    expect(summary.mapping).toMatchObject({ shape: 'event_log', preset: 'pricing_export' });
    expect([summary.rowsRead, summary.rowsAccepted, summary.rowsRejected]).toEqual([4, 3, 1]);
    expect(summary.rejectsByReason).toEqual({ negative_revenue: 1 });
    const events = await db.query<{ event_name: string; user_id: string; revenue_cents: bigint | null }>(
      'SELECT event_name, user_id, revenue_cents FROM events ORDER BY line, event_name');
    expect(events.map((e) => [e.event_name, e.user_id, e.revenue_cents === null ? null : Number(e.revenue_cents)])).toEqual([
      ['pricing_experiment_segment', 'j1', null],
      ['pricing_experiment_segment', 'j2', null],
      ['order.completed', 'j2', 1999],
      ['pricing_experiment_segment', 'j2', null],
    ]);
    const report = await analyzeDatabase(db, defaultSettings());
    const experiment = report.experiments[0]!;
    expect(experiment.experimentId).toBe('spring-offer');
    expect(experiment.control).toBe('control');
    expect(experiment.units).toEqual({ control: 1, 'annual-20off': 1 });
    const revenue = experiment.metrics.find((m) => m.name === 'revenue_per_user')!;
    expect(revenue.variants.map((v) => [v.variant, v.mean])).toEqual([['control', 0], ['annual-20off', 1999]]);
    await db.close();
  });
});

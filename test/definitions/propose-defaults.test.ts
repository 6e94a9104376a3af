/**
 * Proposed definitions at import on the public datasets (../shared/datasets): identifiers, time
 * indexes, pre-period columns and unit attributes are never proposed as metrics; a goal is chosen
 * only when a 0/1 conversion-like column exists; event logs get conversion and revenue_per_user.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../data/database.ts';
import { latestDefinition } from '../../data/definitions/store.ts';
import { columnRole } from '../../data/definitions/column-roles.ts';
import { importFile } from '../../data/import/import-file.ts';
import { datasetPath, datasetsMissing, REPO_ROOT } from '../helpers/shared-datasets.ts';

const WA = 'wa_marketing_campaign/WA_Marketing-Campaign.csv';
const HILLSTROM = 'hillstrom_email/Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20.csv';
const COOKIE_CATS = 'cookie_cats/cookie_cats.csv';

let db: Database;
beforeEach(async () => { db = await openDatabase(':memory:'); });
afterEach(async () => { await db.close(); });

function declared(d: { goalMetrics: readonly string[]; secondaryMetrics: readonly string[]; guardrails: readonly { metric: string }[] }): string[] {
  return [...d.goalMetrics, ...d.secondaryMetrics, ...d.guardrails.map((g) => g.metric)];
}

describe('column roles', () => {
  const facts = { rows: 100, distinct: 50, binary: false, integer: false, constantWithinUnit: null };
  it('reads identifiers, time indexes and pre-period columns from names and values', () => {
    for (const name of ['id', 'MarketID', 'LocationID', 'user_id', 'userId', 'userid']) expect(columnRole({ ...facts, name }), name).toBe('identifier');
    expect(columnRole({ ...facts, name: 'n', integer: true, distinct: 100 })).toBe('identifier');
    expect(columnRole({ ...facts, name: 'week' })).toBe('time_index');
    for (const name of ['recency', 'history', 'AgeOfStore', 'pre_spend', 'spend_before']) expect(columnRole({ ...facts, name }), name).toBe('pre_period');
    for (const name of ['paid', 'valid', 'spend', 'visit']) expect(columnRole({ ...facts, name }), name).toBe('outcome');
  });
});

describe.skipIf(datasetsMissing(WA))('WA marketing campaign', () => {
  it('never proposes MarketID, LocationID, week or AgeOfStore, and declares no goal', async () => {
    await importFile(db, datasetPath(WA)!, { mapping: { unit: 'LocationID', variant: 'Promotion' } });
    const d = (await latestDefinition(db, 'WA_Marketing-Campaign'))!;
    expect(d.version).toBe(1);
    expect(d.author).toBe('import');
    expect(d.definition.goalMetrics).toEqual([]);
    expect(declared(d.definition)).toEqual(['SalesInThousands']);
    expect(d.definition.unit).toBe('LocationID');
    expect(d.definition.combine).toBe('mean');
  });
});

describe.skipIf(datasetsMissing(HILLSTROM))('Hillstrom e-mail', () => {
  it('proposes visit as the goal, spend as a guardrail, never recency or history', async () => {
    await importFile(db, datasetPath(HILLSTROM)!, { mapping: { variant: 'segment', control: 'No E-Mail' } });
    const id = 'Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20';
    const d = (await latestDefinition(db, id))!.definition;
    expect(d.goalMetrics).toEqual(['visit']);
    expect(d.guardrails).toEqual([{ metric: 'spend', direction: 'higher_is_better', maxRelativeDrop: 0.05 }]);
    expect(declared(d)).not.toContain('recency');
    expect(declared(d)).not.toContain('history');
    expect(d.control).toBe('No E-Mail');
  });

  it('keeps a covariate named at import, declared pre-exposure', async () => {
    await importFile(db, datasetPath(HILLSTROM)!, { mapping: { variant: 'segment', metrics: ['visit', 'conversion', 'spend'], covariates: { spend: 'history' } } });
    const d = (await latestDefinition(db, 'Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20'))!.definition;
    expect(d.covariates).toEqual({ spend: { kind: 'column', column: 'history', preExposure: true } });
    expect(d.secondaryMetrics).toEqual(['conversion']);
  });
});

describe.skipIf(datasetsMissing(COOKIE_CATS))('Cookie Cats', () => {
  it('proposes retention_1 as the goal, not sum_gamerounds, and never userid', async () => {
    await importFile(db, datasetPath(COOKIE_CATS)!, { mapping: { variant: 'version', control: 'gate_30' } });
    const d = (await latestDefinition(db, 'cookie_cats'))!.definition;
    expect(d.goalMetrics).toEqual(['retention_1']);
    expect([...declared(d)].sort()).toEqual(['retention_1', 'retention_7', 'sum_gamerounds']);
    expect(declared(d)).not.toContain('userid');
  });
});

describe('event logs', () => {
  it('propose conversion as the goal and revenue_per_user as the guardrail, and keep an edited definition on re-import', async () => {
    const file = join(REPO_ROOT, 'test', 'fixtures', 'datasets', 'tiny_event_log.csv');
    await importFile(db, file);
    const d = (await latestDefinition(db, 'exp-a'))!.definition;
    expect(d.source).toBe('events');
    expect(d.goalMetrics).toEqual(['conversion']);
    expect(d.guardrails.map((g) => g.metric)).toEqual(['revenue_per_user']);
    expect(d.covariates.aov).toBeUndefined();
    await importFile(db, file, { force: true });
    expect((await latestDefinition(db, 'exp-a'))!.version).toBe(1);
  });
});

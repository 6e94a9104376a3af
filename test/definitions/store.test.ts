/**
 * Versioned storage of experiment definitions: every save is a new version with author, UTC time,
 * hash and a "what changed" line; reading the latest, one version, and the list.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../data/database.ts';
import {
  canonicalJson, DefinitionError, definitionVersion, latestDefinition, latestDefinitions, listDefinitionVersions, saveDefinition,
} from '../../data/definitions/store.ts';

let db: Database;
beforeEach(async () => { db = await openDatabase(':memory:'); });
afterEach(async () => { await db.close(); });

const base = { experimentId: 'exp', source: 'unit_table' as const, goalMetrics: ['visit'] };

describe('experiment definition store', () => {
  it('adds a version per save and describes what changed', async () => {
    const v1 = await saveDefinition(db, base, { author: 'import', now: new Date('2026-12-04T10:00:00Z') });
    expect(v1.version).toBe(1);
    expect(v1.summary).toBe('first version');
    expect(v1.savedAt).toBe('2026-12-04T10:00:00.000Z');
    expect(v1.definition.correction).toBeNull(); // inherits the app's setting (holm)
    expect(v1.definition.method).toBeNull();
    // The hash is sha256 of the canonical JSON (sorted keys), computed independently here.
    expect(v1.hash).toBe(createHash('sha256').update(canonicalJson(v1.definition)).digest('hex'));
    const v2 = await saveDefinition(db, { ...base, split: { A: 80, B: 20 }, control: 'A' }, { author: 'ana' });
    expect(v2.version).toBe(2);
    expect(v2.summary).toContain('split: inherited → {"A":80,"B":20}');
    expect(v2.summary).toContain('control: inherited → "A"');
    expect((await latestDefinition(db, 'exp'))!.version).toBe(2);
    expect((await definitionVersion(db, 'exp', 1)).hash).toBe(v1.hash);
    expect((await listDefinitionVersions(db, 'exp')).map((v) => [v.version, v.author])).toEqual([[1, 'import'], [2, 'ana']]);
    expect([...(await latestDefinitions(db)).keys()]).toEqual(['exp']);
  });

  it('adds nothing for unchanged content', async () => {
    await saveDefinition(db, base, { author: 'a' });
    const again = await saveDefinition(db, { ...base, correction: null }, { author: 'b' });
    expect(again.version).toBe(1);
    expect(await listDefinitionVersions(db, 'exp')).toHaveLength(1);
  });

  it('refuses invalid definitions with the field named', async () => {
    await expect(saveDefinition(db, { ...base, covariates: { visit: { kind: 'column', column: 'visit', preExposure: true } } }, { author: 'a' }))
      .rejects.toThrow(/covariates\.visit: covariate visit is a declared metric/);
    await expect(saveDefinition(db, { ...base, covariates: { visit: { kind: 'column', column: 'history', preExposure: false } } }, { author: 'a' }))
      .rejects.toThrow(/measured before exposure/);
    await expect(saveDefinition(db, { ...base, split: { A: 80, B: 20 }, control: 'C' }, { author: 'a' }))
      .rejects.toThrow(DefinitionError);
    await expect(saveDefinition(db, { ...base, secondaryMetrics: ['visit'] }, { author: 'a' })).rejects.toThrow(/both goal and secondary/);
    await expect(definitionVersion(db, 'exp', 3)).rejects.toThrow('experiment exp has no definition version 3');
  });
});

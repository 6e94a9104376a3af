/**
 * The desk service (the contract's handlers over data/): sample data in two clicks' worth of
 * calls, Arrow series consistent with the report, cancel leaves the database unchanged,
 * settings persisted and validated; a file named by path only in process, never through the
 * renderer-facing `invokeHandler`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../data/database.ts';
import { createDeskService, invokeHandler, invokeInternal, type DeskService } from '../../data/service/desk-service.ts';
import { defaultScenario, writeEventLogCsv } from '../../data/simulate/index.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();
let service: DeskService;

beforeAll(async () => {
  service = await createDeskService({ databasePath: ':memory:', settingsPath: files.path('settings.json'), uploadDir: files.path('work') });
});
afterAll(() => service.close());

describe('desk service', () => {
  it('loads the sample data and lists both experiments', async () => {
    const loaded = await service.handlers.loadSampleData({ importId: 'sample' });
    expect(loaded.summaries[0]!.rowsRejected).toBe(12);
    const experiments = await service.handlers.listExperiments({});
    // spring-offer ships annual-20off; monthly-10off's guardrail breach is its own arm's verdict.
    expect(experiments.map((e) => [e.experimentId, e.verdict])).toEqual([['checkout-redesign', 'winner'], ['spring-offer', 'winner']]);
  });

  it('returns Arrow series that agree with the report', async () => {
    const analysis = await service.handlers.analyzeExperiment({ experimentId: 'checkout-redesign' });
    const cumulative = tableFromIPC(analysis.cumulative);
    expect(cumulative.numRows).toBeGreaterThan(15);
    const last = cumulative.get(cumulative.numRows - 1)!.toJSON() as { variant: string; relative: number; ciLower: number };
    const conversion = analysis.report.metrics.find((m) => m.name === 'conversion')!.comparisons[0]!;
    // The last day's cumulative comparison covers every unit: it is the report's unadjusted result.
    expect(last.variant).toBe('treatment');
    expect(last.relative).toBeCloseTo(conversion.relative.estimate!, 12);
    expect(last.ciLower).toBeCloseTo(conversion.relative.ciLower!, 12);

    const retention = tableFromIPC(analysis.retention);
    const d1 = retention.toArray().map((r) => r.toJSON() as { day: number; variant: string; rate: number; mature: number })
      .filter((r) => r.day === 1);
    const metric = analysis.report.metrics.find((m) => m.name === 'retention_d1')!;
    for (const variant of metric.variants) {
      const point = d1.find((r) => r.variant === variant.variant)!;
      expect(point.mature).toBe(variant.n);
      expect(point.rate).toBeCloseTo(variant.mean!, 12);
    }
    expect(analysis.segments).toEqual(['b2b', 'new', 'returning']);
  });

  it('applies filters and α from the overrides', async () => {
    const all = await service.handlers.analyzeExperiment({ experimentId: 'checkout-redesign' });
    const b2b = await service.handlers.analyzeExperiment({ experimentId: 'checkout-redesign', overrides: { segment: 'b2b', alpha: 0.01 } });
    const total = (units: Record<string, number>): number => Object.values(units).reduce((a, b) => a + b, 0);
    expect(total(b2b.report.units)).toBeLessThan(total(all.report.units));
    const wide = b2b.report.metrics[0]!.comparisons[0]!.relative;
    const narrowAtFivePercent = (await service.handlers.analyzeExperiment({ experimentId: 'checkout-redesign', overrides: { segment: 'b2b' } }))
      .report.metrics[0]!.comparisons[0]!.relative;
    expect(wide.ciUpper! - wide.ciLower!).toBeGreaterThan(narrowAtFivePercent.ciUpper! - narrowAtFivePercent.ciLower!);
  });

  it('cancelling an import leaves the database as it was', async () => {
    const before = await service.handlers.listFiles({});
    const path = files.path('big.csv');
    await writeEventLogCsv(path, defaultScenario({ seed: 7 }));
    let cancelled = false;
    const stop = service.onEvent('import-progress', (p) => {
      // Cancel inside the import's transaction, as the rows are being inserted: all or nothing.
      if (p.importId === 'big' && p.phase === 'validating' && !cancelled) {
        cancelled = true;
        void service.handlers.cancelImport({ importId: 'big' });
      }
    });
    const result = await invokeInternal(service, 'importFiles', { importId: 'big', files: [{ kind: 'path', path }] });
    stop();
    expect(result).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await service.handlers.listFiles({})).toEqual(before);
    expect((await service.handlers.listExperiments({})).map((e) => e.experimentId)).toEqual(['checkout-redesign', 'spring-offer']);
  });

  it('builds the first analysis\'s per-unit tables in the import\'s job, before the last file is done', async () => {
    const dbPath = files.path('warm.duckdb');
    const warm = await createDeskService({ databasePath: dbPath, settingsPath: files.path('warm-settings.json'), uploadDir: files.path('warm-work') });
    const phases: string[] = [];
    const stop = warm.onEvent('import-progress', (p) => phases.push(p.phase));
    const path = files.path('warm.csv');
    await writeEventLogCsv(path, defaultScenario({ seed: 3, units: 2000 }));
    await warm.handlers.importFiles({ importId: 'warm', files: [{ kind: 'path', path }] });
    stop();
    await warm.close();
    expect(phases.slice(-2)).toEqual(['indexing', 'done']);
    const db = await openDatabase(dbPath);
    try {
      const cached = await db.query<{ n: bigint }>('SELECT count(*) AS n FROM analysis_cache');
      expect(Number(cached[0]!.n)).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('persists valid settings and refuses invalid ones', async () => {
    const saved = await service.handlers.setSettings({ alpha: 0.1, exposureEvents: ['exposure', 'seen'] });
    expect(saved.alpha).toBe(0.1);
    expect(JSON.parse(readFileSync(files.path('settings.json'), 'utf8'))).toMatchObject({ alpha: 0.1, exposureEvents: ['exposure', 'seen'] });
    const invalid = await invokeHandler(service, 'setSettings', { alpha: 3 });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect((await service.handlers.getSettings({})).alpha).toBe(0.1);
  });

  it('takes a file path in process only: invokeHandler (what hosts dispatch through) refuses it', async () => {
    const path = files.path('in-process.csv');
    writeFileSync(path, 'id,arm,bought\n1,a,0\n2,b,1\n');
    for (const request of [
      ['previewFile', { file: { kind: 'path', path } }],
      ['importFiles', { importId: 'p', files: [{ kind: 'path', path }] }],
    ] as const) {
      expect(await invokeHandler(service, request[0], request[1])).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    // In process (CLI, bench, the Electron worker after main resolved a handle) the path form works.
    expect(await invokeInternal(service, 'previewFile', { file: { kind: 'path', path } })).toMatchObject({ ok: true, value: { header: ['id', 'arm', 'bought'] } });
    expect((await service.handlers.previewFile({ file: { kind: 'path', path } })).header).toEqual(['id', 'arm', 'bought']);
    // A handle means nothing to the service itself: main resolves handles before the worker.
    expect(await invokeHandler(service, 'previewFile', { file: { kind: 'handle', handle: 'h', name: 'x.csv' } }))
      .toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

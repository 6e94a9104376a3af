import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ExperimentAnalysis, ExperimentListItem } from '../../contract/desk-api.ts';
import type { ExperimentReport } from '../../contract/report.ts';
import { openExperiment, setOverrides } from './actions/experiment.ts';
import { loadExperimentsAtStart } from './actions/experiments.ts';
import { navigate } from './actions/navigation.ts';
import { loadSettings, saveSettings } from './actions/settings.ts';
import { connectDesk } from './host-api.ts';
import { resetStore, useDeskStore } from './store.ts';
import { createFakeDesk, deferred, err, ok, type FakeDesk } from './testing/fake-desk.ts';

const report = (experimentId: string, reason = 'r'): ExperimentReport => ({
  experimentId, source: 'events', control: 'control', variants: ['control', 'treatment'], units: { control: 10, treatment: 10 },
  excludedUnits: { multipleExposures: 0 }, totalUnits: 20, firstExposure: null, dataEnd: null, runtimeDays: null,
  srm: { chiSquare: 0, pValue: 1, flagged: false, df: 1 }, primaryMetric: 'conversion', guardrailMetrics: [], metrics: [],
  power: null, warnings: [], verdict: { status: 'inconclusive', reason, proposedTransition: null },
});

const cumulative = tableToIPC(tableFromArrays({
  day: Float64Array.from([0, 864e5]), variant: ['treatment', 'treatment'], n: Float64Array.from([5, 10]),
  relative: Float64Array.from([0.1, 0.2]), ciLower: Float64Array.from([-0.1, 0]), ciUpper: Float64Array.from([0.3, 0.4]),
}), 'stream');

const analysis = (experimentId: string, reason = 'r'): ExperimentAnalysis => ({
  report: report(experimentId, reason), cumulative, retention: new Uint8Array(), segments: ['new', 'returning'], exposureAttributes: { store_id: ['store-de', 'store-nl'] },
});

const item = (experimentId: string): ExperimentListItem => ({
  experimentId, source: 'events', control: 'control', variants: ['control', 'treatment'], units: 20,
  firstExposure: null, dataEnd: null, warnings: [], verdict: 'inconclusive',
});

const experiment = () => useDeskStore.getState().experiment;

let desk: FakeDesk;
beforeEach(() => {
  resetStore();
  desk = createFakeDesk();
  connectDesk(desk);
  desk.handle('analyzeExperiment', (r) => ok(analysis(r.experimentId)));
});

describe('experiment analysis', () => {
  it('opens an experiment without overrides and decodes its Arrow series', async () => {
    await openExperiment('spring-offer');
    expect(desk.calls.analyzeExperiment).toEqual([{ experimentId: 'spring-offer' }]);
    expect(useDeskStore.getState().navigation.screen).toBe('experiment');
    expect(experiment().status).toBe('ready');
    const loaded = experiment().analysis!;
    expect(loaded.report.experimentId).toBe('spring-offer');
    expect(loaded.segments).toEqual(['new', 'returning']);
    expect(loaded.exposureAttributes).toEqual({ store_id: ['store-de', 'store-nl'] });
    expect(loaded.cumulative.byVariant.get('treatment')!.relative).toBeInstanceOf(Float64Array);
    expect(loaded.retention.rows).toBe(0);
  });

  it('re-analyses with the accumulated overrides, and drops cleared filters', async () => {
    await openExperiment('spring-offer');
    await setOverrides({ cuped: false });
    await setOverrides({ alpha: 0.1, segment: 'new' });
    await setOverrides({ exposureFrom: '2026-03-01', exposureTo: '2026-03-10' });
    await setOverrides({ segment: undefined });
    const sent = desk.calls.analyzeExperiment!.map((r) => r.overrides);
    expect(sent).toEqual([
      undefined,
      { cuped: false },
      { cuped: false, alpha: 0.1, segment: 'new' },
      { cuped: false, alpha: 0.1, segment: 'new', exposureFrom: '2026-03-01', exposureTo: '2026-03-10' },
      { cuped: false, alpha: 0.1, exposureFrom: '2026-03-01', exposureTo: '2026-03-10' },
    ]);
    expect(experiment().analysis!.overrides).toEqual({ cuped: false, alpha: 0.1, exposureFrom: '2026-03-01', exposureTo: '2026-03-10' });
  });

  it('shows only the answer to the latest request', async () => {
    await openExperiment('spring-offer');
    const slow = deferred<ReturnType<typeof ok<ExperimentAnalysis>>>();
    desk.handle('analyzeExperiment', () => slow.promise);
    const first = setOverrides({ alpha: 0.1 });
    desk.handle('analyzeExperiment', (r) => ok(analysis(r.experimentId, 'latest')));
    await setOverrides({ alpha: 0.2 });
    slow.resolve(ok(analysis('spring-offer', 'stale')));
    await first;
    expect(experiment().analysis!.report.verdict.reason).toBe('latest');
  });

  it('keeps the error of a failed analysis', async () => {
    desk.handle('analyzeExperiment', () => err('not_found', 'No experiment "nope"'));
    await openExperiment('nope');
    expect(experiment().status).toBe('error');
    expect(experiment().error?.message).toBe('No experiment "nope"');
  });

  it('opening another experiment forgets the previous overrides', async () => {
    await openExperiment('a');
    await setOverrides({ alpha: 0.1 });
    await openExperiment('b');
    expect(desk.calls.analyzeExperiment!.at(-1)).toEqual({ experimentId: 'b' });
  });
});

describe('start-up', () => {
  it('stays on Import on first run (empty database)', async () => {
    await loadExperimentsAtStart();
    expect(useDeskStore.getState().experiments.items).toEqual([]);
    expect(useDeskStore.getState().navigation.screen).toBe('import');
  });

  it('shows the experiments when there are some, unless the user already chose a screen', async () => {
    desk.handle('listExperiments', () => ok([item('a')]));
    await loadExperimentsAtStart();
    expect(useDeskStore.getState().navigation.screen).toBe('experiments');

    resetStore();
    navigate('settings');
    await loadExperimentsAtStart();
    expect(useDeskStore.getState().navigation.screen).toBe('settings');
  });
});

describe('settings', () => {
  it('loads and saves settings, keeping validation errors', async () => {
    await loadSettings();
    expect(useDeskStore.getState().settings.values?.alpha).toBe(0.05);
    expect(await saveSettings({ alpha: 0.1 })).toBe(true);
    expect(useDeskStore.getState().settings.values?.alpha).toBe(0.1);
    expect(useDeskStore.getState().settings.saved).toBe(true);

    desk.handle('setSettings', () => err('invalid_request', 'alpha: Too big: expected number to be <1'));
    expect(await saveSettings({ alpha: 2 })).toBe(false);
    expect(useDeskStore.getState().settings.error?.message).toContain('alpha');
    expect(useDeskStore.getState().settings.values?.alpha).toBe(0.1);
  });
});

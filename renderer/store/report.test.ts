import { beforeEach, describe, expect, it } from 'vitest';
import type { ExperimentAnalysis } from '../../contract/desk-api.ts';
import type { ExperimentReport } from '../../contract/report.ts';
import { openExperiment, setOverrides } from './actions/experiment.ts';
import { runMenuCommand } from './actions/host-events.ts';
import { chooseReportFormat, closeReportExport, exportReport, openReportExport } from './actions/report.ts';
import { connectDesk } from './host-api.ts';
import { resetStore, useDeskStore } from './store.ts';
import { createFakeDesk, deferred, err, ok, type FakeDesk } from './testing/fake-desk.ts';

const report: ExperimentReport = {
  experimentId: 'spring-offer', source: 'events', control: 'control', variants: ['control', 'v2'], units: { control: 10, v2: 10 },
  excludedUnits: { multipleExposures: 0 }, totalUnits: 20, firstExposure: null, dataEnd: null, runtimeDays: null,
  srm: { chiSquare: 0, pValue: 1, flagged: false, df: 1 }, primaryMetric: 'conversion', guardrailMetrics: [], metrics: [],
  power: null, warnings: [], verdict: { status: 'inconclusive', reason: 'r', proposedTransition: null },
};
const analysis: ExperimentAnalysis = { report, cumulative: new Uint8Array(), retention: new Uint8Array(), segments: [], exposureAttributes: {} };
const state = () => useDeskStore.getState().reportExport;

let desk: FakeDesk;
beforeEach(async () => {
  resetStore();
  desk = createFakeDesk();
  connectDesk(desk);
  desk.handle('analyzeExperiment', () => ok(analysis));
  await openExperiment('spring-offer');
});

describe('report export', () => {
  it('File → Export… opens the dialog; PDF is the default format', () => {
    runMenuCommand('export');
    expect(state()).toMatchObject({ open: true, format: 'pdf', status: 'idle' });
    closeReportExport();
    expect(state().open).toBe(false);
  });

  it('exports the open experiment with the overrides on screen, then saves the bytes under the suggested name', async () => {
    await setOverrides({ alpha: 0.1 });
    openReportExport();
    chooseReportFormat('csv');
    await exportReport();
    expect(desk.calls.exportReport).toEqual([{ experimentId: 'spring-offer', format: 'csv', overrides: { alpha: 0.1 } }]);
    expect(desk.calls.saveFile).toHaveLength(1);
    expect(desk.calls.saveFile![0]!.name).toBe('spring-offer-decision-report-2026-03-24.csv');
    expect(state()).toMatchObject({ open: false, status: 'done', saved: { fileName: 'spring-offer-decision-report-2026-03-24.csv', path: null } });
  });

  it('a host error keeps the dialog open with the message; nothing is saved', async () => {
    desk.handle('exportReport', () => err('bad_input', 'PDF needs Chromium, which is not installed at /usr/bin/chromium'));
    openReportExport();
    await exportReport();
    expect(state()).toMatchObject({ open: true, status: 'error', error: { code: 'bad_input' } });
    expect(desk.calls.saveFile).toBeUndefined();
  });

  it('one export at a time; the dialog cannot be closed while it runs', async () => {
    const pending = deferred<ReturnType<typeof ok<{ bytes: Uint8Array; fileName: string; mediaType: string }>>>();
    desk.handle('exportReport', () => pending.promise);
    openReportExport();
    const first = exportReport();
    void exportReport();
    closeReportExport();
    expect(state()).toMatchObject({ open: true, status: 'exporting' });
    pending.resolve(ok({ bytes: new Uint8Array([1]), fileName: 'r.pdf', mediaType: 'application/pdf' }));
    await first;
    expect(desk.calls.exportReport).toHaveLength(1);
    expect(state().status).toBe('done');
  });
});

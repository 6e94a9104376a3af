/**
 * Opening an experiment and re-analysing it with overrides (filters, α, CUPED). Only the answer
 * to the latest request is shown: a slower earlier answer never overwrites a newer one.
 *
 * Time to interactive (docs/interface.md, measured): `experiment-data` is marked when the analysis
 * arrives, `experiment-interactive` after the next paint (two animation frames), and the
 * measure `experiment-ready` spans the two.
 */
import type { AnalysisOverrides } from '../../../contract/desk-api.ts';
import { decodeCumulative, decodeRetention } from '../../arrow/series.ts';
import { deskApi } from '../host-api.ts';
import { patch, slice } from '../store.ts';
import { navigate } from './navigation.ts';

let latestRequest = 0;

export const READY_MARKS = { data: 'experiment-data', interactive: 'experiment-interactive', measure: 'experiment-ready' } as const;

function afterNextPaint(callback: () => void): void {
  if (typeof requestAnimationFrame !== 'function') return; // Node tests: there is no paint
  requestAnimationFrame(() => requestAnimationFrame(callback));
}

function markData(): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  performance.clearMarks(READY_MARKS.data);
  performance.clearMarks(READY_MARKS.interactive);
  performance.clearMeasures(READY_MARKS.measure);
  performance.mark(READY_MARKS.data);
}

function markInteractive(request: number): void {
  afterNextPaint(() => {
    if (request !== latestRequest) return;
    performance.mark(READY_MARKS.interactive);
    performance.measure(READY_MARKS.measure, READY_MARKS.data, READY_MARKS.interactive);
  });
}

/** Drops keys whose value is undefined or '' (an empty filter means "no filter"). */
export function cleanOverrides(overrides: AnalysisOverrides): AnalysisOverrides {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined && value !== '') out[key] = value;
  return out as AnalysisOverrides;
}

/** Analyses the open experiment with its current overrides. */
export async function analyzeOpenExperiment(): Promise<void> {
  const { experimentId, overrides } = slice('experiment');
  if (!experimentId) return;
  const request = ++latestRequest;
  patch('experiment', { status: 'loading', error: null });
  const sent = cleanOverrides(overrides);
  const result = await deskApi().analyzeExperiment(
    Object.keys(sent).length > 0 ? { experimentId, overrides: sent } : { experimentId },
  );
  if (request !== latestRequest) return;
  if (!result.ok) {
    patch('experiment', { status: 'error', error: result.error });
    return;
  }
  markData();
  const { report, segments, exposureAttributes } = result.value;
  patch('experiment', {
    status: 'ready',
    error: null,
    analysis: {
      experimentId,
      overrides: sent,
      report,
      segments,
      exposureAttributes,
      cumulative: decodeCumulative(result.value.cumulative),
      retention: decodeRetention(result.value.retention),
    },
  });
  markInteractive(request);
}

/** Opens an experiment on the Experiment screen with default settings and analyses it. */
export function openExperiment(experimentId: string): Promise<void> {
  const current = slice('experiment');
  patch('experiment', {
    experimentId,
    overrides: {},
    analysis: current.analysis?.experimentId === experimentId ? current.analysis : null,
    error: null,
  });
  navigate('experiment');
  return analyzeOpenExperiment();
}

/** Changes some overrides (undefined or '' removes one) and re-analyses. */
export function setOverrides(changes: AnalysisOverrides): Promise<void> {
  const { overrides } = slice('experiment');
  patch('experiment', { overrides: cleanOverrides({ ...overrides, ...changes }) });
  return analyzeOpenExperiment();
}

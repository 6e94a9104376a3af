import type { AnalysisOverrides, DeskError, ExperimentAnalysis } from '../../../contract/desk-api.ts';
import type { ExperimentReport } from '../../../contract/report.ts';
import type { CumulativeSeries, RetentionSeries } from '../../arrow/series.ts';

/** One analysis as the screen shows it: the report, and the Arrow series decoded to typed arrays. */
export interface LoadedAnalysis {
  readonly experimentId: string;
  /** The overrides this analysis was computed with. */
  readonly overrides: AnalysisOverrides;
  readonly report: ExperimentReport;
  readonly segments: readonly string[];
  /** Values of each exposure attribute, for its filter (event logs). */
  readonly exposureAttributes: ExperimentAnalysis['exposureAttributes'];
  readonly cumulative: CumulativeSeries;
  readonly retention: RetentionSeries;
}

/** The open experiment (Experiment screen). */
export interface ExperimentState {
  readonly experimentId: string | null;
  /** Filters, α and the CUPED switch as the user set them (sent as `overrides`). */
  readonly overrides: AnalysisOverrides;
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  /** The last analysis that arrived (kept while a new one is computed). */
  readonly analysis: LoadedAnalysis | null;
  readonly error: DeskError | null;
}

export interface ExperimentSlice {
  readonly experiment: ExperimentState;
}

export const initialExperiment: ExperimentState = {
  experimentId: null, overrides: {}, status: 'idle', analysis: null, error: null,
};


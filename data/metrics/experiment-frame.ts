/**
 * What the metric SQL hands to the statistics: per experiment, its arms' unit counts and, per
 * metric, each arm's sufficient statistics (the `MetricInput` of `stats/`). No event rows.
 */
import type { MetricInput } from '../../stats/index.ts';
import type { FunnelStep } from '../../contract/report.ts';

export interface ArmCount {
  readonly variant: string;
  /** Analysed units (after multiple-exposure exclusion and filters). */
  readonly units: number;
  /** True when the exposures mark this variant `is_control`. */
  readonly markedControl: boolean;
}

export interface MetricFrame {
  readonly input: Omit<MetricInput, 'control'>;
  /** A CUPED covariate was asked for (event logs: always, except ratios; unit tables: --covariate). */
  readonly covariateRequested: boolean;
  /** Units that count for this metric (retention: mature units only). */
  readonly eligibleUnits: number;
  /** Retention day k for retention metrics (maturity), else null. */
  readonly retentionDay: number | null;
  /** Funnel step s (1-based) and its event name for funnel metrics, else null. */
  readonly funnelStep: FunnelStep | null;
}

export interface ExperimentFrame {
  readonly experimentId: string;
  readonly source: 'events' | 'unit_table';
  readonly arms: readonly ArmCount[];
  /** Control from the file mapping (unit tables' --control at import), if any. */
  readonly mappedControl: string | null;
  /** Units excluded because they were exposed to more than one variant. */
  readonly multipleExposures: number;
  /** All units seen, before exclusion. */
  readonly totalUnits: number;
  /** First exposure and end of data (UTC ISO strings), null when the data has no time. */
  readonly firstExposure: string | null;
  readonly dataEnd: string | null;
  /**
   * Event logs: the events left out for lying far after the exposure period (they do not define
   * `dataEnd`, docs/analysis-definitions.md), or null when there are none.
   */
  readonly lateEvents?: { readonly count: number; readonly after: string; readonly latest: string } | null;
  readonly metrics: readonly MetricFrame[];
}

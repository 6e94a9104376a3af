/**
 * The analysis report: the JSON contract of `experiment-desk analyze --format json`, which the
 * UI, ChangeSet proofs and decision reports build on. Field names in the contract are
 * fixed; the others are additions.
 */
import type { AnalysisWarning, CorrectionSummary, MetricResult, Verdict } from '../stats/index.ts';
import type { AnalysisSettings } from './settings.ts';
import type { CupedStatus, ResultDefinition } from './experiment-definition.ts';

export interface PowerReport {
  /** The metric the power analysis is about (the primary metric). */
  readonly metric: string;
  /** Relative MDE (fraction) the sample size is computed for. */
  readonly relativeMde: number;
  readonly power: number;
  /** Units per variant needed to detect `relativeMde` at α with `power`. */
  readonly requiredPerVariant: number | null;
  /** Relative MDE (fraction) detectable with the current units per variant. */
  readonly achievedMde: number | null;
  /** Observed new units per variant per day (smallest variant). */
  readonly unitsPerVariantPerDay: number | null;
  /** Days still needed at that rate; 0 when reached; null when unknown. */
  readonly daysStillNeeded: number | null;
}

/** A funnel metric's step (docs/analysis-definitions.md): `index` s from 1, the step's event name. */
export interface FunnelStep {
  readonly index: number;
  readonly event: string;
}

export interface MetricReport extends MetricResult {
  /** Units that count for this metric (retention: mature units only). */
  readonly eligibleUnits: number;
  /** Whether a CUPED covariate was asked for this metric. */
  readonly cupedRequested: boolean;
  /** Set on funnel metrics: share of units that reached this step, in order, after exposure. */
  readonly funnelStep?: FunnelStep;
}

export interface ExperimentReport {
  readonly experimentId: string;
  readonly source: 'events' | 'unit_table';
  readonly control: string;
  /** Variants, control first. */
  readonly variants: readonly string[];
  /** Analysed units per variant, after exclusions. */
  readonly units: Readonly<Record<string, number>>;
  readonly excludedUnits: { readonly multipleExposures: number };
  /** Units seen before exclusion. */
  readonly totalUnits: number;
  /** UTC ISO-8601; null when the data has no timestamps. */
  readonly firstExposure: string | null;
  readonly dataEnd: string | null;
  /** Days from the first exposure to the end of the data; null when unknown. */
  readonly runtimeDays: number | null;
  readonly srm: { readonly chiSquare: number | null; readonly pValue: number | null; readonly flagged: boolean; readonly df: number };
  readonly primaryMetric: string | null;
  readonly guardrailMetrics: readonly string[];
  readonly metrics: readonly MetricReport[];
  readonly power: PowerReport | null;
  readonly warnings: readonly AnalysisWarning[];
  readonly verdict: Verdict;
  /**
   * The multiple-comparison corrections applied (docs/statistics.md): the decision family (goal
   * metric and guardrails, the `correction` setting) and the secondary family (Benjamini–Hochberg).
   * The metrics' `comparisons[].corrected` carry the adjusted figures.
   */
  readonly corrections?: readonly CorrectionSummary[];
  /** What CUPED adjusted, and why nothing when nothing (docs/experiment-definition.md). */
  readonly cuped?: CupedStatus;
  /**
   * The experiment definition this result was computed with: version and hash, roles, combine
   * rule and split (docs/experiment-definition.md). Absent when the experiment has none (a
   * database from before definitions, until its next import).
   */
  readonly definition?: ResultDefinition;
}

export interface ImportedFileReport {
  readonly fileId: number;
  /** UTC ISO-8601. */
  readonly importedAt: string;
  readonly path: string;
  readonly sha256: string;
  readonly rowsRead: number;
  readonly rowsAccepted: number;
  readonly rowsRejected: number;
  readonly shape: string;
  readonly zonelessTimestamps: number;
  readonly rejectsByReason: Readonly<Record<string, number>>;
}

export interface AnalysisReport {
  readonly generatedAt: string;
  readonly appVersion: string;
  readonly settings: AnalysisSettings;
  readonly experiments: readonly ExperimentReport[];
  readonly import: { readonly files: readonly ImportedFileReport[] };
}

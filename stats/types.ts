/**
 * Types shared by every function of `stats/`: sufficient statistics in, result objects out.
 *
 * `stats/` is pure: no I/O, no DuckDB, no DOM. Bad input never throws; a result carries a
 * `StatsErrorCode` and `null` in place of any number that could not be computed (JSON has no NaN).
 */
import type { MultipleComparisonMethod } from './multiple-comparisons.ts';
import type { BayesianComparison } from './bayesian.ts';

/** A probability or significance level in [0, 1]. */
export type Probability = number & { readonly __brand: 'Probability' };
/** A relative change as a fraction: 0.05 means +5 %. */
export type RelativeFraction = number & { readonly __brand: 'RelativeFraction' };
/** A duration in days (fractional days allowed). */
export type Days = number & { readonly __brand: 'Days' };

/** How a metric's per-unit values are distributed, which decides the variance convention. */
export type MetricType = 'binomial' | 'continuous' | 'ratio';

/**
 * Sufficient statistics of one arm for a binomial or continuous metric:
 * `n` units, Σy, Σy². For binomial metrics y ∈ {0, 1}, so `sum` is the number of conversions.
 */
export interface SampleMoments {
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

/**
 * Sufficient statistics of one arm with a CUPED covariate x (the pre-period value of the same
 * metric, or a named unit-table column): Σx, Σx², Σxy over the same `n` units.
 */
export interface CovariateMoments extends SampleMoments {
  readonly sumX: number;
  readonly sumX2: number;
  readonly sumXY: number;
}

/**
 * Sufficient statistics of one arm for a ratio metric Σnumerator / Σdenominator over units
 * (e.g. average order value = revenue / orders): per-unit numerator m and denominator d.
 */
export interface RatioMoments {
  readonly n: number;
  readonly sumNum: number;
  readonly sumNum2: number;
  readonly sumDen: number;
  readonly sumDen2: number;
  readonly sumNumDen: number;
}

/** Why a number could not be computed. Stable codes, shown by the UI. */
export type StatsErrorCode =
  | 'EMPTY_VARIANT' // n = 0 in an arm
  | 'SINGLE_UNIT' // n = 1 in an arm: no sample variance
  | 'ZERO_VARIANCE' // both arms have zero variance: no test is possible
  | 'ZERO_CONTROL_MEAN' // relative uplift undefined
  | 'ZERO_DENOMINATOR' // ratio metric with Σdenominator = 0
  | 'NO_COVARIATE_VARIANCE' // CUPED impossible: var(x) = 0 over all units
  | 'INVALID_INPUT'; // non-finite or impossible sums (e.g. conversions > n), α outside (0, 1), unknown control

/** A point estimate with a two-sided confidence interval at level 1 − α. */
export interface Interval {
  readonly estimate: number | null;
  readonly ciLower: number | null;
  readonly ciUpper: number | null;
}

/** One arm's summary as reported: variance is p(1−p) for binomial, sample variance (n−1) otherwise. */
export interface VariantSummary {
  readonly variant: string;
  readonly n: number;
  readonly mean: number | null;
  readonly variance: number | null;
}

/** CUPED-adjusted comparison of one treatment arm against control. */
export interface CupedComparison {
  readonly theta: number;
  /** 1 − (V'_v/n_v + V'_c/n_c)/(V_v/n_v + V_c/n_c), a fraction in (−∞, 1]. */
  readonly varianceReduction: number | null;
  readonly absolute: Interval;
  readonly relative: Interval;
  /**
   * Two-sided p-value of the interval shown beside it: the delta-method test of the relative
   * uplift when `relative` has an estimate, else the test of the absolute difference. p < α
   * exactly when that interval excludes 0 (docs/analysis-definitions.md, "Statistics").
   */
  readonly pValue: number | null;
  /**
   * Two-sided p-value of the absolute difference (unpooled z for binomial and ratio metrics,
   * Welch t for continuous ones): p < α exactly when `absolute`'s CI excludes 0.
   */
  readonly absolutePValue: number | null;
  readonly errorCode: StatsErrorCode | null;
  /** Posterior of the relative effect (method `bayesian` only). */
  readonly bayesian?: BayesianComparison | null;
}

/** Which multiple-comparison family a comparison belongs to (docs/statistics.md). */
export type CorrectionFamily = 'decision' | 'secondary';

/**
 * A comparison's figures after a multiple-comparison correction over its family (`corrections.ts`):
 * adjusted p-values, and intervals at the adjusted level so that `pValue` < α exactly when
 * `relative` excludes 0 (and `absolutePValue` < α exactly when `absolute` does).
 */
export interface CorrectedComparison {
  readonly family: CorrectionFamily;
  readonly method: MultipleComparisonMethod;
  /** m: comparisons with a p-value in the family. */
  readonly familySize: number;
  /** Whether the corrected figures are the CUPED-adjusted ones. */
  readonly cuped: boolean;
  readonly pValue: number | null;
  readonly absolutePValue: number | null;
  readonly relative: Interval;
  readonly absolute: Interval;
}

/** One treatment arm against control. */
export interface Comparison {
  readonly variant: string;
  readonly control: string;
  readonly absolute: Interval;
  /** Fractions: 0.05 = +5 %. */
  readonly relative: Interval;
  /**
   * Two-sided p-value of the interval shown beside it: the delta-method test of the relative
   * uplift when `relative` has an estimate, else the test of the absolute difference. p < α
   * exactly when that interval excludes 0 (docs/analysis-definitions.md, "Statistics").
   */
  readonly pValue: number | null;
  /**
   * Two-sided p-value of the absolute difference (unpooled z for binomial and ratio metrics,
   * Welch t for continuous ones): p < α exactly when `absolute`'s CI excludes 0.
   */
  readonly absolutePValue: number | null;
  readonly cuped: CupedComparison | null;
  readonly errorCode: StatsErrorCode | null;
  /** Posterior of the relative effect (method `bayesian` only). */
  readonly bayesian?: BayesianComparison | null;
  /** Set by a multiple-comparison correction (absent or null: none applied). */
  readonly corrected?: CorrectedComparison | null;
}

/**
 * How intervals, p-values and the verdict are computed (docs/statistics.md): `fixed` — one look at a
 * fixed horizon (z / Welch t); `sequential` — always-valid confidence sequences (`sequential.ts`);
 * `bayesian` — the fixed-horizon numbers plus a Gaussian posterior (`bayesian.ts`) the verdict
 * decides on.
 */
export type InferenceMethod = 'fixed' | 'sequential' | 'bayesian';

/** Settings every test needs. */
export interface TestSettings {
  /** Two-sided significance level, default 0.05. */
  readonly alpha: number;
  /** Default `fixed`. */
  readonly method?: InferenceMethod;
  /** `sequential`: total units (both arms) ρ is tuned for; default `DEFAULT_SEQUENTIAL_TARGET_N`. */
  readonly sequentialTargetN?: number;
}

/** Power-analysis settings: relative MDE (fraction) and power 1 − β. */
export interface PowerSettings extends TestSettings {
  readonly relativeMde: number;
  readonly power: number;
}

/** Stable warning codes (docs/analysis-definitions.md). */
export type WarningCode =
  | 'sample_ratio_mismatch'
  | 'low_sample_size'
  | 'low_conversions'
  | 'underpowered'
  | 'min_runtime_not_reached'
  | 'multiple_exposures'
  | 'cuped_unavailable'
  | 'immature_retention'
  | 'events_outside_period';

/** A warning with the numbers behind it. */
export interface AnalysisWarning {
  readonly code: WarningCode;
  readonly message: string;
  readonly metric?: string;
  readonly variant?: string;
  readonly values?: Readonly<Record<string, number | string | null>>;
}

export type VerdictStatus = 'winner' | 'loser' | 'inconclusive' | 'not_ready';

/**
 * The verdict of one treatment arm against control (docs/statistics.md, "Verdict"): `winner`
 * (goal metric significantly up, no guardrail breached), `loser` (goal metric significantly down,
 * or a guardrail significantly down by more than its threshold), `inconclusive`, or `not_ready`
 * (a blocking warning holds for the whole experiment).
 */
export interface ArmVerdict {
  readonly variant: string;
  readonly status: VerdictStatus;
  /** One sentence naming the arm, with the numbers the status rests on. */
  readonly reason: string;
  /** Guardrail metrics this arm breaches (empty when none). */
  readonly breachedGuardrails: readonly string[];
}

export interface Verdict {
  readonly status: VerdictStatus;
  readonly reason: string;
  /** The treatment arm the verdict is about (the arm shipped or rolled back), if any. */
  readonly variant?: string;
  /** winner → PROVEN, loser → ROLLED_BACK, otherwise none. */
  readonly proposedTransition: 'PROVEN' | 'ROLLED_BACK' | null;
  /** One verdict per treatment arm, in display order (absent when no metric could be analysed). */
  readonly arms?: readonly ArmVerdict[];
}

/**
 * One metric of one experiment as the data layer hands it to `analyzeMetric`: the sufficient
 * statistics of every arm, in display order.
 *
 * - `type: 'ratio'` ⇒ every arm carries `RatioMoments` (CUPED is not defined for ratio metrics).
 * - `covariate: true` ⇒ every arm carries `CovariateMoments` and CUPED is attempted.
 * - otherwise `SampleMoments`.
 */
export interface MetricInput {
  readonly name: string;
  readonly type: MetricType;
  /** The control arm's variant key; must be one of `arms[].variant`. */
  readonly control: string;
  readonly arms: ReadonlyArray<{
    readonly variant: string;
    readonly moments: SampleMoments | CovariateMoments | RatioMoments;
  }>;
  readonly covariate: boolean;
}

/**
 * The analysis of one metric: a summary per arm (input order), one comparison per non-control arm
 * (input order), the pooled CUPED θ (null without covariate or when var(x) = 0), and a
 * metric-level error code (`INVALID_INPUT` when the input cannot be read at all, e.g. an unknown
 * control; `NO_COVARIATE_VARIANCE` when CUPED was requested but θ cannot be computed). Problems of
 * a single comparison are carried by that comparison's own `errorCode`.
 */
export interface MetricResult {
  readonly name: string;
  readonly type: MetricType;
  readonly variants: VariantSummary[];
  readonly comparisons: Comparison[];
  readonly theta: number | null;
  readonly errorCode: StatsErrorCode | null;
}

/**
 * CUPED (Controlled-experiment Using Pre-Experiment Data) regression adjustment.
 *
 * θ = cov(Y, X) / var(X) over all analysed units of every arm together, around the overall means
 * (gbstats: `RegressionAdjustedStatistic` with a pooled θ); Y' = Y − θ (X − x̄), so per arm
 *   mean'_a = ȳ_a − θ (x̄_a − x̄),
 *   V'_a   = V_y + θ² V_x − 2 θ C_xy   (n − 1 moments within the arm, every metric type).
 * Inference on the adjusted arms: normal quantile and unpooled z-test for binomial metrics, Welch
 * t (Welch–Satterthwaite df on the adjusted variances) for continuous ones; relative uplift
 * mean'_t/mean'_c − 1 with the delta-method variance on adjusted means and variances, its p-value
 * from the delta-method test against the same reference (`compareEstimates`); variance
 * reduction 1 − (V'_t/n_t + V'_c/n_c)/(V_t/n_t + V_c/n_c).
 *
 * Source: A. Deng, Y. Xu, R. Kohavi, T. Walker (2013), "Improving the Sensitivity of Online
 * Controlled Experiments by Utilizing Pre-Experiment Data", WSDM; GrowthBook gbstats.
 */
import type { CovariateMoments, CupedComparison, StatsErrorCode, TestSettings } from './types.ts';
import type { ArmInput } from './compare-arms.ts';
import type { EstimateComparison } from './estimate-comparison.ts';
import { compareEstimates, emptyComparison, pointComparison } from './estimate-comparison.ts';
import { armMean, sampleCovariance, sampleVariance, validateSampleMoments } from './moments.ts';
import { finiteOrNull, isFiniteNumber, isValidAlpha } from './finite.ts';
import { totalMoments, ZERO_COVARIATE_MOMENTS } from './add-moments.ts';

/**
 * @returns `INVALID_INPUT` when the Y moments are invalid for `type` (see `validateSampleMoments`),
 *   a covariate sum is not finite, or Σx² is impossible; otherwise null.
 */
export function validateCovariateMoments(
  type: 'binomial' | 'continuous',
  m: CovariateMoments | null | undefined,
): StatsErrorCode | null {
  if (validateSampleMoments(type, m) !== null || !m) return 'INVALID_INPUT';
  if (!isFiniteNumber(m.sumX) || !isFiniteNumber(m.sumX2) || !isFiniteNumber(m.sumXY) || m.sumX2 < 0) return 'INVALID_INPUT';
  if (!isFiniteNumber(m.sumSquares) || m.sumSquares < 0) return 'INVALID_INPUT';
  if (m.n >= 2 && sampleVariance(m.n, m.sumX, m.sumX2) === null) return 'INVALID_INPUT';
  return null;
}

/** The arms pooled: θ and the overall mean of x are computed over all units. */
function totals(arms: readonly CovariateMoments[]): CovariateMoments {
  return totalMoments(arms, ZERO_COVARIATE_MOMENTS);
}

function allFinite(arms: readonly CovariateMoments[]): boolean {
  return arms.every((a) => a && [a.n, a.sum, a.sumX, a.sumX2, a.sumXY].every(isFiniteNumber) && a.n >= 0);
}

/**
 * Pooled CUPED coefficient θ = cov(Y, X) / var(X) over all units of all arms together, moments
 * around the overall means with n − 1 (gbstats style; the n − 1 cancels in the ratio).
 *
 * @returns θ, or null when total n < 2, var(X) = 0 (`NO_COVARIATE_VARIANCE`) or the input is
 *   not finite.
 */
export function pooledTheta(arms: readonly CovariateMoments[]): number | null {
  if (!Array.isArray(arms) || !allFinite(arms)) return null;
  const t = totals(arms);
  if (t.n < 2) return null;
  const varX = sampleVariance(t.n, t.sumX, t.sumX2);
  const covXY = sampleCovariance(t.n, t.sumX, t.sum, t.sumXY);
  if (varX === null || covXY === null || varX === 0) return null;
  return finiteOrNull(covXY / varX);
}

/** Overall covariate mean x̄ = Σ_arms Σx / Σ_arms n, or null when there are no units. */
export function overallCovariateMean(arms: readonly CovariateMoments[]): number | null {
  if (!Array.isArray(arms) || !allFinite(arms)) return null;
  const t = totals(arms);
  return armMean(t.n, t.sumX);
}

/** One arm after CUPED adjustment, with its unadjusted variance kept for the variance reduction. */
export interface AdjustedArm {
  readonly n: number;
  /** ȳ_a − θ (x̄_a − x̄). */
  readonly mean: number;
  /** V_y + θ² V_x − 2 θ C_xy (n − 1), clamped at 0 against rounding. */
  readonly variance: number;
  /** V_y with n − 1. */
  readonly unadjustedVariance: number;
}

/** Adjusted arm mean ȳ_a − θ (x̄_a − x̄), or null when n = 0. */
export function adjustedMean(m: CovariateMoments, theta: number, overallMeanX: number): number | null {
  const y = armMean(m.n, m.sum);
  const x = armMean(m.n, m.sumX);
  return y === null || x === null ? null : finiteOrNull(y - theta * (x - overallMeanX));
}

/**
 * Adjusts one arm (n ≥ 2 required for the n − 1 moments).
 *
 * @returns the adjusted arm, or null when n < 2 or the moments are invalid.
 */
export function adjustArm(m: CovariateMoments, theta: number, overallMeanX: number): AdjustedArm | null {
  if (!isFiniteNumber(m.n) || m.n < 2) return null;
  const vy = sampleVariance(m.n, m.sum, m.sumSquares);
  const vx = sampleVariance(m.n, m.sumX, m.sumX2);
  const cxy = sampleCovariance(m.n, m.sumX, m.sum, m.sumXY);
  if (vy === null || vx === null || cxy === null) return null;
  const mean = adjustedMean(m, theta, overallMeanX);
  const variance = Math.max(0, vy + theta * theta * vx - 2 * theta * cxy);
  if (mean === null || !isFiniteNumber(variance)) return null;
  return { n: m.n, mean, variance, unadjustedVariance: vy };
}

/**
 * Variance reduction of the estimated difference: 1 − (V'_t/n_t + V'_c/n_c)/(V_t/n_t + V_c/n_c),
 * a fraction ≤ 1 (negative when the adjustment adds variance). Null when the unadjusted variance
 * of the difference is 0.
 */
export function cupedVarianceReduction(control: AdjustedArm, treatment: AdjustedArm): number | null {
  const unadjusted = treatment.unadjustedVariance / treatment.n + control.unadjustedVariance / control.n;
  if (!(unadjusted > 0)) return null;
  const adjusted = treatment.variance / treatment.n + control.variance / control.n;
  return finiteOrNull(1 - adjusted / unadjusted);
}

/**
 * CUPED-adjusted comparison of `treatment` against `control`.
 *
 * @param theta the pooled θ (`pooledTheta` over all arms of the experiment).
 * @param overallMeanX x̄ over all units of all arms (`overallCovariateMean`).
 * @returns absolute Δ' = mean'_t − mean'_c with CI and `absolutePValue` (binomial: unpooled z;
 *   continuous: Welch t), relative mean'_t/mean'_c − 1 with delta-method CI, `pValue` (the
 *   delta-method test of the relative effect, or the absolute test when mean'_c = 0), variance
 *   reduction. With θ = 0 the continuous result equals `compareArms('continuous', …)` exactly; the
 *   binomial one equals the normal reference on the n − 1 variances (the unadjusted binomial
 *   report uses p(1 − p) instead).
 * Errors: `INVALID_INPUT` (bad moments, α ∉ (0, 1), non-finite θ or x̄ — `theta` is then reported
 * as 0), `EMPTY_VARIANT`, `SINGLE_UNIT` (n < 2: no n − 1 moments), `ZERO_VARIANCE`,
 * `ZERO_CONTROL_MEAN`.
 */
export function compareArmsCuped(
  type: 'binomial' | 'continuous',
  control: ArmInput<CovariateMoments>,
  treatment: ArmInput<CovariateMoments>,
  theta: number,
  overallMeanX: number,
  settings: TestSettings,
): CupedComparison {
  const wrap = (r: EstimateComparison, varianceReduction: number | null = null): CupedComparison => ({
    theta: finiteOrNull(theta) ?? 0,
    varianceReduction,
    absolute: r.absolute,
    relative: r.relative,
    pValue: r.pValue,
    absolutePValue: r.absolutePValue,
    errorCode: r.errorCode,
    ...(r.bayesian !== undefined && { bayesian: r.bayesian }),
  });
  if (!isValidAlpha(settings?.alpha) || !isFiniteNumber(theta) || !isFiniteNumber(overallMeanX)) {
    return wrap(emptyComparison('INVALID_INPUT'));
  }
  if (validateCovariateMoments(type, control.moments) !== null || validateCovariateMoments(type, treatment.moments) !== null) {
    return wrap(emptyComparison('INVALID_INPUT'));
  }
  if (control.moments.n === 0 || treatment.moments.n === 0) return wrap(emptyComparison('EMPTY_VARIANT'));
  const c = adjustArm(control.moments, theta, overallMeanX);
  const t = adjustArm(treatment.moments, theta, overallMeanX);
  if (c === null || t === null) {
    // n = 1 in an arm: no n − 1 moments, but the adjusted means are still defined.
    return wrap(pointComparison(adjustedMean(control.moments, theta, overallMeanX), adjustedMean(treatment.moments, theta, overallMeanX), 'SINGLE_UNIT'));
  }
  const result = compareEstimates(c, t, type === 'binomial' ? 'normal' : 'welch', settings.alpha, settings);
  return wrap(result, cupedVarianceReduction(c, t));
}

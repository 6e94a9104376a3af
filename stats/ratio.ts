/**
 * Ratio metrics Σnumerator / Σdenominator over the units of an arm (e.g. average order value =
 * Σrevenue / Σorders), with the delta-method variance.
 *
 * Per-unit delta-method variance of r = m̄/d̄ (n − 1 moments, m̄, d̄ per-unit means):
 *   V_r = var_m/d̄² − 2 m̄ cov_md/d̄³ + m̄² var_d/d̄⁴, so SE(r)² = V_r / n.
 * Source: the delta method for a ratio of means (Casella & Berger §5.5.4); A. Deng et al. (2018),
 * "Applying the Delta Method in Metric Analytics", KDD; gbstats `RatioStatistic.variance`.
 * Comparisons use the normal quantile and z-tests with the unpooled delta-method SEs (difference)
 * and the delta-method SE of the relative effect (relative uplift).
 */
import type { Comparison, RatioMoments, StatsErrorCode, TestSettings, VariantSummary } from './types.ts';
import type { ArmInput } from './compare-arms.ts';
import { toComparison } from './compare-arms.ts';
import { compareEstimates, emptyComparison, pointComparison } from './estimate-comparison.ts';
import { sampleCovariance, sampleVariance } from './moments.ts';
import { finiteOrNull, isFiniteNumber, isValidAlpha } from './finite.ts';

/**
 * @returns `INVALID_INPUT` when n is negative or a sum is not finite or a sum of squares is
 *   negative; otherwise null.
 */
export function validateRatioMoments(m: RatioMoments | null | undefined): StatsErrorCode | null {
  if (m === null || typeof m !== 'object') return 'INVALID_INPUT';
  const fields = [m.n, m.sumNum, m.sumNum2, m.sumDen, m.sumDen2, m.sumNumDen];
  if (!fields.every(isFiniteNumber) || m.n < 0 || m.sumNum2 < 0 || m.sumDen2 < 0) return 'INVALID_INPUT';
  if (m.n >= 2 && (sampleVariance(m.n, m.sumNum, m.sumNum2) === null || sampleVariance(m.n, m.sumDen, m.sumDen2) === null)) {
    return 'INVALID_INPUT';
  }
  return null;
}

/**
 * Per-unit delta-method variance of the arm's ratio, var_m/d̄² − 2 m̄ cov_md/d̄³ + m̄² var_d/d̄⁴.
 *
 * @returns ≥ 0 (tiny negative rounding is clamped to 0), or null when n < 2, Σden = 0 or the
 *   moments are invalid.
 */
export function ratioDeltaMethodVariance(m: RatioMoments): number | null {
  if (validateRatioMoments(m) !== null || m.n < 2 || m.sumDen === 0) return null;
  const meanNum = m.sumNum / m.n;
  const meanDen = m.sumDen / m.n;
  const varNum = sampleVariance(m.n, m.sumNum, m.sumNum2);
  const varDen = sampleVariance(m.n, m.sumDen, m.sumDen2);
  const cov = sampleCovariance(m.n, m.sumNum, m.sumDen, m.sumNumDen);
  if (varNum === null || varDen === null || cov === null) return null;
  const d2 = meanDen * meanDen;
  const v = varNum / d2 - (2 * meanNum * cov) / (d2 * meanDen) + (meanNum * meanNum * varDen) / (d2 * d2);
  return finiteOrNull(Math.max(0, v));
}

/**
 * Summary of one arm of a ratio metric: mean = Σnum/Σden (null when Σden = 0 or n = 0), variance =
 * the per-unit delta-method variance (null when n < 2), so SE² = variance / n.
 */
export function summarizeRatioArm(variant: string, m: RatioMoments): VariantSummary {
  const n = isFiniteNumber(m?.n) ? m.n : 0;
  if (validateRatioMoments(m) !== null || m.n === 0 || m.sumDen === 0) return { variant, n, mean: null, variance: null };
  return { variant, n, mean: finiteOrNull(m.sumNum / m.sumDen), variance: ratioDeltaMethodVariance(m) };
}

/**
 * Compares two arms of a ratio metric: Δ = r_t − r_c, CI Δ ± z_{1−α/2} √(V_t/n_t + V_c/n_c),
 * relative uplift with the delta-method CI, two-sided z-test with the unpooled delta-method SE.
 *
 * Errors: `INVALID_INPUT`, `EMPTY_VARIANT` (n = 0), `ZERO_DENOMINATOR` (Σden = 0 in an arm),
 * `SINGLE_UNIT` (n = 1: point estimates only), `ZERO_VARIANCE`, `ZERO_CONTROL_MEAN`.
 */
export function compareRatioArms(
  control: ArmInput<RatioMoments>,
  treatment: ArmInput<RatioMoments>,
  settings: TestSettings,
): Comparison {
  const wrap = (r: Parameters<typeof toComparison>[2]) => toComparison(control.variant, treatment.variant, r);
  if (!isValidAlpha(settings?.alpha)) return wrap(emptyComparison('INVALID_INPUT'));
  if (validateRatioMoments(control.moments) !== null || validateRatioMoments(treatment.moments) !== null) {
    return wrap(emptyComparison('INVALID_INPUT'));
  }
  if (control.moments.n === 0 || treatment.moments.n === 0) return wrap(emptyComparison('EMPTY_VARIANT'));
  if (control.moments.sumDen === 0 || treatment.moments.sumDen === 0) return wrap(emptyComparison('ZERO_DENOMINATOR'));
  const c = summarizeRatioArm(control.variant, control.moments);
  const t = summarizeRatioArm(treatment.variant, treatment.moments);
  if (c.mean === null || t.mean === null) return wrap(emptyComparison('ZERO_DENOMINATOR'));
  if (c.variance === null || t.variance === null) return wrap(pointComparison(c.mean, t.mean, 'SINGLE_UNIT'));
  return wrap(
    compareEstimates({ n: c.n, mean: c.mean, variance: c.variance }, { n: t.n, mean: t.mean, variance: t.variance }, 'normal', settings.alpha, settings),
  );
}

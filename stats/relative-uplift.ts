/**
 * Relative uplift Δ / mean_c (a fraction: 0.05 = +5 %) with a delta-method confidence interval and
 * the delta-method test that goes with it.
 *
 * Var(m_t / m_c) ≈ V_t/(n_t m_c²) + m_t² V_c/(n_c m_c⁴) (first-order Taylor expansion of the ratio
 * of two independent means; Casella & Berger §5.5.4, the formula gbstats uses for relative
 * uplift). CI: Δ/m_c ± q · √Var with the same critical value q as the absolute CI; test statistic
 * (Δ/m_c) / √Var against the same reference distribution (normal, or Student t with the Welch df of
 * the absolute difference), so that p < α exactly when that CI excludes 0
 * (docs/analysis-definitions.md, "Statistics").
 */
import type { Interval } from './types.ts';
import type { ArmEstimate } from './welch.ts';
import { EMPTY_INTERVAL, symmetricInterval } from './difference.ts';
import { twoSidedPValue } from './distributions.ts';
import { finiteOrNull, isFiniteNumber } from './finite.ts';

/**
 * Delta-method variance of m_t/m_c: V_t/(n_t m_c²) + m_t² V_c/(n_c m_c⁴).
 *
 * @returns ≥ 0, or null when m_c = 0 or an arm is empty.
 */
export function relativeUpliftVariance(control: ArmEstimate, treatment: ArmEstimate): number | null {
  const mc = control.mean;
  if (mc === 0 || control.n <= 0 || treatment.n <= 0) return null;
  const mc2 = mc * mc;
  return finiteOrNull(
    treatment.variance / (treatment.n * mc2) + (treatment.mean * treatment.mean * control.variance) / (control.n * mc2 * mc2),
  );
}

/**
 * Relative uplift (m_t − m_c)/m_c with CI ± critical · √(delta-method variance).
 *
 * @param critical two-sided critical value; null → point estimate only.
 * @returns all-null interval when m_c = 0 (the caller reports `ZERO_CONTROL_MEAN`).
 */
export function relativeUplift(control: ArmEstimate, treatment: ArmEstimate, critical: number | null): Interval {
  if (control.mean === 0) return EMPTY_INTERVAL;
  const estimate = (treatment.mean - control.mean) / control.mean;
  const variance = relativeUpliftVariance(control, treatment);
  const halfWidth = critical === null || variance === null ? null : critical * Math.sqrt(variance);
  return symmetricInterval(estimate, halfWidth);
}

/** Result of the delta-method test of the relative uplift. */
export interface RelativeUpliftTest {
  /** (Δ/m_c) / √Var, or null (m_c = 0, empty arm, zero delta-method variance). */
  readonly statistic: number | null;
  /** Two-sided p-value in [0, 1], or null when m_c = 0 or the variance cannot be computed. */
  readonly pValue: number | null;
}

/**
 * Two-sided delta-method test of the relative uplift, H0: m_t/m_c − 1 = 0, with statistic
 * (Δ/m_c) / √(V_t/(n_t m_c²) + m_t² V_c/(n_c m_c⁴)) against N(0, 1) (`df` null) or Student t with
 * `df` degrees of freedom (the Welch–Satterthwaite df of the absolute difference, the df whose
 * quantile the relative CI uses). This is the Wald test that inverts `relativeUplift`'s CI:
 * p < α ⇔ the CI at level 1 − α excludes 0 (docs/analysis-definitions.md, "Statistics").
 *
 * A delta-method variance of exactly 0 (only when m_t = 0 and V_t = 0, e.g. a binomial arm with no
 * conversions) gives the degenerate CI [Δ/m_c, Δ/m_c]; the p-value is then 0 when Δ ≠ 0 and 1 when
 * Δ = 0, so the equivalence still holds.
 *
 * Source: the delta method (Casella & Berger §5.5.4) with a Wald test; gbstats
 * `TwoSidedTTest` on the relative effect (compute_uplift='relative') does the same with its own df.
 *
 * @param df Welch df (> 0), or null for the normal reference.
 */
export function relativeUpliftTest(control: ArmEstimate, treatment: ArmEstimate, df: number | null): RelativeUpliftTest {
  if (control.mean === 0) return { statistic: null, pValue: null };
  const estimate = (treatment.mean - control.mean) / control.mean;
  const variance = relativeUpliftVariance(control, treatment);
  if (variance === null || !isFiniteNumber(estimate)) return { statistic: null, pValue: null };
  const statistic = variance === 0 ? null : estimate / Math.sqrt(variance);
  // Zero (or underflowing) standard error: the CI is a point, which excludes 0 unless Δ = 0.
  if (statistic === null || !isFiniteNumber(statistic)) return { statistic: null, pValue: estimate === 0 ? 1 : 0 };
  return { statistic, pValue: finiteOrNull(twoSidedPValue(statistic, df)) };
}

/**
 * The absolute difference Δ = mean_t − mean_c with a two-sided confidence interval from unpooled
 * standard errors: Δ ± q · √(V_t/n_t + V_c/n_c), q the normal or Welch t critical value.
 *
 * Source: the Wald interval for a difference of means (e.g. Casella & Berger, "Statistical
 * Inference", §10.4); with q = Welch t it is the interval of R `t.test(var.equal = FALSE)` and
 * statsmodels `CompareMeans.tconfint_diff(usevar='unequal')`; with q = Φ⁻¹(1 − α/2) and Bernoulli
 * variances it is statsmodels `confint_proportions_2indep(method='wald')`.
 */
import type { Interval } from './types.ts';
import type { ArmEstimate } from './welch.ts';
import { unpooledVarianceOfDifference } from './welch.ts';
import { finiteOrNull } from './finite.ts';

/** An interval with every bound null. */
export const EMPTY_INTERVAL: Interval = { estimate: null, ciLower: null, ciUpper: null };

/**
 * estimate ± halfWidth, with nulls for anything not finite (a null half width gives a point
 * estimate without CI).
 */
export function symmetricInterval(estimate: number | null, halfWidth: number | null): Interval {
  const e = finiteOrNull(estimate);
  const h = finiteOrNull(halfWidth);
  if (e === null) return EMPTY_INTERVAL;
  if (h === null) return { estimate: e, ciLower: null, ciUpper: null };
  return { estimate: e, ciLower: finiteOrNull(e - h), ciUpper: finiteOrNull(e + h) };
}

/**
 * Δ = mean_t − mean_c (units of the metric) with CI Δ ± critical · √(V_t/n_t + V_c/n_c).
 *
 * @param critical the two-sided critical value (see `twoSidedCriticalValue`); null → no CI.
 */
export function absoluteDifference(control: ArmEstimate, treatment: ArmEstimate, critical: number | null): Interval {
  const se = Math.sqrt(unpooledVarianceOfDifference(control, treatment));
  return symmetricInterval(treatment.mean - control.mean, critical === null ? null : critical * se);
}

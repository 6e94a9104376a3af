/**
 * The pooled two-proportion z-test.
 *
 * z = (p_t − p_c) / √(p̂ (1 − p̂) (1/n_t + 1/n_c)), p̂ = (x_t + x_c)/(n_t + n_c), two-sided p-value
 * 2 Φ(−|z|). Source: any introductory text (e.g. Agresti, "Categorical Data Analysis", §3.1.3
 * score test); identical to statsmodels `proportions_ztest([x_t, x_c], [n_t, n_c])` and to the
 * square root of R `prop.test(correct = FALSE)`'s χ².
 */
import type { StatsErrorCode } from './types.ts';
import { twoSidedPValue } from './distributions.ts';
import { finiteOrNull, isFiniteNumber } from './finite.ts';

/** Conversions `x` out of `n` units. */
export interface ProportionCounts {
  readonly n: number;
  readonly conversions: number;
}

/** Result of the pooled two-proportion z-test. */
export interface ProportionTest {
  readonly statistic: number | null;
  /** Two-sided p-value in [0, 1], or null. */
  readonly pValue: number | null;
  readonly errorCode: StatsErrorCode | null;
}

/**
 * Pooled two-proportion z-test of p_t = p_c.
 *
 * Errors: `INVALID_INPUT` (x outside [0, n], non-finite), `EMPTY_VARIANT` (n = 0),
 * `ZERO_VARIANCE` (p̂ ∈ {0, 1}: no conversions, or only conversions, in both arms).
 */
export function pooledTwoProportionZTest(control: ProportionCounts, treatment: ProportionCounts): ProportionTest {
  for (const arm of [control, treatment]) {
    if (!isFiniteNumber(arm.n) || !isFiniteNumber(arm.conversions) || arm.n < 0 || arm.conversions < 0 || arm.conversions > arm.n) {
      return { statistic: null, pValue: null, errorCode: 'INVALID_INPUT' };
    }
  }
  if (control.n === 0 || treatment.n === 0) return { statistic: null, pValue: null, errorCode: 'EMPTY_VARIANT' };
  const pooled = (control.conversions + treatment.conversions) / (control.n + treatment.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n));
  if (!(se > 0)) return { statistic: null, pValue: null, errorCode: 'ZERO_VARIANCE' };
  const z = (treatment.conversions / treatment.n - control.conversions / control.n) / se;
  if (!isFiniteNumber(z)) return { statistic: null, pValue: null, errorCode: 'ZERO_VARIANCE' };
  return { statistic: z, pValue: finiteOrNull(twoSidedPValue(z, null)), errorCode: null };
}

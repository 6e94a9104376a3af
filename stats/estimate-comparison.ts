/**
 * The inference shared by every comparison of a treatment arm against control, once each arm is
 * reduced to (n, mean, per-unit variance): absolute Δ with CI, relative uplift with delta-method
 * CI (same critical value), and a two-sided p-value. Unadjusted, ratio and CUPED comparisons all
 * end here, so they cannot drift apart.
 */
import type { Interval, StatsErrorCode } from './types.ts';
import type { ArmEstimate } from './welch.ts';
import { unpooledZTest, welchSatterthwaiteDf, welchTTest } from './welch.ts';
import { twoSidedCriticalValue } from './distributions.ts';
import { absoluteDifference, EMPTY_INTERVAL, symmetricInterval } from './difference.ts';
import { relativeUplift } from './relative-uplift.ts';
import { finiteOrNull } from './finite.ts';

/**
 * Which reference distribution the CIs and the default p-value use: `normal` (binomial, ratio,
 * CUPED-binomial; z-test with unpooled SE) or `welch` (continuous; Student t with
 * Welch–Satterthwaite df).
 */
export type ReferenceDistribution = 'normal' | 'welch';

/** Absolute and relative intervals, p-value and error code of one comparison. */
export interface EstimateComparison {
  readonly absolute: Interval;
  readonly relative: Interval;
  readonly pValue: number | null;
  /** Degrees of freedom used (Welch), null for the normal reference. */
  readonly df: number | null;
  readonly errorCode: StatsErrorCode | null;
}

/**
 * Point estimates only (no variance available): Δ = m_t − m_c and Δ / m_c.
 * Any null mean gives null estimates.
 */
export function pointComparison(
  controlMean: number | null,
  treatmentMean: number | null,
  errorCode: StatsErrorCode,
): EstimateComparison {
  if (controlMean === null || treatmentMean === null) {
    return { absolute: EMPTY_INTERVAL, relative: EMPTY_INTERVAL, pValue: null, df: null, errorCode };
  }
  const delta = treatmentMean - controlMean;
  return {
    absolute: symmetricInterval(delta, null),
    relative: controlMean === 0 ? EMPTY_INTERVAL : symmetricInterval(delta / controlMean, null),
    pValue: null,
    df: null,
    errorCode,
  };
}

/** A comparison with nothing computable. */
export function emptyComparison(errorCode: StatsErrorCode): EstimateComparison {
  return { absolute: EMPTY_INTERVAL, relative: EMPTY_INTERVAL, pValue: null, df: null, errorCode };
}

/**
 * Compares two arms given as (n, mean, per-unit variance) at two-sided level α.
 *
 * - absolute: Δ ± q √(V_t/n_t + V_c/n_c);
 * - relative: Δ/m_c ± q √(V_t/(n_t m_c²) + m_t² V_c/(n_c m_c⁴));
 * - q = Φ⁻¹(1 − α/2) for `normal`, t_{1−α/2, ν} with Welch–Satterthwaite ν for `welch`;
 * - p-value: `pValueOverride` when given (e.g. the pooled two-proportion z-test), else the
 *   unpooled z-test (`normal`) or Welch's t-test (`welch`).
 *
 * Preconditions (checked by the callers): n ≥ 1 (normal) or n ≥ 2 (welch), finite means and
 * variances ≥ 0, 0 < α < 1.
 * Errors: `ZERO_VARIANCE` (both variances 0: point estimates only), `ZERO_CONTROL_MEAN` (relative
 * interval null, absolute kept).
 */
export function compareEstimates(
  control: ArmEstimate,
  treatment: ArmEstimate,
  reference: ReferenceDistribution,
  alpha: number,
  pValueOverride?: { readonly pValue: number | null; readonly errorCode: StatsErrorCode | null },
): EstimateComparison {
  if (control.variance === 0 && treatment.variance === 0) {
    return pointComparison(control.mean, treatment.mean, 'ZERO_VARIANCE');
  }
  const df = reference === 'welch' ? welchSatterthwaiteDf(control, treatment) : null;
  if (reference === 'welch' && df === null) return pointComparison(control.mean, treatment.mean, 'ZERO_VARIANCE');
  const critical = finiteOrNull(twoSidedCriticalValue(alpha, df));
  const absolute = absoluteDifference(control, treatment, critical);
  const relative = relativeUplift(control, treatment, critical);
  const test = pValueOverride ?? (reference === 'welch' ? welchTTest(control, treatment) : unpooledZTest(control, treatment));
  const errorCode = test.errorCode ?? (control.mean === 0 ? 'ZERO_CONTROL_MEAN' : null);
  return { absolute, relative, pValue: finiteOrNull(test.pValue), df, errorCode };
}

/**
 * The inference shared by every comparison of a treatment arm against control, once each arm is
 * reduced to (n, mean, per-unit variance): absolute Δ with CI and the test of the difference,
 * relative uplift with delta-method CI (same critical value) and the delta-method test of the
 * relative effect. Unadjusted, ratio and CUPED comparisons all end here, so they cannot drift apart.
 *
 * Every p-value is the test that inverts the CI it is reported with (same estimate, same standard
 * error, same reference distribution), so p < α exactly when that CI excludes 0
 * (docs/analysis-definitions.md, "Statistics").
 */
import type { Interval, StatsErrorCode, TestSettings } from './types.ts';
import type { ArmEstimate } from './welch.ts';
import { unpooledZTest, welchSatterthwaiteDf, welchTTest } from './welch.ts';
import { twoSidedCriticalValue } from './distributions.ts';
import { absoluteDifference, EMPTY_INTERVAL, symmetricInterval } from './difference.ts';
import { relativeUplift, relativeUpliftTest, relativeUpliftVariance } from './relative-uplift.ts';
import { confidenceSequence } from './sequential.ts';
import { bayesianRelativeEffect, type BayesianComparison } from './bayesian.ts';
import { finiteOrNull } from './finite.ts';

/**
 * Which reference distribution the CIs and p-values use: `normal` (binomial, ratio,
 * CUPED-binomial; z-tests with unpooled SEs) or `welch` (continuous; Student t with
 * Welch–Satterthwaite df).
 */
export type ReferenceDistribution = 'normal' | 'welch';

/** Absolute and relative intervals, p-values and error code of one comparison. */
export interface EstimateComparison {
  readonly absolute: Interval;
  readonly relative: Interval;
  /**
   * The p-value reported beside the headline interval: `relativePValue` when the relative uplift
   * exists (m_c ≠ 0), else `absolutePValue`. See `headlinePValue`.
   */
  readonly pValue: number | null;
  /** Test of Δ = 0 with the absolute CI's SE and reference (unpooled z, or Welch t). */
  readonly absolutePValue: number | null;
  /** Degrees of freedom used (Welch), null for the normal reference and for confidence sequences. */
  readonly df: number | null;
  readonly errorCode: StatsErrorCode | null;
  /** Posterior of the relative effect, with method `bayesian`; else absent. */
  readonly bayesian?: BayesianComparison | null;
}

/** What `compareEstimates` computes beyond α: the inference method and its tuning. */
export type InferenceOptions = Pick<TestSettings, 'method' | 'sequentialTargetN'>;

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
    return { absolute: EMPTY_INTERVAL, relative: EMPTY_INTERVAL, pValue: null, absolutePValue: null, df: null, errorCode };
  }
  const delta = treatmentMean - controlMean;
  return {
    absolute: symmetricInterval(delta, null),
    relative: controlMean === 0 ? EMPTY_INTERVAL : symmetricInterval(delta / controlMean, null),
    pValue: null,
    absolutePValue: null,
    df: null,
    errorCode,
  };
}

/** A comparison with nothing computable. */
export function emptyComparison(errorCode: StatsErrorCode): EstimateComparison {
  return { absolute: EMPTY_INTERVAL, relative: EMPTY_INTERVAL, pValue: null, absolutePValue: null, df: null, errorCode };
}

/**
 * The p-value shown beside a comparison's headline interval: the relative uplift's when it has an
 * estimate (the UI, the text report and the verdict show the relative CI), else the absolute
 * difference's (they then show the absolute CI). Source: docs/analysis-definitions.md, "Statistics".
 */
export function headlinePValue(relative: Interval, relativePValue: number | null, absolutePValue: number | null): number | null {
  return relative.estimate !== null ? relativePValue : absolutePValue;
}

/**
 * Compares two arms given as (n, mean, per-unit variance) at two-sided level α.
 *
 * - absolute: Δ ± q √(V_t/n_t + V_c/n_c), p-value of Δ / √(V_t/n_t + V_c/n_c) (unpooled z-test for
 *   `normal`, Welch's t-test for `welch`);
 * - relative: Δ/m_c ± q √(V_t/(n_t m_c²) + m_t² V_c/(n_c m_c⁴)), p-value of the delta-method
 *   statistic (Δ/m_c)/√(…) against the same reference (`relativeUpliftTest`);
 * - q = Φ⁻¹(1 − α/2) for `normal`, t_{1−α/2, ν} with Welch–Satterthwaite ν of the absolute
 *   difference for `welch` (the relative CI and test use the same ν);
 * - `pValue` = the relative p-value when m_c ≠ 0, else the absolute one (`headlinePValue`).
 *
 * Each p-value inverts the CI it goes with: p < α ⇔ that CI excludes 0 (up to rounding at the
 * boundary). Sources: see `difference.ts`, `relative-uplift.ts`, `welch.ts`.
 *
 * `options.method`: `sequential` replaces both intervals and p-values with the always-valid
 * confidence sequences of the same estimates and variances (`sequential.ts`; coherent in the same
 * way); `bayesian` adds the posterior of the relative effect (`bayesian.ts`) and keeps the rest.
 *
 * Preconditions (checked by the callers): n ≥ 1 (normal) or n ≥ 2 (welch), finite means and
 * variances ≥ 0, 0 < α < 1.
 * Errors: `ZERO_VARIANCE` (both variances 0: point estimates only), `ZERO_CONTROL_MEAN` (relative
 * interval null, absolute kept; `pValue` is then the absolute test's).
 */
export function compareEstimates(
  control: ArmEstimate,
  treatment: ArmEstimate,
  reference: ReferenceDistribution,
  alpha: number,
  options: InferenceOptions = {},
): EstimateComparison {
  const fixed = compareFixed(control, treatment, reference, alpha);
  if (options.method === 'sequential' && fixed.pValue !== null) return toSequential(control, treatment, fixed, alpha, options.sequentialTargetN);
  if (options.method === 'bayesian' && fixed.errorCode !== 'ZERO_VARIANCE') {
    return { ...fixed, bayesian: bayesianRelativeEffect(control, treatment, { alpha }) };
  }
  return fixed;
}

/**
 * The fixed-horizon comparison replaced by confidence sequences (`sequential.ts`) on the same
 * estimates and variances: t = n_c + n_t, Var(Δ) = V_t/n_t + V_c/n_c, Var(Δ/m_c) = the delta-method
 * variance. Normal asymptotics, so no df. Each p-value is the always-valid one of its interval.
 */
function toSequential(control: ArmEstimate, treatment: ArmEstimate, fixed: EstimateComparison, alpha: number, targetN: number | undefined): EstimateComparison {
  const n = control.n + treatment.n;
  const at = (interval: Interval, variance: number | null) =>
    interval.estimate === null || variance === null
      ? { interval, pValue: null }
      : confidenceSequence({ estimate: interval.estimate, variance, n, alpha, ...(targetN !== undefined && { targetN }) });
  const abs = at(fixed.absolute, treatment.variance / treatment.n + control.variance / control.n);
  const rel = at(fixed.relative, relativeUpliftVariance(control, treatment));
  return {
    ...fixed,
    absolute: abs.interval,
    relative: rel.interval,
    absolutePValue: abs.pValue,
    pValue: headlinePValue(fixed.relative, rel.pValue, abs.pValue),
    df: null,
  };
}

/** The fixed-horizon comparison (see `compareEstimates`). */
function compareFixed(
  control: ArmEstimate,
  treatment: ArmEstimate,
  reference: ReferenceDistribution,
  alpha: number,
): EstimateComparison {
  if (control.variance === 0 && treatment.variance === 0) {
    return pointComparison(control.mean, treatment.mean, 'ZERO_VARIANCE');
  }
  const df = reference === 'welch' ? welchSatterthwaiteDf(control, treatment) : null;
  if (reference === 'welch' && df === null) return pointComparison(control.mean, treatment.mean, 'ZERO_VARIANCE');
  const critical = finiteOrNull(twoSidedCriticalValue(alpha, df));
  const absolute = absoluteDifference(control, treatment, critical);
  const relative = relativeUplift(control, treatment, critical);
  const test = reference === 'welch' ? welchTTest(control, treatment) : unpooledZTest(control, treatment);
  const absolutePValue = finiteOrNull(test.pValue);
  const relativePValue = finiteOrNull(relativeUpliftTest(control, treatment, df).pValue);
  const errorCode = test.errorCode ?? (control.mean === 0 ? 'ZERO_CONTROL_MEAN' : null);
  return { absolute, relative, pValue: headlinePValue(relative, relativePValue, absolutePValue), absolutePValue, df, errorCode };
}

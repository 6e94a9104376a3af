/**
 * Welch's unequal-variance t-test and the Welch–Satterthwaite degrees of freedom.
 *
 * Sources: B. L. Welch (1947), "The generalization of 'Student's' problem when several different
 * population variances are involved", Biometrika 34; F. E. Satterthwaite (1946), Biometrics
 * Bulletin 2. Matches `scipy.stats.ttest_ind(treatment, control, equal_var=False)` and R
 * `t.test(var.equal = FALSE)`.
 */
import type { StatsErrorCode } from './types.ts';
import { twoSidedPValue } from './distributions.ts';
import { finiteOrNull, isFiniteNumber } from './finite.ts';

/**
 * One arm as the tests need it: `n` units, per-unit `mean` and per-unit `variance`, so that the
 * squared standard error of the mean is `variance / n`.
 */
export interface ArmEstimate {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

/** Squared standard error of mean_t − mean_c with unpooled variances: V_t/n_t + V_c/n_c. */
export function unpooledVarianceOfDifference(control: ArmEstimate, treatment: ArmEstimate): number {
  return treatment.variance / treatment.n + control.variance / control.n;
}

/**
 * Welch–Satterthwaite degrees of freedom
 * ν = (V_t/n_t + V_c/n_c)² / ((V_t/n_t)²/(n_t − 1) + (V_c/n_c)²/(n_c − 1)).
 *
 * @returns ν > 0, or `null` when an arm has n < 2 or both variances are 0 (ν undefined).
 */
export function welchSatterthwaiteDf(control: ArmEstimate, treatment: ArmEstimate): number | null {
  if (control.n < 2 || treatment.n < 2) return null;
  const a = treatment.variance / treatment.n;
  const b = control.variance / control.n;
  const denominator = (a * a) / (treatment.n - 1) + (b * b) / (control.n - 1);
  if (!(denominator > 0)) return null;
  const df = ((a + b) * (a + b)) / denominator;
  return isFiniteNumber(df) && df > 0 ? df : null;
}

/** Result of a two-sample test of mean_t − mean_c = 0. */
export interface TwoSampleTest {
  /** The z or t statistic, or null. */
  readonly statistic: number | null;
  /** Degrees of freedom of the t reference (null for a z-test or when undefined). */
  readonly df: number | null;
  /** Two-sided p-value in [0, 1], or null. */
  readonly pValue: number | null;
  readonly errorCode: StatsErrorCode | null;
}

/**
 * Welch's two-sided t-test of mean_t − mean_c = 0: t = Δ / √(V_t/n_t + V_c/n_c) against Student t
 * with Welch–Satterthwaite ν.
 *
 * Errors: `SINGLE_UNIT` (n < 2 in an arm), `ZERO_VARIANCE` (both variances 0).
 */
export function welchTTest(control: ArmEstimate, treatment: ArmEstimate): TwoSampleTest {
  if (control.n < 2 || treatment.n < 2) return { statistic: null, df: null, pValue: null, errorCode: 'SINGLE_UNIT' };
  const se2 = unpooledVarianceOfDifference(control, treatment);
  const df = welchSatterthwaiteDf(control, treatment);
  if (!(se2 > 0) || df === null) return { statistic: null, df: null, pValue: null, errorCode: 'ZERO_VARIANCE' };
  const t = (treatment.mean - control.mean) / Math.sqrt(se2);
  if (!isFiniteNumber(t)) return { statistic: null, df, pValue: null, errorCode: 'ZERO_VARIANCE' };
  return { statistic: t, df, pValue: finiteOrNull(twoSidedPValue(t, df)), errorCode: null };
}

/**
 * Two-sided z-test of mean_t − mean_c = 0 with unpooled standard error,
 * z = Δ / √(V_t/n_t + V_c/n_c) against N(0, 1) (statsmodels `CompareMeans.ztest_ind(usevar='unequal')`).
 *
 * Errors: `EMPTY_VARIANT` (n = 0 in an arm), `ZERO_VARIANCE` (standard error 0).
 */
export function unpooledZTest(control: ArmEstimate, treatment: ArmEstimate): TwoSampleTest {
  if (control.n <= 0 || treatment.n <= 0) return { statistic: null, df: null, pValue: null, errorCode: 'EMPTY_VARIANT' };
  const se2 = unpooledVarianceOfDifference(control, treatment);
  if (!(se2 > 0)) return { statistic: null, df: null, pValue: null, errorCode: 'ZERO_VARIANCE' };
  const z = (treatment.mean - control.mean) / Math.sqrt(se2);
  if (!isFiniteNumber(z)) return { statistic: null, df: null, pValue: null, errorCode: 'ZERO_VARIANCE' };
  return { statistic: z, df: null, pValue: finiteOrNull(twoSidedPValue(z, null)), errorCode: null };
}

/**
 * Sample moments from sufficient statistics (n, Σy, Σy², Σxy …) and the per-arm summary.
 *
 * Conventions (docs/analysis-definitions.md, docs/analysis-definitions.md "Statistics"):
 * - binomial metrics report the Bernoulli variance p(1 − p) (so SE² = p(1 − p)/n);
 * - continuous and count metrics report the sample variance with n − 1;
 * - covariances (CUPED, ratio) use n − 1.
 *
 * Source: the textbook one-pass formulas s² = (Σy² − (Σy)²/n)/(n − 1) and
 * cov = (Σxy − Σx Σy/n)/(n − 1), as in gbstats `compute_covariance` / `SampleMeanStatistic`.
 */
import type { MetricType, SampleMoments, StatsErrorCode, VariantSummary } from './types.ts';
import { finiteOrNull, isFiniteNumber } from './finite.ts';

/**
 * A centred sum of squares Σy² − (Σy)²/n smaller than this fraction of Σy² is floating-point noise
 * of a constant column (e.g. 0.1 in every unit) and is taken as exactly 0. A real metric would
 * need a coefficient of variation below ~1e-5 to be affected.
 */
export const CANCELLATION_TOLERANCE = 1e-10;

/**
 * Centred sum of squares Σ(y − ȳ)² = Σy² − (Σy)²/n, from sufficient statistics.
 *
 * @returns ≥ 0, or `null` when n ≤ 0, an input is not finite, or the sums are impossible
 *   (Σy² < (Σy)²/n beyond rounding).
 */
export function centeredSumOfSquares(n: number, sum: number, sumSquares: number): number | null {
  if (!isFiniteNumber(n) || !isFiniteNumber(sum) || !isFiniteNumber(sumSquares) || n <= 0) return null;
  const centred = sumSquares - (sum * sum) / n;
  const scale = Math.abs(sumSquares);
  if (Math.abs(centred) <= CANCELLATION_TOLERANCE * scale) return 0;
  return centred < 0 ? null : finiteOrNull(centred);
}

/**
 * Sample variance with n − 1 (Bessel's correction): (Σy² − (Σy)²/n)/(n − 1).
 *
 * @returns ≥ 0, or `null` when n < 2 or the sums are impossible.
 */
export function sampleVariance(n: number, sum: number, sumSquares: number): number | null {
  if (!isFiniteNumber(n) || n < 2) return null;
  const centred = centeredSumOfSquares(n, sum, sumSquares);
  return centred === null ? null : finiteOrNull(centred / (n - 1));
}

/**
 * Sample covariance with n − 1: (Σab − Σa Σb/n)/(n − 1).
 *
 * @returns a finite number, or `null` when n < 2 or an input is not finite.
 */
export function sampleCovariance(n: number, sumA: number, sumB: number, sumAB: number): number | null {
  if (!isFiniteNumber(n) || n < 2 || !isFiniteNumber(sumA) || !isFiniteNumber(sumB) || !isFiniteNumber(sumAB)) {
    return null;
  }
  return finiteOrNull((sumAB - (sumA * sumB) / n) / (n - 1));
}

/** Arm mean Σy/n, or `null` when n ≤ 0 or not finite. */
export function armMean(n: number, sum: number): number | null {
  if (!isFiniteNumber(n) || n <= 0 || !isFiniteNumber(sum)) return null;
  return finiteOrNull(sum / n);
}

/**
 * Checks that sufficient statistics can be read at all.
 *
 * @returns `INVALID_INPUT` for a negative or non-finite n, non-finite sums, Σy² < 0, or — for
 *   binomial metrics — conversions outside [0, n]; otherwise `null`. (n = 0 and n = 1 are valid
 *   input; the tests report `EMPTY_VARIANT` / `SINGLE_UNIT` for them.)
 */
export function validateSampleMoments(type: MetricType, m: SampleMoments | null | undefined): StatsErrorCode | null {
  if (m === null || typeof m !== 'object') return 'INVALID_INPUT';
  if (!isFiniteNumber(m.n) || m.n < 0 || !isFiniteNumber(m.sum)) return 'INVALID_INPUT';
  if (type === 'binomial') {
    return m.sum < 0 || m.sum > m.n ? 'INVALID_INPUT' : null;
  }
  if (!isFiniteNumber(m.sumSquares) || m.sumSquares < 0) return 'INVALID_INPUT';
  if (m.n > 0 && centeredSumOfSquares(m.n, m.sum, m.sumSquares) === null) return 'INVALID_INPUT';
  return null;
}

/**
 * Summary of one arm of a binomial or continuous metric.
 *
 * - `mean`: Σy/n (a rate for binomial metrics); `null` when n = 0.
 * - `variance`: binomial → p(1 − p) (Bernoulli, defined from n = 1); continuous → sample variance
 *   with n − 1, `null` when n < 2.
 * Invalid moments (see `validateSampleMoments`) give `null` mean and variance.
 *
 * @param type 'binomial' | 'continuous' (count metrics are continuous).
 */
export function summarizeArm(type: 'binomial' | 'continuous', variant: string, m: SampleMoments): VariantSummary {
  const n = isFiniteNumber(m?.n) ? m.n : 0;
  if (validateSampleMoments(type, m) !== null) return { variant, n, mean: null, variance: null };
  const mean = armMean(m.n, m.sum);
  if (mean === null) return { variant, n, mean: null, variance: null };
  const variance = type === 'binomial' ? finiteOrNull(mean * (1 - mean)) : sampleVariance(m.n, m.sum, m.sumSquares);
  return { variant, n, mean, variance };
}

/**
 * Sequential testing: always-valid asymptotic confidence sequences and the p-values that go with
 * them, so that an experiment can be looked at every day without inflating its false-positive rate
 * (docs/statistics.md, "Sequential testing").
 *
 * Source: Waudby-Smith, Arnold, Wu, Howard, Ramdas & Gilbert (2023), "Time-uniform central limit
 * theory and asymptotic confidence sequences", Annals of Statistics — the two-sided normal-mixture
 * boundary (their Theorem 2.2, from Robbins' normal mixture; Howard et al. 2021, "Time-uniform,
 * nonparametric, nonasymptotic confidence sequences", Annals of Statistics). With t observations,
 * an estimate μ̂ with Var(μ̂) = σ̂²/t and a mixing parameter ρ > 0 on the standardized scale (the
 * paper's ρ divided by σ̂, which keeps the sequence's shape independent of the metric's unit),
 *
 *   μ̂ ± σ̂ √( 2 (t ρ² + 1) / (t² ρ²) · ln( √(t ρ² + 1) / α ) )
 *
 * covers the true value at every t simultaneously with probability ≥ 1 − α (asymptotically). This
 * is the boundary GrowthBook's sequential engine uses, with t the units of both arms and
 * σ̂² = t · Var(μ̂); here μ̂ is the same absolute difference or delta-method relative uplift, with
 * the same variance, as the fixed-horizon analysis (`estimate-comparison.ts`).
 *
 * Tuning ρ. The width is smallest at the sample size N* for which
 *   ρ² = (−2 ln α + ln(−2 ln α + 1)) / N*
 * (Howard et al. 2021, §3.5; the value GrowthBook computes from its "tuning parameter"). N* is the
 * total number of units (both arms) the analysis expects when it will be read most; the default,
 * `DEFAULT_SEQUENTIAL_TARGET_N` = 5,000, is GrowthBook's default. A wrong N* never breaks validity,
 * only costs width away from N*.
 *
 * p-value. The always-valid p-value is 1/E capped at 1, with the mixture e-value
 *   E = exp( t² ρ² μ̂² / (2 σ̂² (t ρ² + 1)) ) / √(t ρ² + 1)
 * (Waudby-Smith et al. 2023, the e-process behind the same boundary). Algebra: the sequence excludes 0
 * ⇔ μ̂² > half-width² ⇔ E > 1/α ⇔ p < α, so the p-value is coherent with the interval at the
 * α that ρ was tuned with (the p-value depends on α through ρ).
 */
import type { Interval } from './types.ts';
import { finiteOrNull, isFiniteNumber, isValidAlpha } from './finite.ts';

/** Default target sample size N* (units, both arms) the mixing parameter ρ is tuned for. */
export const DEFAULT_SEQUENTIAL_TARGET_N = 5000;

/**
 * ρ² = (−2 ln α + ln(−2 ln α + 1)) / N* (see the file comment).
 *
 * @param alpha two-sided level, 0 < α < 1.
 * @param targetN N* > 0, units of both arms.
 * @returns ρ² > 0, or null for invalid input.
 */
export function mixingParameterSquared(alpha: number, targetN: number): number | null {
  if (!isValidAlpha(alpha) || !isFiniteNumber(targetN) || targetN <= 0) return null;
  const l = -2 * Math.log(alpha);
  return finiteOrNull((l + Math.log(l + 1)) / targetN);
}

/** Inputs of a confidence sequence at one look. */
export interface SequentialInput {
  /** μ̂: the estimate (absolute difference or relative uplift). */
  readonly estimate: number;
  /** Var(μ̂) ≥ 0, in the estimate's unit squared. */
  readonly variance: number;
  /** t: units observed so far, both arms together (≥ 1). */
  readonly n: number;
  /** Two-sided level, 0 < α < 1. */
  readonly alpha: number;
  /** N* > 0; default `DEFAULT_SEQUENTIAL_TARGET_N`. */
  readonly targetN?: number;
}

/** An always-valid interval and its p-value. */
export interface SequentialResult {
  readonly interval: Interval;
  /** Always-valid two-sided p-value in [0, 1]: min(1, 1/E). */
  readonly pValue: number | null;
}

const NONE: SequentialResult = { interval: { estimate: null, ciLower: null, ciUpper: null }, pValue: null };

/**
 * The confidence sequence μ̂ ± half-width and the always-valid p-value at one look (formulas in the
 * file comment).
 *
 * Errors (never thrown): invalid α, N*, t < 1, a non-finite estimate or a negative variance give
 * nulls (the estimate is kept when finite). A zero variance gives the point [μ̂, μ̂] and p = 0 for
 * μ̂ ≠ 0 (1 for μ̂ = 0), as the fixed-horizon analysis does.
 */
export function confidenceSequence(input: SequentialInput): SequentialResult {
  const { estimate, variance, n, alpha } = input;
  const rho2 = mixingParameterSquared(alpha, input.targetN ?? DEFAULT_SEQUENTIAL_TARGET_N);
  if (!isFiniteNumber(estimate)) return NONE;
  if (rho2 === null || !isFiniteNumber(variance) || variance < 0 || !isFiniteNumber(n) || n < 1) {
    return { interval: { estimate, ciLower: null, ciUpper: null }, pValue: null };
  }
  if (variance === 0) return { interval: { estimate, ciLower: estimate, ciUpper: estimate }, pValue: estimate === 0 ? 1 : 0 };
  const v = n * rho2 + 1;
  const sigma2 = n * variance;
  const half = Math.sqrt(((sigma2 * 2 * v) / (n * n * rho2)) * Math.log(Math.sqrt(v) / alpha));
  // ln E, kept in logs: E overflows for strong effects long before the p-value stops being useful.
  const logE = (rho2 * n * n * estimate * estimate) / (2 * sigma2 * v) - 0.5 * Math.log(v);
  const pValue = logE <= 0 ? 1 : Math.exp(-logE);
  return {
    interval: { estimate, ciLower: finiteOrNull(estimate - half), ciUpper: finiteOrNull(estimate + half) },
    pValue: finiteOrNull(pValue),
  };
}

/**
 * Sample ratio mismatch: Pearson's χ² goodness-of-fit test of the units per variant against the
 * configured split (default equal).
 *
 * χ² = Σ (O_i − E_i)² / E_i with E_i = N w_i / Σw, df = k − 1, p = P(χ²_{k−1} ≥ χ²).
 * Source: K. Pearson (1900); identical to `scipy.stats.chisquare(counts, f_exp=E)` and R
 * `chisq.test(counts, p = w / sum(w))`. SRM checks as in R. Kohavi, D. Tang, Y. Xu (2020),
 * "Trustworthy Online Controlled Experiments", ch. 21 (threshold p < 0.001).
 */
import { chiSquareSurvival } from './distributions.ts';
import { finiteOrNull, isFiniteNumber } from './finite.ts';

/** Default SRM threshold: flagged when p < 0.001 (docs/analysis-definitions.md). */
export const SRM_P_VALUE_THRESHOLD = 0.001;

/** Result of the SRM test. */
export interface SrmResult {
  /** Pearson's χ² statistic, or null when it cannot be computed. */
  readonly chiSquare: number | null;
  /** P(χ²_df ≥ chiSquare) in [0, 1], or null. */
  readonly pValue: number | null;
  /** k − 1 for k variants (variants with weight 0 and no units not counted; 0 when fewer than 2). */
  readonly df: number;
  /** True when pValue < threshold. */
  readonly flagged: boolean;
}

/**
 * Tests unit counts per variant against the expected split.
 *
 * @param counts units per variant (non-negative, finite).
 * @param expectedWeights relative weights of the configured split in the same order (any positive
 *   scale: [50, 50], [0.2, 0.8]); default equal.
 * @param threshold flag when p < threshold; default 0.001.
 * @returns chiSquare/pValue null (and not flagged) for fewer than 2 variants, no units, negative or
 *   non-finite counts or weights, or weights of the wrong length. A variant with weight 0 and no
 *   units is left out (and not counted in df); a variant with weight 0 but units is an unbounded mismatch: chiSquare null,
 *   pValue 0, flagged.
 */
export function sampleRatioMismatch(
  counts: readonly number[],
  expectedWeights?: readonly number[],
  threshold: number = SRM_P_VALUE_THRESHOLD,
): SrmResult {
  const k = Array.isArray(counts) ? counts.length : 0;
  const df = Math.max(0, k - 1);
  const none: SrmResult = { chiSquare: null, pValue: null, df, flagged: false };
  if (k < 2 || !counts.every((c) => isFiniteNumber(c) && c >= 0)) return none;
  const weights = expectedWeights ?? counts.map(() => 1);
  if (weights.length !== k || !weights.every((w) => isFiniteNumber(w) && w >= 0)) return none;
  const total = counts.reduce((a, b) => a + b, 0);
  const weightTotal = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0) || !(weightTotal > 0)) return none;
  let chiSquare = 0;
  let categories = 0;
  for (let i = 0; i < k; i += 1) {
    const observed = counts[i] as number;
    const expected = (total * (weights[i] as number)) / weightTotal;
    if (expected === 0) {
      if (observed === 0) continue;
      return { chiSquare: null, pValue: 0, df, flagged: true };
    }
    categories += 1;
    chiSquare += ((observed - expected) * (observed - expected)) / expected;
  }
  const effectiveDf = categories - 1;
  if (effectiveDf < 1) return { ...none, df: Math.max(0, effectiveDf) };
  const pValue = finiteOrNull(chiSquareSurvival(chiSquare, effectiveDf));
  return { chiSquare: finiteOrNull(chiSquare), pValue, df: effectiveDf, flagged: pValue !== null && pValue < threshold };
}

/**
 * Multiple-comparison corrections over a family of two-sided p-values (e.g. every treatment arm ×
 * every primary metric of one experiment): adjusted p-values for Bonferroni, Holm and
 * Benjamini–Hochberg, and the significance level to use for the confidence intervals shown with
 * them. Pure functions; `corrections.ts` applies them to analysed metrics (docs/statistics.md).
 *
 * Adjusted p-values (m = number of p-values in the family, p_(1) ≤ … ≤ p_(m) sorted):
 * - Bonferroni: min(1, m p_i).
 * - Holm (1979, "A simple sequentially rejective multiple test procedure", Scand. J. Statist. 6):
 *   p̃_(i) = min(1, max_{j ≤ i} (m − j + 1) p_(j)). Controls the family-wise error rate like
 *   Bonferroni and rejects at least as much.
 * - Benjamini–Hochberg (1995, "Controlling the false discovery rate", JRSS B 57):
 *   p̃_(i) = min(1, min_{j ≥ i} m p_(j) / j). Controls the false discovery rate for independent
 *   or positively dependent tests.
 * These equal statsmodels `multipletests(p, method='bonferroni' | 'holm' | 'fdr_bh')[1]` and R
 * `p.adjust`. A comparison is significant when its adjusted p-value is < α.
 *
 * Interval level (`intervalAlpha`): Bonferroni and Holm → α/m, the Bonferroni simultaneous
 * intervals (each CI at level 1 − α/m; all m cover together with probability ≥ 1 − α). Holm's
 * step-down has no interval procedure of its own, so its intervals are the Bonferroni ones:
 * conservative — a comparison can be Holm-significant while its α/m CI still covers 0, never the
 * reverse. Benjamini–Hochberg → R α/m with R the number of BH rejections at α: the false coverage
 * rate (FCR) adjusted intervals of Benjamini & Yekutieli (2005, "False discovery rate-adjusted
 * multiple confidence intervals for selected parameters", JASA 100), meant for the R selected
 * comparisons; with R = 0 the level is α/m (the formula at R = 1). With Bonferroni, and with BH
 * for every comparison, adjusted p < α exactly when the CI at `intervalAlpha` excludes 0 (up to
 * ties p = threshold). GrowthBook takes another route: it backs an "adjusted standard deviation"
 * out of each adjusted p-value and widens the CI with it (docs/analysis-definitions.md).
 */
import { finiteOrNull, isFiniteNumber, isValidAlpha } from './finite.ts';

/** The corrections offered. `none` returns the p-values unchanged and α for intervals. */
export type MultipleComparisonMethod = 'none' | 'bonferroni' | 'holm' | 'benjamini-hochberg';

/** Every method, in the order the settings would list them. */
export const MULTIPLE_COMPARISON_METHODS: readonly MultipleComparisonMethod[] = ['none', 'bonferroni', 'holm', 'benjamini-hochberg'];

/** A p-value that takes part in a family: a finite number in [0, 1]. */
function isPValue(p: unknown): p is number {
  return isFiniteNumber(p) && p >= 0 && p <= 1;
}

/** Indexes of the valid p-values, sorted by p ascending (stable: ties keep input order). */
function sortedValidIndexes(pValues: readonly (number | null)[]): number[] {
  const idx: number[] = [];
  pValues.forEach((p, i) => {
    if (isPValue(p)) idx.push(i);
  });
  return idx.sort((a, b) => (pValues[a] as number) - (pValues[b] as number) || a - b);
}

/**
 * The family size m: how many entries are p-values in [0, 1]. `null`, NaN and out-of-range entries
 * (comparisons without a test) are not part of the family.
 */
export function familySize(pValues: readonly (number | null)[]): number {
  return Array.isArray(pValues) ? pValues.filter(isPValue).length : 0;
}

/**
 * Bonferroni-adjusted p-values min(1, m p_i), same order as the input.
 *
 * @param pValues two-sided p-values in [0, 1]; `null` (or anything else) stays `null` and does not
 *   count in m.
 * @returns adjusted p-values in [0, 1] or null, one per input entry.
 */
export function bonferroniAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  if (!Array.isArray(pValues)) return [];
  const m = familySize(pValues);
  return pValues.map((p) => (isPValue(p) ? Math.min(1, m * p) : null));
}

/**
 * Holm step-down adjusted p-values p̃_(i) = min(1, max_{j ≤ i} (m − j + 1) p_(j)), same order as
 * the input (statsmodels `multipletests(method='holm')`). Nulls as in `bonferroniAdjust`.
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  if (!Array.isArray(pValues)) return [];
  const order = sortedValidIndexes(pValues);
  const m = order.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[index] as number)));
    out[index] = running;
  });
  return out;
}

/**
 * Benjamini–Hochberg step-up adjusted p-values p̃_(i) = min(1, min_{j ≥ i} m p_(j) / j), same order
 * as the input (statsmodels `multipletests(method='fdr_bh')`). Nulls as in `bonferroniAdjust`.
 */
export function benjaminiHochbergAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  if (!Array.isArray(pValues)) return [];
  const order = sortedValidIndexes(pValues);
  const m = order.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank -= 1) {
    const index = order[rank] as number;
    running = Math.min(running, (m * (pValues[index] as number)) / (rank + 1));
    out[index] = Math.min(1, running);
  }
  return out;
}

/**
 * Adjusted p-values for `method` (see the file comment), same order and length as the input.
 * Unknown methods give all nulls.
 */
export function adjustPValues(method: MultipleComparisonMethod, pValues: readonly (number | null)[]): (number | null)[] {
  if (!Array.isArray(pValues)) return [];
  switch (method) {
    case 'none':
      return pValues.map((p) => (isPValue(p) ? p : null));
    case 'bonferroni':
      return bonferroniAdjust(pValues);
    case 'holm':
      return holmAdjust(pValues);
    case 'benjamini-hochberg':
      return benjaminiHochbergAdjust(pValues);
    default:
      return pValues.map(() => null);
  }
}

/**
 * The two-sided significance level for the confidence intervals shown with adjusted p-values:
 * `none` → α; `bonferroni`, `holm` → α/m (Bonferroni simultaneous intervals); `benjamini-hochberg`
 * → R α/m with R = number of BH-adjusted p-values ≤ α, or α/m when R = 0 (Benjamini–Yekutieli FCR
 * intervals). Pass the result as `alpha` to `compareArms`/`analyzeMetric` to get the adjusted CIs.
 *
 * @param pValues the family's unadjusted p-values (m = `familySize(pValues)`).
 * @returns a level in (0, α], or null when α ∉ (0, 1), the method is unknown, or m = 0 for a
 *   correcting method.
 */
export function intervalAlpha(method: MultipleComparisonMethod, alpha: number, pValues: readonly (number | null)[]): number | null {
  if (!isValidAlpha(alpha)) return null;
  if (method === 'none') return alpha;
  const m = familySize(pValues);
  if (m === 0) return null;
  if (method === 'bonferroni' || method === 'holm') return finiteOrNull(alpha / m);
  if (method !== 'benjamini-hochberg') return null;
  const rejected = benjaminiHochbergAdjust(pValues).filter((p) => p !== null && p <= alpha).length;
  return finiteOrNull((Math.max(1, rejected) * alpha) / m);
}

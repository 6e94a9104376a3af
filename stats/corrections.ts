/**
 * Multiple-comparison corrections applied to analysed metrics (docs/statistics.md, "Multiple
 * comparisons"): every comparison of a family gets an adjusted p-value and intervals at the
 * adjusted level, stored beside the unadjusted numbers in `Comparison.corrected`; the verdict and
 * the ChangeSet proof read them through `effectiveComparison`.
 *
 * Families. The analysis forms two (data/analysis/analyze.ts): the decision family — every
 * treatment arm on the goal metric and on each guardrail, because the verdict reads all of them —
 * corrected with the selected method (Holm by default), which bounds the chance that any verdict
 * is a false positive by α; and the secondary family — every arm on every other metric —
 * corrected with Benjamini–Hochberg (false discovery rate).
 *
 * Intervals. As GrowthBook does for corrected results, the interval is re-derived from the adjusted
 * p-value p̃: the adjusted standard error is |estimate| / Φ⁻¹(1 − p̃/2) and the interval is
 * estimate ± Φ⁻¹(1 − α/2) · that standard error. So the interval excludes 0 exactly when p̃ < α —
 * the coherence of the unadjusted numbers carries over. With p̃ = 1 the interval is unbounded
 * (bounds null); with p̃ = 0 (a p-value that underflowed) it is the point estimate. The relative
 * interval goes with the headline (relative) p-value, the absolute interval with the absolute
 * p-value, each adjusted over the same family. Method `none` keeps the unadjusted intervals (for a
 * normal reference the formula would give them back exactly).
 */
import type { Comparison, CorrectedComparison, CorrectionFamily, Interval, MetricResult } from './types.ts';
import { adjustPValues, type MultipleComparisonMethod } from './multiple-comparisons.ts';
import { uncorrectedComparison } from './verdict.ts';
import { normalQuantile, normalUpperQuantile } from './distributions.ts';
import { finiteOrNull, isFiniteNumber, isValidAlpha } from './finite.ts';
import { EMPTY_INTERVAL } from './difference.ts';

/**
 * The interval that goes with an adjusted p-value (GrowthBook's adjusted standard error, see the
 * file comment): estimate ± Φ⁻¹(1 − α/2) |estimate| / Φ⁻¹(1 − p̃/2).
 *
 * @param interval the unadjusted interval (only its estimate is used).
 * @param adjustedP the adjusted two-sided p-value in [0, 1], or null.
 * @param alpha the family's significance level, 0 < α < 1.
 * @returns the estimate with bounds; bounds null when p̃ is null or 1 (no evidence left: unbounded)
 *   or α is invalid; the point [estimate, estimate] when p̃ = 0.
 */
export function adjustedInterval(interval: Interval, adjustedP: number | null, alpha: number): Interval {
  const estimate = interval?.estimate ?? null;
  if (estimate === null) return EMPTY_INTERVAL;
  if (adjustedP === null || !isFiniteNumber(adjustedP) || adjustedP >= 1 || adjustedP < 0 || !isValidAlpha(alpha)) {
    return { estimate, ciLower: null, ciUpper: null };
  }
  if (adjustedP === 0) return { estimate, ciLower: estimate, ciUpper: estimate };
  // The upper quantile of p̃/2, not Φ⁻¹(1 − p̃/2): 1 − p̃/2 rounds to 1 for p̃ below ~1e-16.
  const zAdjusted = normalUpperQuantile(adjustedP / 2);
  const half = (normalQuantile(1 - alpha / 2) * Math.abs(estimate)) / zAdjusted;
  return { estimate, ciLower: finiteOrNull(estimate - half), ciUpper: finiteOrNull(estimate + half) };
}

/** Summary of one corrected family, for the report. */
export interface CorrectionSummary {
  readonly family: CorrectionFamily;
  readonly method: MultipleComparisonMethod;
  /** Number of comparisons with a p-value in the family (m). */
  readonly familySize: number;
  /** The metrics whose comparisons form the family. */
  readonly metrics: readonly string[];
}

/**
 * Corrects one family: every comparison of `metrics` (all arms) — the CUPED figures when `useCuped`
 * and they have a p-value, else the unadjusted ones, as the verdict reads them.
 *
 * @param method `none` still records the family (p̃ = p, unadjusted intervals).
 * @param alpha 0 < α < 1; otherwise the metrics are returned unchanged with familySize 0.
 * @returns the metrics with `corrected` set on each comparison, and the family's summary.
 */
export function correctFamily(
  metrics: readonly MetricResult[],
  family: CorrectionFamily,
  method: MultipleComparisonMethod,
  alpha: number,
  useCuped: boolean,
): { metrics: MetricResult[]; summary: CorrectionSummary } {
  const names = metrics.map((m) => m.name);
  if (!isValidAlpha(alpha)) return { metrics: [...metrics], summary: { family, method, familySize: 0, metrics: names } };
  const flat = metrics.flatMap((m, mi) => m.comparisons.map((c, ci) => ({ mi, ci, e: uncorrectedComparison(c, useCuped), c })));
  const absoluteP = (c: Comparison, cuped: boolean): number | null => (cuped ? c.cuped?.absolutePValue ?? null : c.absolutePValue);
  const headline = adjustPValues(method, flat.map((f) => f.e.pValue));
  const absolute = adjustPValues(method, flat.map((f) => absoluteP(f.c, f.e.adjusted)));
  const familySize = flat.filter((f) => f.e.pValue !== null).length;
  const corrected = new Map(flat.map((f, i) => {
    const value: CorrectedComparison = {
      family,
      method,
      familySize,
      cuped: f.e.adjusted,
      pValue: headline[i] ?? null,
      absolutePValue: absolute[i] ?? null,
      relative: method === 'none' ? f.e.relative : adjustedInterval(f.e.relative, f.e.relative.estimate !== null ? headline[i] ?? null : null, alpha),
      absolute: method === 'none' ? f.e.absolute : adjustedInterval(f.e.absolute, absolute[i] ?? null, alpha),
    };
    return [`${f.mi}:${f.ci}`, value] as const;
  }));
  const out = metrics.map((m, mi) => ({
    ...m,
    comparisons: m.comparisons.map((c, ci) => ({ ...c, corrected: corrected.get(`${mi}:${ci}`) ?? null })),
  }));
  return { metrics: out, summary: { family, method, familySize, metrics: names } };
}

/**
 * Sufficient statistics add like values: the moments of two disjoint sets of units are the
 * field-wise sums of their moments (n, Σy, Σy², Σx, Σx², Σxy; Σm, Σm², Σd, Σd², Σmd). The same
 * idea as gbstats' `__add__` on its statistic classes (`SampleMeanStatistic`,
 * `RegressionAdjustedStatistic`, `RatioStatistic`): pooling arms for CUPED's θ, or cumulating
 * days of exposure, is one addition per field and never a pass over units.
 */
import type { CovariateMoments, RatioMoments, SampleMoments } from './types.ts';

/** Any of the sufficient-statistics shapes of `types.ts`. */
export type AdditiveMoments = SampleMoments | CovariateMoments | RatioMoments;

/** No units: the identity of {@link addMoments} for mean metrics without a covariate. */
export const ZERO_SAMPLE_MOMENTS: SampleMoments = Object.freeze({ n: 0, sum: 0, sumSquares: 0 });
/** No units, with a covariate. */
export const ZERO_COVARIATE_MOMENTS: CovariateMoments = Object.freeze({ n: 0, sum: 0, sumSquares: 0, sumX: 0, sumX2: 0, sumXY: 0 });

/**
 * The moments of the union of two disjoint sets of units: every field of `a` plus the same field
 * of `b` (both must be the same shape). Inputs are not checked: a non-finite field stays
 * non-finite, and the functions that read the result report it.
 */
export function addMoments<T extends AdditiveMoments>(a: T, b: T): T {
  const sum: Record<string, number> = {};
  for (const key of Object.keys(a) as (keyof T & string)[]) sum[key] = (a[key] as number) + (b[key] as number);
  return sum as unknown as T;
}

/** The moments of all `parts` together, added left to right from `zero` (the shape's no-units value). */
export function totalMoments<T extends AdditiveMoments>(parts: readonly T[], zero: T): T {
  return parts.reduce((total, part) => addMoments(total, part), zero);
}

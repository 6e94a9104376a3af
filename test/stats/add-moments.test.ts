/**
 * Sufficient statistics add like values (stats/add-moments.ts): the moments of two disjoint sets
 * of units, added, are the moments of their union — computed here from the unit values
 * themselves — for every shape; the zero is the identity; adding is order-free up to rounding.
 */
import { describe, expect, it } from 'vitest';
import {
  addMoments, totalMoments, ZERO_COVARIATE_MOMENTS, ZERO_SAMPLE_MOMENTS,
  type CovariateMoments, type RatioMoments,
} from '../../stats/index.ts';

/** Moments of (y, x) pairs, computed from the values. */
function covariate(units: readonly (readonly [number, number])[]): CovariateMoments {
  return {
    n: units.length,
    sum: units.reduce((s, [y]) => s + y, 0),
    sumSquares: units.reduce((s, [y]) => s + y * y, 0),
    sumX: units.reduce((s, [, x]) => s + x, 0),
    sumX2: units.reduce((s, [, x]) => s + x * x, 0),
    sumXY: units.reduce((s, [y, x]) => s + x * y, 0),
  };
}

/** Ratio moments of (numerator, denominator) pairs. */
function ratio(units: readonly (readonly [number, number])[]): RatioMoments {
  return {
    n: units.length,
    sumNum: units.reduce((s, [m]) => s + m, 0),
    sumNum2: units.reduce((s, [m]) => s + m * m, 0),
    sumDen: units.reduce((s, [, d]) => s + d, 0),
    sumDen2: units.reduce((s, [, d]) => s + d * d, 0),
    sumNumDen: units.reduce((s, [m, d]) => s + m * d, 0),
  };
}

// Integer-valued (cents, counts): sums are exact, so equality is exact.
const first: [number, number][] = [[1299, 0], [0, 450], [2599, 2599], [0, 0], [799, 1200]];
const second: [number, number][] = [[4999, 3000], [0, 0], [1299, 1299]];

describe('addMoments', () => {
  it('adds covariate moments: the union\'s moments', () => {
    expect(addMoments(covariate(first), covariate(second))).toEqual(covariate([...first, ...second]));
  });

  it('adds ratio and plain sample moments field by field', () => {
    expect(addMoments(ratio(first), ratio(second))).toEqual(ratio([...first, ...second]));
    const { n, sum, sumSquares } = covariate(first);
    const plain = addMoments({ n, sum, sumSquares }, ZERO_SAMPLE_MOMENTS);
    expect(plain).toEqual({ n, sum, sumSquares });
  });

  it('totals parts from the zero, in any order', () => {
    const parts = [first.slice(0, 2), first.slice(2), second].map(covariate);
    expect(totalMoments(parts, ZERO_COVARIATE_MOMENTS)).toEqual(covariate([...first, ...second]));
    expect(totalMoments([...parts].reverse(), ZERO_COVARIATE_MOMENTS)).toEqual(covariate([...first, ...second]));
    expect(totalMoments([], ZERO_COVARIATE_MOMENTS)).toEqual(ZERO_COVARIATE_MOMENTS);
  });
});

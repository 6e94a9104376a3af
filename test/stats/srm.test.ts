/** Sample ratio mismatch against scipy.stats.chisquare and R chisq.test. */
import { describe, expect, it } from 'vitest';
import { sampleRatioMismatch, SRM_P_VALUE_THRESHOLD } from '../../stats/index.ts';
import { expectClose, expectJsonSafe, loadFixture } from './helpers.ts';

interface SrmCase {
  name: string;
  counts: number[];
  weights: number[] | null;
  expected: { chiSquare: number; pValue: number; df: number; flagged?: boolean };
}

const scipyCases = loadFixture<{ cases: SrmCase[] }>('srm.json').cases;
const rCases = loadFixture<{ chiSquare: SrmCase[] }>('r-reference.json').chiSquare;

describe('sampleRatioMismatch', () => {
  it.each(scipyCases)('matches scipy.stats.chisquare: $name', (c) => {
    const r = sampleRatioMismatch(c.counts, c.weights ?? undefined);
    expectClose(r.chiSquare, c.expected.chiSquare, 'chi-square');
    expectClose(r.pValue, c.expected.pValue, 'p-value');
    expect(r.df).toBe(c.expected.df);
    expect(r.flagged).toBe(c.expected.flagged);
  });

  it.each(rCases)('matches R chisq.test: $name', (c) => {
    const r = sampleRatioMismatch(c.counts, c.weights ?? undefined);
    expectClose(r.chiSquare, c.expected.chiSquare, 'chi-square');
    expectClose(r.pValue, c.expected.pValue, 'p-value');
    expect(r.df).toBe(c.expected.df);
  });

  it('flags at p < 0.001 by default and honours a custom threshold', () => {
    expect(SRM_P_VALUE_THRESHOLD).toBe(0.001);
    expect(sampleRatioMismatch([5000, 5300]).flagged).toBe(false); // p ≈ 0.0031
    expect(sampleRatioMismatch([5000, 5300], undefined, 0.01).flagged).toBe(true);
    expect(sampleRatioMismatch([10000, 11000]).flagged).toBe(true);
  });

  it('degenerate input gives nulls, never NaN', () => {
    const cases = [
      sampleRatioMismatch([]),
      sampleRatioMismatch([100]),
      sampleRatioMismatch([0, 0]),
      sampleRatioMismatch([10, -1]),
      sampleRatioMismatch([10, Number.NaN]),
      sampleRatioMismatch([10, 10], [1]),
      sampleRatioMismatch([10, 10], [0, 0]),
    ];
    for (const r of cases) {
      expect(r.chiSquare).toBeNull();
      expect(r.pValue).toBeNull();
      expect(r.flagged).toBe(false);
    }
    expectJsonSafe(cases);
  });

  it('a variant with weight 0 but units is an unbounded mismatch; with no units it is left out', () => {
    expect(sampleRatioMismatch([10, 10, 3], [1, 1, 0])).toEqual({ chiSquare: null, pValue: 0, df: 2, flagged: true });
    const r = sampleRatioMismatch([5000, 5300, 0], [1, 1, 0]);
    expect(r.df).toBe(1);
    expectClose(r.pValue, sampleRatioMismatch([5000, 5300]).pValue!, 'p');
  });
});

import { describe, expect, it } from 'vitest';
import {
  chiSquareSurvival,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
  twoSidedCriticalValue,
  twoSidedPValue,
} from '../../stats/index.ts';
import { expectClose, loadFixture } from './helpers.ts';

interface DistributionsFixture {
  cases: {
    normalQuantile: { p: number; value: number }[];
    normalCdf: { x: number; value: number }[];
    studentTQuantile: { p: number; df: number; value: number }[];
    studentTCdf: { x: number; df: number; value: number }[];
    chiSquareSurvival: { x: number; k: number; value: number }[];
  };
}

// Reference: scipy.stats (test/fixtures/stats/distributions.json).
const fx = loadFixture<DistributionsFixture>('distributions.json').cases;

describe('distribution wrappers over @stdlib match scipy.stats', () => {
  it.each(fx.normalQuantile)('norm.ppf($p)', ({ p, value }) => expectClose(normalQuantile(p), value, 'ppf'));
  it.each(fx.normalCdf)('norm.cdf($x)', ({ x, value }) => expectClose(normalCdf(x), value, 'cdf', 1e-12));
  it.each(fx.studentTQuantile)('t.ppf($p, $df)', ({ p, df, value }) => expectClose(studentTQuantile(p, df), value, 't.ppf'));
  it.each(fx.studentTCdf)('t.cdf($x, $df)', ({ x, df, value }) => expectClose(studentTCdf(x, df), value, 't.cdf', 1e-12));
  it.each(fx.chiSquareSurvival)('chi2.sf($x, $k)', ({ x, k, value }) => expectClose(chiSquareSurvival(x, k), value, 'chi2.sf', 1e-12));
});

describe('two-sided helpers', () => {
  it('uses the normal quantile without df and the t quantile with df', () => {
    expectClose(twoSidedCriticalValue(0.05, null), 1.959963984540054, 'z');
    expectClose(twoSidedCriticalValue(0.05, 13.7), studentTQuantile(0.975, 13.7), 't');
    expect(twoSidedCriticalValue(0.05, Infinity)).toBe(twoSidedCriticalValue(0.05, null));
  });

  it('gives p = 1 at 0, symmetric in the sign, in [0, 1]', () => {
    expect(twoSidedPValue(0, null)).toBe(1);
    expect(twoSidedPValue(2.1, 13.7)).toBe(twoSidedPValue(-2.1, 13.7));
    expect(twoSidedPValue(60, null)).toBe(0);
    expectClose(twoSidedPValue(1.959963984540054, null), 0.05, 'p');
  });
});

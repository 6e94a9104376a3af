/**
 * Sequential testing (stats/sequential.ts) against the independent Python reference
 * (test/fixtures/stats/sequential.json, command in its `generatedBy`; the p-value there is found by
 * root-finding, not the closed form), through `compareArms` with `method: 'sequential'`, and the
 * coherence p < α ⇔ the sequence excludes 0.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SampleMoments } from '../../stats/index.ts';
import { compareArms, confidenceSequence, mixingParameterSquared, DEFAULT_SEQUENTIAL_TARGET_N } from '../../stats/index.ts';
import { expectClose, loadFixture } from './helpers.ts';

interface Arm { n: number; conversions?: number; mean?: number; sd?: number }
interface Side { estimate: number; variance: number; ciLower: number; ciUpper: number; pValue: number }
interface Case { name: string; type: 'binomial' | 'continuous'; alpha: number; targetN: number; n: number; control: Arm; treatment: Arm; rho2: number; absolute: Side; relative: Side }
const { cases } = loadFixture<{ cases: Case[] }>('sequential.json');

const moments = (type: Case['type'], a: Arm): SampleMoments => (type === 'binomial'
  ? { n: a.n, sum: a.conversions!, sumSquares: a.conversions! }
  : { n: a.n, sum: a.n * a.mean!, sumSquares: (a.n - 1) * a.sd! * a.sd! + a.n * a.mean! * a.mean! });

describe('confidence sequences match the Python reference', () => {
  it.each(cases)('$name', (c) => {
    expectClose(mixingParameterSquared(c.alpha, c.targetN), c.rho2, 'rho²', 1e-12);
    for (const side of [c.absolute, c.relative]) {
      const got = confidenceSequence({ estimate: side.estimate, variance: side.variance, n: c.n, alpha: c.alpha, targetN: c.targetN });
      expectClose(got.interval.ciLower, side.ciLower, 'lower', 1e-10);
      expectClose(got.interval.ciUpper, side.ciUpper, 'upper', 1e-10);
      expectClose(got.pValue, side.pValue, 'p', 1e-8);
    }
    const comparison = compareArms(c.type, { variant: 'control', moments: moments(c.type, c.control) }, { variant: 'treatment', moments: moments(c.type, c.treatment) },
      { alpha: c.alpha, method: 'sequential', sequentialTargetN: c.targetN });
    for (const [got, want] of [[comparison.absolute, c.absolute], [comparison.relative, c.relative]] as const) {
      expectClose(got.estimate, want.estimate, 'estimate', 1e-10);
      expectClose(got.ciLower, want.ciLower, 'lower', 1e-8);
      expectClose(got.ciUpper, want.ciUpper, 'upper', 1e-8);
    }
    expectClose(comparison.pValue, c.relative.pValue, 'relative p', 1e-8);
    expectClose(comparison.absolutePValue, c.absolute.pValue, 'absolute p', 1e-8);
  });
});

describe('sequential inference', () => {
  it('is wider than the fixed-horizon interval and its p-value larger', () => {
    const c = cases[0]!;
    const arms = [{ variant: 'control', moments: moments(c.type, c.control) }, { variant: 'treatment', moments: moments(c.type, c.treatment) }] as const;
    const fixed = compareArms(c.type, arms[0], arms[1], { alpha: c.alpha });
    const seq = compareArms(c.type, arms[0], arms[1], { alpha: c.alpha, method: 'sequential' });
    expect(seq.relative.ciUpper! - seq.relative.ciLower!).toBeGreaterThan(fixed.relative.ciUpper! - fixed.relative.ciLower!);
    expect(seq.pValue!).toBeGreaterThan(fixed.pValue!);
  });

  it('p < α exactly when the sequence excludes 0', () => {
    fc.assert(fc.property(
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.double({ min: 1e-6, max: 10, noNaN: true }),
      fc.integer({ min: 2, max: 10_000_000 }),
      fc.double({ min: 0.001, max: 0.5, noNaN: true }),
      fc.integer({ min: 100, max: 1_000_000 }),
      (estimate, variance, n, alpha, targetN) => {
        const { interval, pValue } = confidenceSequence({ estimate, variance, n, alpha, targetN });
        const excludes = interval.ciLower! > 0 || interval.ciUpper! < 0;
        return Math.abs(pValue! - alpha) < 1e-9 || excludes === pValue! < alpha;
      },
    ), { numRuns: 2000 });
  });

  it('defaults and bad input', () => {
    expect(DEFAULT_SEQUENTIAL_TARGET_N).toBe(5000);
    expect(confidenceSequence({ estimate: 0.1, variance: 0, n: 10, alpha: 0.05 })).toEqual({ interval: { estimate: 0.1, ciLower: 0.1, ciUpper: 0.1 }, pValue: 0 });
    expect(confidenceSequence({ estimate: 0.1, variance: 1, n: 10, alpha: 1.5 }).pValue).toBeNull();
    expect(confidenceSequence({ estimate: Number.NaN, variance: 1, n: 10, alpha: 0.05 }).interval.estimate).toBeNull();
    expect(mixingParameterSquared(0.05, 0)).toBeNull();
  });
});

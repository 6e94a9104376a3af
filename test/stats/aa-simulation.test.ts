/**
 * A/A simulation: with no true difference, the 95 % CI of the absolute difference must cover 0 in
 * about 95 % of experiments. 1,000 seeded A/A runs per metric, 1,000 units per arm, a binomial
 * metric (p = 0.1) and a skewed continuous one (log-normal, revenue-like); the accepted band
 * 93–97 % is ±2.9 binomial standard errors around 95 %.
 */
import bernoulli from '@stdlib/random-base-bernoulli';
import lognormal from '@stdlib/random-base-lognormal';
import { describe, expect, it } from 'vitest';
import type { SampleMoments } from '../../stats/index.ts';
import { compareArms } from '../../stats/index.ts';

const RUNS = 1000;
const UNITS_PER_ARM = 1000;

function simulateArm(draw: () => number): SampleMoments {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < UNITS_PER_ARM; i += 1) {
    const y = draw();
    sum += y;
    sumSquares += y * y;
  }
  return { n: UNITS_PER_ARM, sum, sumSquares };
}

function coverage(type: 'binomial' | 'continuous', draw: () => number) {
  let covered = 0;
  let significant = 0;
  for (let run = 0; run < RUNS; run += 1) {
    const r = compareArms(type, { variant: 'a1', moments: simulateArm(draw) }, { variant: 'a2', moments: simulateArm(draw) }, { alpha: 0.05 });
    expect(r.errorCode).toBeNull();
    if ((r.absolute.ciLower as number) <= 0 && 0 <= (r.absolute.ciUpper as number)) covered += 1;
    if ((r.pValue as number) < 0.05) significant += 1;
  }
  return { coverage: covered / RUNS, falsePositiveRate: significant / RUNS };
}

describe('A/A simulation', () => {
  it('binomial: the 95 % CI covers 0 in 93–97 % of runs', () => {
    const { coverage: c, falsePositiveRate } = coverage('binomial', bernoulli.factory(0.1, { seed: 20240501 }));
    expect(c).toBeGreaterThanOrEqual(0.93);
    expect(c).toBeLessThanOrEqual(0.97);
    expect(falsePositiveRate).toBeGreaterThanOrEqual(0.03);
    expect(falsePositiveRate).toBeLessThanOrEqual(0.07);
  });

  it('continuous (log-normal): the 95 % Welch CI covers 0 in 93–97 % of runs', () => {
    const { coverage: c, falsePositiveRate } = coverage('continuous', lognormal.factory(3, 0.8, { seed: 20240502 }));
    expect(c).toBeGreaterThanOrEqual(0.93);
    expect(c).toBeLessThanOrEqual(0.97);
    expect(falsePositiveRate).toBeGreaterThanOrEqual(0.03);
    expect(falsePositiveRate).toBeLessThanOrEqual(0.07);
  });
});

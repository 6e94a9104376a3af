/** analyzeMetric: shapes, ordering, routing by metric type, CUPED wiring and input errors. */
import { describe, expect, it } from 'vitest';
import type { CovariateMoments, MetricInput, RatioMoments, SampleMoments } from '../../stats/index.ts';
import { analyzeMetric, compareArms, compareArmsCuped, compareRatioArms, overallCovariateMean, pooledTheta, summarizeArm } from '../../stats/index.ts';
import { expectJsonSafe, loadFixture } from './helpers.ts';

const settings = { alpha: 0.05 };
const conv = (n: number, x: number): SampleMoments => ({ n, sum: x, sumSquares: x });

describe('analyzeMetric', () => {
  it('keeps input order, with the control anywhere, and compares every other arm against it', () => {
    const input: MetricInput = {
      name: 'conversion',
      type: 'binomial',
      control: 'control',
      covariate: false,
      arms: [
        { variant: 'b', moments: conv(1000, 120) },
        { variant: 'control', moments: conv(1000, 100) },
        { variant: 'a', moments: conv(990, 90) },
      ],
    };
    const r = analyzeMetric(input, settings);
    expect(r.name).toBe('conversion');
    expect(r.type).toBe('binomial');
    expect(r.errorCode).toBeNull();
    expect(r.theta).toBeNull();
    expect(r.variants.map((v) => v.variant)).toEqual(['b', 'control', 'a']);
    expect(r.variants[0]).toEqual(summarizeArm('binomial', 'b', conv(1000, 120)));
    expect(r.comparisons.map((c) => [c.variant, c.control])).toEqual([
      ['b', 'control'],
      ['a', 'control'],
    ]);
    expect(r.comparisons[1]).toEqual(compareArms('binomial', { variant: 'control', moments: conv(1000, 100) }, { variant: 'a', moments: conv(990, 90) }, settings));
    expect(r.comparisons.every((c) => c.cuped === null)).toBe(true);
    expectJsonSafe(r);
  });

  it('routes ratio metrics to the delta method and never runs CUPED on them', () => {
    const fx = loadFixture<{ cases: { control: RatioMoments; treatment: RatioMoments }[] }>('ratio.json').cases[0]!;
    const r = analyzeMetric(
      { name: 'aov', type: 'ratio', control: 'control', covariate: true, arms: [{ variant: 'control', moments: fx.control }, { variant: 'treatment', moments: fx.treatment }] },
      settings,
    );
    expect(r.errorCode).toBeNull();
    expect(r.theta).toBeNull();
    expect(r.comparisons[0]).toEqual(compareRatioArms({ variant: 'control', moments: fx.control }, { variant: 'treatment', moments: fx.treatment }, settings));
    expect(r.variants[0]?.mean).toBeCloseTo(fx.control.sumNum / fx.control.sumDen, 12);
  });

  it('fills cuped with θ pooled over all arms when a covariate is present', () => {
    const arms: { variant: string; moments: CovariateMoments }[] = [
      { variant: 'control', moments: { n: 4, sum: 10, sumSquares: 30, sumX: 8, sumX2: 20, sumXY: 24 } },
      { variant: 't1', moments: { n: 5, sum: 16, sumSquares: 60, sumX: 9, sumX2: 21, sumXY: 33 } },
      { variant: 't2', moments: { n: 3, sum: 5, sumSquares: 11, sumX: 6, sumX2: 14, sumXY: 12 } },
    ];
    const r = analyzeMetric({ name: 'revenue', type: 'continuous', control: 'control', covariate: true, arms }, settings);
    const theta = pooledTheta(arms.map((a) => a.moments))!;
    expect(r.theta).toBe(theta);
    const xbar = overallCovariateMean(arms.map((a) => a.moments))!;
    expect(r.comparisons[1]?.cuped).toEqual(compareArmsCuped('continuous', arms[0]!, arms[2]!, theta, xbar, settings));
    expectJsonSafe(r);
  });

  it('an unknown control → INVALID_INPUT, variants listed with null numbers', () => {
    const r = analyzeMetric({ name: 'm', type: 'continuous', control: 'nope', covariate: false, arms: [{ variant: 'a', moments: { n: 3, sum: 3, sumSquares: 5 } }] }, settings);
    expect(r.errorCode).toBe('INVALID_INPUT');
    expect(r.variants).toEqual([{ variant: 'a', n: 3, mean: null, variance: null }]);
    expect(r.comparisons).toHaveLength(1);
    expect(r.comparisons[0]?.errorCode).toBe('INVALID_INPUT');
    expectJsonSafe(r);
  });

  it('moments that do not fit the type → INVALID_INPUT', () => {
    const ratioWithoutRatioMoments = analyzeMetric(
      { name: 'aov', type: 'ratio', control: 'c', covariate: false, arms: [{ variant: 'c', moments: conv(10, 3) }, { variant: 't', moments: conv(10, 4) }] },
      settings,
    );
    expect(ratioWithoutRatioMoments.errorCode).toBe('INVALID_INPUT');
    const covariateMissing = analyzeMetric(
      { name: 'conversion', type: 'binomial', control: 'c', covariate: true, arms: [{ variant: 'c', moments: conv(10, 3) }, { variant: 't', moments: conv(10, 4) }] },
      settings,
    );
    expect(covariateMissing.errorCode).toBe('INVALID_INPUT');
    expectJsonSafe([ratioWithoutRatioMoments, covariateMissing]);
  });

  it('a single arm gives a summary and no comparison; an empty arm gives EMPTY_VARIANT on its comparison', () => {
    const single = analyzeMetric({ name: 'm', type: 'binomial', control: 'c', covariate: false, arms: [{ variant: 'c', moments: conv(10, 3) }] }, settings);
    expect(single.comparisons).toEqual([]);
    expect(single.errorCode).toBeNull();
    const empty = analyzeMetric({ name: 'm', type: 'binomial', control: 'c', covariate: false, arms: [{ variant: 'c', moments: conv(10, 3) }, { variant: 't', moments: conv(0, 0) }] }, settings);
    expect(empty.variants[1]).toEqual({ variant: 't', n: 0, mean: null, variance: null });
    expect(empty.comparisons[0]?.errorCode).toBe('EMPTY_VARIANT');
    expectJsonSafe(empty);
  });
});

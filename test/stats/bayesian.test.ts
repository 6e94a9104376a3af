/**
 * Bayesian engine (Gaussian model on the relative effect) against test/fixtures/stats/bayesian.json
 * (test/reference/stats/generate_reference.py): posterior moments by numerical integration of
 * prior × likelihood, chance to beat control and risks by scipy.stats, and a seeded Monte Carlo.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GaussianPrior, SampleMoments } from '../../stats/index.ts';
import {
  bayesianRelativeEffect, chanceToBeatControl, compareArmsBayesian, DEFAULT_RELATIVE_EFFECT_PRIOR, expectedLoss, gaussianPosterior,
} from '../../stats/index.ts';
import type { FixtureInterval } from './helpers.ts';
import { expectClose, expectJsonSafe, loadFixture } from './helpers.ts';

interface BayesCase {
  name: string;
  type: 'binomial' | 'continuous';
  alpha: number;
  prior: GaussianPrior;
  control: SampleMoments;
  treatment: SampleMoments;
  expected: {
    posteriorMean: number;
    posteriorVariance: number;
    relative: FixtureInterval;
    chanceToBeatControl: number;
    riskTreatment: number;
    riskControl: number;
    monteCarlo: Record<'chanceToBeatControl' | 'chanceToBeatControlSe' | 'riskTreatment' | 'riskTreatmentSe' | 'riskControl' | 'riskControlSe' | 'ciLower' | 'ciUpper', number>;
  };
}
const cases = loadFixture<{ cases: BayesCase[] }>('bayesian.json').cases;

describe('compareArmsBayesian matches the SciPy reference', () => {
  it.each(cases)('$name', (c) => {
    const r = compareArmsBayesian(c.type, { variant: 'c', moments: c.control }, { variant: 't', moments: c.treatment }, { alpha: c.alpha, prior: c.prior });
    expect(r.errorCode).toBeNull();
    const e = c.expected;
    // quad's relative accuracy is ~1e-10 on these integrals
    expectClose(r.posteriorMean, e.posteriorMean, 'posterior mean', 1e-8);
    expectClose(r.posteriorVariance, e.posteriorVariance, 'posterior variance', 1e-8);
    for (const key of ['estimate', 'ciLower', 'ciUpper'] as const) expectClose(r.relative[key], e.relative[key], `credible interval ${key}`, 1e-8);
    expectClose(r.chanceToBeatControl, e.chanceToBeatControl, 'chance to beat control', 1e-8);
    expectClose(r.riskTreatment, e.riskTreatment, 'risk of shipping the treatment', 1e-8);
    expectClose(r.riskControl, e.riskControl, 'risk of keeping control', 1e-8);
    // Monte Carlo: within 5 standard errors (quantiles: 5e-3 of the posterior sd)
    const mc = e.monteCarlo;
    expect(Math.abs(r.chanceToBeatControl! - mc.chanceToBeatControl)).toBeLessThanOrEqual(5 * mc.chanceToBeatControlSe + 1e-12);
    expect(Math.abs(r.riskTreatment! - mc.riskTreatment)).toBeLessThanOrEqual(5 * mc.riskTreatmentSe + 1e-12);
    expect(Math.abs(r.riskControl! - mc.riskControl)).toBeLessThanOrEqual(5 * mc.riskControlSe + 1e-12);
    const sd = Math.sqrt(r.posteriorVariance!);
    expect(Math.abs(r.relative.ciLower! - mc.ciLower)).toBeLessThanOrEqual(5e-3 * sd);
    expect(Math.abs(r.relative.ciUpper! - mc.ciUpper)).toBeLessThanOrEqual(5e-3 * sd);
    expectJsonSafe(r);
  });
});

describe('Bayesian closed forms', () => {
  it('the default prior is the stated N(0, 0.3²) on the relative effect', () => {
    expect(DEFAULT_RELATIVE_EFFECT_PRIOR).toEqual({ mean: 0, variance: 0.09, proper: true });
  });

  it('a flat prior returns the likelihood; a very wide proper prior nearly so', () => {
    expect(gaussianPosterior(0.1, 0.0004, { mean: 0, variance: 1, proper: false })).toEqual({ mean: 0.1, variance: 0.0004 });
    const wide = gaussianPosterior(0.1, 0.0004, { mean: 0, variance: 1e12, proper: true })!;
    expectClose(wide.mean, 0.1, 'mean', 1e-12);
    expectClose(wide.variance, 0.0004, 'variance', 1e-12);
  });

  it('risks: control − treatment = posterior mean, both ≥ 0; chance at μ = 0 is 1/2', () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: 1e-4, max: 1, noNaN: true }), (mu, sd) => {
        const loss = expectedLoss(mu, sd);
        expect(loss.treatment).toBeGreaterThanOrEqual(0);
        expect(loss.control).toBeGreaterThanOrEqual(0);
        expect(Math.abs(loss.control - loss.treatment - mu)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(mu)) + 1e-15);
        const p = chanceToBeatControl(mu, sd);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
    expect(chanceToBeatControl(0, 0.1)).toBe(0.5);
    expectClose(expectedLoss(0, 1).treatment, 1 / Math.sqrt(2 * Math.PI), 'E[max(−δ, 0)] at μ = 0, s = 1 is φ(0)', 1e-15);
  });

  it('with a flat prior the credible interval is the frequentist delta-method CI (normal quantile)', () => {
    const control = { n: 1000, mean: 0.1, variance: 0.09 };
    const treatment = { n: 1000, mean: 0.13, variance: 0.13 * 0.87 };
    const r = bayesianRelativeEffect(control, treatment, { alpha: 0.05, prior: { mean: 0, variance: 1, proper: false } });
    // 130/1000 vs 100/1000: +30 % [−1.9 %, +61.9 %] (test/fixtures/stats/binomial.json, "moderate lift")
    expectClose(r.relative.ciLower, -0.019179397713587065, 'lower', 1e-12);
    expectClose(r.relative.ciUpper, 0.6191793977135871, 'upper', 1e-12);
  });

  it('errors instead of NaN', () => {
    const ok = { n: 100, mean: 1, variance: 1 };
    expect(bayesianRelativeEffect({ ...ok, mean: 0 }, ok, { alpha: 0.05 }).errorCode).toBe('ZERO_CONTROL_MEAN');
    expect(bayesianRelativeEffect({ ...ok, variance: 0 }, { ...ok, variance: 0 }, { alpha: 0.05 }).errorCode).toBe('ZERO_VARIANCE');
    expect(bayesianRelativeEffect(ok, ok, { alpha: 1 }).errorCode).toBe('INVALID_INPUT');
    expect(bayesianRelativeEffect(ok, ok, { alpha: 0.05, prior: { mean: 0, variance: 0, proper: true } }).errorCode).toBe('INVALID_INPUT');
    expect(bayesianRelativeEffect(ok, { ...ok, n: 0 }, { alpha: 0.05 }).errorCode).toBe('INVALID_INPUT');
    expect(compareArmsBayesian('binomial', { variant: 'c', moments: { n: 0, sum: 0, sumSquares: 0 } }, { variant: 't', moments: { n: 5, sum: 1, sumSquares: 1 } }, { alpha: 0.05 }).errorCode).toBe('EMPTY_VARIANT');
    expect(compareArmsBayesian('continuous', { variant: 'c', moments: { n: 1, sum: 3, sumSquares: 9 } }, { variant: 't', moments: { n: 5, sum: 10, sumSquares: 30 } }, { alpha: 0.05 }).errorCode).toBe('SINGLE_UNIT');
    expect(compareArmsBayesian('binomial', { variant: 'c', moments: { n: 5, sum: 9, sumSquares: 9 } }, { variant: 't', moments: { n: 5, sum: 1, sumSquares: 1 } }, { alpha: 0.05 }).errorCode).toBe('INVALID_INPUT');
    for (const r of [bayesianRelativeEffect({ ...ok, mean: 0 }, ok, { alpha: 0.05 })]) expectJsonSafe(r);
  });
});

/**
 * compareArms and summarizeArm against reference software:
 * - binomial: statsmodels test_proportions_2indep(wald) (absolute p), confint_proportions_2indep(wald);
 * - continuous: scipy ttest_ind(equal_var=False) (absolute p), statsmodels tconfint_diff(usevar='unequal');
 * - relative uplift: delta-method CI and its test (pValue, same quantile/df as the CI);
 * - both again against R t.test / prop.test(correct = FALSE) (Wald CI and the Wald p read off it).
 * Fixtures: test/fixtures/stats/{binomial,continuous,r-reference}.json.
 */
import { describe, expect, it } from 'vitest';
import type { SampleMoments } from '../../stats/index.ts';
import { compareArms, summarizeArm, welchSatterthwaiteDf } from '../../stats/index.ts';
import type { FixtureInterval } from './helpers.ts';
import { expectClose, expectJsonSafe, loadFixture } from './helpers.ts';

interface ArmCase {
  name: string;
  alpha: number;
  control: SampleMoments;
  treatment: SampleMoments;
  expected: {
    meanControl: number;
    meanTreatment: number;
    varianceControl: number;
    varianceTreatment: number;
    absolute: FixtureInterval;
    relative: FixtureInterval;
    pValue: number;
    absolutePValue: number;
    df?: number;
  };
}

const binomial = loadFixture<{ cases: ArmCase[] }>('binomial.json').cases;
const continuous = loadFixture<{ cases: ArmCase[] }>('continuous.json').cases;

function expectInterval(actual: { estimate: number | null; ciLower: number | null; ciUpper: number | null }, expected: FixtureInterval, label: string) {
  expectClose(actual.estimate, expected.estimate, `${label}.estimate`);
  expectClose(actual.ciLower, expected.ciLower, `${label}.ciLower`);
  expectClose(actual.ciUpper, expected.ciUpper, `${label}.ciUpper`);
}

describe.each([
  ['binomial', binomial],
  ['continuous', continuous],
] as const)('compareArms(%s) matches the Python reference', (type, cases) => {
  it.each(cases)('$name', (c) => {
    const control = summarizeArm(type, 'control', c.control);
    const treatment = summarizeArm(type, 'treatment', c.treatment);
    expectClose(control.mean, c.expected.meanControl, 'mean control');
    expectClose(treatment.mean, c.expected.meanTreatment, 'mean treatment');
    expectClose(control.variance, c.expected.varianceControl, 'variance control');
    expectClose(treatment.variance, c.expected.varianceTreatment, 'variance treatment');

    const result = compareArms(type, { variant: 'control', moments: c.control }, { variant: 'treatment', moments: c.treatment }, { alpha: c.alpha });
    expect(result.errorCode).toBeNull();
    expect(result.variant).toBe('treatment');
    expect(result.control).toBe('control');
    expect(result.cuped).toBeNull();
    expectInterval(result.absolute, c.expected.absolute, 'absolute');
    expectInterval(result.relative, c.expected.relative, 'relative');
    expectClose(result.pValue, c.expected.pValue, 'pValue (relative, delta method)');
    expectClose(result.absolutePValue, c.expected.absolutePValue, 'absolutePValue');
    if (type === 'continuous' && c.expected.df !== undefined && control.variance !== null && treatment.variance !== null) {
      const df = welchSatterthwaiteDf(
        { n: control.n, mean: control.mean ?? 0, variance: control.variance },
        { n: treatment.n, mean: treatment.mean ?? 0, variance: treatment.variance },
      );
      expectClose(df, c.expected.df, 'Welch df');
    }
    expectJsonSafe(result);
  });
});

interface RFixture {
  welch: { name: string; alpha: number; control: SampleMoments; treatment: SampleMoments; expected: { df: number; pValue: number; ciLower: number; ciUpper: number } }[];
  twoProportion: { name: string; alpha: number; control: SampleMoments; treatment: SampleMoments; expected: { waldPValue: number; ciLower: number; ciUpper: number } }[];
}
const r = loadFixture<RFixture>('r-reference.json');

describe('compareArms matches R', () => {
  it.each(r.welch)('t.test(var.equal = FALSE): $name', (c) => {
    const result = compareArms('continuous', { variant: 'c', moments: c.control }, { variant: 't', moments: c.treatment }, { alpha: c.alpha });
    expectClose(result.absolutePValue, c.expected.pValue, 'absolutePValue');
    expectClose(result.absolute.ciLower, c.expected.ciLower, 'ciLower');
    expectClose(result.absolute.ciUpper, c.expected.ciUpper, 'ciUpper');
  });

  it.each(r.twoProportion)('prop.test(correct = FALSE): $name', (c) => {
    const result = compareArms('binomial', { variant: 'c', moments: c.control }, { variant: 't', moments: c.treatment }, { alpha: c.alpha });
    expectClose(result.absolutePValue, c.expected.waldPValue, 'absolutePValue');
    expectClose(result.absolute.ciLower, c.expected.ciLower, 'ciLower');
    expectClose(result.absolute.ciUpper, c.expected.ciUpper, 'ciUpper');
  });
});

describe('summarizeArm conventions', () => {
  it('binomial reports the Bernoulli variance p(1 − p), defined from n = 1', () => {
    expect(summarizeArm('binomial', 'a', { n: 4, sum: 1, sumSquares: 1 })).toEqual({ variant: 'a', n: 4, mean: 0.25, variance: 0.1875 });
    expect(summarizeArm('binomial', 'a', { n: 1, sum: 1, sumSquares: 1 })).toEqual({ variant: 'a', n: 1, mean: 1, variance: 0 });
  });

  it('continuous reports the sample variance with n − 1, null below n = 2', () => {
    // y = 1, 2, 3, 6: mean 3, Σ(y − ȳ)² = 14, s² = 14/3.
    const s = summarizeArm('continuous', 'a', { n: 4, sum: 12, sumSquares: 50 });
    expect(s.mean).toBe(3);
    expectClose(s.variance, 14 / 3, 'variance');
    expect(summarizeArm('continuous', 'a', { n: 1, sum: 7, sumSquares: 49 })).toEqual({ variant: 'a', n: 1, mean: 7, variance: null });
  });

  it('n = 0 gives null mean and variance', () => {
    expect(summarizeArm('continuous', 'a', { n: 0, sum: 0, sumSquares: 0 })).toEqual({ variant: 'a', n: 0, mean: null, variance: null });
    expect(summarizeArm('binomial', 'a', { n: 0, sum: 0, sumSquares: 0 })).toEqual({ variant: 'a', n: 0, mean: null, variance: null });
  });

  it('a constant column gives exactly zero variance despite rounding in the sums', () => {
    const n = 1_000_003;
    const s = summarizeArm('continuous', 'a', { n, sum: 0.1 * n, sumSquares: 0.01 * n });
    expect(s.variance).toBe(0);
  });
});

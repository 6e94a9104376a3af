/**
 * CUPED against numpy/scipy/statsmodels computed from raw per-unit arrays
 * (test/fixtures/stats/cuped.json): θ pooled over all arms via np.cov, adjusted arrays
 * y − θ(x − x̄), Welch (continuous) or unpooled z (binomial) on them; relative uplift and its
 * p-value by the delta method with the same quantile/df.
 */
import { describe, expect, it } from 'vitest';
import type { CovariateMoments, MetricInput } from '../../stats/index.ts';
import { analyzeMetric, compareArmsCuped, overallCovariateMean, pooledTheta } from '../../stats/index.ts';
import type { FixtureInterval } from './helpers.ts';
import { expectClose, expectJsonSafe, loadFixture } from './helpers.ts';

interface CupedCase {
  name: string;
  type: 'binomial' | 'continuous';
  alpha: number;
  control: string;
  arms: { variant: string; moments: CovariateMoments }[];
  expected: {
    theta: number;
    overallMeanX: number;
    comparisons: {
      variant: string;
      unadjusted: { absolute: FixtureInterval; relative?: FixtureInterval; pValue: number; absolutePValue: number };
      cuped: {
        absolute: FixtureInterval;
        relative: FixtureInterval;
        pValue: number;
        absolutePValue: number;
        varianceReduction: number;
      };
    }[];
  };
}

const cases = loadFixture<{ cases: CupedCase[] }>('cuped.json').cases;

describe('CUPED matches the numpy reference', () => {
  it.each(cases)('$name', (c) => {
    const arms = c.arms.map((a) => a.moments);
    expectClose(pooledTheta(arms), c.expected.theta, 'theta');
    expectClose(overallCovariateMean(arms), c.expected.overallMeanX, 'overall mean x');

    const input: MetricInput = { name: c.name, type: c.type, control: c.control, arms: c.arms, covariate: true };
    const result = analyzeMetric(input, { alpha: c.alpha });
    expect(result.errorCode).toBeNull();
    expectClose(result.theta, c.expected.theta, 'result.theta');
    expect(result.comparisons.map((x) => x.variant)).toEqual(c.expected.comparisons.map((x) => x.variant));

    result.comparisons.forEach((comparison, i) => {
      const want = c.expected.comparisons[i]!;
      const label = `${c.name} / ${want.variant}`;
      for (const key of ['estimate', 'ciLower', 'ciUpper'] as const) {
        expectClose(comparison.absolute[key], want.unadjusted.absolute[key], `${label} unadjusted.${key}`);
      }
      if (want.unadjusted.relative) {
        for (const key of ['estimate', 'ciLower', 'ciUpper'] as const) {
          expectClose(comparison.relative[key], want.unadjusted.relative[key], `${label} unadjusted relative.${key}`);
        }
      }
      expectClose(comparison.pValue, want.unadjusted.pValue, `${label} unadjusted p`);
      expectClose(comparison.absolutePValue, want.unadjusted.absolutePValue, `${label} unadjusted absolute p`);

      const cuped = comparison.cuped;
      expect(cuped, label).not.toBeNull();
      expect(cuped!.errorCode).toBeNull();
      expectClose(cuped!.theta, c.expected.theta, `${label} theta`);
      for (const key of ['estimate', 'ciLower', 'ciUpper'] as const) {
        expectClose(cuped!.absolute[key], want.cuped.absolute[key], `${label} cuped.absolute.${key}`);
        expectClose(cuped!.relative[key], want.cuped.relative[key], `${label} cuped.relative.${key}`);
      }
      expectClose(cuped!.pValue, want.cuped.pValue, `${label} cuped p`);
      expectClose(cuped!.absolutePValue, want.cuped.absolutePValue, `${label} cuped absolute p`);
      expectClose(cuped!.varianceReduction, want.cuped.varianceReduction, `${label} variance reduction`);
      // The covariate is strongly predictive in every scenario: CUPED must shrink the variance.
      expect(cuped!.varianceReduction!).toBeGreaterThan(0.05);
    });
    expectJsonSafe(result);
  });
});

describe('CUPED edge cases', () => {
  const arm = (n: number, sum: number, sumSquares: number, sumX: number, sumX2: number, sumXY: number): CovariateMoments => ({ n, sum, sumSquares, sumX, sumX2, sumXY });

  it('θ is null when the covariate is constant over all units or there is < 2 units', () => {
    expect(pooledTheta([arm(3, 6, 14, 3, 3, 6), arm(2, 4, 10, 2, 2, 4)])).toBeNull(); // x ≡ 1
    expect(pooledTheta([arm(1, 2, 4, 1, 1, 2)])).toBeNull();
    expect(pooledTheta([])).toBeNull();
    expect(overallCovariateMean([])).toBeNull();
  });

  it('analyzeMetric reports NO_COVARIATE_VARIANCE and keeps the unadjusted results', () => {
    const result = analyzeMetric(
      {
        name: 'revenue',
        type: 'continuous',
        control: 'c',
        covariate: true,
        arms: [
          { variant: 'c', moments: arm(3, 6, 14, 0, 0, 0) },
          { variant: 't', moments: arm(3, 9, 29, 0, 0, 0) },
        ],
      },
      { alpha: 0.05 },
    );
    expect(result.errorCode).toBe('NO_COVARIATE_VARIANCE');
    expect(result.theta).toBeNull();
    expect(result.comparisons[0]!.cuped).toBeNull();
    expect(result.comparisons[0]!.pValue).not.toBeNull();
    expectJsonSafe(result);
  });

  it('n = 1 → SINGLE_UNIT with adjusted point estimates; n = 0 → EMPTY_VARIANT', () => {
    const one = compareArmsCuped('continuous', { variant: 'c', moments: arm(1, 5, 25, 2, 4, 10) }, { variant: 't', moments: arm(3, 9, 29, 3, 5, 10) }, 0.5, 1, { alpha: 0.05 });
    expect(one.errorCode).toBe('SINGLE_UNIT');
    // control: 5 − 0.5 (2 − 1) = 4.5; treatment: 3 − 0.5 (1 − 1) = 3.
    expect(one.absolute).toEqual({ estimate: -1.5, ciLower: null, ciUpper: null });
    const empty = compareArmsCuped('binomial', { variant: 'c', moments: arm(0, 0, 0, 0, 0, 0) }, { variant: 't', moments: arm(3, 1, 1, 1, 1, 1) }, 0.5, 1, { alpha: 0.05 });
    expect(empty.errorCode).toBe('EMPTY_VARIANT');
    expectJsonSafe([one, empty]);
  });

  it('non-finite θ → INVALID_INPUT, θ reported as 0, no NaN', () => {
    const r = compareArmsCuped('continuous', { variant: 'c', moments: arm(3, 6, 14, 3, 5, 7) }, { variant: 't', moments: arm(3, 9, 29, 3, 5, 10) }, Number.NaN, 1, { alpha: 0.05 });
    expect(r.errorCode).toBe('INVALID_INPUT');
    expect(r.theta).toBe(0);
    expectJsonSafe(r);
  });
});

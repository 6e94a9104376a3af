/**
 * Power and sample size against statsmodels NormalIndPower (test/fixtures/stats/power.json),
 * including each arm's own variance and the CUPED variance reduction.
 */
import { describe, expect, it } from 'vitest';
import type { MetricType } from '../../stats/index.ts';
import {
  achievedRelativeMde,
  daysStillNeeded,
  noncentralityForPower,
  requiredSampleSizePerArm,
  requiredSampleSizeUnrounded,
  twoSidedZPower,
} from '../../stats/index.ts';
import { expectClose, loadFixture } from './helpers.ts';

interface PowerFixture {
  cases: {
    requiredSampleSize: {
      name: string;
      type: MetricType;
      mean: number;
      variance: number;
      settings: { alpha: number; power: number; relativeMde: number };
      expected: { solvePower: number; unrounded: number; perArm: number };
    }[];
    noncentrality: { alpha: number; power: number; expected: number }[];
    achievedMde: {
      name: string;
      mean: number;
      varianceControl: number;
      varianceTreatment: number;
      nControl: number;
      nTreatment: number;
      varianceReduction?: number;
      settings: { alpha: number; power: number };
      expected: { solvePowerEffectSize: number; relativeMde: number };
    }[];
    perArmVariance: {
      name: string;
      type: MetricType;
      mean: number;
      variance: number;
      varianceTreatment: number;
      varianceReduction: number | null;
      settings: { alpha: number; power: number; relativeMde: number };
      expected: { solvePower: number; unrounded: number; perArm: number };
    }[];
  };
}

const fx = loadFixture<PowerFixture>('power.json').cases;

describe('requiredSampleSizePerArm = statsmodels NormalIndPower().solve_power(effect_size=δ/σ), rounded up', () => {
  it.each(fx.requiredSampleSize)('$name', (c) => {
    const args = { type: c.type, mean: c.mean, variance: c.variance, settings: c.settings };
    expectClose(requiredSampleSizeUnrounded(args), c.expected.unrounded, 'unrounded n (tight root)');
    // statsmodels' own solve_power stops at a looser tolerance (~1e-5).
    expectClose(requiredSampleSizeUnrounded(args), c.expected.solvePower, 'unrounded n (solve_power)', 1e-6);
    expect(requiredSampleSizePerArm(args)).toBe(c.expected.perArm);
  });

  it('is null for unusable input', () => {
    const settings = { alpha: 0.05, power: 0.8, relativeMde: 0.05 };
    expect(requiredSampleSizePerArm({ type: 'continuous', mean: 0, variance: 1, settings })).toBeNull();
    expect(requiredSampleSizePerArm({ type: 'continuous', mean: 1, variance: 0, settings })).toBeNull();
    expect(requiredSampleSizePerArm({ type: 'binomial', mean: 1.2, variance: 0.1, settings })).toBeNull();
    expect(requiredSampleSizePerArm({ type: 'continuous', mean: 1, variance: 1, settings: { ...settings, relativeMde: 0 } })).toBeNull();
    expect(requiredSampleSizePerArm({ type: 'continuous', mean: 1, variance: 1, settings: { ...settings, power: 0.04 } })).toBeNull();
    expect(requiredSampleSizePerArm({ type: 'continuous', mean: Number.NaN, variance: 1, settings })).toBeNull();
  });
});

describe('requiredSampleSizePerArm with each arm\'s variance and CUPED = NormalIndPower with σ̄² = (1 − r)(V_c + V_t)/2', () => {
  it.each(fx.perArmVariance)('$name', (c) => {
    const args = { type: c.type, mean: c.mean, variance: c.variance, varianceTreatment: c.varianceTreatment, varianceReduction: c.varianceReduction, settings: c.settings };
    expectClose(requiredSampleSizeUnrounded(args), c.expected.unrounded, 'unrounded n (tight root)');
    expectClose(requiredSampleSizeUnrounded(args), c.expected.solvePower, 'unrounded n (solve_power)', 1e-6);
    expect(requiredSampleSizePerArm(args)).toBe(c.expected.perArm);
  });

  it('the treatment variance defaults to the control\'s, r to 0; CUPED scales n by (1 − r)', () => {
    const settings = { alpha: 0.05, power: 0.8, relativeMde: 0.05 };
    const base = requiredSampleSizeUnrounded({ type: 'continuous', mean: 10, variance: 4, settings })!;
    expect(requiredSampleSizeUnrounded({ type: 'continuous', mean: 10, variance: 4, varianceTreatment: 4, varianceReduction: null, settings })).toBe(base);
    expectClose(requiredSampleSizeUnrounded({ type: 'continuous', mean: 10, variance: 4, varianceTreatment: 8, settings }), base * 1.5, 'V_t = 2 V_c', 1e-12);
    expectClose(requiredSampleSizeUnrounded({ type: 'continuous', mean: 10, variance: 4, varianceReduction: 0.25, settings }), base * 0.75, 'r = 0.25', 1e-12);
    const n = requiredSampleSizeUnrounded({ type: 'continuous', mean: 10, variance: 4, varianceTreatment: 9, varianceReduction: 0.3, settings })!;
    const mde = achievedRelativeMde({ mean: 10, varianceControl: 4, varianceTreatment: 9, nControl: n, nTreatment: n, varianceReduction: 0.3, settings });
    expectClose(mde, 0.05, 'round trip with per-arm variances and CUPED', 1e-12);
  });

  it('is null for r ≥ 1, a non-finite r or a negative treatment variance', () => {
    const settings = { alpha: 0.05, power: 0.8, relativeMde: 0.05 };
    for (const extra of [{ varianceReduction: 1 }, { varianceReduction: Number.NaN }, { varianceTreatment: -1 }, { varianceTreatment: Number.POSITIVE_INFINITY }]) {
      expect(requiredSampleSizePerArm({ type: 'continuous', mean: 1, variance: 1, ...extra, settings })).toBeNull();
    }
    expect(achievedRelativeMde({ mean: 1, varianceControl: 1, varianceTreatment: 1, nControl: 10, nTreatment: 10, varianceReduction: 1, settings })).toBeNull();
  });
});

describe('noncentralityForPower solves statsmodels normal_power exactly', () => {
  it.each(fx.noncentrality)('α = $alpha, power = $power', (c) => {
    const k = noncentralityForPower(c.alpha, c.power);
    expectClose(k, c.expected, 'k*');
    expectClose(twoSidedZPower(k!, c.alpha), c.power, 'power at k*', 1e-12);
  });
});

describe('achievedRelativeMde = statsmodels solve_power(nobs1, ratio) · σ / |mean|', () => {
  it.each(fx.achievedMde)('$name', (c) => {
    const mde = achievedRelativeMde(c);
    expectClose(mde, c.expected.relativeMde, 'relative MDE');
    const sigma = Math.sqrt((1 - (c.varianceReduction ?? 0)) * c.varianceControl);
    expectClose(mde! * Math.abs(c.mean) / sigma, c.expected.solvePowerEffectSize, 'vs solve_power (loose tolerance)', 1e-4);
  });

  it('inverts requiredSampleSizeUnrounded', () => {
    const settings = { alpha: 0.05, power: 0.8, relativeMde: 0.05 };
    const n = requiredSampleSizeUnrounded({ type: 'binomial', mean: 0.1, variance: 0.09, settings })!;
    const mde = achievedRelativeMde({ mean: 0.1, varianceControl: 0.09, varianceTreatment: 0.09, nControl: n, nTreatment: n, settings });
    expectClose(mde, 0.05, 'round trip', 1e-12);
  });

  it('is null without variance or units', () => {
    const settings = { alpha: 0.05, power: 0.8 };
    expect(achievedRelativeMde({ mean: 1, varianceControl: 0, varianceTreatment: 0, nControl: 10, nTreatment: 10, settings })).toBeNull();
    expect(achievedRelativeMde({ mean: 1, varianceControl: 1, varianceTreatment: 1, nControl: 0, nTreatment: 10, settings })).toBeNull();
    expect(achievedRelativeMde({ mean: 0, varianceControl: 1, varianceTreatment: 1, nControl: 10, nTreatment: 10, settings })).toBeNull();
  });
});

describe('daysStillNeeded', () => {
  it('is 0 once the requirement is met', () => {
    expect(daysStillNeeded({ requiredPerArm: 1000, currentPerArm: 1000, unitsPerArmPerDay: 0 })).toBe(0);
  });
  it('rounds up to whole days at the observed rate', () => {
    expect(daysStillNeeded({ requiredPerArm: 1000, currentPerArm: 400, unitsPerArmPerDay: 100 })).toBe(6);
    expect(daysStillNeeded({ requiredPerArm: 1000, currentPerArm: 401, unitsPerArmPerDay: 100 })).toBe(6);
    expect(daysStillNeeded({ requiredPerArm: 1000, currentPerArm: 399, unitsPerArmPerDay: 100 })).toBe(7);
  });
  it('is null when the rate or the requirement is unknown', () => {
    expect(daysStillNeeded({ requiredPerArm: 1000, currentPerArm: 10, unitsPerArmPerDay: 0 })).toBeNull();
    expect(daysStillNeeded({ requiredPerArm: 1000, currentPerArm: 10, unitsPerArmPerDay: null })).toBeNull();
    expect(daysStillNeeded({ requiredPerArm: null, currentPerArm: 10, unitsPerArmPerDay: 5 })).toBeNull();
  });
});

/**
 * Edge cases of the unadjusted comparison: n = 0, n = 1, zero variance in both arms, a variant
 * without conversions, zero control mean, impossible input. Bad input never throws, and no
 * result ever holds NaN or ±Infinity.
 */
import { describe, expect, it } from 'vitest';
import type { Comparison, SampleMoments } from '../../stats/index.ts';
import { compareArms } from '../../stats/index.ts';
import { expectClose, expectJsonSafe } from './helpers.ts';

const alpha = { alpha: 0.05 };
const cmp = (type: 'binomial' | 'continuous', c: SampleMoments, t: SampleMoments, settings = alpha): Comparison =>
  compareArms(type, { variant: 'control', moments: c }, { variant: 'treatment', moments: t }, settings);
const conv = (n: number, x: number): SampleMoments => ({ n, sum: x, sumSquares: x });
const allNull = { estimate: null, ciLower: null, ciUpper: null };

describe('compareArms edge cases', () => {
  it('n = 0 in either arm → EMPTY_VARIANT with every number null', () => {
    for (const r of [
      cmp('binomial', conv(0, 0), conv(100, 10)),
      cmp('binomial', conv(100, 10), conv(0, 0)),
      cmp('continuous', { n: 0, sum: 0, sumSquares: 0 }, { n: 10, sum: 50, sumSquares: 300 }),
    ]) {
      expect(r.errorCode).toBe('EMPTY_VARIANT');
      expect(r.absolute).toEqual(allNull);
      expect(r.relative).toEqual(allNull);
      expect(r.pValue).toBeNull();
      expectJsonSafe(r);
    }
  });

  it('n = 1 in a continuous arm → SINGLE_UNIT, point estimates only', () => {
    const r = cmp('continuous', { n: 1, sum: 4, sumSquares: 16 }, { n: 10, sum: 50, sumSquares: 300 });
    expect(r.errorCode).toBe('SINGLE_UNIT');
    expect(r.absolute).toEqual({ estimate: 1, ciLower: null, ciUpper: null });
    expect(r.relative).toEqual({ estimate: 0.25, ciLower: null, ciUpper: null });
    expect(r.pValue).toBeNull();
    expectJsonSafe(r);
  });

  it('n = 1 in binomial arms: Bernoulli variance 0 in both → ZERO_VARIANCE', () => {
    const r = cmp('binomial', conv(1, 0), conv(1, 1));
    expect(r.errorCode).toBe('ZERO_VARIANCE');
    expect(r.absolute.estimate).toBe(1);
    expect(r.pValue).toBeNull();
    expectJsonSafe(r);
  });

  it('zero variance in both arms → ZERO_VARIANCE with the difference but no CI or p', () => {
    const r = cmp('continuous', { n: 5, sum: 25, sumSquares: 125 }, { n: 6, sum: 36, sumSquares: 216 });
    expect(r.errorCode).toBe('ZERO_VARIANCE');
    expect(r.absolute).toEqual({ estimate: 1, ciLower: null, ciUpper: null });
    expect(r.relative).toEqual({ estimate: 0.2, ciLower: null, ciUpper: null });
    expect(r.pValue).toBeNull();
    expectJsonSafe(r);
    const none = cmp('binomial', conv(500, 0), conv(480, 0));
    expect(none.errorCode).toBe('ZERO_VARIANCE');
    expectJsonSafe(none);
  });

  it('zero variance in one arm only is fine (Welch df = n − 1 of the other arm)', () => {
    const r = cmp('continuous', { n: 5, sum: 25, sumSquares: 125 }, { n: 4, sum: 24, sumSquares: 150 });
    expect(r.errorCode).toBeNull();
    expect(r.pValue).not.toBeNull();
    expectJsonSafe(r);
  });

  it('a variant with no conversions is compared normally (relative −100 %, a point CI and p = 0)', () => {
    const r = cmp('binomial', conv(400, 37), conv(380, 0));
    expect(r.errorCode).toBeNull();
    expectClose(r.relative.estimate, -1, 'relative');
    // m_t = 0 and V_t = 0: the delta-method variance of m_t/m_c is 0, so the relative CI is the
    // point [−1, −1], which excludes 0; the p-value that inverts it is 0.
    expect(r.relative.ciLower).toBe(r.relative.estimate);
    expect(r.relative.ciUpper).toBe(r.relative.estimate);
    expect(r.pValue).toBe(0);
    expect(r.absolutePValue).toBeGreaterThan(0);
    expect(r.absolutePValue).toBeLessThan(1e-6);
    expectJsonSafe(r);
  });

  it('zero control mean → ZERO_CONTROL_MEAN: relative null, absolute and p kept', () => {
    const b = cmp('binomial', conv(500, 0), conv(500, 9));
    expect(b.errorCode).toBe('ZERO_CONTROL_MEAN');
    expect(b.relative).toEqual(allNull);
    expectClose(b.absolute.estimate, 9 / 500, 'absolute');
    expect(b.absolute.ciLower).not.toBeNull();
    expect(b.pValue).not.toBeNull();
    expect(b.pValue).toBe(b.absolutePValue); // no relative CI: the p-value is the absolute test's
    expectJsonSafe(b);
    const c = cmp('continuous', { n: 5, sum: 0, sumSquares: 0 }, { n: 5, sum: 10, sumSquares: 30 });
    expect(c.errorCode).toBe('ZERO_CONTROL_MEAN');
    expect(c.relative).toEqual(allNull);
    expect(c.pValue).not.toBeNull();
    expectJsonSafe(c);
  });

  it('impossible or non-finite input → INVALID_INPUT, never a throw', () => {
    const good = conv(100, 10);
    const bad: [SampleMoments, 'binomial' | 'continuous'][] = [
      [conv(10, 11), 'binomial'], // more conversions than units
      [conv(10, -1), 'binomial'],
      [{ n: -5, sum: 0, sumSquares: 0 }, 'continuous'],
      [{ n: 10, sum: Number.NaN, sumSquares: 1 }, 'continuous'],
      [{ n: 10, sum: 1, sumSquares: Number.POSITIVE_INFINITY }, 'continuous'],
      [{ n: 10, sum: 100, sumSquares: 10 }, 'continuous'], // Σy² < (Σy)²/n
      [null as unknown as SampleMoments, 'continuous'],
    ];
    for (const [m, type] of bad) {
      const r = cmp(type, m, good);
      expect(r.errorCode).toBe('INVALID_INPUT');
      expectJsonSafe(r);
    }
    for (const a of [0, 1, -0.1, 2, Number.NaN]) {
      const r = cmp('binomial', good, conv(100, 20), { alpha: a });
      expect(r.errorCode).toBe('INVALID_INPUT');
      expectJsonSafe(r);
    }
  });

  it('huge counts keep finite numbers', () => {
    const r = cmp('continuous', { n: 1e9, sum: 5e10, sumSquares: 3e12 }, { n: 1e9, sum: 5.001e10, sumSquares: 3.001e12 });
    expect(r.errorCode).toBeNull();
    expectJsonSafe(r);
  });
});

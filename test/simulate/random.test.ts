/** Seeded random streams: valid MT19937 seeds, reproducible and independent streams. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandomStream, deriveSeed } from '../../data/simulate/index.ts';

describe('deriveSeed', () => {
  it('maps any safe integer and label to [1, 2^32 − 1]', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.string(), (seed, label) => {
        const s = deriveSeed(seed, label);
        expect(Number.isInteger(s)).toBe(true);
        expect(s).toBeGreaterThanOrEqual(1);
        expect(s).toBeLessThanOrEqual(2 ** 32 - 1);
      }),
    );
  });

  it('rejects a non-integer seed', () => {
    expect(() => deriveSeed(1.5, 'x')).toThrow(RangeError);
  });
});

describe('createRandomStream', () => {
  const draw = (seed: number, label: string) => {
    const r = createRandomStream(seed, label);
    return [r.uniform(), r.normal(), r.poisson(3), r.integer(10), r.weighted([1, 2, 3]), r.lognormalWithMean(100, 0.5), r.between(5, 6)];
  };

  it('is reproducible and depends on seed and label', () => {
    expect(draw(1, 'units')).toEqual(draw(1, 'units'));
    expect(draw(1, 'units')).not.toEqual(draw(2, 'units'));
    expect(draw(1, 'units')).not.toEqual(draw(1, 'other'));
  });

  it('draws in range with roughly the right means', () => {
    const r = createRandomStream(42, 'check');
    let u = 0;
    let n = 0;
    let p = 0;
    let ln = 0;
    const counts = [0, 0, 0];
    const N = 20_000;
    for (let i = 0; i < N; i += 1) {
      const x = r.uniform();
      expect(x >= 0 && x < 1).toBe(true);
      u += x;
      n += r.normal();
      p += r.poisson(2.5);
      ln += r.lognormalWithMean(10, 0.5);
      counts[r.weighted([1, 0, 3])]! += 1;
      const k = r.integer(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
    expect(u / N).toBeCloseTo(0.5, 1);
    expect(Math.abs(n / N)).toBeLessThan(0.05);
    expect(p / N).toBeCloseTo(2.5, 1);
    expect(ln / N / 10).toBeCloseTo(1, 1);
    expect(counts[1]).toBe(0);
    expect(counts[2]! / N).toBeCloseTo(0.75, 1);
    expect(r.poisson(0)).toBe(0);
    expect(r.bernoulli(0)).toBe(false);
    expect(r.bernoulli(1)).toBe(true);
  });
});

import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decodeCumulative, decodeRetention } from './series.ts';

describe('Arrow series decoding', () => {
  it('groups the cumulative series by variant into Float64Arrays', () => {
    const day0 = Date.UTC(2026, 2, 2);
    const table = tableFromArrays({
      day: Float64Array.from([day0, day0, day0 + 864e5, day0 + 864e5]),
      variant: ['a', 'b', 'a', 'b'],
      n: Float64Array.from([10, 11, 20, 21]),
      relative: Float64Array.from([Number.NaN, 0.1, 0.05, 0.12]),
      ciLower: Float64Array.from([Number.NaN, -0.2, -0.1, 0.01]),
      ciUpper: Float64Array.from([Number.NaN, 0.4, 0.2, 0.23]),
    });
    const series = decodeCumulative(tableToIPC(table, 'stream'));
    expect(series.rows).toBe(4);
    expect(series.variants).toEqual(['a', 'b']);
    const b = series.byVariant.get('b')!;
    expect(b.day).toBeInstanceOf(Float64Array);
    expect([...b.day]).toEqual([day0, day0 + 864e5]);
    expect([...b.relative]).toEqual([0.1, 0.12]);
    expect(Number.isNaN(series.byVariant.get('a')!.relative[0]!)).toBe(true);
  });

  it('reads Int32 retention days and treats empty bytes as no series', () => {
    const table = tableFromArrays({
      day: Int32Array.from([0, 1, 0, 1]),
      variant: ['control', 'control', 't', 't'],
      mature: Float64Array.from([100, 90, 100, 90]),
      rate: Float64Array.from([1, 0.4, 1, 0.45]),
    });
    const series = decodeRetention(tableToIPC(table, 'stream'));
    expect([...series.byVariant.get('t')!.rate]).toEqual([1, 0.45]);
    expect([...series.byVariant.get('control')!.day]).toEqual([0, 1]);
    expect(decodeRetention(new Uint8Array()).rows).toBe(0);
  });
});

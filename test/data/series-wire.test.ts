/**
 * The time series cross to the renderer as Arrow only at the wire (docs/architecture.md): what the
 * desk service encodes from the plain columns decodes in the renderer to the same numbers per
 * variant, NaN included, and the column layout is the one `ExperimentAnalysis` documents.
 */
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { groupCumulative, groupRetention } from '../../contract/series.ts';
import { cumulativeToArrow, retentionToArrow } from '../../data/arrow/series-to-arrow.ts';
import { decodeCumulative, decodeRetention } from '../../renderer/arrow/series.ts';

const day0 = Date.UTC(2026, 2, 2) + 864e5 - 1;
const cumulative = {
  variant: ['b', 'c', 'b', 'c'],
  day: Float64Array.from([day0, day0, day0 + 864e5, day0 + 864e5]),
  n: Float64Array.from([10, 11, 20, 21]),
  relative: Float64Array.from([Number.NaN, 0.1, 0.05, 0.12]),
  ciLower: Float64Array.from([Number.NaN, -0.2, -0.1, 0.01]),
  ciUpper: Float64Array.from([Number.NaN, 0.4, 0.2, 0.23]),
};

describe('series on the wire', () => {
  it('cumulative: day, variant, n, relative, ciLower, ciUpper; decoded = grouped in process', () => {
    const bytes = cumulativeToArrow(cumulative);
    expect(tableFromIPC(bytes).schema.fields.map((f) => f.name)).toEqual(['day', 'variant', 'n', 'relative', 'ciLower', 'ciUpper']);
    const decoded = decodeCumulative(bytes);
    const direct = groupCumulative(cumulative);
    expect(decoded.variants).toEqual(['b', 'c']);
    expect(decoded.rows).toBe(4);
    for (const variant of decoded.variants) expect(decoded.byVariant.get(variant)).toEqual(direct.byVariant.get(variant));
    expect([...direct.byVariant.get('c')!.relative]).toEqual([0.1, 0.12]);
    expect(Number.isNaN(decoded.byVariant.get('b')!.ciLower[0]!)).toBe(true);
  });

  it('retention: day, variant, mature, rate; an empty table is no series', () => {
    const retention = { variant: ['a', 'a'], day: Float64Array.from([0, 1]), mature: Float64Array.from([100, 90]), rate: Float64Array.from([1, 0.4]) };
    const bytes = retentionToArrow(retention);
    expect(tableFromIPC(bytes).schema.fields.map((f) => f.name)).toEqual(['day', 'variant', 'mature', 'rate']);
    expect(decodeRetention(bytes).byVariant.get('a')).toEqual(groupRetention(retention).byVariant.get('a'));
    const empty = { variant: [], day: new Float64Array(), mature: new Float64Array(), rate: new Float64Array() };
    expect(decodeRetention(retentionToArrow(empty)).rows).toBe(0);
    expect(groupRetention(empty).variants).toEqual([]);
  });
});

/** collectWarnings: docs/analysis-definitions.md codes, thresholds at their boundaries, messages with the numbers. */
import { describe, expect, it } from 'vitest';
import type { WarningInput } from '../../stats/index.ts';
import { BLOCKING_WARNING_CODES, collectWarnings, DEFAULT_WARNING_SETTINGS, sampleRatioMismatch } from '../../stats/index.ts';
import { expectJsonSafe } from './helpers.ts';

const healthy: WarningInput = {
  unitsPerVariant: [
    { variant: 'control', n: 5000 },
    { variant: 'treatment', n: 5010 },
  ],
  srm: sampleRatioMismatch([5000, 5010]),
  binomialConversions: [
    { metric: 'conversion', variant: 'control', conversions: 400 },
    { metric: 'conversion', variant: 'treatment', conversions: 30 },
  ],
  requiredPerArm: 5000,
  powerMetric: 'conversion',
  runtimeDays: 7,
  multipleExposures: { excluded: 100, total: 10_000 },
  cupedUnavailable: [],
  immatureRetention: [],
};
const codes = (input: WarningInput) => collectWarnings(input, DEFAULT_WARNING_SETTINGS).map((w) => w.code);

describe('collectWarnings', () => {
  it('exports the SPEC defaults', () => {
    expect(DEFAULT_WARNING_SETTINGS).toEqual({ minSamplePerArm: 1000, minRuntimeDays: 7, minConversions: 30, multipleExposureShare: 0.01 });
    expect([...BLOCKING_WARNING_CODES].sort()).toEqual(['low_sample_size', 'min_runtime_not_reached', 'sample_ratio_mismatch']);
  });

  it('a healthy experiment exactly at every threshold has no warning', () => {
    expect(collectWarnings(healthy, DEFAULT_WARNING_SETTINGS)).toEqual([]);
  });

  it('sample_ratio_mismatch when the SRM test is flagged, with χ² and p', () => {
    const input = { ...healthy, unitsPerVariant: [{ variant: 'control', n: 10_000 }, { variant: 'treatment', n: 11_000 }], srm: sampleRatioMismatch([10_000, 11_000]) };
    const [w] = collectWarnings(input, DEFAULT_WARNING_SETTINGS);
    expect(w?.code).toBe('sample_ratio_mismatch');
    expect(w?.message).toContain('control 10,000');
    expect(w?.message).toContain('chi-square = 47.62');
    expect(w?.message).toContain('p < 0.001');
    expect(w?.values?.df).toBe(1);
  });

  it('low_sample_size per variant below the minimum', () => {
    const input = { ...healthy, unitsPerVariant: [{ variant: 'control', n: 999 }, { variant: 'treatment', n: 1000 }], requiredPerArm: null };
    const ws = collectWarnings(input, DEFAULT_WARNING_SETTINGS);
    expect(ws.map((w) => [w.code, w.variant])).toEqual([['low_sample_size', 'control']]);
    expect(ws[0]?.message).toBe('Variant control has 999 units, below the minimum of 1,000 per variant.');
    expect(ws[0]?.values).toEqual({ n: 999, minimum: 1000 });
  });

  it('low_conversions per binomial metric and variant below 30', () => {
    const input = { ...healthy, binomialConversions: [{ metric: 'retention_d7', variant: 'treatment', conversions: 29 }] };
    const ws = collectWarnings(input, DEFAULT_WARNING_SETTINGS);
    expect(ws.map((w) => [w.code, w.metric, w.variant])).toEqual([['low_conversions', 'retention_d7', 'treatment']]);
    expect(ws[0]?.message).toContain('29 conversions, fewer than 30');
  });

  it('underpowered when the smallest arm is below the requirement', () => {
    const ws = collectWarnings({ ...healthy, requiredPerArm: 5001 }, DEFAULT_WARNING_SETTINGS);
    expect(ws.map((w) => w.code)).toEqual(['underpowered']);
    expect(ws[0]?.values).toEqual({ currentPerArm: 5000, requiredPerArm: 5001 });
    expect(ws[0]?.metric).toBe('conversion');
    expect(ws[0]?.message).toContain('5,000 units, but 5,001 per variant');
  });

  it('min_runtime_not_reached below 7 days; unknown runtime gives no warning', () => {
    expect(codes({ ...healthy, runtimeDays: 6.5 })).toEqual(['min_runtime_not_reached']);
    expect(collectWarnings({ ...healthy, runtimeDays: 6.5 }, DEFAULT_WARNING_SETTINGS)[0]?.message).toContain('6.5 days');
    expect(codes({ ...healthy, runtimeDays: null })).toEqual([]);
  });

  it('multiple_exposures above 1 % of units (not at exactly 1 %)', () => {
    expect(codes({ ...healthy, multipleExposures: { excluded: 100, total: 10_000 } })).toEqual([]);
    const ws = collectWarnings({ ...healthy, multipleExposures: { excluded: 101, total: 10_000 } }, DEFAULT_WARNING_SETTINGS);
    expect(ws.map((w) => w.code)).toEqual(['multiple_exposures']);
    expect(ws[0]?.message).toContain('101 of 10,000 units (1.0%)');
    expect(ws[0]?.values?.share).toBe(0.0101);
  });

  it('cuped_unavailable and immature_retention name their metric', () => {
    const ws = collectWarnings({ ...healthy, cupedUnavailable: ['revenue_per_user'], immatureRetention: ['retention_d7'] }, DEFAULT_WARNING_SETTINGS);
    expect(ws.map((w) => [w.code, w.metric])).toEqual([
      ['cuped_unavailable', 'revenue_per_user'],
      ['immature_retention', 'retention_d7'],
    ]);
  });

  it('honours custom thresholds and keeps SPEC order; JSON-safe', () => {
    const input: WarningInput = {
      unitsPerVariant: [{ variant: 'control', n: 400 }, { variant: 'treatment', n: 300 }],
      srm: sampleRatioMismatch([400, 300]),
      binomialConversions: [{ metric: 'conversion', variant: 'treatment', conversions: 3 }],
      requiredPerArm: 2000,
      runtimeDays: 2,
      multipleExposures: { excluded: 50, total: 750 },
      cupedUnavailable: ['conversion'],
      immatureRetention: ['retention_d1'],
    };
    const ws = collectWarnings(input, DEFAULT_WARNING_SETTINGS);
    expect(ws.map((w) => w.code)).toEqual([
      'sample_ratio_mismatch',
      'low_sample_size',
      'low_sample_size',
      'low_conversions',
      'underpowered',
      'min_runtime_not_reached',
      'multiple_exposures',
      'cuped_unavailable',
      'immature_retention',
    ]);
    expectJsonSafe(ws);
    const relaxed = collectWarnings(input, { minSamplePerArm: 100, minRuntimeDays: 1, minConversions: 1, multipleExposureShare: 0.5 });
    expect(relaxed.map((w) => w.code)).toEqual(['sample_ratio_mismatch', 'underpowered', 'cuped_unavailable', 'immature_retention']);
  });

  it('only unitsPerVariant is required', () => {
    expect(collectWarnings({ unitsPerVariant: [{ variant: 'a', n: 5000 }] }, DEFAULT_WARNING_SETTINGS)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  dataValue, formatAbsolute, formatCount, formatDate, formatDays, formatMegabytes, formatNumber, formatPValue,
  formatPercent, formatRate, formatTimestamp, formatUplift, formatUpliftWithCi, formatValue,
} from '../../contract/number-format.ts';

describe('number formatting', () => {
  it('writes counts with thousands separators', () => {
    expect(formatCount(90189)).toBe('90,189');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(null)).toBe('—');
    expect(formatCount(Number.NaN)).toBe('—');
  });

  it('writes rates as percentages with 2 decimals', () => {
    expect(formatRate(0.09736020437127448)).toBe('9.74%');
    expect(formatRate(1)).toBe('100.00%');
    expect(formatRate(null)).toBe('—');
  });

  it('writes means with 2 decimals from 1 up and 4 below', () => {
    expect(formatNumber(672.3059892137383)).toBe('672.31');
    expect(formatNumber(12345.678)).toBe('12,345.68');
    expect(formatNumber(0.12347431166619359)).toBe('0.1235');
    expect(formatValue(0.1235, 'binomial')).toBe('12.35%');
    expect(formatValue(0.1235, 'continuous')).toBe('0.1235');
  });

  it('writes signed uplifts with 1 decimal and the CI in brackets', () => {
    expect(formatUplift(0.043)).toBe('+4.3%');
    expect(formatUplift(-0.05)).toBe('-5.0%');
    expect(formatUplift(-0.0001)).toBe('-0.0%');
    expect(formatUplift(0.0001)).toBe('+0.0%');
    expect(formatUplift(0)).toBe('0.0%');
    expect(formatUplift(12.5)).toBe('+1250.0%');
    expect(formatUpliftWithCi(0.043, 0.017, 0.069)).toBe('+4.3% [+1.7%, +6.9%]');
    expect(formatUpliftWithCi(-0.258, -0.41, -0.106)).toBe('-25.8% [-41.0%, -10.6%]');
    expect(formatUpliftWithCi(null, null, null)).toBe('—');
  });

  it('writes absolute differences in percentage points for rates', () => {
    expect(formatAbsolute(0.026591777336042594, 'binomial')).toBe('+2.66 pp');
    expect(formatAbsolute(-0.01, 'binomial')).toBe('-1.00 pp');
    expect(formatAbsolute(189.1781952374813, 'continuous')).toBe('+189.18');
    expect(formatAbsolute(-0.0318, 'ratio')).toBe('-0.0318');
    expect(formatAbsolute(null, 'binomial')).toBe('—');
  });

  it('writes p-values with 4 decimals and "<0.0001" below', () => {
    expect(formatPValue(0.6149853267302767)).toBe('0.6150');
    expect(formatPValue(0.0001)).toBe('0.0001');
    expect(formatPValue(0.00009999)).toBe('<0.0001');
    expect(formatPValue(7.6e-10)).toBe('<0.0001');
    expect(formatPValue(null)).toBe('—');
  });

  it('writes percentages, megabytes, dates and days', () => {
    expect(formatPercent(0.15751459593388228)).toBe('15.75%');
    expect(formatPercent(0.05, 1)).toBe('5.0%');
    expect(formatMegabytes(45_100_000)).toBe('45.1');
    expect(formatMegabytes(120_000_000)).toBe('120.0');
    expect(formatDate('2026-03-02T00:02:34.079Z')).toBe('2026-03-02');
    expect(formatDate(null)).toBe('—');
    expect(formatTimestamp('2026-03-02T00:02:34.079Z')).toBe('2026-03-02 00:02:34 UTC');
    expect(formatTimestamp('2026-03-02T01:02:34+01:00')).toBe('2026-03-02 00:02:34 UTC');
    expect(formatTimestamp('not a time')).toBe('—');
    expect(formatDays(20.99818627314815)).toBe('21.0 days');
  });

  it('keeps the raw number for data-value attributes', () => {
    expect(dataValue(7.62673891529646e-10)).toBe('7.62673891529646e-10');
    expect(dataValue(0.273127788789732)).toBe('0.273127788789732');
    expect(dataValue(null)).toBe('');
    expect(dataValue(undefined)).toBe('');
  });
});

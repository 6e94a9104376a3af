/**
 * Compares an analysis report (the product's JSON) with a reference fixture computed by
 * SciPy/statsmodels, field by field, with a relative tolerance.
 */
import { expect } from 'vitest';
import { expectClose as expectNumberClose } from '../stats/helpers.ts';

type Json = Record<string, unknown>;

/** |a − b| ≤ tol · max(1, |b|), nulls equal only to nulls. */
export function expectClose(actual: unknown, expected: unknown, path: string, tolerance = 1e-6): void {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, path).toBeNull();
    return;
  }
  expectNumberClose(actual as number | null, expected as number, path, tolerance);
}

function expectInterval(actual: Json, expected: Json, path: string, tolerance: number): void {
  for (const key of ['estimate', 'ciLower', 'ciUpper']) expectClose(actual?.[key], expected[key], `${path}.${key}`, tolerance);
}

/** Asserts every reference number of one experiment equals the report's. */
export function expectExperimentMatches(actual: Json, expected: Json, tolerance = 1e-6): void {
  const id = String(expected.experimentId);
  expect(actual.experimentId).toBe(expected.experimentId);
  expect(actual.control, `${id}.control`).toBe(expected.control);
  expect(actual.units, `${id}.units`).toEqual(expected.units);
  expect(actual.excludedUnits, `${id}.excludedUnits`).toEqual(expected.excludedUnits);
  const srm = expected.srm as Json;
  expectClose((actual.srm as Json).chiSquare, srm.chiSquare, `${id}.srm.chiSquare`, tolerance);
  expectClose((actual.srm as Json).pValue, srm.pValue, `${id}.srm.pValue`, tolerance);
  expect((actual.srm as Json).flagged).toBe(srm.flagged);
  const actualMetrics = actual.metrics as Json[];
  for (const metric of expected.metrics as Json[]) {
    const name = String(metric.name);
    const found = actualMetrics.find((m) => m.name === name);
    expect(found, `${id}: metric ${name} missing`).toBeDefined();
    expect(found!.type, `${id}.${name}.type`).toBe(metric.type);
    for (const variant of metric.variants as Json[]) {
      const v = (found!.variants as Json[]).find((x) => x.variant === variant.variant)!;
      const at = `${id}.${name}[${String(variant.variant)}]`;
      expect(v, `${at} missing`).toBeDefined();
      expect(v.n, `${at}.n`).toBe(variant.n);
      expectClose(v.mean, variant.mean, `${at}.mean`, tolerance);
      expectClose(v.variance, variant.variance, `${at}.variance`, tolerance);
    }
    for (const comparison of metric.comparisons as Json[]) {
      const c = (found!.comparisons as Json[]).find((x) => x.variant === comparison.variant)!;
      const at = `${id}.${name}[${String(comparison.variant)} vs ${String(comparison.control)}]`;
      expect(c, `${at} missing`).toBeDefined();
      expect(c.control).toBe(comparison.control);
      expectInterval(c.absolute as Json, comparison.absolute as Json, `${at}.absolute`, tolerance);
      expectInterval(c.relative as Json, comparison.relative as Json, `${at}.relative`, tolerance);
      expectClose(c.pValue, comparison.pValue, `${at}.pValue`, tolerance);
      if ('absolutePValue' in comparison) expectClose(c.absolutePValue, comparison.absolutePValue, `${at}.absolutePValue`, tolerance);
      const cuped = comparison.cuped as Json | null;
      if (cuped === null) {
        expect(c.cuped ?? null, `${at}.cuped`).toBeNull();
      } else {
        const ac = c.cuped as Json;
        expect(ac, `${at}.cuped missing`).toBeTruthy();
        expectClose(ac.theta, cuped.theta, `${at}.cuped.theta`, tolerance);
        expectClose(ac.varianceReduction, cuped.varianceReduction, `${at}.cuped.varianceReduction`, tolerance);
        expectInterval(ac.absolute as Json, cuped.absolute as Json, `${at}.cuped.absolute`, tolerance);
        expectInterval(ac.relative as Json, cuped.relative as Json, `${at}.cuped.relative`, tolerance);
        expectClose(ac.pValue, cuped.pValue, `${at}.cuped.pValue`, tolerance);
        if ('absolutePValue' in cuped) expectClose(ac.absolutePValue, cuped.absolutePValue, `${at}.cuped.absolutePValue`, tolerance);
      }
    }
  }
}

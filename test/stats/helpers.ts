/** Shared helpers of the stats tests: fixture loading and tolerance comparison. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Reads `test/fixtures/stats/<name>` (written by test/reference/stats/generate_reference.*). */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/stats/${name}`, import.meta.url), 'utf8')) as T;
}

/** Relative tolerance for numbers whose math is identical to the reference. */
export const RTOL = 1e-9;

/** |actual − expected| ≤ rtol · max(1, |expected|), with a readable failure message. */
export function expectClose(actual: number | null | undefined, expected: number, label = '', rtol = RTOL): void {
  expect(actual, `${label}: got null/undefined, expected ${expected}`).toBeTypeOf('number');
  const a = actual as number;
  const ok = Math.abs(a - expected) <= rtol * Math.max(1, Math.abs(expected));
  expect(ok, `${label}: ${a} vs ${expected} (rtol ${rtol})`).toBe(true);
}

/**
 * Asserts that a result survives a JSON round trip unchanged: every number is finite (NaN and
 * ±Infinity would turn into null).
 */
export function expectJsonSafe(value: unknown): void {
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number') expect(Number.isFinite(v), `${path} = ${v}`).toBe(true);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(value, '$');
  expect(JSON.parse(JSON.stringify(value))).toEqual(value);
}

/** Fixture shapes. */
export interface FixtureInterval {
  estimate: number;
  ciLower: number;
  ciUpper: number;
}

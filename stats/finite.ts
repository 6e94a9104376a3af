/**
 * Guards that keep NaN and ±Infinity out of every result object (JSON has neither, and the UI must
 * never show them). Results carry `null` instead.
 */

/** True for a finite number (not NaN, not ±Infinity, not a non-number at runtime). */
export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** `x` when finite (−0 normalised to 0, which is what JSON keeps anyway), else `null`. */
export function finiteOrNull(x: number | null | undefined): number | null {
  return isFiniteNumber(x) ? x + 0 : null;
}

/** True when α is a usable two-sided significance level, 0 < α < 1. */
export function isValidAlpha(alpha: unknown): alpha is number {
  return isFiniteNumber(alpha) && alpha > 0 && alpha < 1;
}

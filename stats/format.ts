/**
 * Readable numbers for warning messages and verdict reasons (plain ASCII, no locale surprises:
 * always en-US grouping and a dot as decimal separator).
 */

/** 12345 → "12,345"; non-integers keep up to `digits` decimals. */
export function formatCount(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** A fraction as a signed percentage with one decimal: 0.0432 → "+4.3%", −0.05 → "-5.0%". */
export function formatSignedPercent(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return 'n/a';
  const value = (fraction * 100).toFixed(1);
  return value.startsWith('-') ? `${value}%` : `+${value}%`;
}

/** A fraction as an unsigned percentage with one decimal: 0.015 → "1.5%". */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return 'n/a';
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A signed number with up to 4 significant digits: 0.01234 → "+0.01234", −12.5 → "-12.5". */
export function formatSigned(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  const s = String(Number(x.toPrecision(4)));
  return x >= 0 ? `+${s}` : s;
}

/** "p = 0.0312", "p = 0.24", "p < 0.001" (3 significant digits, never rounded across α). */
export function formatPValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return 'p = n/a';
  if (p < 0.001) return 'p < 0.001';
  return `p = ${String(Number(p.toPrecision(3)))}`;
}

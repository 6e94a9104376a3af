/**
 * Number formatting the way analysts read results: rates and uplifts as signed percentages with
 * their interval ("+4.3% [+1.7%, +6.9%]"), p-values with enough digits near α, and "—" for a
 * number that could not be computed (never NaN).
 */

export const MISSING = '—';

/** A fraction as a percentage: 0.0431 → "4.31%"; `signed` adds "+". */
export function percent(value: number | null | undefined, digits = 2, signed = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  const text = `${(value * 100).toFixed(digits)}%`;
  return signed && value > 0 ? `+${text}` : text;
}

/** A plain number with `digits` significant digits (thousands separated). */
export function number(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(digits - 1);
  const magnitude = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, Math.min(10, digits - 1 - magnitude));
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A signed number ("+1.23"). */
export function signedNumber(value: number | null | undefined, digits = 4): string {
  const text = number(value, digits);
  return value !== null && value !== undefined && Number.isFinite(value) && value > 0 ? `+${text}` : text;
}

/** An integer count with thousands separators. */
export function count(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return Math.round(value).toLocaleString('en-US');
}

/** A p-value: 4 decimals, "<0.0001" below that. */
export function pValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return value < 1e-4 ? '<0.0001' : value.toFixed(4);
}

/** "+4.3% [+1.7%, +6.9%]" for a relative estimate and its CI (fractions). */
export function relativeWithInterval(estimate: number | null, lower: number | null, upper: number | null, digits = 1): string {
  if (estimate === null || !Number.isFinite(estimate)) return MISSING;
  return `${percent(estimate, digits, true)} [${percent(lower, digits, true)}, ${percent(upper, digits, true)}]`;
}

/** Renders rows as an aligned text table; numbers (and "—") right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+<]?[\d.,%e+\-—[\] ]*$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

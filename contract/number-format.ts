/**
 * How numbers, dates and times are written for people — one set of rules for the app's screens
 * (docs/interface.md: every number in JetBrains Mono) and the decision reports (docs/reports.md), so a report reads
 * exactly like the screen it came from. en-US grouping and a dot as decimal separator whatever the
 * machine's locale; `null` and non-finite values are written as an em dash "—". Reports also carry
 * every number unrounded (`data-value` attributes, CSV, JSON): these functions are for reading only.
 */
import type { MetricType } from '../stats/types.ts';

export const DASH = '—';

const grouped = (digits: number) =>
  new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true });
const INT = grouped(0);
const ONE = grouped(1);
const TWO = grouped(2);
const FOUR = grouped(4);

const isNumber = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** A count with thousands separators: 90189 → "90,189" (rounded to an integer). */
export function formatCount(x: number | null | undefined): string {
  return isNumber(x) ? INT.format(Math.round(x) === 0 ? 0 : Math.round(x)) : DASH;
}

/** A rate (fraction) as a percentage with 2 decimals: 0.09736 → "9.74%". */
export function formatRate(fraction: number | null | undefined): string {
  return isNumber(fraction) ? `${TWO.format(fraction * 100)}%` : DASH;
}

/** A plain number: 2 decimals from 1 up (grouped), 4 decimals below: 672.306 → "672.31", 0.12347 → "0.1235". */
export function formatNumber(x: number | null | undefined): string {
  if (!isNumber(x)) return DASH;
  return Math.abs(x) >= 1 ? TWO.format(x) : FOUR.format(x);
}

/** A metric value: rates of binomial metrics as percentages, means of other metrics as numbers. */
export function formatValue(x: number | null | undefined, type: MetricType): string {
  return type === 'binomial' ? formatRate(x) : formatNumber(x);
}

/**
 * Puts the sign of `x` in front of a formatted magnitude: "+" above zero, "-" below, none at
 * exactly zero. The sign follows the unrounded value, so −0.0004 reads "-0.0" (it is a drop).
 */
function signed(text: string, x: number): string {
  const magnitude = text.replace(/^-/, '');
  if (x > 0) return `+${magnitude}`;
  if (x < 0) return `-${magnitude}`;
  return magnitude;
}

/**
 * The absolute difference Δ = mean_v − mean_c: percentage points with 2 decimals for binomial
 * metrics ("+2.66 pp"), a signed number otherwise ("+189.18").
 */
export function formatAbsolute(x: number | null | undefined, type: MetricType): string {
  if (!isNumber(x)) return DASH;
  if (type === 'binomial') return `${signed(TWO.format(x * 100), x)} pp`;
  return signed(formatNumber(x), x);
}

/**
 * A relative uplift (fraction) as a signed percentage with 1 decimal, no grouping (as
 * `toFixed(1)`): 0.0432 → "+4.3%", −0.05 → "-5.0%", 12.5 → "+1250.0%".
 */
export function formatUplift(fraction: number | null | undefined): string {
  if (!isNumber(fraction)) return DASH;
  return `${signed((fraction * 100).toFixed(1), fraction)}%`;
}

/** Uplift with its confidence interval: "+4.3% [+1.7%, +6.9%]". */
export function formatUpliftWithCi(
  estimate: number | null | undefined, lower: number | null | undefined, upper: number | null | undefined,
): string {
  if (!isNumber(estimate)) return DASH;
  return `${formatUplift(estimate)} [${formatUplift(lower)}, ${formatUplift(upper)}]`;
}

/** A p-value with 4 decimals, "<0.0001" below that. */
export function formatPValue(p: number | null | undefined): string {
  if (!isNumber(p)) return DASH;
  if (p < 0.0001) return '<0.0001';
  return p.toFixed(4);
}

/** A fraction as an unsigned percentage with `digits` decimals: 0.1575 → "15.75%". */
export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  if (!isNumber(fraction)) return DASH;
  return `${grouped(digits).format(fraction * 100)}%`;
}

/** Bytes as megabytes (10⁶) with 1 decimal, no unit: 45_100_000 → "45.1". */
export function formatMegabytes(bytes: number | null | undefined): string {
  return isNumber(bytes) ? ONE.format(bytes / 1e6) : DASH;
}

/** The UTC calendar date of an ISO-8601 timestamp: "2026-03-02T00:02:34Z" → "2026-03-02". */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : DASH;
}

/** An ISO-8601 timestamp as "2026-03-02 00:02:34 UTC" (seconds, UTC). */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC` : DASH;
}

/** A duration in days with 1 decimal: "21.0 days". */
export function formatDays(days: number | null | undefined): string {
  if (!isNumber(days)) return DASH;
  return `${ONE.format(days)} ${days === 1 ? 'day' : 'days'}`;
}

/** The raw number for a `data-value` attribute: `String(x)`, or '' for null/undefined. */
export function dataValue(x: number | null | undefined): string {
  return x === null || x === undefined ? '' : String(x);
}

/**
 * The analysis' time series (plain columns, `contract/series.ts`) as the report's points and back
 * to per-variant columns for the charts. A report holds at most a few hundred points (days ×
 * variants), so rows are fine here; NaN becomes `null` in the points so the JSON export stays
 * valid JSON, and `null` becomes NaN again for the charts.
 */
import {
  groupCumulative, groupRetention, type CumulativeColumns, type CumulativeSeries, type RetentionColumns, type RetentionSeries,
} from '../../contract/series.ts';
import type { CumulativePoint, RetentionPoint } from './report-model.ts';

const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);
const nan = (x: number | null): number => x ?? Number.NaN;

/** `cumulativeUplift` columns → points, in the table's order (day, then variant). */
export function cumulativePoints(table: CumulativeColumns): CumulativePoint[] {
  return table.variant.map((variant, i) => ({
    day: finite(table.day[i]) ?? 0,
    variant,
    n: finite(table.n[i]) ?? 0,
    relative: finite(table.relative[i]),
    ciLower: finite(table.ciLower[i]),
    ciUpper: finite(table.ciUpper[i]),
  }));
}

/** `retentionCurve` columns → points (variant, then day k). */
export function retentionPoints(table: RetentionColumns): RetentionPoint[] {
  return table.variant.map((variant, i) => ({
    day: finite(table.day[i]) ?? 0,
    variant,
    mature: finite(table.mature[i]) ?? 0,
    rate: finite(table.rate[i]),
  }));
}

/** The report's cumulative points grouped by variant, as the chart builders take them. */
export function cumulativeSeries(points: readonly CumulativePoint[]): CumulativeSeries {
  return groupCumulative({
    variant: points.map((p) => p.variant),
    day: Float64Array.from(points, (p) => p.day),
    n: Float64Array.from(points, (p) => p.n),
    relative: Float64Array.from(points, (p) => nan(p.relative)),
    ciLower: Float64Array.from(points, (p) => nan(p.ciLower)),
    ciUpper: Float64Array.from(points, (p) => nan(p.ciUpper)),
  });
}

/** The report's retention points grouped by variant, as the chart builders take them. */
export function retentionSeries(points: readonly RetentionPoint[]): RetentionSeries {
  return groupRetention({
    variant: points.map((p) => p.variant),
    day: Float64Array.from(points, (p) => p.day),
    mature: Float64Array.from(points, (p) => p.mature),
    rate: Float64Array.from(points, (p) => nan(p.rate)),
  });
}

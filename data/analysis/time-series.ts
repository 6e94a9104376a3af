/**
 * The experiment screen's series: cumulative relative uplift of the primary metric by exposure
 * day with its CI (sums per variant and day in SQL, cumulated and tested with `stats/`), and the
 * retention curve D0…D30 for event logs. Both are plain typed columns (`contract/series.ts`);
 * they become Arrow IPC only where they cross to the renderer (`data/arrow/series-to-arrow.ts`).
 */
import { addMoments, compareArms, ZERO_SAMPLE_MOMENTS, type MetricType, type SampleMoments } from '../../stats/index.ts';
import { toNumber, type Database } from '../database.ts';
import { assignmentFilter } from '../metrics/filters.ts';
import { analysisContext, type AnalysisContext } from '../metrics/analysis-context.ts';
import { RETENTION_CURVE_DAYS } from '../metrics/mean-metrics.ts';
import { unitSums } from '../metrics/unit-sums.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import type { ExperimentReport } from '../../contract/report.ts';
import type { CumulativeColumns, RetentionColumns } from '../../contract/series.ts';

const DAY_MS = 86_400_000;
export { RETENTION_CURVE_DAYS };

/** Typed arrays hold no null: a missing number is NaN (contract/series.ts). */
const nanForNull = (x: number | null | undefined): number => x ?? Number.NaN;

interface DailySums {
  readonly variant: string;
  readonly day: number;
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

async function dailySums(db: Database, report: ExperimentReport, settings: AnalysisSettings, context?: AnalysisContext): Promise<DailySums[]> {
  const metric = report.primaryMetric;
  if (!metric) return [];
  const filter = assignmentFilter(settings, report.experimentId);
  let rows: Record<string, unknown>[];
  if (report.source === 'events') {
    // The sums of the units that the analysis which produced `report` selected, per day of exposure.
    const metricName = metric === 'conversion' || metric === 'revenue_per_user' || metric === 'orders_per_user' ? metric : null;
    if (!metricName) return [];
    const source = await unitSums(context ?? await analysisContext(db, settings), report.experimentId);
    rows = await db.query(`
      SELECT variant_id AS variant, t0_day AS day, sum(n) AS n, sum(${metricName}__sum) AS sum, sum(${metricName}__sum2) AS sum2
      FROM ${source.sql} GROUP BY ALL ORDER BY day`, source.params);
  } else {
    rows = await db.query(`
      SELECT a.variant_id AS variant, epoch_ms(date_trunc('day', a.t0)) AS day, count(*) AS n,
             sum(v.value) AS sum, sum(v.value * v.value) AS sum2
      FROM assignments a JOIN unit_values v ON v.file_id = a.file_id AND v.line = a.line AND v.column_name = $metric
      WHERE a.source = 'unit_table' AND a.variant_id IS NOT NULL AND a.t0 IS NOT NULL AND ${filter.sql}
      GROUP BY ALL ORDER BY day`, { ...filter.params, metric });
  }
  return rows.map((r) => ({
    variant: String(r.variant), day: toNumber(r.day)!, n: toNumber(r.n)!, sum: toNumber(r.sum)!, sumSquares: toNumber(r.sum2)!,
  }));
}

/**
 * Cumulative uplift of the primary metric: for each exposure day (UTC) and treatment, the
 * comparison with control over all units exposed up to the end of that day.
 * Columns: day (epoch ms of the end of the day), variant, n (treatment units so far), relative,
 * ciLower, ciUpper (NaN where not computable). `context`: the request's analysis context for
 * `settings` (`data/metrics/analysis-context.ts`), opened here when absent.
 */
export async function cumulativeUplift(
  db: Database, report: ExperimentReport, settings: AnalysisSettings, context?: AnalysisContext,
): Promise<CumulativeColumns> {
  const sums = await dailySums(db, report, settings, context);
  const type = report.metrics.find((m) => m.name === report.primaryMetric)?.type;
  const days = [...new Set(sums.map((s) => s.day))].sort((a, b) => a - b);
  const out = { day: [] as number[], variant: [] as string[], n: [] as number[], relative: [] as (number | null)[], ciLower: [] as (number | null)[], ciUpper: [] as (number | null)[] };
  if (type === 'binomial' || type === 'continuous') {
    const running = new Map<string, SampleMoments>();
    for (const day of days) {
      // Each day's sums add to the running moments of its variant (stats/add-moments.ts).
      for (const { variant, n, sum, sumSquares } of sums.filter((x) => x.day === day)) {
        running.set(variant, addMoments(running.get(variant) ?? ZERO_SAMPLE_MOMENTS, { n, sum, sumSquares }));
      }
      const control = running.get(report.control);
      if (!control) continue;
      for (const variant of report.variants.slice(1)) {
        const treatment = running.get(variant);
        if (!treatment) continue;
        const c = compareArms(type as Exclude<MetricType, 'ratio'>, { variant: report.control, moments: control }, { variant, moments: treatment }, { alpha: settings.alpha });
        out.day.push(day + DAY_MS - 1);
        out.variant.push(variant);
        out.n.push(treatment.n);
        out.relative.push(c.relative.estimate);
        out.ciLower.push(c.relative.ciLower);
        out.ciUpper.push(c.relative.ciUpper);
      }
    }
  }
  return {
    day: Float64Array.from(out.day),
    variant: out.variant,
    n: Float64Array.from(out.n),
    relative: Float64Array.from(out.relative, nanForNull),
    ciLower: Float64Array.from(out.ciLower, nanForNull),
    ciUpper: Float64Array.from(out.ciUpper, nanForNull),
  };
}

/**
 * Retention curve D0…D30 of an event-log experiment: per variant and day k, the mature units
 * (t0 + (k+1) days ≤ end of data) and the share of them with any event in [t0 + k, t0 + k + 1).
 * Columns: day (k), variant, mature, rate (NaN when no unit is mature). Empty for unit tables.
 * `context` as for {@link cumulativeUplift}.
 */
export async function retentionCurve(
  db: Database, report: ExperimentReport, settings: AnalysisSettings, context?: AnalysisContext,
): Promise<RetentionColumns> {
  let rows: Record<string, unknown>[] = [];
  if (report.source === 'events') {
    // Per day k: the mature units and, of them, those active on day k (unit-metrics-build.ts).
    const source = await unitSums(context ?? await analysisContext(db, settings), report.experimentId);
    const days = Array.from({ length: RETENTION_CURVE_DAYS }, (_, k) => k);
    const sums = await db.query(`
      SELECT variant_id AS variant,
        ${days.map((k) => `coalesce(sum(n) FILTER (WHERE mature_days > ${k}), 0) AS m${k}, coalesce(sum(b${k}) FILTER (WHERE mature_days > ${k}), 0) AS r${k}`).join(', ')}
      FROM ${source.sql} GROUP BY variant_id ORDER BY variant_id`, source.params);
    // Days with no mature unit are left out, as before.
    rows = sums.flatMap((r) => days.filter((k) => toNumber(r[`m${k}`])! > 0)
      .map((k) => ({ variant: r.variant, day: k, mature: r[`m${k}`], retained: r[`r${k}`] })));
  }
  return {
    day: Float64Array.from(rows, (r) => nanForNull(toNumber(r.day))),
    variant: rows.map((r) => String(r.variant)),
    mature: Float64Array.from(rows, (r) => nanForNull(toNumber(r.mature))),
    rate: Float64Array.from(rows, (r) => (toNumber(r.mature)! > 0 ? toNumber(r.retained)! / toNumber(r.mature)! : Number.NaN)),
  };
}

/** `user_segment` values among the experiment's first exposures (for the segment filter). */
export async function experimentSegments(db: Database, experimentId: string): Promise<string[]> {
  const rows = await db.query<{ segment: string }>(
    `SELECT DISTINCT segment FROM assignments WHERE experiment_id = $e AND segment IS NOT NULL ORDER BY segment`, { e: experimentId });
  return rows.map((r) => r.segment);
}

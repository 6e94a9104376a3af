/**
 * The per-unit values of the event-log metrics (docs/analysis-definitions.md, "Event-log
 * metrics"), built from the event log and its assignments into the table `analysis_unit_metrics`,
 * and the cube of their sums `analysis_unit_cube` — so that an analysis, and every re-analysis
 * with a new filter, α or CUPED setting, aggregates about one row per (experiment, unit), or a few
 * hundred groups, instead of joining the event log again. When they are rebuilt is
 * `analysis-context.ts`'s business; how they are summed, `unit-sums.ts`'s.
 *
 * One row per analysed (experiment, unit) of the event log (multiple exposures excluded), every
 * unit regardless of filters (filters only select units): `t0`, `segment`, and per unit
 * `converted`, `orders`, `revenue` (conversions from t0 to the end of the data, or within each
 * metric's window), `funnel_depth` (funnel steps reached in order), their pre-period
 * counterparts over [t0 − P days, t0), `pre_active` (any event in the pre-period) and
 * `active_days`, a bit mask whose bit k is set when the unit has an event in
 * [t0 + k days, t0 + (k + 1) days), k = 0…30 — retention D1, D7 and the D0–D30 curve.
 *
 * The cube pre-aggregates per (experiment, variant, segment, UTC day of t0, mature days) every
 * additive sum the analysis needs (counts, Σy, Σy², CUPED's Σx, Σx², Σxy per metric, the
 * retention curve's retained counts per day).
 */
import { listValue } from '@duckdb/node-api';
import { toNumber, type Database } from '../database.ts';
import { EXPOSURE_ATTRIBUTES, type AnalysisSettings, type WindowedMetric } from '../../contract/settings.ts';
import { buildFunnelDepths, FUNNEL_DEPTH_TABLE } from './funnel-depths.ts';
import { ACTIVE_DAY_BITS, DAY_US, meanMetrics, RETENTION_CURVE_DAYS, unitSumsSql, type MeanMetricDefinition } from './mean-metrics.ts';

/** The table with one row per analysed (experiment, unit). */
export const UNIT_METRICS_TABLE = 'analysis_unit_metrics';
/** The table of sums per (experiment, variant, segment, day of exposure). */
export const UNIT_CUBE_TABLE = 'analysis_unit_cube';

/**
 * Events later than the end of the exposure period + max(the retention curve's days, the longest
 * metric window) + these days lie far outside the period: they are left out of the metrics and do
 * not define the end of the data (docs/analysis-definitions.md, "data_end").
 */
export const LATE_EVENT_GRACE_DAYS = 90;

/** Per experiment, what does not depend on the filters (from `assignments`). */
export interface ExperimentTotals {
  /** Units excluded because they saw several variants. */
  readonly multipleExposures: number;
  /** All units seen, before exclusion. */
  readonly totalUnits: number;
  /** Earliest exposure, ISO-8601 UTC, or null. */
  readonly firstExposure: string | null;
}

/** Events far after the exposure period ({@link LATE_EVENT_GRACE_DAYS}), left out of the metrics. */
export interface LateEvents {
  /** How many. */
  readonly count: number;
  /** The limit they are later than, ISO-8601 UTC. */
  readonly after: string;
  /** The latest of them, ISO-8601 UTC. */
  readonly latest: string;
}

/** What the analysis needs besides the tables: the data's end, late events, controls, totals, the funnel. */
export interface UnitMetricsCache {
  /**
   * Latest timestamp of an accepted event that is not far after the exposure period (`data_end`,
   * docs/analysis-definitions.md), ISO-8601 UTC, or null without events.
   */
  readonly dataEnd: string | null;
  /** The events left out for lying far after the exposure period, or null when there are none. */
  readonly lateEvents: LateEvents | null;
  /** Variants marked `is_control` on an exposure, per experiment. */
  readonly markedControls: ReadonlyMap<string, ReadonlySet<string>>;
  /** Event-log experiments, in id order. */
  readonly experiments: ReadonlyMap<string, ExperimentTotals>;
  /** The funnel's steps when every one occurs among the events, else empty (no funnel metrics). */
  readonly funnel: readonly string[];
  /** The mean metrics the tables hold ({@link meanMetrics} of `funnel`). */
  readonly metrics: readonly MeanMetricDefinition[];
}

/**
 * Builds `analysis_unit_metrics` and `analysis_unit_cube` for `settings` from `events` and the
 * event log's `assignments` (see the module comment), and returns the per-experiment values that
 * go with them. Writes tables: run it with its threads fitted to the memory limit.
 * @throws Error for database failures (e.g. out of memory; docs/import.md, "Memory").
 */
export async function buildUnitMetrics(db: Database, settings: AnalysisSettings): Promise<UnitMetricsCache> {
  const steps = settings.funnelSteps;
  // The end of the exposure period: per event-log experiment, the 99th percentile of its units'
  // first exposures (so that one stray exposure does not move it), the latest over experiments.
  const exposureEnd = (await db.query<{ end_us: bigint | null }>(`
    SELECT epoch_us(max(q)) AS end_us
    FROM (SELECT quantile_disc(t0, 0.99) AS q FROM assignments WHERE source = 'events' AND t0 IS NOT NULL GROUP BY experiment_id)`))[0]!.end_us;
  const horizonDays = Math.max(RETENTION_CURVE_DAYS, ...Object.values(settings.metricWindowDays)) + LATE_EVENT_GRACE_DAYS;
  const cutoffUs = exposureEnd === null ? null : BigInt(exposureEnd) + BigInt(Math.ceil(horizonDays)) * BigInt(DAY_US);
  const inPeriod = '(CAST($cutoff AS BIGINT) IS NULL OR ts <= make_timestamptz(CAST($cutoff AS BIGINT)))';
  const end = (await db.query<{ data_end: unknown; end_us: bigint | null; late: bigint; latest: unknown; funnel_events: bigint }>(`
    SELECT max(ts) FILTER (WHERE ${inPeriod}) AS data_end, epoch_us(max(ts) FILTER (WHERE ${inPeriod})) AS end_us,
      count(*) FILTER (WHERE NOT ${inPeriod}) AS late, max(ts) FILTER (WHERE NOT ${inPeriod}) AS latest,
      ${steps.length > 0 ? 'count(DISTINCT event_name) FILTER (WHERE list_contains($funnel, event_name))' : '0'} AS funnel_events
    FROM events`, { cutoff: cutoffUs, ...(steps.length > 0 ? { funnel: listValue([...steps]) } : {}) }))[0]!;
  const lateCount = toNumber(end.late)!;
  const lateEvents = lateCount > 0 && cutoffUs !== null
    ? { count: lateCount, after: new Date(Number(cutoffUs / 1000n)).toISOString(), latest: isoOrNull(end.latest)! }
    : null;
  const funnel = steps.length > 0 && toNumber(end.funnel_events) === steps.length ? [...steps] : [];
  const metrics = meanMetrics(funnel);
  // Per-metric windows (docs/analysis-definitions.md), in µs after t0; NULL: until the end of the data.
  const windowUs = (metric: WindowedMetric): bigint | null => {
    const days = settings.metricWindowDays[metric];
    return days === undefined ? null : BigInt(Math.round(days * Number(DAY_US)));
  };
  const within = (metric: string): string => `d >= 0 AND (CAST($w_${metric} AS BIGINT) IS NULL OR d < CAST($w_${metric} AS BIGINT))`;
  if (funnel.length > 0) await buildFunnelDepths(db, funnel, settings.cupedPrePeriodDays, windowUs('funnel'), end.end_us);
  // The event log is joined once with the assignments on the unit; each event is then placed
  // relative to its unit's t0 in whole microseconds, d = ts − t0 (exact: TIMESTAMPTZ counts
  // microseconds and a day is 86,400 s in UTC): day k = ⌊d / 1 day⌋ is exactly
  // ts ∈ [t0 + k days, t0 + (k + 1) days). Aggregating by the assignment's row id, integer
  // arithmetic and sums of doubles (cents are integers: exact below 2^53) keep the pass cheap.
  // `mature_days` counts the days k with t0 + (k + 1) days ≤ data_end, `t0_day` is the UTC day of
  // t0 (epoch ms). Events after data_end (far after the exposure period) are left out.
  // Three statements, not one: each holds at most one aggregate's hash table or one join's build
  // side, so the build needs a quarter of the memory (measured: one statement ran out of memory at
  // 256 MiB on 10M events, these pass at 128 MiB), and DuckDB spills each on its own.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE ${FIRST_EXPOSURE_TABLE} AS
    SELECT experiment_id, user_id,
      arg_min(struct_pack(${EXPOSURE_ATTRIBUTES.map((c) => `${c} := ${c}`).join(', ')}), ts) AS attributes
    FROM events
    WHERE list_contains($exposure, event_name) AND experiment_id IS NOT NULL AND variant_id IS NOT NULL
    GROUP BY experiment_id, user_id`, { exposure: listValue([...settings.exposureEvents]) });
  await db.run(`
    CREATE OR REPLACE TEMP TABLE ${UNIT_SUMS_TABLE} AS
    WITH a AS (
      SELECT rowid AS pair, unit_id, epoch_us(t0) AS t0_us
      FROM assignments WHERE source = 'events' AND variant_id IS NOT NULL
    ),
    joined AS (
      SELECT a.pair, e.is_conversion, e.revenue_cents, e.ts_us - a.t0_us AS d
      FROM a JOIN (
        SELECT user_id, epoch_us(ts) AS ts_us, list_contains($conversion, event_name) AS is_conversion,
               CAST(coalesce(revenue_cents, 0) AS DOUBLE) AS revenue_cents
        FROM events WHERE ts <= make_timestamptz(CAST($end_us AS BIGINT))
      ) e ON e.user_id = a.unit_id AND e.ts_us >= a.t0_us - CAST($pre AS BIGINT) * ${DAY_US}
    )
    SELECT pair,
      count_if(is_conversion AND ${within('conversion')}) AS conversions,
      count_if(is_conversion AND ${within('orders_per_user')}) AS orders,
      sum(CASE WHEN is_conversion AND ${within('revenue_per_user')} THEN revenue_cents ELSE 0 END) AS revenue,
      count_if(is_conversion AND d < 0) AS pre_orders,
      sum(CASE WHEN is_conversion AND d < 0 THEN revenue_cents ELSE 0 END) AS pre_revenue,
      min(d) AS first_d,
      bit_or(CASE WHEN d >= 0 AND d < ${ACTIVE_DAY_BITS} * ${DAY_US} THEN CAST(1 AS BIGINT) << (d // ${DAY_US}) ELSE 0 END) AS active_days
    FROM joined GROUP BY pair`,
  {
    conversion: listValue([...settings.conversionEvents]), pre: settings.cupedPrePeriodDays, end_us: end.end_us,
    w_conversion: windowUs('conversion'), w_orders_per_user: windowUs('orders_per_user'), w_revenue_per_user: windowUs('revenue_per_user'),
  });
  await db.run(`
    CREATE OR REPLACE TABLE ${UNIT_METRICS_TABLE} AS
    WITH a AS (
      SELECT rowid AS pair, experiment_id, unit_id, variant_id, t0, segment, epoch_us(t0) AS t0_us
      FROM assignments WHERE source = 'events' AND variant_id IS NOT NULL
    )
    SELECT a.experiment_id, a.variant_id, a.t0, a.segment,
      (coalesce(u.conversions, 0) > 0)::INTEGER AS converted, coalesce(u.orders, 0)::DOUBLE AS orders,
      coalesce(u.revenue, 0)::DOUBLE AS revenue,
      (coalesce(u.pre_orders, 0) > 0)::INTEGER AS pre_converted, coalesce(u.pre_orders, 0)::DOUBLE AS pre_orders,
      coalesce(u.pre_revenue, 0)::DOUBLE AS pre_revenue, coalesce(u.first_d < 0, FALSE)::INTEGER AS pre_active,
      coalesce(u.active_days, 0) AS active_days,
      ${funnel.length > 0 ? 'coalesce(fd.depth, 0)' : '0'} AS funnel_depth, ${funnel.length > 0 ? 'coalesce(fd.pre_depth, 0)' : '0'} AS pre_funnel_depth,
      CAST(($end_us - a.t0_us) // ${DAY_US} AS INTEGER) AS mature_days, a.t0_us // ${DAY_US} * 86400000 AS t0_day,
      ${EXPOSURE_ATTRIBUTES.map((c) => `x.attributes.${c} AS exposure_${c}`).join(', ')}
    FROM a LEFT JOIN ${UNIT_SUMS_TABLE} u USING (pair)
      LEFT JOIN ${FIRST_EXPOSURE_TABLE} x ON x.experiment_id = a.experiment_id AND x.user_id = a.unit_id ${funnel.length > 0 ? `LEFT JOIN ${FUNNEL_DEPTH_TABLE} fd USING (pair)` : ''}`,
  { end_us: end.end_us });
  await db.run(`DROP TABLE ${UNIT_SUMS_TABLE}`);
  await db.run(`DROP TABLE ${FIRST_EXPOSURE_TABLE}`);
  await db.run(`DROP TABLE IF EXISTS ${FUNNEL_DEPTH_TABLE}`);
  await db.run(`
    CREATE OR REPLACE TABLE ${UNIT_CUBE_TABLE} AS
    SELECT experiment_id, variant_id, segment, t0_day, mature_days, ${unitSumsSql(metrics)}
    FROM ${UNIT_METRICS_TABLE} GROUP BY ALL ORDER BY ALL`);
  const marked = await db.query<{ experiment_id: string; variant_id: string }>(`
    SELECT DISTINCT experiment_id, variant_id FROM events
    WHERE is_control AND experiment_id IS NOT NULL AND variant_id IS NOT NULL AND list_contains($exposure, event_name)`,
  { exposure: listValue([...settings.exposureEvents]) });
  const markedControls = new Map<string, Set<string>>();
  for (const row of marked) {
    const set = markedControls.get(row.experiment_id) ?? new Set<string>();
    set.add(row.variant_id);
    markedControls.set(row.experiment_id, set);
  }
  const totals = await db.query<{ experiment_id: string; multiple: bigint; total: bigint; first: unknown }>(`
    SELECT experiment_id, count(*) FILTER (WHERE variant_id IS NULL) AS multiple, count(*) AS total, min(t0) AS first
    FROM assignments WHERE source = 'events' GROUP BY experiment_id ORDER BY experiment_id`);
  const experiments = new Map(totals.map((r) => [r.experiment_id, {
    multipleExposures: toNumber(r.multiple)!, totalUnits: toNumber(r.total)!, firstExposure: isoOrNull(r.first),
  }]));
  return { dataEnd: isoOrNull(end.data_end), lateEvents, markedControls, experiments, funnel, metrics };
}

/** A DuckDB timestamp value (Date or text) as ISO-8601 UTC; null stays null. */
export function isoOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  const parsed = new Date(text.replace(' ', 'T').replace(/\+00$/, 'Z'));
  return Number.isNaN(parsed.getTime()) ? text : parsed.toISOString();
}

/** Temp tables of the per-unit build: each unit's first exposure attributes, and its event sums by `pair`. */
const FIRST_EXPOSURE_TABLE = 'analysis_first_exposure';
const UNIT_SUMS_TABLE = 'analysis_unit_sums';


/**
 * The per-unit values of the event-log metrics (docs/analysis-definitions.md, docs/analysis-definitions.md), computed
 * once per state of the data and kept in the table `analysis_unit_metrics`, so that an
 * analysis — and every re-analysis with a new filter, α or CUPED setting — aggregates about one
 * row per (experiment, unit) instead of joining the event log again.
 *
 * One row per analysed (experiment, unit) of the event log (multiple exposures excluded), every
 * unit regardless of filters (filters only select units): `t0`, `segment`, and per unit
 * `converted`, `orders`, `revenue` (conversions from t0 to the end of the data, or within each
 * metric's window), `funnel_depth` (funnel steps reached in order), their pre-period
 * counterparts over [t0 − P days, t0), `pre_active` (any event in the pre-period) and
 * `active_days`, a bit mask whose bit k is set when the unit has an event in
 * [t0 + k days, t0 + (k + 1) days), k = 0…30 — retention D1, D7 and the D0–D30 curve.
 *
 * From it, `analysis_unit_cube` pre-aggregates per (experiment, variant, segment, UTC day of t0)
 * every additive sum the analysis needs (counts, Σy, Σy², CUPED's Σx, Σx², Σxy per metric, the
 * retention curve's mature and retained counts per day). The filters of docs/analysis-definitions.md — experiment,
 * segment and an exposure-date range — select whole groups when the range starts and ends at UTC
 * midnight (dates), so an analysis then sums a few hundred rows; a range with a time of day falls
 * back to the units. The sums are of integers (counts, cents), so both give the same numbers.
 *
 * The tables are persistent, so that an analysis in a new session (the app reopened on a large
 * database) reads them instead of joining the event log again; the one row of `analysis_cache`
 * says what they were built from. They are rebuilt when the imported files change (count, last
 * id, rows accepted), when the settings they depend on change (conversion and exposure events,
 * pre-period length) or when this module's {@link CACHE_FORMAT} changes.
 */
import { listValue } from '@duckdb/node-api';
import { toNumber, withRowGroupThreads, type Database } from '../database.ts';
import { ensureEventAssignments } from '../import/assignments.ts';
import { EXPOSURE_ATTRIBUTES, type AnalysisSettings, type ExposureAttribute, type WindowedMetric } from '../../contract/settings.ts';

/** The table with one row per analysed (experiment, unit). */
export const UNIT_METRICS_TABLE = 'analysis_unit_metrics';
/** The table of sums per (experiment, variant, segment, day of exposure). */
export const UNIT_CUBE_TABLE = 'analysis_unit_cube';
/** Bits of `active_days`: days 0 … 30 after exposure. */
export const ACTIVE_DAY_BITS = 31;
const DAY_US = 86_400_000_000;
/** Bumped whenever the SQL below changes what the tables hold: older persisted tables are rebuilt. */
export const CACHE_FORMAT = 4;

/** Retention days reported as metrics (docs/analysis-definitions.md: D1 and D7). */
export const RETENTION_DAYS = [1, 7] as const;
/** Retention curve length: D0 … D30. */
export const RETENTION_CURVE_DAYS = ACTIVE_DAY_BITS;

/**
 * Events later than the end of the exposure period + max(the retention curve's days, the longest
 * metric window) + these days lie far outside the period: they are left out of the metrics and do
 * not define the end of the data (docs/analysis-definitions.md, "data_end").
 */
export const LATE_EVENT_GRACE_DAYS = 90;

/** A mean metric of the event log over the per-unit table. */
export interface MeanMetricDefinition {
  readonly name: string;
  /** Prefix of its sums' SQL column names (the name itself unless that is not an identifier). */
  readonly column: string;
  readonly type: 'binomial' | 'continuous';
  /** SQL of the per-unit value over a row of the unit table. */
  readonly y: string;
  /** SQL of the pre-period covariate. */
  readonly x: string;
  /** SQL that is TRUE for units that count (retention maturity), or null for all units. */
  readonly eligible: string | null;
  readonly retentionDay: number | null;
  /** Funnel step s (1-based) and its event name, for funnel metrics. */
  readonly funnelStep: { readonly index: number; readonly event: string } | null;
}

/** The mean metrics in report order (`aov`, a ratio, follows `orders_per_user` in the report). */
export const MEAN_METRICS: readonly MeanMetricDefinition[] = [
  { name: 'conversion', column: 'conversion', type: 'binomial', y: 'converted', x: 'pre_converted', eligible: null, retentionDay: null, funnelStep: null },
  { name: 'revenue_per_user', column: 'revenue_per_user', type: 'continuous', y: 'revenue', x: 'pre_revenue', eligible: null, retentionDay: null, funnelStep: null },
  { name: 'orders_per_user', column: 'orders_per_user', type: 'continuous', y: 'orders', x: 'pre_orders', eligible: null, retentionDay: null, funnelStep: null },
  ...RETENTION_DAYS.map((k) => ({
    name: `retention_d${k}`, column: `retention_d${k}`, type: 'binomial' as const, y: activeOnDaySql(k), x: 'pre_active',
    eligible: matureOnDaySql(k), retentionDay: k, funnelStep: null,
  })),
];

/**
 * The mean metrics with the funnel's: step s is `funnel_<s>_<event>`, a binomial metric whose
 * per-unit value is 1 when the unit reached steps 1 … s in order after t0 (`funnel_depth ≥ s`),
 * and whose CUPED covariate is the same over the pre-period (`pre_funnel_depth ≥ s`).
 */
export function meanMetrics(funnel: readonly string[]): MeanMetricDefinition[] {
  return [...MEAN_METRICS, ...funnel.map((event, i) => ({
    name: `funnel_${i + 1}_${event}`, column: `funnel_${i + 1}`, type: 'binomial' as const,
    y: `(funnel_depth >= ${i + 1})::INTEGER`, x: `(pre_funnel_depth >= ${i + 1})::INTEGER`, eligible: null, retentionDay: null,
    funnelStep: { index: i + 1, event },
  }))];
}

/**
 * The additive sums of a set of units, as SQL aggregates over the unit table: `n`; per mean metric
 * (by its `column`) `<column>__n`, `__sum`, `__sum2`, `__x`, `__x2`, `__xy`; `aov__numden` (Σ revenue · orders); per
 * retention-curve day k, `b<k>` (units active on day k). Grouped with `mature_days`, so that the
 * curve's mature units on day k are the groups' `n` where `mature_days > k`.
 */
function unitSumsSql(definitions: readonly MeanMetricDefinition[]): string {
  const metrics = definitions.map((m) => {
    const f = m.eligible ? ` FILTER (WHERE ${m.eligible})` : '';
    const c = m.column;
    return `count(*)${f} AS ${c}__n, coalesce(sum(${m.y})${f}, 0)::DOUBLE AS ${c}__sum,
            coalesce(sum((${m.y}) * (${m.y}))${f}, 0)::DOUBLE AS ${c}__sum2,
            coalesce(sum(${m.x})${f}, 0)::DOUBLE AS ${c}__x, coalesce(sum((${m.x}) * (${m.x}))${f}, 0)::DOUBLE AS ${c}__x2,
            coalesce(sum((${m.x}) * (${m.y}))${f}, 0)::DOUBLE AS ${c}__xy`;
  });
  // Within a group, maturity is one value (`mature_days` is a grouping column): the curve needs
  // only how many units were active on each day.
  const curve = Array.from({ length: RETENTION_CURVE_DAYS }, (_, k) => `sum(${activeOnDaySql(k)}) AS b${k}`);
  return ['count(*) AS n', ...metrics, 'coalesce(sum(revenue * orders), 0)::DOUBLE AS aov__numden', ...curve].join(',\n');
}

/**
 * SQL of the sums per (experiment_id, variant_id, segment, t0_day, mature_days) of the units that the filters of
 * `settings` (and `experimentId`) select — from the cube when it can answer exactly (an exposure
 * range with UTC-midnight bounds), else aggregated from the units — with its parameters.
 */
export async function unitSums(
  db: Database, settings: AnalysisSettings, experimentId: string | null,
): Promise<{ sql: string; params: Record<string, string | null> }> {
  const cache = await unitMetrics(db, settings);
  const exposureFilters = Object.entries(settings.exposureFilters) as [ExposureAttribute, string][];
  const params: Record<string, string | null> = {
    from: settings.exposureFrom ?? null, to: settings.exposureTo ?? null, segment: settings.segment ?? null, experiment: experimentId,
    ...Object.fromEntries(exposureFilters.map(([column, value]) => [`x_${column}`, value])),
  };
  const aligned = exposureFilters.length === 0 && (await db.query<{ ok: boolean | null }>(`
    SELECT ($from IS NULL OR epoch_us(CAST($from AS TIMESTAMPTZ)) % ${DAY_US} = 0)
       AND ($to IS NULL OR epoch_us(CAST($to AS TIMESTAMPTZ)) % ${DAY_US} = 0) AS ok`, { from: params.from ?? null, to: params.to ?? null }))[0]!.ok;
  const common = `($segment IS NULL OR a.segment = $segment) AND ($experiment IS NULL OR a.experiment_id = $experiment)`;
  if (aligned) {
    return {
      sql: `(SELECT * FROM ${UNIT_CUBE_TABLE} a
             WHERE ($from IS NULL OR a.t0_day >= epoch_ms(CAST($from AS TIMESTAMPTZ)))
               AND ($to IS NULL OR a.t0_day < epoch_ms(CAST($to AS TIMESTAMPTZ))) AND ${common})`,
      params,
    };
  }
  // Column names come from EXPOSURE_ATTRIBUTES (the settings schema's enum), values are parameters.
  const byExposure = exposureFilters.map(([column]) => ` AND a.exposure_${column} = $x_${column}`).join('');
  return {
    sql: `(SELECT experiment_id, variant_id, segment, t0_day, mature_days, ${unitSumsSql(cache.metrics)} FROM ${UNIT_METRICS_TABLE} a
           WHERE ($from IS NULL OR a.t0 >= CAST($from AS TIMESTAMPTZ)) AND ($to IS NULL OR a.t0 < CAST($to AS TIMESTAMPTZ))
             AND ${common}${byExposure}
           GROUP BY ALL)`,
    params,
  };
}

/**
 * Per exposure attribute, its distinct values (sorted, at most `limit`) among the analysed units of
 * `experimentId` — the choices of the experiment screen's filters. Attributes without values are left out.
 */
export async function exposureAttributeValues(
  db: Database, settings: AnalysisSettings, experimentId: string, limit = 50,
): Promise<Partial<Record<ExposureAttribute, string[]>>> {
  await unitMetrics(db, settings);
  const row = (await db.query<Record<string, string[] | null>>(`
    SELECT ${EXPOSURE_ATTRIBUTES.map((c) => `list(DISTINCT exposure_${c}) FILTER (WHERE exposure_${c} IS NOT NULL) AS ${c}`).join(', ')}
    FROM ${UNIT_METRICS_TABLE} WHERE experiment_id = $experiment`, { experiment: experimentId }))[0] ?? {};
  const values: Partial<Record<ExposureAttribute, string[]>> = {};
  for (const column of EXPOSURE_ATTRIBUTES) {
    const list = (row[column] ?? []).map(String).sort().slice(0, limit);
    if (list.length > 0) values[column] = list;
  }
  return values;
}

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

interface Entry extends UnitMetricsCache {
  readonly key: string;
}

const caches = new WeakMap<Database, Entry>();

/** What the cached values depend on: the imported files and the metric settings. */
async function cacheKey(db: Database, settings: AnalysisSettings): Promise<string> {
  const files = (await db.query<{ n: bigint; last: number | null; accepted: bigint | null }>(
    `SELECT count(*) AS n, max(file_id) AS last, sum(rows_accepted) AS accepted FROM files`))[0]!;
  return JSON.stringify({
    format: CACHE_FORMAT,
    files: [toNumber(files.n), files.last, toNumber(files.accepted)],
    conversion: [...settings.conversionEvents].sort(),
    exposure: [...settings.exposureEvents].sort(),
    pre: settings.cupedPrePeriodDays,
    funnel: settings.funnelSteps,
    windows: Object.fromEntries(Object.entries(settings.metricWindowDays).sort()),
  });
}

/**
 * Makes sure `analysis_unit_metrics` and `analysis_unit_cube` hold the per-unit values and sums
 * for the current data and `settings` — kept from this session, persisted by an earlier one, or
 * built now — and returns what else the frames need.
 */
export async function unitMetrics(db: Database, settings: AnalysisSettings): Promise<UnitMetricsCache> {
  // The assignments follow the exposure events of these settings, not those of the import.
  await ensureEventAssignments(db, settings.exposureEvents);
  const key = await cacheKey(db, settings);
  const cached = caches.get(db);
  if (cached && cached.key === key) return cached;
  caches.delete(db);
  const persisted = await db.query<{ summary: string }>('SELECT summary FROM analysis_cache WHERE key = $key', { key });
  if (persisted.length === 1) {
    const entry = { key, ...summaryFromJson(String(persisted[0]!.summary)) };
    caches.set(db, entry);
    return entry;
  }
  // The build writes tables: its threads each hold a row group, fitted to the memory limit.
  const entry = await withRowGroupThreads(db, () => buildUnitMetrics(db, settings, key));
  caches.set(db, entry);
  return entry;
}

/** Builds the per-unit table and the cube for `settings` (see the module comment); `key` is their cache key. */
async function buildUnitMetrics(db: Database, settings: AnalysisSettings, key: string): Promise<Entry> {
  // Tables half-built by an interrupted session are never taken for current: the state row goes
  // first and comes back last.
  await db.run('DELETE FROM analysis_cache');
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
  const entry: Entry = { key, dataEnd: isoOrNull(end.data_end), lateEvents, markedControls, experiments, funnel, metrics };
  await db.run('INSERT INTO analysis_cache (key, summary) VALUES ($key, $summary)', { key, summary: summaryToJson(entry) });
  caches.set(db, entry);
  return entry;
}

function summaryToJson(cache: UnitMetricsCache): string {
  return JSON.stringify({
    dataEnd: cache.dataEnd,
    lateEvents: cache.lateEvents,
    markedControls: [...cache.markedControls].map(([experiment, variants]) => [experiment, [...variants]]),
    experiments: [...cache.experiments],
    funnel: cache.funnel,
  });
}

function summaryFromJson(json: string): UnitMetricsCache {
  const parsed = JSON.parse(json) as {
    dataEnd: string | null; lateEvents: LateEvents | null; markedControls: [string, string[]][]; experiments: [string, ExperimentTotals][];
    funnel: string[];
  };
  return {
    dataEnd: parsed.dataEnd,
    lateEvents: parsed.lateEvents,
    markedControls: new Map(parsed.markedControls.map(([experiment, variants]) => [experiment, new Set(variants)])),
    experiments: new Map(parsed.experiments),
    funnel: parsed.funnel,
    metrics: meanMetrics(parsed.funnel),
  };
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

/** Temp tables of the funnel walk: its step events per analysed unit, then each unit's depths. */
const FUNNEL_EVENTS_TABLE = 'analysis_funnel_events';
const FUNNEL_DEPTH_TABLE = 'analysis_funnel_depth';

/**
 * Fills the temp table `analysis_funnel_depth (pair, depth, pre_depth)`: per analysed (experiment,
 * unit) — `pair`, the row id in `assignments` — how many steps of `funnel` it reached in order at
 * or after t0 (and before t0 + `windowUs`, when given), and over the pre-period [t0 − P days, t0)
 * (the CUPED covariate); events after `endUs` (data_end) are left out. Step by step, the
 * earliest event of step k at or after the unit's step k − 1 event: the greedy walk, which finds the
 * deepest ordered sequence (equal times count as in order). Joins and aggregates only, so DuckDB
 * can spill them; a unit absent from the table reached no step.
 */
async function buildFunnelDepths(
  db: Database, funnel: readonly string[], prePeriodDays: number, windowUs: bigint | null, endUs: bigint | null,
): Promise<void> {
  await db.run(`
    CREATE OR REPLACE TEMP TABLE ${FUNNEL_EVENTS_TABLE} AS
    SELECT a.pair, e.step, e.ts_us - a.t0_us AS d
    FROM (SELECT rowid AS pair, unit_id, epoch_us(t0) AS t0_us FROM assignments WHERE source = 'events' AND variant_id IS NOT NULL) a
    JOIN (
      SELECT user_id, epoch_us(ts) AS ts_us, CAST(list_position($funnel, event_name) AS INTEGER) AS step
      FROM events WHERE list_contains($funnel, event_name) AND ts <= make_timestamptz(CAST($end_us AS BIGINT))
    ) e ON e.user_id = a.unit_id AND e.ts_us >= a.t0_us - CAST($pre AS BIGINT) * ${DAY_US}`,
  { funnel: listValue([...funnel]), pre: prePeriodDays, end_us: endUs });
  // post<k> / pre<k>: the units that reached step k, and when (d = ts − t0, µs).
  const levels = (prefix: string, window: (d: string) => string): string[] => funnel.map((_, i) => i === 0
    ? `${prefix}1 AS (SELECT pair, min(d) AS t FROM ${FUNNEL_EVENTS_TABLE} WHERE step = 1 AND ${window('d')} GROUP BY pair)`
    : `${prefix}${i + 1} AS (SELECT f.pair, min(f.d) AS t FROM ${FUNNEL_EVENTS_TABLE} f JOIN ${prefix}${i} p USING (pair)
         WHERE f.step = ${i + 1} AND ${window('f.d')} AND f.d >= p.t GROUP BY f.pair)`);
  const reached = (prefix: string, pre: boolean): string[] =>
    funnel.map((_, i) => `SELECT pair, ${i + 1} AS depth, ${pre} AS pre FROM ${prefix}${i + 1}`);
  await db.run(`
    CREATE OR REPLACE TEMP TABLE ${FUNNEL_DEPTH_TABLE} AS
    WITH ${[...levels('post', (d) => `${d} >= 0 AND (CAST($w AS BIGINT) IS NULL OR ${d} < CAST($w AS BIGINT))`), ...levels('pre', (d) => `${d} < 0`)].join(',\n')}
    SELECT pair, coalesce(max(depth) FILTER (WHERE NOT pre), 0) AS depth, coalesce(max(depth) FILTER (WHERE pre), 0) AS pre_depth
    FROM (${[...reached('post', false), ...reached('pre', true)].join(' UNION ALL ')})
    GROUP BY pair`, { w: windowUs });
  await db.run(`DROP TABLE ${FUNNEL_EVENTS_TABLE}`);
}

/** SQL: 1 when the unit has an event on day `k` after exposure (column `active_days`), else 0. */
export function activeOnDaySql(k: number | string): string {
  return `CAST((active_days >> CAST(${k} AS BIGINT)) & 1 AS INTEGER)`;
}

/** SQL: whether day `k` after a unit's exposure lies within the data: t0 + (k + 1) days ≤ data_end. */
export function matureOnDaySql(k: number | string): string {
  return `(mature_days > ${k})`;
}

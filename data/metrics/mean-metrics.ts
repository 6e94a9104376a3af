/**
 * The mean metrics of an event log (docs/analysis-definitions.md, "Event-log metrics"): their
 * definitions over a row of the per-unit table `analysis_unit_metrics` (per-unit value y, CUPED
 * covariate x, retention maturity, funnel step) and the SQL of their additive sums, shared by the
 * build of the cube and by a filtered analysis that sums units.
 */
/** A day in microseconds (TIMESTAMPTZ's unit); UTC days have no leap seconds. */
export const DAY_US = 86_400_000_000;
/** Bits of `active_days`: days 0 … 30 after exposure. */
export const ACTIVE_DAY_BITS = 31;

/** Retention days reported as metrics (docs/analysis-definitions.md: D1 and D7). */
export const RETENTION_DAYS = [1, 7] as const;
/** Retention curve length: D0 … D30. */
export const RETENTION_CURVE_DAYS = ACTIVE_DAY_BITS;

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
export function unitSumsSql(definitions: readonly MeanMetricDefinition[]): string {
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

/** SQL: 1 when the unit has an event on day `k` after exposure (column `active_days`), else 0. */
export function activeOnDaySql(k: number | string): string {
  return `CAST((active_days >> CAST(${k} AS BIGINT)) & 1 AS INTEGER)`;
}

/** SQL: whether day `k` after a unit's exposure lies within the data: t0 + (k + 1) days ≤ data_end. */
export function matureOnDaySql(k: number | string): string {
  return `(mature_days > ${k})`;
}

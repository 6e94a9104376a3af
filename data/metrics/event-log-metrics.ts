/**
 * Event-log metrics of SPEC §3 as set-based SQL: one temp table of per-unit values, then one
 * GROUP BY per (experiment, variant) that returns sufficient statistics — n, Σy, Σy², and Σx,
 * Σx², Σxy of the CUPED pre-period covariate. Definitions: docs/analysis-definitions.md.
 */
import { listValue } from '@duckdb/node-api';
import type { CovariateMoments, RatioMoments } from '../../stats/index.ts';
import { toNumber, type Database } from '../database.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import type { ExperimentFrame, MetricFrame } from './experiment-frame.ts';
import { assignmentFilter, experimentFilter } from './filters.ts';

/** Retention days reported as metrics (SPEC §3: D1 and D7). */
export const RETENTION_DAYS = [1, 7] as const;

interface MeanMetricDefinition {
  readonly name: string;
  readonly type: 'binomial' | 'continuous';
  /** Column of `analysis_units` with the per-unit value. */
  readonly y: string;
  /** Column with the pre-period covariate. */
  readonly x: string;
  /** Column that is TRUE for units that count (retention maturity), or null for all units. */
  readonly eligible: string | null;
  readonly retentionDay: number | null;
}

/** The mean metrics in report order; `aov` (ratio) follows `orders_per_user`. */
const MEAN_METRICS: readonly MeanMetricDefinition[] = [
  { name: 'conversion', type: 'binomial', y: 'converted', x: 'pre_converted', eligible: null, retentionDay: null },
  { name: 'revenue_per_user', type: 'continuous', y: 'revenue', x: 'pre_revenue', eligible: null, retentionDay: null },
  { name: 'orders_per_user', type: 'continuous', y: 'orders', x: 'pre_orders', eligible: null, retentionDay: null },
  ...RETENTION_DAYS.map((k) => ({
    name: `retention_d${k}`, type: 'binomial' as const, y: `retained_d${k}`, x: 'pre_active', eligible: `mature_d${k}`, retentionDay: k,
  })),
];

/**
 * Builds the temp table `analysis_units`: one row per analysed (experiment, unit) of the event log, with
 * every per-unit metric value and covariate. Conversions count from t0 to the end of the data.
 */
export async function buildEventUnitTable(db: Database, settings: AnalysisSettings, experimentId: string | null = null): Promise<void> {
  const filter = assignmentFilter(settings, experimentId);
  const retention = RETENTION_DAYS.map((k) => `
      coalesce(bool_or(e.ts >= a.t0 + to_days(${k}) AND e.ts < a.t0 + to_days(${k + 1})), FALSE)::INTEGER AS retained_d${k},
      (a.t0 + to_days(${k + 1}) <= (SELECT data_end FROM bounds)) AS mature_d${k}`).join(',');
  await db.run(`
    CREATE OR REPLACE TEMP TABLE analysis_units AS
    WITH bounds AS (SELECT max(ts) AS data_end FROM events),
    a AS (
      SELECT a.experiment_id, a.unit_id, a.variant_id, a.t0 FROM assignments a
      WHERE a.source = 'events' AND a.variant_id IS NOT NULL AND ${filter.sql}
    ),
    e AS (
      SELECT user_id, ts, list_contains($conversion, event_name) AS is_conversion, coalesce(revenue_cents, 0) AS revenue_cents
      FROM events
    )
    SELECT a.experiment_id, a.unit_id, a.variant_id, a.t0,
      coalesce(bool_or(e.is_conversion AND e.ts >= a.t0), FALSE)::INTEGER AS converted,
      count(e.ts) FILTER (WHERE e.is_conversion AND e.ts >= a.t0)::DOUBLE AS orders,
      coalesce(sum(e.revenue_cents) FILTER (WHERE e.is_conversion AND e.ts >= a.t0), 0)::DOUBLE AS revenue,
      coalesce(bool_or(e.is_conversion AND e.ts < a.t0), FALSE)::INTEGER AS pre_converted,
      count(e.ts) FILTER (WHERE e.is_conversion AND e.ts < a.t0)::DOUBLE AS pre_orders,
      coalesce(sum(e.revenue_cents) FILTER (WHERE e.is_conversion AND e.ts < a.t0), 0)::DOUBLE AS pre_revenue,
      coalesce(bool_or(e.ts < a.t0), FALSE)::INTEGER AS pre_active,
      ${retention}
    FROM a LEFT JOIN e ON e.user_id = a.unit_id AND e.ts >= a.t0 - to_days(CAST($pre AS INTEGER))
    GROUP BY a.experiment_id, a.unit_id, a.variant_id, a.t0`,
  { ...filter.params, conversion: listValue([...settings.conversionEvents]), pre: settings.cupedPrePeriodDays });
}

type Sums = Record<string, unknown>;

/**
 * Per-experiment frames for every experiment of the event log, with sufficient statistics of all
 * default metrics per variant.
 */
export async function eventLogFrames(db: Database, settings: AnalysisSettings, experimentId: string | null = null): Promise<ExperimentFrame[]> {
  await buildEventUnitTable(db, settings, experimentId);
  const only = experimentFilter(experimentId);
  const sums = MEAN_METRICS.map((m) => {
    const f = m.eligible ? ` FILTER (WHERE ${m.eligible})` : '';
    return `count(*)${f} AS ${m.name}__n, sum(${m.y})${f}::DOUBLE AS ${m.name}__sum, sum(${m.y} * ${m.y})${f}::DOUBLE AS ${m.name}__sum2,
            coalesce(sum(${m.x})${f}, 0)::DOUBLE AS ${m.name}__x, coalesce(sum(${m.x} * ${m.x})${f}, 0)::DOUBLE AS ${m.name}__x2,
            coalesce(sum(${m.x} * ${m.y})${f}, 0)::DOUBLE AS ${m.name}__xy`;
  });
  const arms = await db.query<Sums>(`
    SELECT experiment_id, variant_id, ${sums.join(',\n')},
      sum(revenue * orders) AS aov__numden
    FROM analysis_units GROUP BY experiment_id, variant_id ORDER BY experiment_id, variant_id`);
  const experiments = await db.query<Sums>(`
    SELECT a.experiment_id,
      count(*) FILTER (WHERE a.variant_id IS NULL) AS multiple_exposures, count(*) AS total_units,
      min(a.t0) AS first_exposure, (SELECT max(ts) FROM events) AS data_end
    FROM assignments a WHERE a.source = 'events' AND ${only.sql} GROUP BY a.experiment_id ORDER BY a.experiment_id`, only.params);
  const marked = await db.query<{ experiment_id: string; variant_id: string }>(`
    SELECT DISTINCT experiment_id, variant_id FROM events
    WHERE is_control AND experiment_id IS NOT NULL AND variant_id IS NOT NULL AND list_contains($exposure, event_name)`,
  { exposure: listValue([...settings.exposureEvents]) });

  return experiments.map((experiment) => {
    const id = String(experiment.experiment_id);
    const rows = arms.filter((row) => row.experiment_id === id);
    const metrics: MetricFrame[] = [];
    for (const definition of MEAN_METRICS) {
      const moments = rows.map((row) => ({ variant: String(row.variant_id), moments: covariateMoments(row, definition.name) }));
      metrics.push({
        input: { name: definition.name, type: definition.type, arms: moments, covariate: true },
        covariateRequested: true,
        eligibleUnits: moments.reduce((total, arm) => total + arm.moments.n, 0),
        retentionDay: definition.retentionDay,
      });
      if (definition.name === 'orders_per_user') {
        const ratioArms = rows.map((row) => ({ variant: String(row.variant_id), moments: ratioMoments(row) }));
        metrics.push({
          input: { name: 'aov', type: 'ratio', arms: ratioArms, covariate: false },
          covariateRequested: false,
          eligibleUnits: ratioArms.reduce((total, arm) => total + arm.moments.n, 0),
          retentionDay: null,
        });
      }
    }
    const markedControls = new Set(marked.filter((m) => m.experiment_id === id).map((m) => m.variant_id));
    return {
      experimentId: id,
      source: 'events' as const,
      arms: rows.map((row) => ({
        variant: String(row.variant_id), units: toNumber(row.conversion__n)!, markedControl: markedControls.has(String(row.variant_id)),
      })),
      mappedControl: null,
      multipleExposures: toNumber(experiment.multiple_exposures)!,
      totalUnits: toNumber(experiment.total_units)!,
      firstExposure: isoOrNull(experiment.first_exposure),
      dataEnd: isoOrNull(experiment.data_end),
      metrics,
    };
  });
}

function covariateMoments(row: Sums, name: string): CovariateMoments {
  const get = (suffix: string): number => toNumber(row[`${name}__${suffix}`]) ?? 0;
  return { n: get('n'), sum: get('sum'), sumSquares: get('sum2'), sumX: get('x'), sumX2: get('x2'), sumXY: get('xy') };
}

function ratioMoments(row: Sums): RatioMoments {
  const get = (key: string): number => toNumber(row[key]) ?? 0;
  return {
    n: get('revenue_per_user__n'),
    sumNum: get('revenue_per_user__sum'),
    sumNum2: get('revenue_per_user__sum2'),
    sumDen: get('orders_per_user__sum'),
    sumDen2: get('orders_per_user__sum2'),
    sumNumDen: get('aov__numden'),
  };
}

/** A DuckDB TIMESTAMPTZ value as an ISO-8601 UTC string. */
export function isoOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  const parsed = new Date(text.replace(' ', 'T').replace(/\+00$/, 'Z'));
  return Number.isNaN(parsed.getTime()) ? text : parsed.toISOString();
}

/**
 * The funnel's per-unit depths (docs/analysis-definitions.md, "Funnel"), a step of the per-unit
 * build (`unit-metrics-build.ts`).
 */
import { listValue } from '@duckdb/node-api';
import type { Database } from '../database.ts';
import { DAY_US } from './mean-metrics.ts';

/** Temp tables of the funnel walk: its step events per analysed unit, then each unit's depths. */
const FUNNEL_EVENTS_TABLE = 'analysis_funnel_events';
export const FUNNEL_DEPTH_TABLE = 'analysis_funnel_depth';

/**
 * Fills the temp table `analysis_funnel_depth (pair, depth, pre_depth)`: per analysed (experiment,
 * unit) — `pair`, the row id in `assignments` — how many steps of `funnel` it reached in order at
 * or after t0 (and before t0 + `windowUs`, when given), and over the pre-period [t0 − P days, t0)
 * (the CUPED covariate); events after `endUs` (data_end) are left out. Step by step, the
 * earliest event of step k at or after the unit's step k − 1 event: the greedy walk, which finds the
 * deepest ordered sequence (equal times count as in order). Joins and aggregates only, so DuckDB
 * can spill them; a unit absent from the table reached no step.
 */
export async function buildFunnelDepths(
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


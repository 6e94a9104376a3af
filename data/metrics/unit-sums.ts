/**
 * The sums of the units an analysis selects (docs/analysis-definitions.md, "Filters"), over the
 * per-unit tables of an {@link AnalysisContext}: from the cube when it can answer exactly (an
 * exposure range whose bounds are UTC midnights, no exposure attribute filter), so an analysis
 * sums a few hundred rows; else aggregated from the units. The sums are of integers (counts,
 * cents), so both give the same numbers.
 */
import { EXPOSURE_ATTRIBUTES, type ExposureAttribute } from '../../contract/settings.ts';
import { ensureContextTables, type AnalysisContext } from './analysis-context.ts';
import { analysisFilter } from './filters.ts';
import { unitSumsSql } from './mean-metrics.ts';
import { UNIT_CUBE_TABLE, UNIT_METRICS_TABLE } from './unit-metrics-build.ts';

/**
 * SQL of the sums per (experiment_id, variant_id, segment, t0_day, mature_days) of the units that
 * the context's filters (and `experimentId`, all when null) select, with its parameters: the
 * columns of `unitSumsSql` (`n`, `<metric>__n|sum|sum2|x|x2|xy`, `aov__numden`, `b<k>`).
 */
export async function unitSums(context: AnalysisContext, experimentId: string | null): Promise<{ sql: string; params: Record<string, string | null> }> {
  await ensureContextTables(context);
  if (context.dayAligned) {
    const filter = analysisFilter(context.settings, experimentId, 'days');
    return { sql: `(SELECT * FROM ${UNIT_CUBE_TABLE} a WHERE ${filter.sql})`, params: filter.params };
  }
  const filter = analysisFilter(context.settings, experimentId, 'units', true);
  return {
    sql: `(SELECT experiment_id, variant_id, segment, t0_day, mature_days, ${unitSumsSql(context.metrics)} FROM ${UNIT_METRICS_TABLE} a
           WHERE ${filter.sql}
           GROUP BY ALL)`,
    params: filter.params,
  };
}

/**
 * Per exposure attribute, its distinct values (sorted, at most `limit`) among the analysed units of
 * `experimentId` — the choices of the experiment screen's filters. Attributes without values are left out.
 */
export async function exposureAttributeValues(
  context: AnalysisContext, experimentId: string, limit = 50,
): Promise<Partial<Record<ExposureAttribute, string[]>>> {
  await ensureContextTables(context);
  const row = (await context.db.query<Record<string, string[] | null>>(`
    SELECT ${EXPOSURE_ATTRIBUTES.map((c) => `list(DISTINCT exposure_${c}) FILTER (WHERE exposure_${c} IS NOT NULL) AS ${c}`).join(', ')}
    FROM ${UNIT_METRICS_TABLE} WHERE experiment_id = $experiment`, { experiment: experimentId }))[0] ?? {};
  const values: Partial<Record<ExposureAttribute, string[]>> = {};
  for (const column of EXPOSURE_ATTRIBUTES) {
    const list = (row[column] ?? []).map(String).sort().slice(0, limit);
    if (list.length > 0) values[column] = list;
  }
  return values;
}

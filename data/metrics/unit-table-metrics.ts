/**
 * Unit-table metrics (docs/analysis-definitions.md last row): each metric column's sufficient statistics per
 * experiment and variant, over one value per unit (multiple exposures excluded). A unit with
 * several rows gets one value per column by its experiment's combine rule
 * (docs/experiment-definition.md, "Repeated units"): `first` (the row `assignments` picked: the
 * earliest by timestamp, else by file order — the rule when no definition is stored), `last`,
 * `sum`, `mean`, `max`; `refuse` stops the analysis. A column whose values are all 0/1 is binomial,
 * any other numeric column continuous. CUPED covariates (the definition's, else the import's
 * --covariate) add Σx, Σx², Σxy.
 */
import { listValue } from '@duckdb/node-api';
import type { CovariateMoments, MetricType, SampleMoments } from '../../stats/index.ts';
import { toNumber, type Database } from '../database.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import type { CombineRule } from '../../contract/experiment-definition.ts';
import { columnMappingSchema } from '../import/mapping.ts';
import { UserError } from '../user-error.ts';
import type { ExperimentFrame, MetricFrame } from './experiment-frame.ts';
import { assignmentFilter, experimentFilter } from './filters.ts';
import { isoOrNull } from './unit-metrics-build.ts';

type Sums = Record<string, unknown>;

/** What the experiments' definitions say about their unit-table metrics. */
export interface UnitTablePlan {
  /** experiment → how its repeated rows combine; absent: `first`. */
  readonly combine?: ReadonlyMap<string, CombineRule>;
  /**
   * experiment → (metric → covariate column). An experiment listed here uses exactly these
   * (none when empty); one not listed uses the columns named with --covariate at import.
   */
  readonly covariates?: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** The unit-table rows of one unit cannot be combined because the definition says `refuse`. */
export class RepeatedUnitsRefusedError extends UserError {
  override readonly name = 'RepeatedUnitsRefusedError';
}

/**
 * Frames for every unit-table experiment in the database (or only `experimentId`).
 * @throws RepeatedUnitsRefusedError when an experiment whose rule is `refuse` has a unit with
 *   more than one row; the message names the units and rows.
 */
export async function unitTableFrames(
  db: Database, settings: AnalysisSettings, experimentId: string | null = null, plan: UnitTablePlan = {},
): Promise<ExperimentFrame[]> {
  // Without unit tables there is nothing to read (and `assignments` can be large).
  const tables = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM files WHERE shape = 'unit_table'`);
  if (toNumber(tables[0]!.n) === 0) return [];
  const filter = assignmentFilter(settings, experimentId);
  const only = experimentFilter(experimentId);
  const rules = [...(plan.combine ?? new Map<string, CombineRule>())].filter(([, rule]) => rule !== 'first');
  await refuseRepeatedUnits(db, rules.filter(([, rule]) => rule === 'refuse').map(([id]) => id));
  // DuckDB cannot bind an empty list parameter (its item type is unknown): no rules, no lists.
  const ruleParams = rules.length === 0 ? filter.params : {
    ...filter.params,
    rule_experiments: listValue(rules.map(([id]) => id)),
    rule_names: listValue(rules.map(([, rule]) => rule)),
  };
  const rule = rules.length === 0 ? `'first'` : `coalesce(list_extract($rule_names, list_position($rule_experiments, a.experiment_id)), 'first')`;
  const analysed = `
    SELECT a.experiment_id, a.unit_id, a.variant_id, a.file_id, a.line, ${rule} AS rule
    FROM assignments a
    WHERE a.source = 'unit_table' AND a.variant_id IS NOT NULL AND ${filter.sql}`;
  // One value per (unit, column). `first` reads the assigned row alone; the other rules read
  // every row of the unit, ordered like the assignment (timestamp, then file and line).
  const unitValues = `
    a AS (${analysed}),
    uv AS (
      SELECT a.experiment_id, a.unit_id, a.variant_id, a.file_id, v.column_name, v.value
      FROM a JOIN unit_values v ON v.file_id = a.file_id AND v.line = a.line WHERE a.rule = 'first'
      UNION ALL
      SELECT a.experiment_id, a.unit_id, a.variant_id, any_value(a.file_id), v.column_name,
             CASE a.rule WHEN 'sum' THEN sum(v.value) WHEN 'mean' THEN avg(v.value) WHEN 'max' THEN max(v.value)
                         ELSE arg_max(v.value, (coalesce(r.ts, '-infinity'::TIMESTAMPTZ), r.file_id, r.line)) END
      FROM a JOIN unit_rows r ON r.experiment_id = a.experiment_id AND r.unit_id = a.unit_id
      JOIN unit_values v ON v.file_id = r.file_id AND v.line = r.line
      WHERE a.rule <> 'first'
      GROUP BY a.experiment_id, a.unit_id, a.variant_id, v.column_name, a.rule
    )`;
  const metricSums = await db.query<Sums>(`
    WITH ${unitValues},
    metric_columns AS (SELECT file_id, column_name, min(position) AS position FROM unit_columns WHERE role = 'metric' GROUP BY ALL)
    SELECT uv.experiment_id, uv.column_name, uv.variant_id, count(*) AS n, sum(uv.value) AS sum, sum(uv.value * uv.value) AS sum2,
           bool_and(uv.value IN (0, 1)) AS binary, min(c.position) AS position
    FROM uv JOIN metric_columns c ON c.file_id = uv.file_id AND c.column_name = uv.column_name
    GROUP BY ALL ORDER BY uv.experiment_id, position, uv.column_name, uv.variant_id`, ruleParams);
  const planned = [...(plan.covariates ?? new Map<string, Readonly<Record<string, string>>>())];
  const pairs = planned.flatMap(([id, byMetric]) => Object.entries(byMetric).map(([metric, column]) => [id, metric, column] as const));
  const declaredPairs = pairs.length > 0
    ? 'SELECT unnest($cov_experiments) AS experiment_id, unnest($cov_metrics) AS metric, unnest($cov_columns) AS col'
    : 'SELECT NULL::VARCHAR AS experiment_id, NULL::VARCHAR AS metric, NULL::VARCHAR AS col WHERE false';
  const covariateSums = await db.query<Sums>(`
    WITH ${unitValues},
    pairs AS (
      SELECT DISTINCT f.experiment_id, c.covariate_of AS metric, c.column_name AS col
      FROM (SELECT DISTINCT experiment_id, file_id FROM a) f JOIN unit_columns c ON c.file_id = f.file_id AND c.role = 'covariate'
      WHERE ${planned.length === 0 ? 'TRUE' : 'NOT list_contains($planned, f.experiment_id)'}
      UNION ALL ${declaredPairs}
    )
    SELECT y.experiment_id, p.metric AS column_name, y.variant_id, count(*) AS n,
           sum(y.value) AS sum, sum(y.value * y.value) AS sum2,
           sum(x.value) AS sx, sum(x.value * x.value) AS sx2, sum(x.value * y.value) AS sxy
    FROM pairs p JOIN uv y ON y.experiment_id = p.experiment_id AND y.column_name = p.metric
    JOIN uv x ON x.experiment_id = y.experiment_id AND x.unit_id = y.unit_id AND x.column_name = p.col
    GROUP BY ALL`, {
    ...ruleParams,
    ...(planned.length > 0 && { planned: listValue(planned.map(([id]) => id)) }),
    ...(pairs.length > 0 && {
      cov_experiments: listValue(pairs.map((p) => p[0])),
      cov_metrics: listValue(pairs.map((p) => p[1])),
      cov_columns: listValue(pairs.map((p) => p[2])),
    }),
  });
  const experiments = await db.query<Sums>(`
    WITH ends AS (SELECT experiment_id, max(ts) AS data_end FROM unit_rows GROUP BY experiment_id)
    SELECT a.experiment_id, count(*) FILTER (WHERE a.variant_id IS NULL) AS multiple_exposures, count(*) AS total_units,
           min(a.t0) AS first_exposure, any_value(ends.data_end) AS data_end, any_value(f.mapping) AS mapping
    FROM assignments a
    LEFT JOIN ends ON ends.experiment_id = a.experiment_id
    LEFT JOIN files f ON f.file_id = a.file_id
    WHERE a.source = 'unit_table' AND ${only.sql} GROUP BY a.experiment_id ORDER BY a.experiment_id`, only.params);
  const units = await db.query<Sums>(`
    WITH a AS (${analysed}) SELECT experiment_id, variant_id, count(*) AS n FROM a GROUP BY ALL ORDER BY ALL`, ruleParams);

  return experiments.map((experiment) => {
    const id = String(experiment.experiment_id);
    const rows = metricSums.filter((row) => row.experiment_id === id);
    const names = [...new Set(rows.map((row) => String(row.column_name)))];
    const metrics: MetricFrame[] = names.map((name) => {
      const armRows = rows.filter((row) => row.column_name === name);
      const covariateRows = covariateSums.filter((row) => row.experiment_id === id && row.column_name === name);
      const type: MetricType = armRows.every((row) => row.binary === true) ? 'binomial' : 'continuous';
      const covariate = covariateRows.length > 0;
      const arms = covariate
        ? covariateRows.map((row) => ({ variant: String(row.variant_id), moments: withCovariate(row) }))
        : armRows.map((row) => ({ variant: String(row.variant_id), moments: plain(row) }));
      arms.sort((a, b) => a.variant.localeCompare(b.variant));
      return {
        input: { name, type, arms, covariate },
        covariateRequested: covariate,
        eligibleUnits: arms.reduce((total, arm) => total + arm.moments.n, 0),
        retentionDay: null,
        funnelStep: null,
      };
    });
    const parsedMapping = columnMappingSchema.safeParse(JSON.parse(String(experiment.mapping ?? 'null')));
    const mappedControl = parsedMapping.success && parsedMapping.data.shape === 'unit_table' ? parsedMapping.data.control : null;
    return {
      experimentId: id,
      source: 'unit_table' as const,
      arms: units
        .filter((row) => row.experiment_id === id)
        .map((row) => ({ variant: String(row.variant_id), units: toNumber(row.n)!, markedControl: false })),
      mappedControl,
      multipleExposures: toNumber(experiment.multiple_exposures)!,
      totalUnits: toNumber(experiment.total_units)!,
      firstExposure: isoOrNull(experiment.first_exposure),
      dataEnd: isoOrNull(experiment.data_end),
      metrics,
    };
  });
}

/**
 * Stops the analysis when an experiment whose definition says `refuse` has repeated units.
 * @throws RepeatedUnitsRefusedError naming the experiment, the units and their rows.
 */
async function refuseRepeatedUnits(db: Database, experiments: readonly string[]): Promise<void> {
  if (experiments.length === 0) return;
  const rows = await db.query<Sums>(`
    SELECT experiment_id, count(*) AS units, sum(n) AS rows FROM (
      SELECT experiment_id, unit_id, count(*) AS n FROM unit_rows WHERE list_contains($ids, experiment_id) GROUP BY ALL HAVING count(*) > 1
    ) GROUP BY experiment_id ORDER BY experiment_id LIMIT 1`, { ids: listValue([...experiments]) });
  const row = rows[0];
  if (!row) return;
  const id = String(row.experiment_id);
  throw new RepeatedUnitsRefusedError(
    `experiment ${id}: ${toNumber(row.units)!.toLocaleString('en')} units have more than one row (${toNumber(row.rows)!.toLocaleString('en')} rows) ` +
      `and its definition says combine: refuse; choose how to combine them (experiment-desk define ${id} --combine sum|mean|max|first|last)`,
  );
}

function plain(row: Sums): SampleMoments {
  return { n: toNumber(row.n) ?? 0, sum: toNumber(row.sum) ?? 0, sumSquares: toNumber(row.sum2) ?? 0 };
}

function withCovariate(row: Sums): CovariateMoments {
  return { ...plain(row), sumX: toNumber(row.sx) ?? 0, sumX2: toNumber(row.sx2) ?? 0, sumXY: toNumber(row.sxy) ?? 0 };
}

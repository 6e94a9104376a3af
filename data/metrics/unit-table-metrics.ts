/**
 * Unit-table metrics (docs/analysis-definitions.md last row): each metric column's sufficient statistics per
 * experiment and variant, over the rows that `assignments` picked (one per unit, multiple
 * exposures excluded). A column whose values are all 0/1 is binomial, any other numeric column
 * continuous. CUPED covariates named with --covariate add Σx, Σx², Σxy.
 */
import type { CovariateMoments, MetricType, SampleMoments } from '../../stats/index.ts';
import { toNumber, type Database } from '../database.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import { columnMappingSchema } from '../import/mapping.ts';
import type { ExperimentFrame, MetricFrame } from './experiment-frame.ts';
import { assignmentFilter, experimentFilter } from './filters.ts';
import { isoOrNull } from './unit-metrics-cache.ts';

type Sums = Record<string, unknown>;

/** Frames for every unit-table experiment in the database. */
export async function unitTableFrames(db: Database, settings: AnalysisSettings, experimentId: string | null = null): Promise<ExperimentFrame[]> {
  // Without unit tables there is nothing to read (and `assignments` can be large).
  const tables = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM files WHERE shape = 'unit_table'`);
  if (toNumber(tables[0]!.n) === 0) return [];
  const filter = assignmentFilter(settings, experimentId);
  const only = experimentFilter(experimentId);
  const analysed = `
    SELECT a.experiment_id, a.unit_id, a.variant_id, a.file_id, a.line FROM assignments a
    WHERE a.source = 'unit_table' AND a.variant_id IS NOT NULL AND ${filter.sql}`;
  const metricSums = await db.query<Sums>(`
    WITH a AS (${analysed})
    SELECT a.experiment_id, v.column_name, a.variant_id, count(*) AS n, sum(v.value) AS sum, sum(v.value * v.value) AS sum2,
           bool_and(v.value IN (0, 1)) AS binary, min(c.position) AS position
    FROM a JOIN unit_values v ON v.file_id = a.file_id AND v.line = a.line
    JOIN unit_columns c ON c.file_id = a.file_id AND c.column_name = v.column_name AND c.role = 'metric'
    GROUP BY ALL ORDER BY a.experiment_id, position, v.column_name, a.variant_id`, filter.params);
  const covariateSums = await db.query<Sums>(`
    WITH a AS (${analysed})
    SELECT a.experiment_id, c.covariate_of AS column_name, a.variant_id, count(*) AS n,
           sum(y.value) AS sum, sum(y.value * y.value) AS sum2,
           sum(x.value) AS sx, sum(x.value * x.value) AS sx2, sum(x.value * y.value) AS sxy
    FROM a JOIN unit_columns c ON c.file_id = a.file_id AND c.role = 'covariate'
    JOIN unit_values y ON y.file_id = a.file_id AND y.line = a.line AND y.column_name = c.covariate_of
    JOIN unit_values x ON x.file_id = a.file_id AND x.line = a.line AND x.column_name = c.column_name
    GROUP BY ALL`, filter.params);
  const experiments = await db.query<Sums>(`
    WITH ends AS (SELECT experiment_id, max(ts) AS data_end FROM unit_rows GROUP BY experiment_id)
    SELECT a.experiment_id, count(*) FILTER (WHERE a.variant_id IS NULL) AS multiple_exposures, count(*) AS total_units,
           min(a.t0) AS first_exposure, any_value(ends.data_end) AS data_end, any_value(f.mapping) AS mapping
    FROM assignments a
    LEFT JOIN ends ON ends.experiment_id = a.experiment_id
    LEFT JOIN files f ON f.file_id = a.file_id
    WHERE a.source = 'unit_table' AND ${only.sql} GROUP BY a.experiment_id ORDER BY a.experiment_id`, only.params);
  const units = await db.query<Sums>(`
    WITH a AS (${analysed}) SELECT experiment_id, variant_id, count(*) AS n FROM a GROUP BY ALL ORDER BY ALL`, filter.params);

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

function plain(row: Sums): SampleMoments {
  return { n: toNumber(row.n) ?? 0, sum: toNumber(row.sum) ?? 0, sumSquares: toNumber(row.sum2) ?? 0 };
}

function withCovariate(row: Sums): CovariateMoments {
  return { ...plain(row), sumX: toNumber(row.sx) ?? 0, sumX2: toNumber(row.sx2) ?? 0, sumXY: toNumber(row.sxy) ?? 0 };
}

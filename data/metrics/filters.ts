/**
 * The analysis filters of docs/analysis-definitions.md ("Filters": experiment, exposure date
 * range, `user_segment`, text columns of the first exposure) as one SQL predicate builder with
 * bound parameters, for every table the analysis filters units in: `assignments` (unit tables),
 * the per-unit table and its cube (event logs, `unit-sums.ts`).
 */
import type { AnalysisSettings, ExposureAttribute } from '../../contract/settings.ts';

/** A predicate over the alias `a` and its parameters. */
export interface FilterSql {
  readonly sql: string;
  readonly params: Record<string, string | null>;
}

/**
 * Where the units are: `units` — rows with `t0`, `segment`, `experiment_id` and (with
 * `exposureAttributes`) `exposure_<column>` (`assignments`, `analysis_unit_metrics`); `days` —
 * the cube's groups, whose `t0_day` is the UTC day of t0 in epoch ms (exact only when the range's
 * bounds are UTC midnights, see `unit-sums.ts`).
 */
export type FilterTarget = 'units' | 'days';

/**
 * The filters of `settings` (and the experiment `experimentId`, all when null) as a predicate on
 * alias `a`. Parameters: `$from`, `$to`, `$segment`, `$experiment`, and `$x_<column>` per
 * exposure attribute filter when `exposureAttributes` (unit tables have none). Column names come
 * from the settings schema's enum of exposure attributes; values are always parameters.
 */
export function analysisFilter(
  settings: AnalysisSettings, experimentId: string | null, target: FilterTarget = 'units', exposureAttributes = false,
): FilterSql {
  const attributes = exposureAttributes ? Object.entries(settings.exposureFilters) as [ExposureAttribute, string][] : [];
  const range = target === 'days'
    ? `($from IS NULL OR a.t0_day >= epoch_ms(CAST($from AS TIMESTAMPTZ))) AND ($to IS NULL OR a.t0_day < epoch_ms(CAST($to AS TIMESTAMPTZ)))`
    : `($from IS NULL OR a.t0 >= CAST($from AS TIMESTAMPTZ)) AND ($to IS NULL OR a.t0 < CAST($to AS TIMESTAMPTZ))`;
  return {
    sql: `${range}
          AND ($segment IS NULL OR a.segment = $segment)
          AND ($experiment IS NULL OR a.experiment_id = $experiment)${attributes.map(([column]) => ` AND a.exposure_${column} = $x_${column}`).join('')}`,
    params: {
      from: settings.exposureFrom ?? null, to: settings.exposureTo ?? null, segment: settings.segment ?? null, experiment: experimentId,
      ...Object.fromEntries(attributes.map(([column, value]) => [`x_${column}`, value])),
    },
  };
}

/** Predicate over an `assignments` alias `a` (unit tables): the date range, segment and experiment. */
export function assignmentFilter(settings: AnalysisSettings, experimentId: string | null = null): FilterSql {
  return analysisFilter(settings, experimentId);
}

/** Only the experiment filter (for counts that ignore the date and segment filters). */
export function experimentFilter(experimentId: string | null): FilterSql {
  return { sql: '($experiment IS NULL OR a.experiment_id = $experiment)', params: { experiment: experimentId } };
}

/**
 * The analysis filters of docs/analysis-definitions.md (exposure date range, segment) as a SQL predicate on
 * `assignments` with bound parameters.
 */
import type { AnalysisSettings } from '../../contract/settings.ts';

/** Predicate over an `assignments` alias `a`, and its parameters ($from, $to, $segment). */
export function assignmentFilter(
  settings: AnalysisSettings,
  experimentId: string | null = null,
): { sql: string; params: Record<string, string | null> } {
  return {
    sql: `($from IS NULL OR a.t0 >= CAST($from AS TIMESTAMPTZ))
          AND ($to IS NULL OR a.t0 < CAST($to AS TIMESTAMPTZ))
          AND ($segment IS NULL OR a.segment = $segment)
          AND ($experiment IS NULL OR a.experiment_id = $experiment)`,
    params: {
      from: settings.exposureFrom ?? null, to: settings.exposureTo ?? null, segment: settings.segment ?? null, experiment: experimentId,
    },
  };
}

/** Only the experiment filter (for counts that ignore the date and segment filters). */
export function experimentFilter(experimentId: string | null): { sql: string; params: Record<string, string | null> } {
  return { sql: '($experiment IS NULL OR a.experiment_id = $experiment)', params: { experiment: experimentId } };
}

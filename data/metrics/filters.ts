/**
 * The analysis filters of SPEC §3 (exposure date range, segment) as a SQL predicate on
 * `assignments` with bound parameters.
 */
import type { AnalysisSettings } from '../../contract/settings.ts';
import type { SqlParams } from '../database.ts';

/** Predicate over an `assignments` alias `a`, and its parameters ($from, $to, $segment). */
export function assignmentFilter(settings: AnalysisSettings): { sql: string; params: Record<string, string | null> } {
  return {
    sql: `($from IS NULL OR a.t0 >= CAST($from AS TIMESTAMPTZ))
          AND ($to IS NULL OR a.t0 < CAST($to AS TIMESTAMPTZ))
          AND ($segment IS NULL OR a.segment = $segment)`,
    params: { from: settings.exposureFrom ?? null, to: settings.exposureTo ?? null, segment: settings.segment ?? null },
  };
}

export function mergeParams(...parts: SqlParams[]): SqlParams {
  return Object.assign({}, ...parts) as SqlParams;
}

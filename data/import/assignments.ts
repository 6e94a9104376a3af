/**
 * Rebuilds `assignments`, the first exposure of every (experiment, unit) (docs/analysis-definitions.md), from the
 * event log and the unit tables. Units that saw several variants keep `variant_id = NULL` and
 * their `variant_count`, so the analysis can exclude and count them.
 */
import { listValue } from '@duckdb/node-api';
import type { Database } from '../database.ts';

/**
 * Recomputes all assignments; run inside the import transaction. With `staged`, the exposures of
 * file `staged.fileId` are read from the temp table `stage_exposures` (experiment_id, user_id,
 * variant_id, ts, user_segment) instead of `events`: DuckDB scans rows appended inside the
 * transaction without parallelism, and the filter on `file_id` skips them cheaply.
 */
export async function rebuildAssignments(db: Database, exposureEvents: readonly string[], staged?: { fileId: number }): Promise<void> {
  await db.run('DELETE FROM assignments');
  const exposures = `
    SELECT experiment_id, user_id, variant_id, ts, user_segment FROM events
    WHERE ${staged ? 'file_id <> $file AND ' : ''}list_contains($exposure, event_name) AND experiment_id IS NOT NULL AND variant_id IS NOT NULL
    ${staged ? 'UNION ALL SELECT experiment_id, user_id, variant_id, ts, user_segment FROM stage_exposures' : ''}`;
  // Per (experiment, unit, variant) first, then per (experiment, unit): the same values as one
  // aggregate with count(DISTINCT variant_id), without a set of variants per unit.
  await db.run(`
    INSERT INTO assignments
    SELECT experiment_id, user_id,
           CASE WHEN count(*) = 1 THEN min(variant_id) END,
           count(*), min(t0), 'events', NULL, NULL,
           arg_min(segment, t0)
    FROM (
      SELECT experiment_id, user_id, variant_id, min(ts) AS t0, arg_min(user_segment, ts) AS segment
      FROM (${exposures}) GROUP BY experiment_id, user_id, variant_id
    )
    GROUP BY experiment_id, user_id`, { exposure: listValue([...exposureEvents]), ...(staged && { file: staged.fileId }) });
  // Unit tables: the earliest row by timestamp, else by file order, gives variant and values.
  await db.run(`
    INSERT INTO assignments
    SELECT experiment_id, unit_id,
           CASE WHEN count(DISTINCT variant_id) = 1 THEN min(variant_id) END,
           count(DISTINCT variant_id), min(ts), 'unit_table',
           arg_min(file_id, (coalesce(ts, 'infinity'::TIMESTAMPTZ), file_id, line)),
           arg_min(line, (coalesce(ts, 'infinity'::TIMESTAMPTZ), file_id, line)),
           NULL
    FROM unit_rows
    GROUP BY experiment_id, unit_id`);
}

/**
 * `assignments`, the first exposure of every (experiment, unit) (docs/analysis-definitions.md,
 * "Assignment"), from the event log and the unit tables. Units that saw several variants keep
 * `variant_id = NULL` and their `variant_count`, so the analysis can exclude and count them.
 *
 * The event log's rows depend on which events count as exposures, an analysis setting. The import
 * builds them with the list it was given and records that list in `assignment_exposure_events`
 * (one row, created on demand); an analysis with another list rebuilds them first
 * ({@link ensureEventAssignments}), so the setting takes effect whenever it changes, in every host.
 */
import { listValue } from '@duckdb/node-api';
import type { Database } from '../database.ts';

/** One row: the exposure event names (JSON, sorted) the event log's assignments were built with. */
const EXPOSURE_STATE_TABLE = 'assignment_exposure_events';

/**
 * Recomputes all assignments; run inside the import transaction. With `staged`, the exposures of
 * file `staged.fileId` are read from the temp table `stage_exposures` (experiment_id, user_id,
 * variant_id, ts, user_segment) instead of `events`: DuckDB scans rows appended inside the
 * transaction without parallelism, and the filter on `file_id` skips them cheaply.
 */
export async function rebuildAssignments(db: Database, exposureEvents: readonly string[], staged?: { fileId: number }): Promise<void> {
  await db.run('DELETE FROM assignments');
  await insertEventAssignments(db, exposureEvents, staged);
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
  await recordExposureEvents(db, exposureEvents);
}

/**
 * Makes the event log's assignments those of `exposureEvents` (event names; order and repeats do
 * not matter): when they were built with another list, or with an unrecorded one (a database from
 * before the list was recorded), they are rebuilt in one transaction — one grouping statement over
 * `events`, which DuckDB streams and spills like the per-unit build. Unit tables' rows are kept.
 * @returns true when they were rebuilt.
 * @throws Error for database failures (the transaction is rolled back).
 */
export async function ensureEventAssignments(db: Database, exposureEvents: readonly string[]): Promise<boolean> {
  const wanted = exposureKey(exposureEvents);
  await db.run(`CREATE TABLE IF NOT EXISTS ${EXPOSURE_STATE_TABLE} (exposure_events VARCHAR NOT NULL)`);
  const recorded = await db.query<{ exposure_events: string }>(`SELECT exposure_events FROM ${EXPOSURE_STATE_TABLE}`);
  if (recorded.length === 1 && recorded[0]!.exposure_events === wanted) return false;
  await db.transaction(async () => {
    await db.run(`DELETE FROM assignments WHERE source = 'events'`);
    await insertEventAssignments(db, exposureEvents);
    await recordExposureEvents(db, exposureEvents);
  });
  return true;
}

/** The recorded form of an exposure list: JSON of the distinct names, sorted. */
function exposureKey(exposureEvents: readonly string[]): string {
  return JSON.stringify([...new Set(exposureEvents)].sort());
}

async function recordExposureEvents(db: Database, exposureEvents: readonly string[]): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS ${EXPOSURE_STATE_TABLE} (exposure_events VARCHAR NOT NULL)`);
  await db.run(`DELETE FROM ${EXPOSURE_STATE_TABLE}`);
  await db.run(`INSERT INTO ${EXPOSURE_STATE_TABLE} VALUES ($events)`, { events: exposureKey(exposureEvents) });
}

/** Inserts the event log's assignments for `exposureEvents` (see {@link rebuildAssignments} for `staged`). */
async function insertEventAssignments(db: Database, exposureEvents: readonly string[], staged?: { fileId: number }): Promise<void> {
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
}

/**
 * The analysis context: what one analysis request computes once and passes down to every query
 * it makes — the settings, the state of the data they are analysed on (the cache key), the
 * per-unit tables current for both, and what goes with them (data end, late events, marked
 * controls, per-experiment totals, the funnel). A request (list, analyse, report) opens one
 * context and hands it to the frames, the series and the filter choices, instead of each of them
 * checking the tables again.
 *
 * The tables (`unit-metrics-build.ts`) are persistent, so that an analysis in a new session (the
 * app reopened on a large database) reads them instead of joining the event log again; the one row
 * of `analysis_cache` says what they were built from. They are rebuilt when the imported files
 * change (count, last id, rows accepted), when the settings they depend on change (conversion and
 * exposure events, pre-period length, funnel, windows) or when {@link CACHE_FORMAT} changes. The
 * event log's assignments follow the context's exposure events first
 * (docs/analysis-definitions.md, "Assignment").
 */
import { toNumber, withRowGroupThreads, type Database } from '../database.ts';
import { ensureEventAssignments } from '../import/assignments.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import { DAY_US, meanMetrics } from './mean-metrics.ts';
import { buildUnitMetrics, type ExperimentTotals, type LateEvents, type UnitMetricsCache } from './unit-metrics-build.ts';

/** Bumped whenever the per-unit build changes what the tables hold: older persisted tables are rebuilt. */
export const CACHE_FORMAT = 4;

/** One analysis request's handle: its settings, and the per-unit tables current for them. */
export interface AnalysisContext extends UnitMetricsCache {
  readonly db: Database;
  readonly settings: AnalysisSettings;
  /** What the tables were built from (imported files, metric settings, format). */
  readonly key: string;
  /**
   * Whether the exposure range's bounds are UTC midnights (or absent) and no exposure attribute
   * filter is set: the cube's day groups then select exactly the filtered units.
   */
  readonly dayAligned: boolean;
}

interface Entry extends UnitMetricsCache {
  readonly key: string;
}

const caches = new WeakMap<Database, Entry>();

/** What the cached values depend on: the imported files and the metric settings. */
async function cacheKey(db: Database, settings: AnalysisSettings): Promise<string> {
  const files = (await db.query<{ n: bigint; last: number | null; accepted: bigint | null }>(
    `SELECT count(*) AS n, max(file_id) AS last, sum(rows_accepted) AS accepted FROM files`))[0]!;
  return JSON.stringify({
    format: CACHE_FORMAT,
    files: [toNumber(files.n), files.last, toNumber(files.accepted)],
    conversion: [...settings.conversionEvents].sort(),
    exposure: [...settings.exposureEvents].sort(),
    pre: settings.cupedPrePeriodDays,
    funnel: settings.funnelSteps,
    windows: Object.fromEntries(Object.entries(settings.metricWindowDays).sort()),
  });
}

/**
 * Opens the context of one analysis with `settings`: makes sure the event log's assignments
 * follow its exposure events and that `analysis_unit_metrics` and `analysis_unit_cube` hold the
 * per-unit values and sums for the current data and `settings` — kept from this session,
 * persisted by an earlier one, or built now (its threads fitted to the memory limit).
 * @throws Error for database failures; a failed build leaves no state row, so the next context
 *   builds again.
 */
export async function analysisContext(db: Database, settings: AnalysisSettings): Promise<AnalysisContext> {
  await ensureEventAssignments(db, settings.exposureEvents);
  const key = await cacheKey(db, settings);
  const tables = await currentTables(db, settings, key);
  const from = settings.exposureFrom ?? null;
  const to = settings.exposureTo ?? null;
  const dayAligned = Object.keys(settings.exposureFilters).length === 0 && (await db.query<{ ok: boolean | null }>(`
    SELECT ($from IS NULL OR epoch_us(CAST($from AS TIMESTAMPTZ)) % ${DAY_US} = 0)
       AND ($to IS NULL OR epoch_us(CAST($to AS TIMESTAMPTZ)) % ${DAY_US} = 0) AS ok`, { from, to }))[0]!.ok === true;
  return { ...tables, db, settings, key, dayAligned };
}

/**
 * Makes sure the per-unit tables are still those of `context` before a query reads them: another
 * context of the same request (an experiment whose definition brings its own windows or
 * filters) may have rebuilt them for other settings since. A check in memory when they are.
 * @throws Error for database failures of a rebuild.
 */
export async function ensureContextTables(context: AnalysisContext): Promise<void> {
  if (caches.get(context.db)?.key === context.key) return;
  await ensureEventAssignments(context.db, context.settings.exposureEvents);
  await currentTables(context.db, context.settings, context.key);
}

/** The tables' summary for `key`: this session's, the persisted one, or a new build. */
async function currentTables(db: Database, settings: AnalysisSettings, key: string): Promise<Entry> {
  const cached = caches.get(db);
  if (cached && cached.key === key) return cached;
  caches.delete(db);
  const persisted = await db.query<{ summary: string }>('SELECT summary FROM analysis_cache WHERE key = $key', { key });
  if (persisted.length === 1) {
    const entry = { key, ...summaryFromJson(String(persisted[0]!.summary)) };
    caches.set(db, entry);
    return entry;
  }
  // Tables half-built by an interrupted session are never taken for current: the state row goes
  // first and comes back last.
  await db.run('DELETE FROM analysis_cache');
  const entry: Entry = { key, ...(await withRowGroupThreads(db, () => buildUnitMetrics(db, settings))) };
  await db.run('INSERT INTO analysis_cache (key, summary) VALUES ($key, $summary)', { key, summary: summaryToJson(entry) });
  caches.set(db, entry);
  return entry;
}

function summaryToJson(cache: UnitMetricsCache): string {
  return JSON.stringify({
    dataEnd: cache.dataEnd,
    lateEvents: cache.lateEvents,
    markedControls: [...cache.markedControls].map(([experiment, variants]) => [experiment, [...variants]]),
    experiments: [...cache.experiments],
    funnel: cache.funnel,
  });
}

function summaryFromJson(json: string): UnitMetricsCache {
  const parsed = JSON.parse(json) as {
    dataEnd: string | null; lateEvents: LateEvents | null; markedControls: [string, string[]][]; experiments: [string, ExperimentTotals][];
    funnel: string[];
  };
  return {
    dataEnd: parsed.dataEnd,
    lateEvents: parsed.lateEvents,
    markedControls: new Map(parsed.markedControls.map(([experiment, variants]) => [experiment, new Set(variants)])),
    experiments: new Map(parsed.experiments),
    funnel: parsed.funnel,
    metrics: meanMetrics(parsed.funnel),
  };
}


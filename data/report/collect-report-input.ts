/**
 * What a decision report needs from the database, gathered with the analysis service's own
 * functions (analyzeDatabase, cumulativeUplift, retentionCurve, importedFiles): no metric is
 * computed here.
 */
import { analyzeDatabase, importedFiles, type AnalyzeOptions } from '../analysis/analyze.ts';
import { cumulativeUplift, retentionCurve } from '../analysis/time-series.ts';
import { analysisContext } from '../metrics/analysis-context.ts';
import { APP_VERSION } from '../app-version.ts';
import { toNumber, type Database } from '../database.ts';
import type { ExperimentReport, ImportedFileReport } from '../../contract/report.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import type { ReportModelInput } from './build-report-model.ts';

/**
 * The imported files an experiment's analysis reads: for a unit table, the files holding its
 * rows; for an event log, every event-log file (conversions and activity count from any file of
 * events, whatever file the exposure came from). Ordered by import.
 */
export async function experimentFiles(db: Database, experiment: ExperimentReport): Promise<ImportedFileReport[]> {
  const all = await importedFiles(db);
  if (experiment.source === 'events') return all.filter((f) => f.shape === 'event_log');
  const rows = await db.query<{ file_id: number | bigint }>(
    'SELECT DISTINCT file_id FROM unit_rows WHERE experiment_id = $e', { e: experiment.experimentId });
  const ids = new Set(rows.map((r) => toNumber(r.file_id)));
  return all.filter((f) => ids.has(f.fileId));
}

/**
 * Everything but the ChangeSet for the report of `experimentId`: its analysis with `settings`,
 * the series and the files. Null when the experiment does not exist (or no unit passes the
 * filters). Re-analyses the one experiment with `settings`, so the report shows the analysis of
 * exactly those settings; the series are computed for the same settings from the persisted
 * per-unit tables (`analysis_unit_metrics`, `analysis_unit_cube`, data/metrics/analysis-context.ts),
 * which the analysis has just built or found current, and stay plain columns (no Arrow here).
 * `options.definitions` replace stored experiment definitions for this report (`analyzeDatabase`).
 * @throws Error only for database failures.
 */
export async function collectReportInput(
  db: Database, settings: AnalysisSettings, experimentId: string, generatedAt: string = new Date().toISOString(),
  options: AnalyzeOptions = {},
): Promise<Omit<ReportModelInput, 'changeSet' | 'auditTrail' | 'decision'> | null> {
  // One analysis context for the analysis and both series (data/metrics/analysis-context.ts).
  const context = await analysisContext(db, settings);
  const analysis = await analyzeDatabase(db, settings, experimentId, { ...options, context });
  const experiment = analysis.experiments.find((e) => e.experimentId === experimentId);
  if (!experiment) return null;
  return {
    experiment,
    settings,
    files: await experimentFiles(db, experiment),
    appVersion: APP_VERSION,
    analysedAt: analysis.generatedAt,
    generatedAt,
    cumulative: await cumulativeUplift(db, experiment, settings, context),
    retention: await retentionCurve(db, experiment, settings, context),
  };
}

/**
 * The time series as Arrow IPC for the wire: the desk service answers `analyzeExperiment` with
 * these bytes, so the renderer never receives rows as JSON (docs/architecture.md). Inside `data/`
 * the series stay plain columns (`contract/series.ts`); this is the one place they are encoded.
 */
import {
  CUMULATIVE_COLUMNS, RETENTION_COLUMNS, type CumulativeColumns, type RetentionColumns, type SeriesColumns,
} from '../../contract/series.ts';
import { columnsToArrow, type ArrowColumn } from './to-arrow.ts';

/** Columns in the order `ExperimentAnalysis` documents them: `day`, `variant`, then the other numbers. */
function seriesToArrow<K extends string>(table: SeriesColumns<K>, names: readonly K[]): Uint8Array {
  const columns: Record<string, ArrowColumn> = {};
  const [first, ...rest] = names;
  if (first !== undefined) columns[first] = { kind: 'number', values: table[first] };
  columns.variant = { kind: 'string', values: table.variant };
  for (const name of rest) columns[name] = { kind: 'number', values: table[name] };
  return columnsToArrow(columns);
}

/** `ExperimentAnalysis.cumulative`: day, variant, n, relative, ciLower, ciUpper. */
export function cumulativeToArrow(table: CumulativeColumns): Uint8Array {
  return seriesToArrow(table, CUMULATIVE_COLUMNS);
}

/** `ExperimentAnalysis.retention`: day, variant, mature, rate. */
export function retentionToArrow(table: RetentionColumns): Uint8Array {
  return seriesToArrow(table, RETENTION_COLUMNS);
}

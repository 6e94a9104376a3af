/**
 * The NDJSON writer of a simulated event log: one JSON object per line with the canonical keys,
 * LF line endings, gzip-compressed when the path ends in `.gz`.
 */
import { writeSimulatedLog } from './write-text.ts';
import { EVENT_LOG_COLUMNS, isBrokenRow, type SimulatedRow, type SimulationOptions, type SimulationTruth } from './types.ts';

/**
 * One NDJSON line (no line ending): a JSON object with the canonical keys in column order
 * (`null` for empty fields, `is_control` boolean, `revenue_cents` an integer number of cents,
 * `timestamp` always a string — epoch-ms rows as a digit string). A `wrong_column_count` broken
 * row is written as a JSON array of its first 14 values: a record that is not a JSON object.
 */
export function ndjsonRecord(row: SimulatedRow): string {
  if (isBrokenRow(row) && row.brokenReason === 'wrong_column_count') {
    return JSON.stringify(EVENT_LOG_COLUMNS.slice(0, -1).map((column) => row.row[column]));
  }
  const source = isBrokenRow(row) ? row.row : row;
  const out: Record<string, unknown> = {};
  for (const column of EVENT_LOG_COLUMNS) out[column] = source[column];
  return JSON.stringify(out);
}

/**
 * Simulates `options` and writes the event log as NDJSON to `path` (parent folders created; `.gz`
 * → gzip), no header line. Resolves to the ground truth.
 */
export function writeEventLogNdjson(path: string, options: SimulationOptions): Promise<SimulationTruth> {
  return writeSimulatedLog(path, options, null, ndjsonRecord);
}

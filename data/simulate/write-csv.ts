/**
 * The CSV writer of a simulated event log: RFC 4180, comma delimiter, LF line endings, UTF-8,
 * gzip-compressed when the path ends in `.gz`. Output is byte-identical for identical options.
 */
import { writeSimulatedLog } from './write-text.ts';
import {
  EVENT_LOG_COLUMNS,
  isBrokenRow,
  type CanonicalEventRow,
  type SimulatedRow,
  type SimulationOptions,
  type SimulationTruth,
} from './types.ts';

/** The exact CSV header line (without its LF). */
export const EVENT_LOG_CSV_HEADER = EVENT_LOG_COLUMNS.join(',');

/** Quotes a CSV field per RFC 4180 when it contains a comma, a double quote, CR or LF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function fieldText(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** The field values of `row` in {@link EVENT_LOG_COLUMNS} order; `null` → empty, booleans → `true`/`false`, cents as integers. */
export function eventRowFields(row: CanonicalEventRow): string[] {
  return EVENT_LOG_COLUMNS.map((column) => fieldText(row[column]));
}

/**
 * One CSV record (no line ending) for a simulated row. A `wrong_column_count` broken row loses its
 * last field (`order_id`), so it has 14 fields.
 */
export function csvRecord(row: SimulatedRow): string {
  const fields = eventRowFields(isBrokenRow(row) ? row.row : row);
  if (isBrokenRow(row) && row.brokenReason === 'wrong_column_count') fields.pop();
  return fields.map(csvField).join(',');
}

/**
 * Simulates `options` and writes the event log as CSV to `path` (parent folders created; a `.gz`
 * suffix such as `events.csv.gz` → gzip). Header exactly {@link EVENT_LOG_CSV_HEADER}, then one
 * record per row, LF after every line. Resolves to the ground truth (`rowsWritten` excludes the
 * header).
 */
export function writeEventLogCsv(path: string, options: SimulationOptions): Promise<SimulationTruth> {
  return writeSimulatedLog(path, options, EVENT_LOG_CSV_HEADER, csvRecord);
}

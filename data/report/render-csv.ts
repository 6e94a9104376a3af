/**
 * CSV exports of a decision report (RFC 4180): the metric results, one row per metric × variant,
 * and the ChangeSet audit trail, one row per event.
 *
 * - Records end with CRLF; the first record is the header; every record has the same fields.
 * - A field is quoted when it contains a comma, a double quote, CR or LF (or starts/ends with a
 *   space); quotes inside are doubled.
 * - Numbers are written unrounded, as `String(x)` (the shortest text that reads back as the same
 *   double, e.g. 0.1 + 0.2 → `0.30000000000000004`); `null` is an empty field; booleans are
 *   `true` / `false`.
 * - Text from the data (experiment ids, variant names, reasons) is written verbatim — except text
 *   that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or CR):
 *   that gets a leading apostrophe and is quoted (OWASP's "CSV injection" advice), since audit
 *   reasons and ids come from other people and reports are opened in spreadsheets. Numbers are
 *   never changed. No UTF-8 byte-order mark.
 */
import type { DecisionReportModel, ReportAuditEvent, ResultRow } from './report-model.ts';

type Cell = string | number | boolean | null | undefined;

/** Text a spreadsheet would read as a formula (see the file comment). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, quoted when RFC 4180 requires it; text that would run as a formula is defused. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' && FORMULA_START.test(value)) return `"'${value.replaceAll('"', '""')}"`;
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole CSV document: the header, then one record per row, CRLF after each record. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** The result columns, in order; each is a `ResultRow` field of the same name. */
export const RESULT_COLUMNS = [
  'experimentId', 'metric', 'metricType', 'role', 'variant', 'isControl', 'n', 'mean', 'variance',
  'absolute', 'absoluteCiLower', 'absoluteCiUpper', 'relative', 'relativeCiLower', 'relativeCiUpper', 'pValue',
  'cupedTheta', 'cupedAbsolute', 'cupedAbsoluteCiLower', 'cupedAbsoluteCiUpper', 'cupedRelative', 'cupedRelativeCiLower',
  'cupedRelativeCiUpper', 'cupedPValue', 'varianceReduction', 'alpha', 'errorCode',
] as const satisfies readonly (keyof ResultRow)[];

/** The metric results as CSV (see the file comment for the conventions). */
export function resultsCsv(model: Pick<DecisionReportModel, 'results'>): string {
  return toCsv(RESULT_COLUMNS, model.results.map((row) => RESULT_COLUMNS.map((column) => row[column])));
}

/** The audit-trail columns: docs/changesets.md's fields, `actor` split in two, `metadata` as JSON text. */
export const AUDIT_COLUMNS = [
  'id', 'changesetId', 'storeId', 'version', 'timestamp', 'actorType', 'actorId', 'action', 'previousState', 'newState', 'reason', 'metadata',
] as const;

/** The audit trail as CSV, oldest first (a header only when there is none). */
export function auditCsv(trail: readonly ReportAuditEvent[]): string {
  return toCsv(AUDIT_COLUMNS, trail.map((e) => [
    e.id ?? null, e.changesetId, e.storeId, e.version ?? null, e.timestamp, e.actor.type, e.actor.id, e.action,
    e.previousState, e.newState, e.reason, JSON.stringify(e.metadata ?? {}),
  ]));
}

/**
 * SQL expressions that parse staged text fields, shared by the event-log and unit-table
 * validators. Each takes an already-quoted column expression.
 */

/**
 * TIMESTAMPTZ from ISO-8601 (zone optional: the session zone is UTC) or epoch milliseconds
 * (all digits); NULL when unparseable.
 */
export function parseTimestampSql(column: string): string {
  return `CASE WHEN regexp_full_match(trim(${column}), '-?[0-9]{1,16}') THEN make_timestamptz(TRY_CAST(trim(${column}) AS BIGINT) * 1000)
               ELSE TRY_CAST(trim(${column}) AS TIMESTAMPTZ) END`;
}

/** TRUE when a timestamp text has a time of day but no zone (read as UTC, SPEC §2.1). */
export function zonelessTimestampSql(column: string): string {
  return `(NOT regexp_full_match(trim(${column}), '-?[0-9]{1,16}')
           AND NOT regexp_matches(trim(${column}), '[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\\s*(Z|z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?)$'))`;
}

/** DOUBLE from a number, or TRUE/FALSE (any case) as 1/0; NULL when empty or unparseable. */
export function parseNumberSql(column: string): string {
  return `CASE lower(trim(${column})) WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0 ELSE TRY_CAST(trim(${column}) AS DOUBLE) END`;
}

/** BOOLEAN from true/false/1/0/yes/no (any case); NULL otherwise. */
export function parseBooleanSql(column: string): string {
  return `CASE WHEN lower(trim(${column})) IN ('true', '1', 'yes', 't', 'y') THEN TRUE
               WHEN lower(trim(${column})) IN ('false', '0', 'no', 'f', 'n') THEN FALSE END`;
}

/** The text with surrounding blanks removed; NULL when empty. */
export function textSql(column: string): string {
  return `nullif(trim(${column}), '')`;
}

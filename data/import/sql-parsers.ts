/**
 * SQL expressions that parse staged text fields, shared by the event-log and unit-table
 * validators. Each `parse…Sql` takes an already-quoted column expression and trims it; each
 * `…FromTextSql` takes text that is already trimmed (or NULL) — the validators trim every field
 * once (`textSql`) and parse the result, since `trim` is among the costliest steps of an import.
 * `parse…Sql(c)` = `…FromTextSql(textSql(c))` for every input.
 */

/**
 * TIMESTAMPTZ from trimmed text: ISO-8601 (zone optional: the session zone is UTC) or epoch
 * milliseconds (all digits); NULL when unparseable or NULL.
 */
export function timestampFromTextSql(text: string): string {
  // A text with a colon cannot be all digits: skip the regular expression for ISO texts (speed).
  return `CASE WHEN contains(${text}, ':') THEN TRY_CAST(${text} AS TIMESTAMPTZ)
               WHEN regexp_full_match(${text}, '-?[0-9]{1,16}') THEN make_timestamptz(TRY_CAST(${text} AS BIGINT) * 1000)
               ELSE TRY_CAST(${text} AS TIMESTAMPTZ) END`;
}

/** {@link timestampFromTextSql} of a raw column. */
export function parseTimestampSql(column: string): string {
  return timestampFromTextSql(`trim(${column})`);
}

/** TRUE when a trimmed timestamp text has a time of day but no zone (read as UTC, SPEC §2.1). */
export function zonelessFromTextSql(text: string): string {
  const zone = `regexp_matches(${text}, '[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\\s*(Z|z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?)$')`;
  return `(CASE WHEN contains(${text}, ':') THEN NOT ${zone}
                ELSE NOT regexp_full_match(${text}, '-?[0-9]{1,16}') AND NOT ${zone} END)`;
}

/** {@link zonelessFromTextSql} of a raw column. */
export function zonelessTimestampSql(column: string): string {
  return zonelessFromTextSql(`trim(${column})`);
}

/** DOUBLE from trimmed text: a number, or TRUE/FALSE (any case) as 1/0; NULL when empty or unparseable. */
export function numberFromTextSql(text: string): string {
  return `CASE lower(${text}) WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0 ELSE TRY_CAST(${text} AS DOUBLE) END`;
}

/** {@link numberFromTextSql} of a raw column. */
export function parseNumberSql(column: string): string {
  return numberFromTextSql(`trim(${column})`);
}

/** BOOLEAN from trimmed text: true/false/1/0/yes/no (any case); NULL otherwise. */
export function booleanFromTextSql(text: string): string {
  // A simple CASE, not IN (…): DuckDB plans a long IN list as a join, which hides query progress.
  const when = (values: string[], result: string): string => values.map((v) => `WHEN '${v}' THEN ${result}`).join(' ');
  return `CASE lower(${text}) ${when(['true', '1', 'yes', 't', 'y'], 'TRUE')} ${when(['false', '0', 'no', 'f', 'n'], 'FALSE')} END`;
}

/** {@link booleanFromTextSql} of a raw column. */
export function parseBooleanSql(column: string): string {
  return booleanFromTextSql(`trim(${column})`);
}

/** The text with surrounding blanks removed; NULL when empty. */
export function textSql(column: string): string {
  return `nullif(trim(${column}), '')`;
}

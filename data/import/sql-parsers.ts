/**
 * SQL expressions that parse staged text fields, shared by the event-log and unit-table
 * validators. Each `parse…Sql` takes an already-quoted column expression and trims it; each
 * `…FromTextSql` takes text that is already trimmed (or NULL) — the validators trim every field
 * once (`textSql`) and parse the result, since `trim` is among the costliest steps of an import.
 * `parse…Sql(c)` = `…FromTextSql(textSql(c))` for every input.
 *
 * Accepted ranges (docs/analysis-definitions.md, "Import and validation"): a value outside them is
 * NULL, which the validators reject as `bad_timestamp` or `bad_number` — an odd value never reaches
 * the database, where it would break every later analysis, and never aborts an import.
 */

/** First accepted instant (inclusive), UTC: epoch 0. */
export const TIMESTAMP_MIN = '1970-01-01 00:00:00+00';
/** End of the accepted instants (exclusive), UTC: timestamps must lie before the year 2100. */
export const TIMESTAMP_END = '2100-01-01 00:00:00+00';
/**
 * Largest accepted magnitude of a number (unit-table value, revenue, order total): any real
 * measurement or identifier fits, and squares and sums of them stay finite.
 */
export const MAX_ABS_NUMBER = 1e100;
/** Largest accepted magnitude of revenue in cents: exact as a double (below 2^53), sums far from the BIGINT limit. */
export const MAX_ABS_CENTS = 1e15;

/** What a reject detail adds to a number that parses but is not accepted (NaN, ±inf, too large). */
export const OUT_OF_RANGE_NUMBER = '(not a finite number within ±10^100)';
/** What a reject detail adds to a revenue that parses but is not accepted (NaN, ±inf, too large). */
export const OUT_OF_RANGE_REVENUE = '(not a finite amount within ±10^15 cents)';

/**
 * TIMESTAMPTZ from trimmed text, without the range check: ISO-8601 (zone optional: the session zone
 * is UTC) or epoch milliseconds (all digits); NULL when unparseable. Epochs of more than 13 digits
 * (beyond the year 2286) are NULL rather than multiplied into an overflow; `infinity` and years
 * beyond 9999 parse (and fail the range check of {@link timestampFromTextSql}).
 */
function anyTimestampFromTextSql(text: string): string {
  // A text with a colon cannot be all digits: skip the regular expression for ISO texts (speed).
  return `CASE WHEN contains(${text}, ':') THEN TRY_CAST(${text} AS TIMESTAMPTZ)
               WHEN regexp_full_match(${text}, '-?[0-9]{1,16}') THEN
                 CASE WHEN length(${text}) <= 14 THEN make_timestamptz(TRY_CAST(${text} AS BIGINT) * 1000) END
               ELSE TRY_CAST(${text} AS TIMESTAMPTZ) END`;
}

/**
 * TIMESTAMPTZ from trimmed text: ISO-8601 (zone optional: the session zone is UTC) or epoch
 * milliseconds (all digits), at an instant in [{@link TIMESTAMP_MIN}, {@link TIMESTAMP_END});
 * NULL when unparseable, out of that range (`infinity` included) or NULL.
 */
export function timestampFromTextSql(text: string): string {
  // DuckDB evaluates the repeated parse once (common subexpressions).
  const parsed = `(${anyTimestampFromTextSql(text)})`;
  return `(CASE WHEN ${parsed} >= TIMESTAMPTZ '${TIMESTAMP_MIN}' AND ${parsed} < TIMESTAMPTZ '${TIMESTAMP_END}' THEN ${parsed} END)`;
}

/** {@link timestampFromTextSql} of a raw column. */
export function parseTimestampSql(column: string): string {
  return timestampFromTextSql(`trim(${column})`);
}

/**
 * The reject detail of a timestamp that {@link timestampFromTextSql} refused, from its trimmed
 * text: `timestamp: <text>`, `timestamp: (empty)`, or, for a time outside the accepted range
 * (epoch digits included), `timestamp: <text> (outside 1970-01-01 … 2099-12-31 UTC)`.
 */
export function timestampRejectDetailSql(text: string): string {
  return `'timestamp: ' || coalesce(${text}, '(empty)')
          || CASE WHEN regexp_full_match(${text}, '-?[0-9]+') OR (${anyTimestampFromTextSql(text)}) IS NOT NULL
                  THEN ' (outside 1970-01-01 … 2099-12-31 UTC)' ELSE '' END`;
}

/** TRUE when a trimmed timestamp text has a time of day but no zone (read as UTC, docs/analysis-definitions.md). */
export function zonelessFromTextSql(text: string): string {
  const zone = `regexp_matches(${text}, '[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\\s*(Z|z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?)$')`;
  return `(CASE WHEN contains(${text}, ':') THEN NOT ${zone}
                ELSE NOT regexp_full_match(${text}, '-?[0-9]{1,16}') AND NOT ${zone} END)`;
}

/** {@link zonelessFromTextSql} of a raw column. */
export function zonelessTimestampSql(column: string): string {
  return zonelessFromTextSql(`trim(${column})`);
}

/**
 * DOUBLE from trimmed text: a number with |x| ≤ {@link MAX_ABS_NUMBER}, or TRUE/FALSE (any case)
 * as 1/0; NULL when empty, unparseable, not finite (`NaN`, `inf`, `1e309`) or larger.
 */
export function numberFromTextSql(text: string): string {
  // DuckDB evaluates the repeated cast once (common subexpressions); abs(NaN) compares above all.
  const parsed = `TRY_CAST(${text} AS DOUBLE)`;
  return `CASE lower(${text}) WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0
            ELSE CASE WHEN abs(${parsed}) <= ${MAX_ABS_NUMBER} THEN ${parsed} END END`;
}

/** {@link numberFromTextSql} of a raw column. */
export function parseNumberSql(column: string): string {
  return numberFromTextSql(`trim(${column})`);
}

/**
 * TRUE when a raw column's text reads as a number of any size (`NaN` and `inf` included) or a
 * boolean: what makes a unit-table column a metric when none are named (its odd values are then
 * rejected row by row, as `bad_number`, rather than the column silently dropped).
 */
export function numberLikeSql(column: string): string {
  const text = `trim(${column})`;
  return `(lower(${text}) IN ('true', 'false') OR TRY_CAST(${text} AS DOUBLE) IS NOT NULL)`;
}

/**
 * Revenue in cents (BIGINT) from trimmed text: the number × `scale` (100 for an amount in currency
 * units, 1 for cents), rounded, when |cents| ≤ {@link MAX_ABS_CENTS} (exact as a double, and sums
 * of many stay far from the BIGINT limit); NULL otherwise.
 */
export function centsFromTextSql(text: string, scale: 1 | 100): string {
  const cents = `round(${numberFromTextSql(text)}${scale === 100 ? ' * 100' : ''})`;
  return `(CASE WHEN abs(${cents}) <= ${MAX_ABS_CENTS} THEN CAST(${cents} AS BIGINT) END)`;
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

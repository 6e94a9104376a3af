/**
 * A staged input file as one SQL relation, whatever its format (CSV, NDJSON, Parquet, Arrow), for
 * the validators (docs/import.md, "Staging"). The relation streams from the staged file: reading
 * it twice costs a second scan, never memory.
 */
import type { DuckDBValue } from '@duckdb/node-api';

export interface StagedSource {
  /** Column names, as the relation names its text columns. */
  readonly header: readonly string[];
  /**
   * SQL of a relation (a parenthesised subquery) with one row per data record: `__line` (the
   * physical line where it starts; for Parquet and Arrow the row number + 1), `__raw` (its text as
   * written, or its JSON), `__problem` (NULL, `wrong_column_count` or `malformed_record`),
   * `__detail`, and one VARCHAR column per header name (NULL when empty). With `only`, the name
   * of a relation with a column `line`, just those records.
   */
  readonly relation: (only?: string) => string;
  /** The parameters the relation's SQL binds. */
  readonly params: Record<string, DuckDBValue>;
  /** Records that span several physical lines (CSV quoted line breaks). */
  readonly multiLineRecords?: number;
}

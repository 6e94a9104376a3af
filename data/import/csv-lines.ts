/**
 * The fast path of a CSV event-log import: the file's lines straight into `events`, without
 * DuckDB's CSV parser and without the raw-line pass of staging (SPEC §2.2 rules unchanged;
 * docs/analysis-definitions.md).
 *
 * It applies when a file has no quote character at all (checked on every byte while hashing, see
 * `scan-file.ts`): then a record is exactly one physical line and its fields are the line split
 * at the delimiter, and a record whose field count differs from the header's is
 * `wrong_column_count`.
 *
 * Line numbers: numbering lines inside a scan (`row_number() OVER ()`) would serialise the whole
 * import, and keeping every line in a temp table would hold the file in memory (or spill it).
 * Instead the lines are first copied, in order and in parallel, to a temporary LZ4 Parquet file
 * beside DuckDB's spill folder (a third of the CSV's size): its `file_row_number` is the line
 * number (blank lines included, as NULL) and every later pass reads it in parallel.
 *
 * Deleting or updating rows of `events` inside the import's transaction would make DuckDB rewrite
 * everything it has already written at commit, so rows are only ever inserted: before the
 * transaction, one validation pass (DuckDB computes only what the reasons need) collects the rows
 * read, the zone-less timestamps, the accepted exposures (for the assignments) and the lines that
 * are not events — rejected, or a line identical to an earlier one (`duplicate_event`: identical
 * fields, as a plain line has no quoting; found by grouping lines by hash); inside it, those
 * become rejects and a second pass inserts every other record.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import { toNumber, type Database } from '../database.ts';
import type { EventLogMapping } from './mapping.ts';
import { zonelessFromTextSql } from './sql-parsers.ts';
import { checkedEventsSql, type EventNames, type ValidationCounts } from './validate-events.ts';

/**
 * The header of a CSV file as DuckDB reads it (the authority for column names), or null when it
 * is not simply the first line split at the delimiter — then the fast path does not apply.
 */
export async function plainCsvHeader(db: Database, path: string, delimiter: string, firstLine: readonly string[]): Promise<string[] | null> {
  let header: string[];
  try {
    // The same reader options as staging (`stage.ts`), so the same header; DESCRIBE only sniffs.
    header = (await db.query<{ column_name: string }>(
      `SELECT column_name FROM (DESCRIBE SELECT * FROM read_csv($path, delim = $delim, quote = '"', escape = '"', header = true,
                                                                all_varchar = true, store_rejects = true))`,
      { path, delim: delimiter },
    )).map((r) => r.column_name);
  } catch {
    return null; // staging reports what is wrong with the file
  }
  const same = header.length === firstLine.length && header.every((name, i) => name === firstLine[i]);
  return same && header.length > 1 ? header : null;
}

/** The staged lines: a temp view `stage_plain_lines (n, line)` over a temporary Parquet file. */
export interface StagedLines {
  /** Physical lines of the file (blank lines and the header included). */
  readonly lines: number;
  /** Removes the temporary file and view. */
  readonly discard: () => Promise<void>;
}

/**
 * Copies the file's lines, in order, to a temporary Parquet file and creates the temp view
 * `stage_plain_lines (n, line)` (`n` = line number, 1 = header) over it; before the import's
 * transaction.
 */
export async function stageLines(db: Database, path: string, spillDirectory: string): Promise<StagedLines> {
  // Beside DuckDB's spill folder (next to the database file, or in the OS temp dir), removed after.
  const directory = `${spillDirectory.replace(/[\\/]+$/, '')}-lines-${randomUUID()}`;
  await mkdir(directory, { recursive: true });
  const file = join(directory, 'lines.parquet');
  const discard = async (): Promise<void> => {
    await db.run('DROP VIEW IF EXISTS stage_plain_lines').catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await db.run(`
      COPY (SELECT line FROM read_csv($path, columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', header = false,
                                      auto_detect = false, strict_mode = false))
      TO '${file.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION lz4)`, { path });
    await db.run(`CREATE OR REPLACE TEMP VIEW stage_plain_lines AS
                  SELECT file_row_number + 1 AS n, line FROM read_parquet('${file.replaceAll("'", "''")}', file_row_number = true)`);
    // A count from the Parquet metadata.
    const lines = toNumber((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM stage_plain_lines'))[0]!.n)!;
    return { lines, discard };
  } catch (error) {
    await discard();
    throw error;
  }
}

/** What {@link prepareStagedLines} found, for {@link insertStagedLines}. */
export interface PreparedLines extends ValidationCounts {
  readonly rowsRead: number;
  /** Lines that are not events (rejected or duplicate), in `stage_skipped`. */
  readonly skipped: number;
  /** Duplicate lines, in `stage_dups`. */
  readonly duplicates: number;
  readonly sql: { readonly checked: (lines: string) => string; readonly params: Record<string, unknown> };
}

/**
 * Validates the plain CSV event log staged by {@link stageLines} (see the module comment), before
 * the import's transaction: counts the rows read and the zone-less timestamps of accepted rows,
 * and fills the temp tables `stage_dups` (copies of an earlier line), `stage_skipped` (lines that
 * are not events) and `stage_exposures` (the accepted exposure events, for the assignments).
 * With `trim` false the caller knows that no field has surrounding blanks (trimming is skipped).
 */
export async function prepareStagedLines(
  db: Database,
  delimiter: string,
  mapping: EventLogMapping,
  header: readonly string[],
  names: EventNames,
  trim = true,
): Promise<PreparedLines> {
  // Data lines that repeat an earlier data line: grouped by hash, then compared. The same pass
  // counts the data lines (the empty grouping set): the rows read.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE stage_line_hashes AS
    SELECT hash(line) AS h, count(*) AS copies, grouping(hash(line)) = 1 AS total
    FROM stage_plain_lines WHERE n > 1 AND line IS NOT NULL
    GROUP BY GROUPING SETS ((hash(line)), ())
    HAVING count(*) > 1 OR grouping(hash(line)) = 1`);
  await db.run(`
    CREATE OR REPLACE TEMP TABLE stage_dups AS
    SELECT n AS line FROM (
      SELECT n, row_number() OVER (PARTITION BY line ORDER BY n) AS copy_no
      FROM stage_plain_lines
      WHERE n > 1 AND line IS NOT NULL AND hash(line) IN (SELECT h FROM stage_line_hashes WHERE NOT total)
    ) WHERE copy_no > 1`);
  const rowsRead = toNumber((await db.query<{ n: bigint }>('SELECT copies AS n FROM stage_line_hashes WHERE total'))[0]!.n)!;
  const duplicates = toNumber((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM stage_dups'))[0]!.n)!;

  // The records of the lines that `lines` selects (a relation with `n` and `line`), validated.
  const fields = header.map((name, i) => `nullif(__f[${i + 1}], '') AS "${name.replaceAll('"', '""')}"`).join(', ');
  const checked = (lines: string): string => {
    const records = `(SELECT __line, __raw, len(__f) AS __fields, ${fields}
      FROM (SELECT n AS __line, line AS __raw, string_split(line, $delim) AS __f FROM ${lines} WHERE n > 1 AND line IS NOT NULL))`;
    return `(SELECT * REPLACE (
        CASE WHEN __fields <> $fields THEN 'wrong_column_count' ELSE reason END AS reason,
        CASE WHEN __fields <> $fields THEN 'Expected Number of Columns: ' || $fields || ' Found: ' || __fields ELSE detail END AS detail)
      FROM (${checkedEventsSql(mapping, header, records, { duplicates: false, passThrough: ['__fields'], trim })}))`;
  };
  const params = { delim: delimiter, exposure: listValue([...names.exposure]), fields: header.length };

  // One validation pass (DuckDB computes just what is selected) keeps the lines that need more
  // than an insert: rejected, duplicate, zone-less, or an accepted exposure (for the assignments).
  await db.run(`
    CREATE OR REPLACE TEMP TABLE stage_flags AS
    SELECT c.__line AS line, c.reason, d.line IS NOT NULL AS duplicate, ${zonelessFromTextSql('c.ts_text')} AS zoneless,
      c.experiment_id, c.user_id, c.variant_id, c.ts, c.user_segment,
      c.reason IS NULL AND list_contains($exposure, c.event_name) AND c.experiment_id IS NOT NULL AND c.variant_id IS NOT NULL AS exposure
    FROM ${checked('stage_plain_lines')} c LEFT JOIN stage_dups d ON d.line = c.__line
    WHERE c.reason IS NOT NULL OR d.line IS NOT NULL OR ${zonelessFromTextSql('c.ts_text')}
       OR list_contains($exposure, c.event_name)`, params);
  await db.run(`CREATE OR REPLACE TEMP TABLE stage_skipped AS SELECT line FROM stage_flags WHERE reason IS NOT NULL OR duplicate`);
  await db.run(`
    CREATE OR REPLACE TEMP TABLE stage_exposures AS
    SELECT experiment_id, user_id, variant_id, ts, user_segment FROM stage_flags WHERE exposure AND NOT duplicate`);
  const pass = (await db.query<{ zoneless: bigint; skipped: bigint }>(`
    SELECT (SELECT count(*) FROM stage_flags WHERE reason IS NULL AND NOT duplicate AND zoneless) AS zoneless,
      (SELECT count(*) FROM stage_skipped) AS skipped`))[0]!;
  const skipped = toNumber(pass.skipped)!;
  return {
    rowsRead, accepted: rowsRead - skipped, rejected: skipped, zonelessTimestamps: toNumber(pass.zoneless)!, skipped, duplicates,
    sql: { checked, params },
  };
}

/**
 * Inserts the lines prepared by {@link prepareStagedLines} as file `fileId`, in the caller's
 * transaction: the skipped ones into `rejects` (their own reason, else `duplicate_event`), every
 * other record into `events`.
 */
export async function insertStagedLines(db: Database, fileId: number, prepared: PreparedLines): Promise<void> {
  const { checked, params } = prepared.sql;
  if (prepared.skipped > 0) {
    await db.run(`
      INSERT INTO rejects
      SELECT $file, __line, __raw, coalesce(reason, 'duplicate_event'), CASE WHEN reason IS NOT NULL THEN detail END
      FROM ${checked('(SELECT n, line FROM stage_plain_lines WHERE n IN (SELECT line FROM stage_skipped))')}
      ORDER BY __line`, { ...params, file: fileId });
  }
  // Filtering on the reason again costs little beside typing every field, where a join with the
  // skipped lines would cost the parallel, ordered insert; duplicates (rare) are joined away.
  // Rows carry their line numbers, so their order in storage does not matter: an unordered insert
  // is faster, and writes full row groups (an ordered one leaves part-filled row groups for the
  // checkpoint to rewrite when a filter thins its batches).
  await db.run('SET preserve_insertion_order = false');
  try {
    await db.run(`
    INSERT INTO events
    SELECT $file, __line, event_name, event_version, ts, user_id, experiment_id, variant_id, is_control, user_segment,
           plan_code, revenue_cents, currency, request_id, session_id, store_id, order_id, properties
    FROM ${checked('stage_plain_lines')}
    WHERE reason IS NULL ${prepared.duplicates > 0 ? 'AND __line NOT IN (SELECT line FROM stage_dups)' : ''}`, { ...params, file: fileId });
  } finally {
    // After a failure the transaction only takes ROLLBACK; staging sets it again (import-file.ts).
    await db.run('SET preserve_insertion_order = true').catch(() => undefined);
  }
}

/**
 * The first step of every text import (CSV, TSV, NDJSON, gzip or not): the file's physical lines,
 * copied in order and in parallel by DuckDB to a temporary LZ4 Parquet file beside its spill
 * folder (about a third of the CSV's size), with a temp view `stage_plain_lines (n, line)` over it
 * (`n` = physical line number, 1 = the first line; a blank line is NULL). Later passes read it in
 * parallel and stream: nothing holds the file in memory (docs/import.md, "Memory").
 *
 * Why not number lines inside one scan: `row_number() OVER ()` serialises the whole import, and a
 * temp table of every line holds the file in the buffer pool. Parquet's `file_row_number` is the
 * line number for free.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { toNumber, withWriteThreads, type Database } from '../database.ts';

/** The staged lines: the temp view `stage_plain_lines (n, line)` over a temporary Parquet file. */
export interface StagedLines {
  /** Physical lines of the file (blank lines and a header included). */
  readonly lines: number;
  /** Removes the temporary file and view. */
  readonly discard: () => Promise<void>;
}

/**
 * Rows per row group of the staged lines. Every thread that scans the file holds a row group
 * (compressed and decompressed): at DuckDB's default of 122,880 lines (~14 MB of text) 16 threads
 * ran out of a 512 MiB limit on a 10M-line file; at 16,384 (~2 MB) they need a tenth of it
 * (measured, docs/import.md "Memory").
 */
export const STAGED_ROW_GROUP_ROWS = 16_384;

/** DuckDB's reader options that make every physical line one VARCHAR value (no quoting, no delimiter). */
export const LINE_READER_OPTIONS = `columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', header = false,
  auto_detect = false, strict_mode = false`;

/**
 * Copies the lines of `path` (a gzip file is decompressed by DuckDB) to a temporary Parquet file
 * in a fresh folder beside `spillDirectory`, and creates the view `stage_plain_lines`.
 *
 * @throws Error (DuckDB's) when the file cannot be read as text (e.g. not UTF-8); the caller words it.
 */
export async function stageLines(db: Database, path: string, spillDirectory: string): Promise<StagedLines> {
  const directory = `${spillDirectory.replace(/[\\/]+$/, '')}-lines-${randomUUID()}`;
  await mkdir(directory, { recursive: true });
  const file = join(directory, 'lines.parquet');
  const fileSql = `'${file.replaceAll("'", "''")}'`;
  const discard = async (): Promise<void> => {
    await db.run('DROP VIEW IF EXISTS stage_plain_lines').catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    // Parquet writers hold a row group per thread: their thread count fits the memory limit.
    await withWriteThreads(db, () => db.run(`COPY (SELECT line FROM read_csv($path, ${LINE_READER_OPTIONS})) TO ${fileSql} (FORMAT parquet, COMPRESSION lz4, ROW_GROUP_SIZE ${STAGED_ROW_GROUP_ROWS})`, { path }));
    await db.run(`CREATE OR REPLACE TEMP VIEW stage_plain_lines AS
                  SELECT file_row_number + 1 AS n, line FROM read_parquet(${fileSql}, file_row_number = true)`);
    // A count from the Parquet metadata.
    const lines = toNumber((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM stage_plain_lines'))[0]!.n)!;
    return { lines, discard };
  } catch (error) {
    await discard();
    throw error;
  }
}

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
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { toNumber, withRowGroupThreads, type Database } from '../database.ts';

/**
 * The staged lines: the temp view `stage_plain_lines (n, line)` over a temporary Parquet file, and
 * the temp table `stage_bad_lines (n, raw, detail)` of the lines that could not be read.
 */
export interface StagedLines {
  /** Physical lines of the file (blank lines and a header included). */
  readonly lines: number;
  /** Lines in `stage_bad_lines`: not UTF-8 (raw shows U+FFFD for the bad bytes) or too long (cut). */
  readonly badLines: number;
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

/** Longest line read, bytes; a longer one is a bad line (a reject), not a failed import. */
export const MAX_LINE_BYTES = 8 << 20;

/**
 * Bad lines (not UTF-8, or longer than {@link MAX_LINE_BYTES}) that a file may have and still be
 * read line by line: each is a reject; beyond, the file is refused (convert it to UTF-8).
 */
export const MAX_BAD_LINES = 1000;

/**
 * DuckDB's reader options that make every physical line one VARCHAR value (no quoting, no
 * delimiter). Its buffers (twice the longest line, per reading thread) are smaller than DuckDB's
 * default of 32 MiB. Lines it cannot read are logged in `stage_line_errors` with their number.
 */
export const LINE_READER_OPTIONS = `columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', header = false,
  auto_detect = false, strict_mode = false, max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${2 * MAX_LINE_BYTES},
  store_rejects = true, rejects_table = 'stage_line_errors', rejects_scan = 'stage_line_scans'`;

/** Thrown when a file cannot be read line by line at all; its message is one line for the user. */
export class StagingInputError extends Error {
  override readonly name = 'StagingInputError';
}

/**
 * Removes staging folders that an import killed mid-way (kill -9, power cut) left beside
 * `spillDirectory`: those whose owner process (the `owner` file) has ended. A spill folder may be
 * shared (`EXPERIMENT_DESK_TEMP_DIR`), so a live process's folder is never touched.
 */
async function removeStaleStaging(spillDirectory: string): Promise<void> {
  const base = spillDirectory.replace(/[\\/]+$/, '');
  const parent = dirname(base);
  const prefix = `${basename(base)}-lines-`;
  const entries = (await readdir(parent).catch(() => [] as string[])).filter((name) => name.startsWith(prefix));
  await Promise.all(entries.map(async (name) => {
    const folder = join(parent, name);
    const owner = Number(await readFile(join(folder, 'owner'), 'utf8').catch(() => ''));
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && !processAlive(owner)) await rm(folder, { recursive: true, force: true });
  }));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/**
 * Copies the lines of `path` (a gzip file is decompressed by DuckDB) to a temporary Parquet file
 * in a fresh folder beside `spillDirectory`, and creates the view `stage_plain_lines`.
 *
 * @throws Error (DuckDB's) when the file cannot be read as text (e.g. not UTF-8); the caller words it.
 */
export async function stageLines(db: Database, path: string, spillDirectory: string): Promise<StagedLines> {
  const directory = `${spillDirectory.replace(/[\\/]+$/, '')}-lines-${randomUUID()}`;
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await writeFile(join(directory, 'owner'), String(process.pid));
  const file = join(directory, 'lines.parquet');
  const fileSql = `'${file.replaceAll("'", "''")}'`;
  const discard = async (): Promise<void> => {
    await db.run('DROP VIEW IF EXISTS stage_plain_lines; DROP TABLE IF EXISTS stage_bad_lines').catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await removeStaleStaging(spillDirectory);
    await db.run('DROP TABLE IF EXISTS stage_line_errors; DROP TABLE IF EXISTS stage_line_scans');
    // Parquet writers hold a row group per thread: their thread count fits the memory limit.
    await withRowGroupThreads(db, () => db.run(`COPY (SELECT line FROM read_csv($path, ${LINE_READER_OPTIONS})) TO ${fileSql} (FORMAT parquet, COMPRESSION lz4, ROW_GROUP_SIZE ${STAGED_ROW_GROUP_ROWS})`, { path }));
    await db.run(`CREATE OR REPLACE TEMP TABLE stage_bad_lines AS
                  SELECT line AS n, any_value(csv_line) AS raw,
                         CASE any_value(error_type) WHEN 'INVALID ENCODING' THEN 'not valid UTF-8 (bad bytes shown as U+FFFD)'
                              ELSE 'line longer than ${MAX_LINE_BYTES >> 20} MiB (first 10,000 characters shown)' END AS detail
                  FROM stage_line_errors GROUP BY line ORDER BY line`);
    await db.run('DROP TABLE IF EXISTS stage_line_errors; DROP TABLE IF EXISTS stage_line_scans');
    const bad = (await db.query<{ n: bigint }>('SELECT n FROM stage_bad_lines ORDER BY n')).map((r) => toNumber(r.n)!);
    if (bad.length > MAX_BAD_LINES) {
      throw new StagingInputError(`${bad.length.toLocaleString('en')} lines cannot be read as UTF-8 text (the first is line ${bad[0]}): ` +
        'save the file as UTF-8 and import it again');
    }
    // Bad lines are missing from the staged file: a staged row's line number is its position plus
    // the number of bad lines before it (`k`-th bad line n_k has n_k − k good lines before it).
    const shift = bad.length === 0 ? '' : ` + len(list_filter([${bad.map((n, k) => n - (k + 1)).join(', ')}], lambda b: b < file_row_number + 1))`;
    await db.run(`CREATE OR REPLACE TEMP VIEW stage_plain_lines AS
                  SELECT file_row_number + 1${shift} AS n, line FROM read_parquet(${fileSql}, file_row_number = true)`);
    // A count from the Parquet metadata.
    const lines = toNumber((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM stage_plain_lines'))[0]!.n)! + bad.length;
    return { lines, badLines: bad.length, discard };
  } catch (error) {
    await discard();
    throw error;
  }
}

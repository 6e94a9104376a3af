/**
 * Staging: reads a file into the temp table `stage` — every column as text, plus `__line` (the
 * physical line where the record starts, 1 = header) and `__raw` (the record's raw text) — and the
 * records DuckDB's parser itself rejected into `stage_parse_rejects` (`__line`, `__raw`, reason,
 * detail). Typed validation happens afterwards, in SQL, on `stage`.
 */
import { quoteIdentifier, toNumber, type Database } from '../database.ts';
import { stageArrowIpc } from './arrow-ipc.ts';
import { ImportInputError, type SniffResult } from './detect-format.ts';

export interface StageResult {
  /** Column names as DuckDB parsed them (authoritative header). */
  readonly header: readonly string[];
  /** Records parsed into `stage`. */
  readonly parsedRows: number;
  /** Records the parser rejected (wrong column count, malformed JSON, …). */
  readonly parseRejects: number;
  /** False when physical line numbers could not be matched to records (then `__line` is the record number). */
  readonly exactLines: boolean;
}

/** For formats read in Node (Arrow IPC): progress and cancellation between record batches. */
export interface StageOptions {
  /** Rows read so far and, when known, the share of the file read. */
  readonly onRows?: (rows: number, fraction: number | null) => void;
  readonly signal?: AbortSignal;
}

/**
 * Stages `path` according to its sniffed format.
 * @throws ImportInputError when DuckDB cannot read the file at all.
 */
export async function stageFile(db: Database, path: string, sniff: SniffResult, options: StageOptions = {}): Promise<StageResult> {
  await dropStageTables(db);
  try {
    if (sniff.format === 'csv') return await stageCsv(db, path, sniff.delimiter);
    if (sniff.format === 'ndjson') return await stageNdjson(db, path);
    if (sniff.format === 'arrow') return await stageArrow(db, path, options);
    return await stageParquet(db, path);
  } catch (error) {
    if (error instanceof ImportInputError) throw error;
    const message = (error as Error).message.split('\n')[0] ?? String(error);
    if (/interrupt/i.test(message)) throw error;
    throw new ImportInputError(`${path}: cannot be read as ${sniff.format.toUpperCase()} (${message})`);
  }
}

/** Drops every temp table an import may have left (staging and the fast path's). */
export async function dropStageTables(db: Database): Promise<void> {
  const tables = ['stage', 'stage_parse_rejects', 'stage_records', 'stage_parsed', 'stage_lines', 'stage_json', 'stage_parquet',
    'stage_csv_errors', 'stage_csv_scans', 'stage_checked', 'stage_dups', 'stage_pass', 'stage_skipped', 'stage_exposures', 'stage_flags', 'stage_line_hashes',
    'stage_arrow'];
  await db.run(tables.map((table) => `DROP TABLE IF EXISTS ${table};`).join(' '));
}

// Row ids of tables created inside a transaction start at a large offset, so ordinals are taken
// as rowid − min(rowid): rows are appended in file order (insertion order is preserved).

/**
 * Reads the file as physical lines (no quoting) and groups them into records by quote parity,
 * which is how RFC-4180 quoted fields span lines. Record numbers count blank lines the way
 * DuckDB's CSV reader numbers lines in its reject table.
 */
async function stageRecords(db: Database, path: string, quoteChar: string | null): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE stage_lines AS
     SELECT raw FROM read_csv($path, columns = {'raw': 'VARCHAR'}, delim = chr(1), quote = '', escape = '',
                              header = false, auto_detect = false, strict_mode = false)`,
    { path },
  );
  if (quoteChar === null) {
    // No quoting (NDJSON): every line is a record; no window over the whole file is needed.
    await db.run(`
      CREATE OR REPLACE TEMP TABLE stage_records AS
      SELECT rowid - (SELECT min(rowid) FROM stage_lines) + 1 AS record_no, rowid - (SELECT min(rowid) FROM stage_lines) + 1 AS line,
             coalesce(raw, '') AS raw, raw IS NULL AS blank
      FROM stage_lines`);
    await db.run('DROP TABLE stage_lines');
    return;
  }
  const quoteCount = `coalesce(length(raw) - length(replace(raw, '"', '')), 0)`;
  await db.run(`
    CREATE OR REPLACE TEMP TABLE stage_records AS
    WITH numbered AS (
      SELECT rowid - (SELECT min(rowid) FROM stage_lines) + 1 AS pline, raw, ${quoteCount} AS quotes FROM stage_lines
    ), parity AS (
      SELECT *, coalesce(sum(quotes) OVER (ORDER BY pline ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS quotes_before
      FROM numbered
    ), starts AS (
      SELECT *, sum(CASE WHEN quotes_before % 2 = 0 THEN 1 ELSE 0 END) OVER (ORDER BY pline) AS record_no FROM parity
    )
    SELECT record_no, min(pline) AS line, string_agg(coalesce(raw, ''), chr(10) ORDER BY pline) AS raw,
           bool_and(raw IS NULL) AS blank
    FROM starts GROUP BY record_no`);
  await db.run('DROP TABLE stage_lines');
}

async function stageCsv(db: Database, path: string, delimiter: string): Promise<StageResult> {
  await db.run('DROP TABLE IF EXISTS stage_csv_errors; DROP TABLE IF EXISTS stage_csv_scans;');
  await db.run(
    `CREATE TEMP TABLE stage_parsed AS
     SELECT * FROM read_csv($path, delim = $delim, quote = '"', escape = '"', header = true, all_varchar = true,
                            store_rejects = true, rejects_table = 'stage_csv_errors', rejects_scan = 'stage_csv_scans')`,
    { path, delim: delimiter },
  );
  const header = (await db.query<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE stage_parsed)`)).map((r) => r.column_name);
  await stageRecords(db, path, '"');
  // Parser rejects: one per record (a record can raise several errors).
  await db.run(`
    CREATE TEMP TABLE stage_parse_rejects AS
    SELECT r.line AS __line, r.raw AS __raw,
           CASE WHEN e.error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS') THEN 'wrong_column_count' ELSE 'malformed_record' END AS reason,
           e.error_message AS detail, e.record_no
    FROM (SELECT line AS record_no, arg_min(error_type, column_idx) AS error_type, arg_min(error_message, column_idx) AS error_message
          FROM stage_csv_errors GROUP BY line) e
    LEFT JOIN stage_records r ON r.record_no = e.record_no`);
  const counts = (await db.query<{ parsed: bigint; data: bigint; rejected: bigint }>(`
    SELECT (SELECT count(*) FROM stage_parsed) AS parsed,
           (SELECT count(*) FROM stage_records WHERE record_no > 1 AND NOT blank
              AND record_no NOT IN (SELECT record_no FROM stage_parse_rejects)) AS data,
           (SELECT count(*) FROM stage_parse_rejects) AS rejected`))[0]!;
  const parsedRows = toNumber(counts.parsed)!;
  const exactLines = parsedRows === toNumber(counts.data);
  if (exactLines) {
    await db.run(`
      CREATE TEMP TABLE stage AS
      SELECT p.* EXCLUDE (__ord), d.line AS __line, d.raw AS __raw
      FROM (SELECT rowid - (SELECT min(rowid) FROM stage_parsed) + 1 AS __ord, * FROM stage_parsed) p
      JOIN (SELECT row_number() OVER (ORDER BY record_no) AS ord, line, raw FROM stage_records
            WHERE record_no > 1 AND NOT blank AND record_no NOT IN (SELECT record_no FROM stage_parse_rejects)) d
        ON d.ord = p.__ord
      ORDER BY p.__ord`);
  } else {
    // Quoting the parity rule cannot follow (e.g. backslash escapes): fall back to the record's
    // position and its fields joined again, and say so in the summary.
    const joined = header.map((name) => `coalesce(${quoteIdentifier(name)}, '')`).join(', ');
    await db.run(
      `CREATE TEMP TABLE stage AS SELECT *, rowid - (SELECT min(rowid) FROM stage_parsed) + 2 AS __line, concat_ws($delim, ${joined}) AS __raw FROM stage_parsed`,
      { delim: delimiter },
    );
    await db.run(`UPDATE stage_parse_rejects SET __line = record_no, __raw = coalesce(__raw, detail)`);
  }
  await db.run('DROP TABLE stage_parsed');
  return { header, parsedRows, parseRejects: toNumber(counts.rejected)!, exactLines };
}

async function stageNdjson(db: Database, path: string): Promise<StageResult> {
  await stageRecords(db, path, null);
  await db.run(`
    CREATE OR REPLACE TEMP TABLE stage_json AS
    SELECT line AS __line, raw AS __raw, CASE WHEN json_valid(raw) THEN json_type(raw) = 'OBJECT' ELSE FALSE END AS ok
    FROM stage_records WHERE NOT blank AND trim(raw) <> ''`);
  await db.run(`
    CREATE TEMP TABLE stage_parse_rejects AS
    SELECT __line, __raw, 'malformed_record' AS reason, 'not a JSON object' AS detail, __line AS record_no
    FROM stage_json WHERE NOT ok`);
  const keys = (await db.query<{ key: string }>(`
    SELECT key FROM (SELECT unnest(json_keys(__raw::JSON)) AS key, __line FROM stage_json WHERE ok)
    GROUP BY key ORDER BY min(__line), key`)).map((r) => r.key);
  if (keys.length === 0) throw new ImportInputError(`${path}: no JSON objects found`);
  // JSON paths take the key as a bound value, so no key text is spliced into SQL.
  const select = keys.map((key, i) => `json_extract_string(__raw, $k${i}) AS ${quoteIdentifier(key)}`).join(', ');
  const params: Record<string, string> = {};
  keys.forEach((key, i) => (params[`k${i}`] = `$."${key.replaceAll('"', '\\"')}"`));
  await db.run(`CREATE TEMP TABLE stage AS SELECT ${select}, __line, __raw FROM stage_json WHERE ok ORDER BY __line`, params);
  const counts = (await db.query<{ parsed: bigint; rejected: bigint }>(
    `SELECT (SELECT count(*) FROM stage) AS parsed, (SELECT count(*) FROM stage_parse_rejects) AS rejected`,
  ))[0]!;
  await db.run('DROP TABLE stage_json');
  return { header: keys, parsedRows: toNumber(counts.parsed)!, parseRejects: toNumber(counts.rejected)!, exactLines: true };
}

async function stageParquet(db: Database, path: string): Promise<StageResult> {
  await db.run(`CREATE TEMP TABLE stage_parquet AS SELECT * FROM read_parquet($path, file_row_number = true)`, { path });
  const header = (await db.query<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE stage_parquet)`))
    .map((r) => r.column_name)
    .filter((name) => name !== 'file_row_number');
  const casts = header.map((name) => `CAST(${quoteIdentifier(name)} AS VARCHAR) AS ${quoteIdentifier(name)}`).join(', ');
  const rawObject = header.map((name) => `${quoteIdentifier(name)} := ${quoteIdentifier(name)}`).join(', ');
  // "Line" of a Parquet row is its row number + 1, so that line 1 stays the (virtual) header.
  await db.run(`CREATE TEMP TABLE stage AS SELECT ${casts}, file_row_number + 2 AS __line,
                CAST(to_json(struct_pack(${rawObject})) AS VARCHAR) AS __raw FROM stage_parquet ORDER BY file_row_number`);
  await db.run(`CREATE TEMP TABLE stage_parse_rejects (__line BIGINT, __raw VARCHAR, reason VARCHAR, detail VARCHAR, record_no BIGINT)`);
  const parsed = toNumber((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM stage'))[0]!.n)!;
  await db.run('DROP TABLE stage_parquet');
  return { header, parsedRows: parsed, parseRejects: 0, exactLines: true };
}

/** Arrow IPC: read in Node (`arrow-ipc.ts`), then as Parquet rows: no parser rejects, exact "lines". */
async function stageArrow(db: Database, path: string, options: StageOptions): Promise<StageResult> {
  const { header, rows } = await stageArrowIpc(db, path, 'stage_arrow', options);
  const columns = header.map((name) => quoteIdentifier(name)).join(', ');
  const rawObject = header.map((name) => `${quoteIdentifier(name)} := ${quoteIdentifier(name)}`).join(', ');
  // Rows were appended in file order; "line" = row number + 1, as for Parquet.
  await db.run(`CREATE TEMP TABLE stage AS SELECT ${columns}, rowid - (SELECT min(rowid) FROM stage_arrow) + 2 AS __line,
                CAST(to_json(struct_pack(${rawObject})) AS VARCHAR) AS __raw FROM stage_arrow ORDER BY rowid`);
  await db.run(`CREATE TEMP TABLE stage_parse_rejects (__line BIGINT, __raw VARCHAR, reason VARCHAR, detail VARCHAR, record_no BIGINT)`);
  await db.run('DROP TABLE stage_arrow');
  return { header, parsedRows: rows, parseRejects: 0, exactLines: true };
}

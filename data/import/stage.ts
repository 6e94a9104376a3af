/**
 * Staging: a file of any input format as one {@link StagedSource} relation that the validators
 * read (docs/import.md, "Staging"). Text formats (CSV, TSV, NDJSON) are read from their staged
 * lines (`staged-lines.ts`), Parquet straight from the file, Arrow IPC from a temp table filled in
 * Node. Every relation streams; only Arrow's rows are copied into DuckDB first.
 *
 * Unit tables are then materialised as the temp tables `stage` (records without a problem) and
 * `stage_parse_rejects` (the others), which `validate-unit-table.ts` reads.
 */
import { quoteIdentifier, toNumber, type Database } from '../database.ts';
import { arrowHead, stageArrowIpc } from './arrow-ipc.ts';
import { csvSource, normaliseHeader } from './csv-records.ts';
import { checkColumnNames, ImportInputError, type SniffResult } from './detect-format.ts';
import type { StagedSource } from './staged-source.ts';

export type { StagedSource } from './staged-source.ts';

/** For formats read in Node (Arrow IPC): progress and cancellation between record batches. */
export interface StageOptions {
  /** Rows read so far and, when known, the share of the file read. */
  readonly onRows?: (rows: number, fraction: number | null) => void;
  readonly signal?: AbortSignal;
}

/** Whether a format is read from its staged lines (`stage_plain_lines` must exist before {@link stagedSource}). */
export function readsLines(format: SniffResult['format']): boolean {
  return format === 'csv' || format === 'ndjson';
}

/**
 * The header the importer will use, known before the file is read: a CSV's first record (named
 * as {@link normaliseHeader} says), a Parquet file's schema, an Arrow file's schema, or the keys of
 * the NDJSON objects in the sniffed start (the whole file's keys are known after staging).
 *
 * @throws ImportInputError when the schema cannot be read.
 */
export async function headerBeforeStaging(db: Database, path: string, sniff: SniffResult): Promise<string[]> {
  try {
    if (sniff.format === 'csv') return normaliseHeader(sniff.header);
    if (sniff.format === 'ndjson') return [...(sniff.sampleKeys ?? [])];
    if (sniff.format === 'parquet') return await parquetHeader(db, path);
    return (await arrowHead(path, 0)).header;
  } catch (error) {
    if (error instanceof ImportInputError) throw error;
    throw new ImportInputError(`${path}: cannot be read as ${sniff.format.toUpperCase()} (${(error as Error).message.split('\n')[0]})`);
  }
}

/**
 * A Parquet file's column names.
 * @throws ImportInputError for a column named `file_row_number` (any case): the row numbers that
 * become line numbers are DuckDB's `file_row_number` column, which cannot be read beside a column
 * of that name (docs/security.md, "Imported files").
 */
async function parquetHeader(db: Database, path: string): Promise<string[]> {
  const header = (await db.query<{ column_name: string }>('SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet($path))', { path }))
    .map((r) => r.column_name);
  checkColumnNames(header, path);
  const clash = header.find((name) => name.toLowerCase() === 'file_row_number');
  if (clash !== undefined) {
    throw new ImportInputError(`${path}: column "${clash}": a Parquet column of this name cannot be imported (the importer numbers rows with it); rename it`);
  }
  return header;
}

/**
 * The staged relation of `path`. For CSV and NDJSON the file's lines must have been staged
 * (`stageLines`); `header` is {@link headerBeforeStaging}'s (NDJSON: replaced by every key found).
 *
 * @throws ImportInputError when the file holds no record at all that can be read.
 */
export async function stagedSource(db: Database, path: string, sniff: SniffResult, header: readonly string[], options: StageOptions = {}): Promise<StagedSource> {
  await dropStageTables(db);
  if (sniff.format === 'csv') return csvSource(db, sniff.delimiter, header);
  if (sniff.format === 'ndjson') return ndjsonSource(db, path);
  if (sniff.format === 'parquet') return parquetSource(path, header);
  return arrowSource(db, path, options);
}

/**
 * Materialises `source` for the unit-table validator: the temp tables `stage` (header columns,
 * `__line`, `__raw`) and `stage_parse_rejects` (`__line`, `__raw`, reason, detail).
 * Returns the counts of both.
 */
export async function materialiseStage(db: Database, source: StagedSource): Promise<{ parsedRows: number; parseRejects: number }> {
  const columns = source.header.map((name) => quoteIdentifier(name)).join(', ');
  await db.run(`CREATE OR REPLACE TEMP TABLE stage AS SELECT ${columns}, __line, __raw FROM ${source.relation()} WHERE __problem IS NULL`, source.params);
  await db.run(`CREATE OR REPLACE TEMP TABLE stage_parse_rejects AS
                SELECT __line, __raw, __problem AS reason, __detail AS detail FROM ${source.relation()} WHERE __problem IS NOT NULL`, source.params);
  const counts = (await db.query<{ parsed: bigint; rejected: bigint }>(
    'SELECT (SELECT count(*) FROM stage) AS parsed, (SELECT count(*) FROM stage_parse_rejects) AS rejected',
  ))[0]!;
  return { parsedRows: toNumber(counts.parsed)!, parseRejects: toNumber(counts.rejected)! };
}

/** Drops every temp table an import may have left. */
export async function dropStageTables(db: Database): Promise<void> {
  const tables = ['stage', 'stage_parse_rejects', 'stage_cover', 'stage_multiline', 'stage_arrow', 'stage_dups', 'stage_line_hashes',
    'stage_flags', 'stage_skipped', 'stage_exposures'];
  await db.run(tables.map((table) => `DROP TABLE IF EXISTS ${table};`).join(' '));
}

/** NDJSON: every non-blank line is a record; one that is not a JSON object is `malformed_record`. */
async function ndjsonSource(db: Database, path: string): Promise<StagedSource> {
  const isObject = `CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE FALSE END`;
  // Keys in order of first appearance (line, then place in the line): a streaming aggregate.
  const keys = (await db.query<{ key: string }>(`
    SELECT key FROM (SELECT unnest(k) AS key, unnest(range(len(k))) AS pos, n
                     FROM (SELECT json_keys(line) AS k, n FROM stage_plain_lines WHERE ${isObject}))
    GROUP BY key ORDER BY min(n), arg_min(pos, n), key`)).map((r) => r.key);
  if (keys.length === 0) throw new ImportInputError(`${path}: no JSON objects found`);
  // JSON paths take the key as a bound value, so no key text is spliced into SQL; a backslash and
  // a quote in a key are escaped in the path. The empty key has no JSON path: it is not a column
  // (its values stay in the raw line). Column names follow the CSV header's rules (normaliseHeader:
  // unique regardless of case, so a later `USER_ID` beside `user_id` becomes `USER_ID_1`).
  const usable = keys.filter((key) => key !== '');
  if (usable.length === 0) throw new ImportInputError(`${path}: no JSON objects with named keys found`);
  checkColumnNames(usable, path); // the sampled keys were checked; these are all of them
  const names = normaliseHeader(usable);
  const params: Record<string, string> = {};
  usable.forEach((key, i) => (params[`k${i}`] = `$."${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`));
  const columns = names.map((name, i) => `CASE WHEN __ok THEN json_extract_string(__raw, $k${i}) END AS ${quoteIdentifier(name)}`).join(', ');
  const relation = (only?: string): string => `(
    SELECT __line, __raw, CASE WHEN NOT __ok THEN 'malformed_record' END AS __problem,
      CASE WHEN NOT __ok THEN coalesce(__bad, 'not a JSON object') END AS __detail, ${columns}
    FROM (SELECT n AS __line, line AS __raw, NULL::VARCHAR AS __bad, ${isObject} AS __ok FROM stage_plain_lines
          WHERE line IS NOT NULL AND trim(line) <> '' ${only ? `AND n IN (SELECT line FROM ${only})` : ''}
          UNION ALL
          SELECT n, raw, detail, FALSE FROM stage_bad_lines ${only ? `WHERE n IN (SELECT line FROM ${only})` : ''}))`;
  return { header: names, relation, params };
}

/** Parquet: read in place; "line" = row number + 2 (line 1 is the virtual header), raw = the row as JSON. */
function parquetSource(path: string, header: readonly string[]): StagedSource {
  const casts = header.map((name) => `CAST(${quoteIdentifier(name)} AS VARCHAR) AS ${quoteIdentifier(name)}`).join(', ');
  const rawObject = header.map((name) => `${quoteIdentifier(name)} := ${quoteIdentifier(name)}`).join(', ');
  const relation = (only?: string): string => `(
    SELECT file_row_number + 2 AS __line, CAST(to_json(struct_pack(${rawObject})) AS VARCHAR) AS __raw,
      NULL::VARCHAR AS __problem, NULL::VARCHAR AS __detail, ${casts}
    FROM read_parquet($parquet_path, file_row_number = true)
    ${only ? `WHERE file_row_number + 2 IN (SELECT line FROM ${only})` : ''})`;
  return { header, relation, params: { parquet_path: path } };
}

/** Arrow IPC: read in Node into `stage_arrow` (`arrow-ipc.ts`), then as Parquet rows. */
async function arrowSource(db: Database, path: string, options: StageOptions): Promise<StagedSource> {
  const { header } = await stageArrowIpc(db, path, 'stage_arrow', options);
  const columns = header.map((name) => quoteIdentifier(name)).join(', ');
  const rawObject = header.map((name) => `${quoteIdentifier(name)} := ${quoteIdentifier(name)}`).join(', ');
  // Rows were appended in file order: "line" = row number + 1, as for Parquet.
  const line = '__row + 2';
  const relation = (only?: string): string => `(
    SELECT ${line} AS __line, CAST(to_json(struct_pack(${rawObject})) AS VARCHAR) AS __raw,
      NULL::VARCHAR AS __problem, NULL::VARCHAR AS __detail, ${columns}
    FROM stage_arrow ${only ? `WHERE ${line} IN (SELECT line FROM ${only})` : ''})`;
  return { header, relation, params: {} };
}

/**
 * The local DuckDB database: open (file or `:memory:`), migrate, query with bound parameters.
 *
 * Every value that reaches SQL goes through a parameter; only identifiers that the importer has
 * validated against a file's header are spliced into SQL, always through `quoteIdentifier`.
 */
import { totalmem, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBDataChunk, type DuckDBValue } from '@duckdb/node-api';
import { migrate } from './migrations.ts';

export type SqlParams = Record<string, DuckDBValue> | DuckDBValue[];

/** A row as plain JavaScript values: BIGINT → bigint, DOUBLE → number, TIMESTAMPTZ → Date-like. */
export type Row = Record<string, unknown>;

export interface Database {
  /** The path given to `openDatabase` (`:memory:` for an in-memory database). */
  readonly path: string;
  /** Runs one statement and returns its rows as JS values. */
  query<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Runs one or more statements, ignoring results. */
  run(sql: string, params?: SqlParams): Promise<void>;
  /** Runs one statement and yields its rows chunk by chunk (about 2,048 rows each), as JS values. */
  stream(sql: string, params?: SqlParams): AsyncIterable<Row[]>;
  /**
   * Runs `work` inside BEGIN … COMMIT; any error (or cancellation) rolls back, leaving the
   * database as it was, and is rethrown.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Appends rows to the temp table `table` with DuckDB's appender: `write` hands it data chunks
   * (at most 2,048 rows each, the table's column types); the rows are flushed when `write` ends.
   */
  append(table: string, write: (appendChunk: (chunk: DuckDBDataChunk) => void) => Promise<void>): Promise<void>;
  /** Aborts the statement in flight (used by cancel). */
  interrupt(): void;
  /**
   * Progress of the statement in flight: `percentage` in [0, 100] (−1 when unknown) and rows
   * processed so far by its scans.
   */
  progress(): { percentage: number; rowsProcessed: number };
  close(): Promise<void>;
}

/**
 * DuckDB resource settings. DuckDB keeps its own buffer pool within `memoryLimit` and spills
 * larger-than-memory work (sorts, joins, staged temp tables of big imports) to `tempDirectory`;
 * left alone it would take 80 % of RAM and spill into `.tmp` of the working directory.
 */
export interface DatabaseOptions {
  /** DuckDB `memory_limit`, e.g. `'1GB'` (default {@link defaultMemoryLimit}). */
  readonly memoryLimit?: string;
  /** Where DuckDB spills (default: `<database>.tmp` next to a database file, else the OS temp dir). */
  readonly tempDirectory?: string;
  /** Worker threads (default: DuckDB's, one per core). */
  readonly threads?: number;
}

/** Default DuckDB buffer memory, MiB: measured, more does not speed up imports or analyses. */
export const DEFAULT_MEMORY_MIB = 512;
/** Never more than this share of physical memory by default (small machines). */
const MAX_DEFAULT_MEMORY_FRACTION = 0.25;

/**
 * The default `memory_limit`: `EXPERIMENT_DESK_MEMORY_LIMIT` when set (any DuckDB size such as
 * `2GB`), else 512 MiB (at most a quarter of physical memory) — an app beside others on a laptop,
 * not a database server. Work beyond it spills to the temp directory. On the benchmark machine
 * (README, Performance) 512 MiB, 1 GiB and 2 GiB import and analyse 10M events in about the same
 * time; the process's peak memory grows with the limit.
 */
export function defaultMemoryLimit(): string {
  const fromEnv = process.env.EXPERIMENT_DESK_MEMORY_LIMIT?.trim();
  if (fromEnv) return fromEnv;
  const mib = Math.min(DEFAULT_MEMORY_MIB, Math.floor((totalmem() / 1048576) * MAX_DEFAULT_MEMORY_FRACTION));
  return `${mib}MiB`;
}

/**
 * The default DuckDB thread count: `EXPERIMENT_DESK_THREADS` when set (a positive integer; tests
 * and the benchmark set 16 to reproduce a big laptop on a small machine), else DuckDB's own
 * default, one per hardware thread. Every import and analysis plan streams or spills, so memory
 * does not grow with the thread count beyond DuckDB's per-thread buffers (docs/import.md, "Memory").
 *
 * @throws RangeError when the variable is set to something else than a positive integer.
 */
export function defaultThreads(): number | undefined {
  const fromEnv = process.env.EXPERIMENT_DESK_THREADS?.trim();
  if (!fromEnv) return undefined;
  const threads = Number(fromEnv);
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > 1024) throw new RangeError(`EXPERIMENT_DESK_THREADS must be a whole number from 1 to 1024, not ${fromEnv}`);
  return threads;
}

/** The default spill folder: `EXPERIMENT_DESK_TEMP_DIR`, else next to the database file, else the OS temp dir. */
export function defaultTempDirectory(path: string): string {
  const fromEnv = process.env.EXPERIMENT_DESK_TEMP_DIR?.trim();
  if (fromEnv) return fromEnv;
  if (path === ':memory:' || path === '') return join(tmpdir(), `experiment-desk-duckdb-${process.pid}`);
  return join(dirname(path), `${basename(path)}.tmp`);
}

/**
 * Opens (creating if needed) a database file, or an in-memory database for `:memory:`, with the
 * resource settings of `options`, sets the session time zone to UTC (zone-less timestamps are
 * read as UTC, docs/analysis-definitions.md) and applies pending schema migrations.
 *
 * @throws Error when the file cannot be opened (not a DuckDB file, locked, no permission).
 */
export async function openDatabase(path = ':memory:', options: DatabaseOptions = {}): Promise<Database> {
  const config: Record<string, string> = {
    memory_limit: options.memoryLimit ?? defaultMemoryLimit(),
    temp_directory: options.tempDirectory ?? defaultTempDirectory(path),
  };
  const threads = options.threads ?? defaultThreads();
  if (threads !== undefined) config.threads = String(threads);
  const instance = await DuckDBInstance.create(path, config);
  const connection = await instance.connect();
  const db = wrapConnection(path, connection, () => instance.closeSync());
  await db.run(`SET TimeZone = 'UTC'`);
  // Progress is only tracked with the progress bar enabled; never print it (we poll it instead).
  await db.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false;');
  await migrate(db);
  return db;
}

function wrapConnection(path: string, connection: DuckDBConnection, closeInstance: () => void): Database {
  let inTransaction = false;
  const db: Database = {
    path,
    async query<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
      const reader = await connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJS() as T[];
    },
    async run(sql: string, params?: SqlParams): Promise<void> {
      await connection.run(sql, params);
    },
    async *stream(sql: string, params?: SqlParams): AsyncIterable<Row[]> {
      const result = await connection.stream(sql, params);
      for await (const rows of result.yieldRowObjectJs()) yield rows as Row[];
    },
    async transaction<T>(work: () => Promise<T>): Promise<T> {
      if (inTransaction) return work();
      inTransaction = true;
      await connection.run('BEGIN TRANSACTION');
      try {
        const result = await work();
        await connection.run('COMMIT');
        return result;
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        inTransaction = false;
      }
    },
    async append(table, write): Promise<void> {
      const appender = await connection.createAppender(table, 'main', 'temp');
      try {
        await write((chunk) => appender.appendDataChunk(chunk));
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    },
    interrupt(): void {
      connection.interrupt();
    },
    progress() {
      const p = connection.progress;
      return { percentage: p.percentage, rowsProcessed: Number(p.rows_processed) };
    },
    async close(): Promise<void> {
      connection.closeSync();
      closeInstance();
    },
  };
  return db;
}

/**
 * DuckDB memory per thread that holds a row group: a writer into a table or a Parquet file, or a
 * reader of a Parquet file whose row groups we did not choose (an input file).
 */
export const ROW_GROUP_MEMORY_PER_THREAD_MIB = 96;

/** Bytes of a DuckDB size such as `488.2 MiB`, `2GB`, `512MiB` (null when unreadable). */
export function parseSize(text: string): number | null {
  const m = /^\s*([0-9.]+)\s*([KMGT]?)(i?)B?\s*$/i.exec(text);
  if (!m) return null;
  const power = ['', 'K', 'M', 'G', 'T'].indexOf(m[2]!.toUpperCase());
  return Number(m[1]) * (m[3] ? 1024 : 1000) ** power;
}

/**
 * Runs `work` with DuckDB's thread count lowered, if need be, so that the row groups its threads
 * hold fit in the memory limit: each thread that writes a table or a Parquet file keeps about one
 * row group (~{@link ROW_GROUP_MEMORY_PER_THREAD_MIB} MiB) until it is flushed, and each thread
 * that reads an input Parquet file decompresses one of its row groups, so 16 such threads need
 * more than a 512 MiB limit holds (measured: docs/import.md, "Memory"). Other scans and aggregates
 * keep every thread. The count is restored afterwards, whatever happens.
 */
export async function withRowGroupThreads<T>(db: Database, work: () => Promise<T>): Promise<T> {
  const row = (await db.query<{ threads: bigint | number; memory: string }>(
    `SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory`))[0]!;
  const threads = Number(row.threads);
  const memory = parseSize(String(row.memory)) ?? 512 * 1048576;
  const cap = Math.max(1, Math.floor(memory / (ROW_GROUP_MEMORY_PER_THREAD_MIB * 1048576)) - 1);
  if (threads <= cap) return work();
  await db.run(`SET threads = ${cap}`);
  try {
    return await work();
  } finally {
    await db.run(`SET threads = ${threads}`).catch(() => undefined);
  }
}

/** Quotes an identifier for DuckDB SQL ("a""b"). Never use for values: bind those. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Converts a DuckDB BIGINT/HUGEINT/DECIMAL or DOUBLE result to a JS number (null stays null). */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number(value);
  return Number(value);
}

/**
 * The local DuckDB database: open (file or `:memory:`), migrate, query with bound parameters.
 *
 * Every value that reaches SQL goes through a parameter; only identifiers that the importer has
 * validated against a file's header are spliced into SQL, always through `quoteIdentifier`.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
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
  /**
   * Runs `work` inside BEGIN … COMMIT; any error (or cancellation) rolls back, leaving the
   * database as it was, and is rethrown.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
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
 * Opens (creating if needed) a database file, or an in-memory database for `:memory:`, sets the
 * session time zone to UTC (zone-less timestamps are read as UTC, SPEC §2.1) and applies pending
 * schema migrations.
 *
 * @throws Error when the file cannot be opened (not a DuckDB file, locked, no permission).
 */
export async function openDatabase(path = ':memory:'): Promise<Database> {
  const instance = await DuckDBInstance.create(path);
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

/**
 * How data/changesets code reaches the one DuckDB connection: through the host's serial queue
 * (the desk service's), so that an outbox write never lands inside another piece of work's
 * transaction (an import), and never runs beside another statement.
 */

/** Runs `work` when the connection is free; identity when the caller owns the connection. */
export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

export const direct: Exclusive = (work) => work();

/** A DuckDB JSON / TIMESTAMPTZ value as a JS value: JSON text is parsed, dates become ISO strings. */
export function jsonValue<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function isoValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

/**
 * Columnar results → Apache Arrow IPC stream bytes, for anything that can be large (time series,
 * row previews; docs/architecture.md). Numbers travel as Float64 (NaN for null), strings dictionary-encoded.
 */
import { Dictionary, Int32, Utf8, makeVector, tableToIPC, vectorFromArray, Table, type Vector } from 'apache-arrow';

/** A column: numbers (null → NaN) or strings (null allowed). */
export type ArrowColumn = { readonly kind: 'number'; readonly values: ArrayLike<number | null> } | { readonly kind: 'string'; readonly values: readonly (string | null)[] };

function toVector(column: ArrowColumn): Vector {
  if (column.kind === 'number') {
    const data = new Float64Array(column.values.length);
    for (let i = 0; i < column.values.length; i++) data[i] = column.values[i] ?? Number.NaN;
    return makeVector(data);
  }
  return vectorFromArray(column.values as (string | null)[], new Dictionary(new Utf8(), new Int32()));
}

/** Encodes named columns of equal length as an Arrow IPC stream. */
export function columnsToArrow(columns: Readonly<Record<string, ArrowColumn>>): Uint8Array {
  const vectors = Object.fromEntries(Object.entries(columns).map(([name, column]) => [name, toVector(column)]));
  return tableToIPC(new Table(vectors), 'stream');
}

/** Row objects from DuckDB (JS values) → Arrow: numbers and bigints → Float64, dates → epoch ms, the rest → text. */
export function rowsToArrow(columnNames: readonly string[], rows: readonly Record<string, unknown>[]): Uint8Array {
  const columns: Record<string, ArrowColumn> = {};
  for (const name of columnNames) {
    const values = rows.map((row) => row[name]);
    const numeric = values.every((v) => v === null || v === undefined || typeof v === 'number' || typeof v === 'bigint' || v instanceof Date);
    columns[name] = numeric
      ? { kind: 'number', values: values.map((v) => (v === null || v === undefined ? null : v instanceof Date ? v.getTime() : Number(v))) }
      : { kind: 'string', values: values.map((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)))) };
  }
  return columnsToArrow(columns);
}


/**
 * Arrow IPC input (docs/analysis-definitions.md): the file format (`ARROW1` magic; `.arrow`, `.feather` v2, `.ipc`)
 * and the stream format (`.arrows`). DuckDB has no built-in reader for them (its `arrow`
 * extension cannot be installed offline), so apache-arrow reads the record batches in Node and
 * DuckDB's appender writes each value, as text, into a temp table that is then validated like
 * the rows of a Parquet file (`stage.ts`): "line" = row number + 1 (line 1 is the virtual header),
 * raw text = the row as a JSON object of those texts.
 *
 * Values become the text the validators parse (`sql-parsers.ts`): timestamps ISO-8601 at the
 * column's precision (with `Z` when the column has a time zone; a zone-less column stays zone-less
 * and is read as UTC, docs/analysis-definitions.md), dates `YYYY-MM-DD`, integers in full (64-bit included), floats
 * as `String(x)`, booleans `true`/`false`, dictionaries decoded, nested values as JSON.
 */
import { open } from 'node:fs/promises';
import { DataType, RecordBatchReader, TimeUnit, type Field, type Vector } from 'apache-arrow';
import { BIGINT, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';
import { quoteIdentifier, type Database } from '../database.ts';
import { checkColumnNames } from './detect-format.ts';

/** Rows per DuckDB data chunk (DuckDB's vector size). */
const CHUNK_ROWS = 2048;

/** What {@link stageArrowIpc} wrote. */
export interface ArrowStage {
  readonly header: readonly string[];
  readonly rows: number;
}

/** Whether the first bytes of a file are an Arrow IPC file (`ARROW1`) or stream (continuation marker). */
export function isArrowIpc(head: Buffer): boolean {
  if (head.subarray(0, 6).toString('latin1') === 'ARROW1') return true;
  return head.length >= 8 && head.readUInt32LE(0) === 0xffffffff && head.readInt32LE(4) > 0;
}

/** The text of value `i` of `vector` (see the module comment), or null. */
function cellText(vector: Vector, type: DataType, i: number): string | null {
  if (!vector.isValid(i)) return null;
  if (DataType.isTimestamp(type)) {
    const data = vector.data[0]!;
    const raw = (data.values as BigInt64Array)[data.offset + i]!;
    return isoFromUnit(raw, type.unit, type.timezone !== null && type.timezone !== '');
  }
  const value: unknown = vector.get(i);
  if (value === null || value === undefined) return null;
  if (DataType.isDate(type)) {
    const ms = Number(value);
    return Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString().slice(0, 10) : `${ms} ms since 1970-01-01 (out of range)`;
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isNaN(value) ? null : String(value);
  if (value instanceof Date) return value.toISOString();
  const json = (value as { toJSON?: () => unknown }).toJSON?.() ?? value;
  return JSON.stringify(json, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** The texts of a whole column of a record batch (strings and dictionaries of strings as they are). */
function columnTexts(vector: Vector, type: DataType): (string | null)[] {
  const textual = DataType.isUtf8(type) || DataType.isLargeUtf8(type) || (DataType.isDictionary(type) && DataType.isUtf8(type.dictionary));
  if (textual) return [...(vector as Vector<DataType> & Iterable<string | null>)];
  return Array.from({ length: vector.length }, (_, i) => cellText(vector, type, i));
}

const PER_MICROSECOND: Record<TimeUnit, bigint> = {
  [TimeUnit.SECOND]: 0n, [TimeUnit.MILLISECOND]: 0n, [TimeUnit.MICROSECOND]: 1n, [TimeUnit.NANOSECOND]: 1000n,
};

/** The largest |milliseconds since the epoch| a JavaScript Date holds (±275,760 years). */
const MAX_DATE_MS = 8.64e15;

const UNIT_NAMES: Record<TimeUnit, string> = {
  [TimeUnit.SECOND]: 's', [TimeUnit.MILLISECOND]: 'ms', [TimeUnit.MICROSECOND]: 'µs', [TimeUnit.NANOSECOND]: 'ns',
};

/**
 * ISO-8601 of a timestamp in `unit` since the epoch, to the microsecond (DuckDB's precision). A
 * value beyond what a Date holds (e.g. DuckDB's `infinity`, the largest 64-bit integer) becomes a
 * text the timestamp parser rejects, so its row is a `bad_timestamp` reject that shows the value.
 */
export function isoFromUnit(raw: bigint, unit: TimeUnit, zoned: boolean): string {
  let micros: bigint;
  if (unit === TimeUnit.SECOND) micros = raw * 1_000_000n;
  else if (unit === TimeUnit.MILLISECOND) micros = raw * 1000n;
  else micros = raw / PER_MICROSECOND[unit] - (raw % PER_MICROSECOND[unit] < 0n ? 1n : 0n);
  const floorMs = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  if (floorMs > BigInt(MAX_DATE_MS) || floorMs < -BigInt(MAX_DATE_MS)) return `${raw} ${UNIT_NAMES[unit]} since 1970-01-01 (out of range)`;
  const extra = micros - floorMs * 1000n; // 0 … 999 microseconds
  const iso = new Date(Number(floorMs)).toISOString(); // …T10:00:00.123Z
  const fraction = extra === 0n ? '' : String(extra).padStart(3, '0');
  return `${iso.slice(0, -1)}${fraction}${zoned ? 'Z' : ''}`;
}

/** An open Arrow IPC file or stream: its schema's fields, then its record batches. */
interface ArrowSource {
  readonly fields: readonly Field[];
  /** Record batches in a file (the footer says), or null for a stream. */
  readonly batchCount: number | null;
  readonly batches: AsyncIterable<{ readonly columns: readonly Vector[]; readonly rows: number }>;
  readonly close: () => Promise<void>;
}

/** Opens the Arrow IPC file or stream `path` and reads its schema. */
async function openArrow(path: string): Promise<ArrowSource> {
  const handle = await open(path);
  try {
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    const fields: readonly Field[] = reader.schema.fields;
    if (fields.length === 0) throw new Error('no columns');
    if (new Set(fields.map((f) => f.name)).size !== fields.length) throw new Error('duplicate column names');
    checkColumnNames(fields.map((f) => f.name), path);
    const batches = (async function* () {
      for await (const batch of reader) yield { columns: fields.map((f) => batch.getChild(f.name)!), rows: batch.numRows };
    })();
    const batchCount = reader.isFile() ? reader.numRecordBatches : null;
    return { fields, batchCount, batches, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Calls `each` with every record batch of `path` until it returns false; returns the fields. */
async function eachBatch(
  path: string, each: (fields: readonly Field[], columns: readonly Vector[], rows: number) => boolean | void,
): Promise<readonly Field[]> {
  const source = await openArrow(path);
  try {
    for await (const batch of source.batches) if (each(source.fields, batch.columns, batch.rows) === false) break;
    return source.fields;
  } finally {
    await source.close();
  }
}

/** The header and the first `limit` rows of an Arrow IPC file or stream, as text (the mapping dialog's preview). */
export async function arrowHead(path: string, limit: number): Promise<{ header: string[]; rows: (string | null)[][] }> {
  const rows: (string | null)[][] = [];
  const fields = await eachBatch(path, (fs, columns, count) => {
    for (let i = 0; i < count && rows.length < limit; i++) rows.push(fs.map((f, c) => cellText(columns[c]!, f.type, i)));
    return rows.length < limit;
  });
  return { header: fields.map((f) => f.name), rows };
}

/** The distinct non-null texts of `column`, sorted, at most `limit` of them. */
export async function arrowDistinct(path: string, column: string, limit: number): Promise<string[]> {
  const seen = new Set<string>();
  await eachBatch(path, (fields, columns, count) => {
    const c = fields.findIndex((f) => f.name === column);
    if (c < 0) return false;
    for (let i = 0; i < count; i++) {
      const text = cellText(columns[c]!, fields[c]!.type, i);
      if (text !== null) seen.add(text);
    }
  });
  return [...seen].sort().slice(0, limit);
}

/**
 * Reads the Arrow IPC file or stream `path` into the temp table `table`: `__row` (the row's
 * 0-based position in the file: DuckDB's `rowid` is hidden by a column named `rowid`), then the
 * header's columns as VARCHAR, in file order. `onRows` hears the rows written so far and, for a file (whose footer
 * counts its batches), the share of batches read; `signal` stops between batches.
 * @throws Error when the file is not valid Arrow IPC (the caller names the file).
 */
export async function stageArrowIpc(
  db: Database, path: string, table: string, options: { onRows?: (rows: number, fraction: number | null) => void; signal?: AbortSignal } = {},
): Promise<ArrowStage> {
  const source = await openArrow(path);
  try {
    const { fields } = source;
    const header = fields.map((f) => f.name);
    await db.run(`CREATE OR REPLACE TEMP TABLE ${table} (__row BIGINT, ${header.map((name) => `${quoteIdentifier(name)} VARCHAR`).join(', ')})`);
    const types = [BIGINT, ...header.map(() => VARCHAR)];
    let rows = 0;
    let batches = 0;
    await db.append(table, async (appendChunk) => {
      for await (const { columns, rows: count } of source.batches) {
        if (options.signal?.aborted) throw new Error('interrupted');
        const texts = fields.map((f, c) => columnTexts(columns[c]!, f.type));
        for (let start = 0; start < count; start += CHUNK_ROWS) {
          const end = Math.min(count, start + CHUNK_ROWS);
          const chunk = DuckDBDataChunk.create(types, end - start);
          const positions = Array.from({ length: end - start }, (_, k) => BigInt(rows + start + k));
          chunk.setColumns([positions, ...texts.map((column) => column.slice(start, end))]);
          appendChunk(chunk);
        }
        rows += count;
        batches += 1;
        options.onRows?.(rows, source.batchCount ? batches / source.batchCount : null);
      }
    });
    return { header, rows };
  } finally {
    await source.close();
  }
}

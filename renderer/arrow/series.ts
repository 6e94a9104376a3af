/**
 * Decodes the analysis' Arrow IPC series (docs/architecture.md: large results travel as Arrow, not JSON rows)
 * into per-variant typed arrays. Nothing here builds an array of row objects: one pass counts
 * the rows of each variant, a second fills `Float64Array`s.
 */
import { tableFromIPC, type Table } from 'apache-arrow';

/** Columns of one variant, all the same length, in the table's row order. */
export type VariantColumns<K extends string> = Readonly<Record<K, Float64Array>>;

export interface GroupedSeries<K extends string> {
  /** Variants in order of first appearance. */
  readonly variants: readonly string[];
  readonly byVariant: ReadonlyMap<string, VariantColumns<K>>;
  /** Rows in the table. */
  readonly rows: number;
}

/** Cumulative uplift of the primary metric by exposure day (see `ExperimentAnalysis.cumulative`). */
export type CumulativeSeries = GroupedSeries<'day' | 'n' | 'relative' | 'ciLower' | 'ciUpper'>;
/** Retention D0…D30 (see `ExperimentAnalysis.retention`). */
export type RetentionSeries = GroupedSeries<'day' | 'mature' | 'rate'>;

export const CUMULATIVE_COLUMNS = ['day', 'n', 'relative', 'ciLower', 'ciUpper'] as const;
export const RETENTION_COLUMNS = ['day', 'mature', 'rate'] as const;

/** Arrow IPC bytes → table; empty bytes give `null` (no series). */
export function decodeArrow(bytes: Uint8Array | null | undefined): Table | null {
  if (!bytes || bytes.byteLength === 0) return null;
  return tableFromIPC(bytes);
}

/** A column as numbers: nulls and missing columns become NaN. */
function numericColumn(table: Table, name: string): ArrayLike<number> {
  const vector = table.getChild(name);
  if (!vector) return new Float64Array(table.numRows).fill(Number.NaN);
  if (vector.nullCount === 0) {
    const values = vector.toArray() as ArrayLike<number | bigint>;
    if (values.length > 0 && typeof values[0] === 'bigint') return Float64Array.from(values as ArrayLike<bigint>, Number);
    return values as ArrayLike<number>;
  }
  const out = new Float64Array(table.numRows);
  for (let i = 0; i < out.length; i++) {
    const v = vector.get(i) as number | bigint | null;
    out[i] = v === null ? Number.NaN : Number(v);
  }
  return out;
}

/** Groups the numeric `columns` of a table by its `variant` column. */
export function groupByVariant<K extends string>(table: Table | null, columns: readonly K[]): GroupedSeries<K> {
  if (!table || table.numRows === 0) return { variants: [], byVariant: new Map(), rows: 0 };
  const variantVector = table.getChild('variant');
  const rows = table.numRows;
  const keys: string[] = new Array<string>(rows);
  const counts = new Map<string, number>();
  for (let i = 0; i < rows; i++) {
    const key = String(variantVector?.get(i) ?? '');
    keys[i] = key;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const sources = columns.map((name) => numericColumn(table, name));
  const byVariant = new Map<string, Record<K, Float64Array>>();
  const cursor = new Map<string, number>();
  for (const [key, count] of counts) {
    const record = {} as Record<K, Float64Array>;
    for (const name of columns) record[name] = new Float64Array(count);
    byVariant.set(key, record);
    cursor.set(key, 0);
  }
  for (let i = 0; i < rows; i++) {
    const key = keys[i]!;
    const at = cursor.get(key)!;
    const record = byVariant.get(key)!;
    for (let c = 0; c < columns.length; c++) record[columns[c]!][at] = sources[c]![i]!;
    cursor.set(key, at + 1);
  }
  return { variants: [...counts.keys()], byVariant, rows };
}

export function decodeCumulative(bytes: Uint8Array | null | undefined): CumulativeSeries {
  return groupByVariant(decodeArrow(bytes), CUMULATIVE_COLUMNS);
}

export function decodeRetention(bytes: Uint8Array | null | undefined): RetentionSeries {
  return groupByVariant(decodeArrow(bytes), RETENTION_COLUMNS);
}

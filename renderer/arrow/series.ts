/**
 * Decodes the analysis' Arrow IPC series (docs/architecture.md: large results travel as Arrow, not
 * JSON rows) into the per-variant typed arrays of `contract/series.ts` that the charts draw.
 * Nothing here builds an array of row objects: the Arrow columns are read as numbers and split
 * by variant with `groupByVariant`.
 */
import { tableFromIPC, type Table } from 'apache-arrow';
import {
  CUMULATIVE_COLUMNS, RETENTION_COLUMNS, groupByVariant, type CumulativeSeries, type GroupedSeries, type RetentionSeries,
} from '../../contract/series.ts';

export type { CumulativeSeries, GroupedSeries, RetentionSeries, VariantColumns } from '../../contract/series.ts';

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

/** The `variant` column as text ('' for null). */
function variantColumn(table: Table): string[] {
  const vector = table.getChild('variant');
  return Array.from({ length: table.numRows }, (_, i) => String(vector?.get(i) ?? ''));
}

/** Groups the numeric `columns` of a table by its `variant` column. */
function groupTable<K extends string>(table: Table | null, columns: readonly K[]): GroupedSeries<K> {
  if (!table || table.numRows === 0) return { variants: [], byVariant: new Map(), rows: 0 };
  const numeric = Object.fromEntries(columns.map((name) => [name, numericColumn(table, name)])) as Record<K, ArrayLike<number>>;
  return groupByVariant(variantColumn(table), numeric, columns);
}

/** `ExperimentAnalysis.cumulative` → per-variant columns. */
export function decodeCumulative(bytes: Uint8Array | null | undefined): CumulativeSeries {
  return groupTable(decodeArrow(bytes), CUMULATIVE_COLUMNS);
}

/** `ExperimentAnalysis.retention` → per-variant columns. */
export function decodeRetention(bytes: Uint8Array | null | undefined): RetentionSeries {
  return groupTable(decodeArrow(bytes), RETENTION_COLUMNS);
}

/**
 * The experiment's time series — cumulative uplift and retention — in the two shapes every layer
 * shares (docs/architecture.md, "From a file to a verdict"):
 *
 * - **table columns** (`CumulativeColumns`, `RetentionColumns`): one row per variant × day, as
 *   `data/analysis/time-series.ts` computes them and as the Arrow IPC of `ExperimentAnalysis`
 *   carries them across the wire (the column names are the Arrow column names);
 * - **grouped by variant** (`CumulativeSeries`, `RetentionSeries`): one set of `Float64Array`s per
 *   variant, what the chart option builders (`charts/`) draw, in the app and in the report.
 *
 * Missing numbers are NaN in both shapes, never null: typed arrays cannot hold null.
 */

/** Numeric columns of a cumulative-uplift table, in wire order after `variant`. */
export const CUMULATIVE_COLUMNS = ['day', 'n', 'relative', 'ciLower', 'ciUpper'] as const;
/** Numeric columns of a retention table, in wire order after `variant`. */
export const RETENTION_COLUMNS = ['day', 'mature', 'rate'] as const;

/** A table of one text column `variant` and numeric columns `K`, all of the same length. */
export type SeriesColumns<K extends string> = { readonly variant: readonly string[] } & Readonly<Record<K, Float64Array>>;

/**
 * Cumulative relative uplift of the primary metric: per exposure day and treatment, `day` (epoch
 * ms of the end of the UTC exposure day), `n` (treatment units so far), `relative`, `ciLower`,
 * `ciUpper` (fractions; NaN where not computable). Ordered by day, then variant.
 */
export type CumulativeColumns = SeriesColumns<(typeof CUMULATIVE_COLUMNS)[number]>;
/**
 * Retention D0…D30 of an event log: per variant and day k, `day` (k), `mature` (units old enough
 * to be counted), `rate` (share of them active on day k). Ordered by variant, then k; days with no
 * mature unit are left out. Empty for unit tables.
 */
export type RetentionColumns = SeriesColumns<(typeof RETENTION_COLUMNS)[number]>;

/** Columns of one variant, all the same length, in the table's row order. */
export type VariantColumns<K extends string> = Readonly<Record<K, Float64Array>>;

/** A series table split by variant. */
export interface GroupedSeries<K extends string> {
  /** Variants in order of first appearance. */
  readonly variants: readonly string[];
  readonly byVariant: ReadonlyMap<string, VariantColumns<K>>;
  /** Rows in the table. */
  readonly rows: number;
}

/** Cumulative uplift grouped by variant (see `CumulativeColumns`). */
export type CumulativeSeries = GroupedSeries<(typeof CUMULATIVE_COLUMNS)[number]>;
/** Retention grouped by variant (see `RetentionColumns`). */
export type RetentionSeries = GroupedSeries<(typeof RETENTION_COLUMNS)[number]>;

/**
 * Splits a table by its variant column into per-variant `Float64Array`s. No row objects are built:
 * one pass counts the rows of each variant, a second fills the arrays, so a long series costs
 * two loops and one allocation per column and variant.
 */
export function groupByVariant<K extends string>(
  variant: ArrayLike<string>, columns: Readonly<Record<K, ArrayLike<number>>>, names: readonly K[],
): GroupedSeries<K> {
  const rows = variant.length;
  if (rows === 0) return { variants: [], byVariant: new Map(), rows: 0 };
  const counts = new Map<string, number>();
  for (let i = 0; i < rows; i++) counts.set(variant[i]!, (counts.get(variant[i]!) ?? 0) + 1);
  const byVariant = new Map<string, Record<K, Float64Array>>();
  const cursor = new Map<string, number>();
  for (const [key, count] of counts) {
    const record = {} as Record<K, Float64Array>;
    for (const name of names) record[name] = new Float64Array(count);
    byVariant.set(key, record);
    cursor.set(key, 0);
  }
  const sources = names.map((name) => columns[name]);
  for (let i = 0; i < rows; i++) {
    const key = variant[i]!;
    const at = cursor.get(key)!;
    const record = byVariant.get(key)!;
    for (let c = 0; c < names.length; c++) record[names[c]!][at] = sources[c]![i]!;
    cursor.set(key, at + 1);
  }
  return { variants: [...counts.keys()], byVariant, rows };
}

/** A cumulative-uplift table grouped by variant. */
export function groupCumulative(table: CumulativeColumns): CumulativeSeries {
  return groupByVariant(table.variant, table, CUMULATIVE_COLUMNS);
}

/** A retention table grouped by variant. */
export function groupRetention(table: RetentionColumns): RetentionSeries {
  return groupByVariant(table.variant, table, RETENTION_COLUMNS);
}

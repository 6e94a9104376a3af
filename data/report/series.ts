/**
 * The analysis' Arrow IPC series (data/analysis/time-series.ts) as plain points for a report:
 * a report holds at most a few hundred of them (days × variants), so rows are fine here, and NaN
 * becomes `null` so the JSON export stays valid JSON.
 */
import { tableFromIPC, type Table } from 'apache-arrow';
import type { CumulativePoint, RetentionPoint } from './report-model.ts';

function table(bytes: Uint8Array | null | undefined): Table | null {
  if (!bytes || bytes.byteLength === 0) return null;
  return tableFromIPC(bytes);
}

function numberAt(t: Table, column: string, row: number): number | null {
  const value = t.getChild(column)?.get(row) as number | bigint | null | undefined;
  if (value === null || value === undefined) return null;
  const x = Number(value);
  return Number.isFinite(x) ? x : null;
}

function stringAt(t: Table, column: string, row: number): string {
  return String(t.getChild(column)?.get(row) ?? '');
}

/** `ExperimentAnalysis.cumulative` bytes → points, in the table's order (day, then variant). */
export function decodeCumulativePoints(bytes: Uint8Array | null | undefined): CumulativePoint[] {
  const t = table(bytes);
  if (!t) return [];
  const points: CumulativePoint[] = [];
  for (let i = 0; i < t.numRows; i++) {
    points.push({
      day: numberAt(t, 'day', i) ?? 0,
      variant: stringAt(t, 'variant', i),
      n: numberAt(t, 'n', i) ?? 0,
      relative: numberAt(t, 'relative', i),
      ciLower: numberAt(t, 'ciLower', i),
      ciUpper: numberAt(t, 'ciUpper', i),
    });
  }
  return points;
}

/** `ExperimentAnalysis.retention` bytes → points (variant, then day k). */
export function decodeRetentionPoints(bytes: Uint8Array | null | undefined): RetentionPoint[] {
  const t = table(bytes);
  if (!t) return [];
  const points: RetentionPoint[] = [];
  for (let i = 0; i < t.numRows; i++) {
    points.push({
      day: numberAt(t, 'day', i) ?? 0,
      variant: stringAt(t, 'variant', i),
      mature: numberAt(t, 'mature', i) ?? 0,
      rate: numberAt(t, 'rate', i),
    });
  }
  return points;
}

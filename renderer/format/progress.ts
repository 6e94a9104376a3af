/**
 * The import progress line and percentage (docs/interface.md Import: progress bar with rows/s).
 */
import type { DeskEvents } from '../../contract/desk-api.ts';
import { formatCount, formatMegabytes } from '../../contract/number-format.ts';

export type ImportProgressEvent = DeskEvents['import-progress'];

/**
 * Where each phase sits within one file's share of the bar: the host counts bytes afresh in every
 * phase, so the bar maps each phase's byte fraction into its own band and never moves backwards.
 * Reading (parsing) is most of the work; hashing, validation and indexing are shorter passes.
 */
const PHASE_BANDS: Readonly<Record<ImportProgressEvent['phase'], readonly [start: number, width: number]>> = {
  hashing: [0, 0.1],
  reading: [0.1, 0.7],
  validating: [0.8, 0.1],
  indexing: [0.9, 0.1],
  done: [1, 0],
};

/** Overall progress 0…100 (integer) across the files of one import. */
export function progressPercent(event: ImportProgressEvent): number {
  const count = Math.max(1, event.fileCount);
  const [start, width] = PHASE_BANDS[event.phase] ?? [0, 1];
  const bytes = event.bytesTotal > 0 ? Math.min(1, Math.max(0, event.bytesDone / event.bytesTotal)) : 0;
  const within = start + width * bytes;
  const overall = ((Math.min(event.fileIndex, count - 1) + within) / count) * 100;
  return Math.min(100, Math.max(0, Math.floor(overall)));
}

/** "reading · 1,234,567 rows · 812,000 rows/s · 45.1 / 120.0 MB" */
export function progressText(event: ImportProgressEvent): string {
  return `${event.phase} · ${formatCount(event.rowsDone)} rows · ${formatCount(event.rowsPerSecond)} rows/s · `
    + `${formatMegabytes(event.bytesDone)} / ${formatMegabytes(event.bytesTotal)} MB`;
}

/** The row accounting of docs/analysis-definitions.md: "90,189 rows read = 90,189 accepted + 0 rejected". */
export function accountingText(summary: { readonly rowsRead: number; readonly rowsAccepted: number; readonly rowsRejected: number }): string {
  return `${formatCount(summary.rowsRead)} rows read = ${formatCount(summary.rowsAccepted)} accepted + ${formatCount(summary.rowsRejected)} rejected`;
}

/** The last path segment (either separator): "/tmp/x/demo-events.csv" → "demo-events.csv". */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

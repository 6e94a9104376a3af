/**
 * Import types that cross the host boundary: progress events and the import summary
 * (docs/analysis-definitions.md: accepted + rejected = rows read).
 */
import type { ColumnMapping } from './mapping.ts';

export type ImportPhase = 'hashing' | 'reading' | 'validating' | 'indexing' | 'done';

export interface ImportProgress {
  readonly path: string;
  readonly phase: ImportPhase;
  /** Bytes of the file read so far (estimated from rows while DuckDB parses). */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Rows parsed so far, and the rate since the phase started. */
  readonly rowsDone: number;
  readonly rowsPerSecond: number;
}

/** The import summary (docs/analysis-definitions.md): accepted + rejected = rows read. */
export interface ImportSummary {
  readonly fileId: number | null;
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly format: string;
  readonly shape: 'event_log' | 'unit_table' | null;
  readonly rowsRead: number;
  readonly rowsAccepted: number;
  readonly rowsRejected: number;
  readonly rejectsByReason: Readonly<Record<string, number>>;
  /** Accepted rows whose timestamp had no zone and was read as UTC. */
  readonly zonelessTimestamps: number;
  /** True when the same content was imported before and nothing was done. */
  readonly duplicateOf: number | null;
  readonly mapping: ColumnMapping | null;
  /**
   * Unit tables: units with more than one accepted row in their experiment and those units' rows,
   * none dropped — combined by the experiment definition's rule (docs/experiment-definition.md).
   * Absent when no unit repeats.
   */
  readonly repeatedUnits?: { readonly units: number; readonly rows: number; readonly combine: readonly string[] };
  readonly seconds: number;
}


/**
 * Imports one file into the database in one transaction (SPEC §2.2): hash → re-import check →
 * stage → validate → insert events or unit rows and rejects → rebuild assignments → record the
 * file. A failure or cancel rolls everything back.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { toNumber, type Database } from '../database.ts';
import { DEFAULT_CONVERSION_EVENTS, DEFAULT_EXPOSURE_EVENTS } from '../../contract/settings.ts';
import { rebuildAssignments } from './assignments.ts';
import { ImportInputError, sniffFile } from './detect-format.ts';
import { columnMappingSchema, headerSignature, resolveMapping, type ColumnMapping, type MappingOptions } from './mapping.ts';
import { stageFile } from './stage.ts';
import type { ImportPhase, ImportProgress, ImportSummary } from '../../contract/import.ts';

export type { ImportPhase, ImportProgress, ImportSummary };
import { validateEventLog, type EventNames } from './validate-events.ts';
import { inferMetricColumns, validateUnitTable } from './validate-unit-table.ts';

export interface ImportOptions {
  readonly mapping?: MappingOptions;
  /** Import even if a file with the same content hash was imported before. */
  readonly force?: boolean;
  readonly eventNames?: EventNames;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Aborting interrupts DuckDB and rolls the import back. */
  readonly signal?: AbortSignal;
  /**
   * The name to record and report instead of `path` (uploads are stored under a temporary path);
   * its base name also names a unit table's experiment.
   */
  readonly sourceName?: string;
}

/** Thrown when an import was cancelled through its AbortSignal. */
export class ImportCancelledError extends Error {
  override readonly name = 'ImportCancelledError';
}

/** sha256 of a file's bytes, streamed (hex). */
export async function hashFile(path: string, onBytes?: (bytes: number) => void): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onBytes?.(done);
  }
  return hash.digest('hex');
}

/** The experiment id of a unit table without an experiment column: the base name without extensions. */
export function experimentIdFromPath(path: string): string {
  return basename(path).replace(/\.gz$/i, '').replace(/\.(csv|tsv|txt|ndjson|jsonl|json|parquet|pq)$/i, '');
}

/**
 * Imports `path`. Re-importing content already in the database is a no-op (summary with
 * `duplicateOf`) unless `force`.
 *
 * @throws ImportInputError for unreadable input or a mapping that does not fit the header.
 * @throws ImportCancelledError when `signal` aborts; the database is then unchanged.
 */
export async function importFile(db: Database, path: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  const absolute = resolve(path);
  const recordedPath = options.sourceName ?? absolute;
  const shownPath = options.sourceName ?? path;
  const names: EventNames = options.eventNames ?? { exposure: DEFAULT_EXPOSURE_EVENTS, conversion: DEFAULT_CONVERSION_EVENTS };
  let bytes: number;
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new ImportInputError(`${path}: not a file`);
    bytes = info.size;
  } catch (error) {
    if (error instanceof ImportInputError) throw error;
    throw new ImportInputError(`${path}: cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let phaseStarted = performance.now();
  let currentPhase: ImportPhase = 'hashing';
  const report = (phase: ImportPhase, bytesDone: number, rowsDone = 0): void => {
    if (phase !== currentPhase) {
      currentPhase = phase;
      phaseStarted = performance.now();
    }
    const seconds = (performance.now() - phaseStarted) / 1000;
    options.onProgress?.({ path: shownPath, phase, bytesDone, bytesTotal: bytes, rowsDone, rowsPerSecond: seconds > 0 ? rowsDone / seconds : 0 });
  };
  // DuckDB parses the file in one statement; poll its progress so the UI can show rows/s.
  const pollProgress = (phase: ImportPhase): (() => void) => {
    if (!options.onProgress) return () => undefined;
    const timer = setInterval(() => {
      const p = db.progress();
      if (p.percentage >= 0) report(phase, Math.min(bytes, Math.round((bytes * p.percentage) / 100)), p.rowsProcessed);
    }, 200);
    return () => clearInterval(timer);
  };
  const sniff = await sniffFile(absolute);
  const sha256 = await hashFile(absolute, (done) => report('hashing', done));
  throwIfAborted(options.signal);

  const previous = await db.query<{ file_id: number }>('SELECT file_id FROM files WHERE sha256 = $sha ORDER BY file_id LIMIT 1', { sha: sha256 });
  if (previous.length > 0 && !options.force) {
    return {
      fileId: null, path: shownPath, sha256, bytes, format: sniff.format, shape: null, rowsRead: 0, rowsAccepted: 0, rowsRejected: 0,
      rejectsByReason: {}, zonelessTimestamps: 0, duplicateOf: previous[0]!.file_id, exactLineNumbers: true, mapping: null,
      seconds: (performance.now() - started) / 1000,
    };
  }

  const onAbort = (): void => db.interrupt();
  options.signal?.addEventListener('abort', onAbort);
  try {
    return await db.transaction(async () => {
      report('reading', 0);
      const stopPolling = pollProgress('reading');
      const staged = await stageFile(db, absolute, sniff).finally(stopPolling);
      throwIfAborted(options.signal);
      const signature = headerSignature(staged.header);
      const saved = await savedMapping(db, signature);
      let mapping = resolveMapping(staged.header, options.mapping ?? {}, saved);
      if (mapping.shape === 'unit_table') mapping = await inferMetricColumns(db, mapping);
      const fileId = toNumber((await db.query<{ id: bigint }>(`SELECT nextval('file_id_seq') AS id`))[0]!.id)!;
      report('validating', bytes, staged.parsedRows + staged.parseRejects);
      const counts = mapping.shape === 'event_log'
        ? await validateEventLog(db, fileId, mapping, staged.header, names)
        : await validateUnitTable(db, fileId, mapping, experimentIdFromPath(recordedPath));
      throwIfAborted(options.signal);
      report('indexing', bytes, staged.parsedRows + staged.parseRejects);
      await rebuildAssignments(db, names.exposure);
      const rowsRead = staged.parsedRows + staged.parseRejects;
      if (counts.accepted + counts.rejected !== rowsRead) {
        throw new Error(`import accounting failed for ${shownPath}: ${counts.accepted} accepted + ${counts.rejected} rejected ≠ ${rowsRead} read`);
      }
      await db.run(
        `INSERT INTO files (file_id, path, sha256, bytes, format, shape, mapping, rows_read, rows_accepted, rows_rejected, zoneless_timestamps)
         VALUES ($id, $path, $sha, $bytes, $format, $shape, $mapping, $read, $accepted, $rejected, $zoneless)`,
        {
          id: fileId, path: recordedPath, sha: sha256, bytes, format: sniff.format, shape: mapping.shape,
          mapping: JSON.stringify(mapping), read: rowsRead, accepted: counts.accepted, rejected: counts.rejected,
          zoneless: counts.zonelessTimestamps,
        },
      );
      await db.run(
        `INSERT INTO column_mappings (header_signature, mapping) VALUES ($sig, $mapping)
         ON CONFLICT (header_signature) DO UPDATE SET mapping = excluded.mapping, saved_at = now()`,
        { sig: signature, mapping: JSON.stringify(mapping) },
      );
      const reasons = await db.query<{ reason: string; n: bigint }>(
        'SELECT reason, count(*) AS n FROM rejects WHERE file_id = $id GROUP BY reason ORDER BY reason', { id: fileId },
      );
      await db.run('DROP TABLE IF EXISTS stage; DROP TABLE IF EXISTS stage_parse_rejects; DROP TABLE IF EXISTS stage_records;');
      report('done', bytes, rowsRead);
      return {
        fileId, path: shownPath, sha256, bytes, format: sniff.format, shape: mapping.shape, rowsRead, rowsAccepted: counts.accepted,
        rowsRejected: counts.rejected, rejectsByReason: Object.fromEntries(reasons.map((r) => [r.reason, toNumber(r.n)!])),
        zonelessTimestamps: counts.zonelessTimestamps, duplicateOf: null, exactLineNumbers: staged.exactLines, mapping,
        seconds: (performance.now() - started) / 1000,
      };
    });
  } catch (error) {
    if (options.signal?.aborted) throw new ImportCancelledError(`import of ${shownPath} cancelled; the database is unchanged`);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

async function savedMapping(db: Database, signature: string): Promise<ColumnMapping | undefined> {
  const rows = await db.query<{ mapping: string }>('SELECT mapping FROM column_mappings WHERE header_signature = $sig', { sig: signature });
  if (rows.length === 0) return undefined;
  const parsed = columnMappingSchema.safeParse(JSON.parse(String(rows[0]!.mapping)));
  return parsed.success ? parsed.data : undefined;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ImportCancelledError('import cancelled');
}

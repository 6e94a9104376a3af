/**
 * Imports one file into the database in one transaction (docs/import.md): header → mapping →
 * hash and stage lines → re-import check → validate → insert events or unit rows and rejects →
 * rebuild assignments → record the file. A failure or cancel rolls everything back.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { toNumber, withRowGroupThreads, type Database } from '../database.ts';
import { resourceErrorMessage } from '../resource-errors.ts';
import { DEFAULT_CONVERSION_EVENTS, DEFAULT_EXPOSURE_EVENTS } from '../../contract/settings.ts';
import { rebuildAssignments } from './assignments.ts';
import { insertEventLog, prepareEventLog, type PreparedEventLog } from './insert-event-log.ts';
import { stageLines, StagingInputError, type StagedLines } from './staged-lines.ts';
import { ImportInputError, sniffFile } from './detect-format.ts';
import { columnMappingSchema, headerSignature, resolveMapping, type ColumnMapping, type MappingOptions } from './mapping.ts';
import { scanFile } from './scan-file.ts';
import { dropStageTables, headerBeforeStaging, materialiseStage, readsLines, stagedSource } from './stage.ts';
import type { ImportPhase, ImportProgress, ImportSummary } from '../../contract/import.ts';

export type { ImportPhase, ImportProgress, ImportSummary };
import type { EventNames } from './validate-events.ts';
import { inferMetricColumns, validateUnitTable } from './validate-unit-table.ts';
import { repeatedUnitsOfFile } from './repeated-units.ts';
import { proposeDefinitionsForFile } from '../definitions/propose-defaults.ts';
import type { CombineRule } from '../../contract/experiment-definition.ts';

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
  /**
   * Unit tables: how repeated rows of a unit combine, for experiments that get their first
   * definition from this import (default `mean`; docs/experiment-definition.md). With `refuse`, an
   * import that brings a unit with more than one row fails and changes nothing.
   */
  readonly combine?: CombineRule;
}

/**
 * Columns a file may have. Each becomes a text column of the staged relation (and, for event
 * logs, a key of every row's properties), and DuckDB holds per-column buffers for each: a
 * 10,000-column file ran out of a 512 MiB limit (docs/import.md, "Errors").
 */
export const MAX_COLUMNS = 1000;

/** Thrown when the machine's memory or disk ran out during an import (the database is unchanged). */
export class ImportResourceError extends ImportInputError {
  override readonly name = 'ImportResourceError';
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
      if (p.percentage < 0) return;
      const bytesDone = Math.min(bytes, Math.round((bytes * p.percentage) / 100));
      // Scans inside a streaming statement report no rows yet: estimate them from the bytes read.
      const rows = p.rowsProcessed > 0 || !sniff.bytesPerLine ? p.rowsProcessed : Math.round(bytesDone / sniff.bytesPerLine);
      report(phase, bytesDone, rows);
    }, 100);
    return () => clearInterval(timer);
  };
  const sniff = await sniffFile(absolute);
  const onAbort = (): void => db.interrupt();
  options.signal?.addEventListener('abort', onAbort);
  const resolveHeader = async (header: readonly string[]): Promise<{ signature: string; mapping: ColumnMapping }> => {
    const signature = headerSignature(header);
    return { signature, mapping: resolveMapping(header, options.mapping ?? {}, await savedMapping(db, signature)) };
  };
  let staged: StagedLines | undefined;
  // DuckDB's spill folder also holds the staged lines; both settings go into resource errors.
  const settings = (await db.query<{ dir: string; memory: string }>(
    `SELECT current_setting('temp_directory') AS dir, current_setting('memory_limit') AS memory`))[0]!;
  const stageDirectory = String(settings.dir);
  const describeReadError = (error: unknown): string => {
    const message = ((error as Error).message ?? String(error)).split('\n')[0]!;
    return resourceErrorMessage(message, { memoryLimit: String(settings.memory), tempDirectory: stageDirectory })
      ?? `cannot be read as ${sniff.format.toUpperCase()} (${message})`;
  };
  try {
    // The mapping question comes first, from the header alone: a file that needs a mapping is
    // neither hashed nor staged before the user has answered it (docs/import.md, "Mapping").
    const earlyHeader = await headerBeforeStaging(db, absolute, sniff);
    if (earlyHeader.length > MAX_COLUMNS) {
      throw new ImportInputError(`${shownPath}: ${earlyHeader.length.toLocaleString('en')} columns; at most ${MAX_COLUMNS.toLocaleString('en')} can be imported: ` +
        'keep the columns the analysis needs (unit, variant, timestamp, metrics) and import again');
    }
    const early = sniff.format === 'ndjson' ? null : await resolveHeader(earlyHeader);
    if (sniff.format === 'ndjson' && earlyHeader.length > 0) await resolveHeader(earlyHeader); // the sampled keys decide it

    // Staging fills temp tables only, so it runs before the transaction: DuckDB scans a table
    // created inside a transaction from the transaction's local storage, without parallelism.
    await db.run('SET preserve_insertion_order = true');
    // Text files: their lines are staged while Node hashes the file (DuckDB works on its own threads).
    const staging = readsLines(sniff.format)
      ? stageLines(db, absolute, stageDirectory).catch((error: unknown) => {
        if (options.signal?.aborted) throw error;
        if (error instanceof StagingInputError) throw new ImportInputError(`${shownPath}: ${error.message}`);
        throw new ImportInputError(`${shownPath}: ${describeReadError(error)}`);
      })
      : Promise.resolve(undefined);
    const [scanned, stagedLines] = await Promise.allSettled([scanFile(absolute, sniff.delimiter, (done) => report('hashing', done), shownPath), staging]);
    staged = stagedLines.status === 'fulfilled' ? stagedLines.value : undefined;
    if (scanned.status === 'rejected') throw scanned.reason;
    if (stagedLines.status === 'rejected') throw stagedLines.reason;
    const { sha256, plainFields } = scanned.value;
    throwIfAborted(options.signal);

    const previous = await db.query<{ file_id: number }>('SELECT file_id FROM files WHERE sha256 = $sha ORDER BY file_id LIMIT 1', { sha: sha256 });
    if (previous.length > 0 && !options.force) {
      return {
        fileId: null, path: shownPath, sha256, bytes, format: sniff.format, shape: null, rowsRead: 0, rowsAccepted: 0, rowsRejected: 0,
        rejectsByReason: {}, zonelessTimestamps: 0, duplicateOf: previous[0]!.file_id, mapping: null,
        seconds: (performance.now() - started) / 1000,
      };
    }

    report('reading', 0);
    const stopPolling = pollProgress('reading');
    let plan: ({ kind: 'events'; prepared: PreparedEventLog } | { kind: 'units'; parsed: number }) & { signature: string; mapping: ColumnMapping };
    try {
      const source = await stagedSource(db, absolute, sniff, earlyHeader, {
        onRows: (rows, fraction) => report('reading', fraction === null ? 0 : Math.round(bytes * fraction), rows), signal: options.signal,
      }).catch((error: unknown) => {
        if (error instanceof ImportInputError || options.signal?.aborted) throw error;
        throw new ImportInputError(`${shownPath}: ${describeReadError(error)}`);
      });
      throwIfAborted(options.signal);
      const resolved = early ?? await resolveHeader(source.header);
      if (resolved.mapping.shape === 'event_log') {
        report('validating', bytes, staged?.lines ?? 0);
        // An input Parquet file's row groups are as its writer made them, and NDJSON's lines are
        // long and parsed once per key: the threads that read them are bounded like writers.
        const eventMapping = resolved.mapping;
        const prepare = (): Promise<PreparedEventLog> => prepareEventLog(db, source, eventMapping, names, !plainFields);
        const prepared = sniff.format === 'parquet' || sniff.format === 'ndjson' ? await withRowGroupThreads(db, prepare) : await prepare();
        plan = { kind: 'events', prepared, ...resolved };
      } else {
        const { parsedRows, parseRejects } = await materialiseStage(db, source);
        plan = { kind: 'units', parsed: parsedRows + parseRejects, signature: resolved.signature, mapping: await inferMetricColumns(db, resolved.mapping) };
      }
    } finally {
      stopPolling();
    }
    throwIfAborted(options.signal);
    const { signature, mapping } = plan;

    // Writers hold a row group per thread: their thread count fits the memory limit.
    return await withRowGroupThreads(db, () => db.transaction(async () => {
      const fileId = toNumber((await db.query<{ id: bigint }>(`SELECT nextval('file_id_seq') AS id`))[0]!.id)!;
      let counts: { accepted: number; rejected: number; zonelessTimestamps: number };
      let rowsRead: number;
      if (plan.kind === 'events') {
        report('validating', bytes, plan.prepared.rowsRead);
        const stopInsertPolling = pollProgress('validating');
        await insertEventLog(db, fileId, plan.prepared).finally(stopInsertPolling);
        counts = plan.prepared;
        rowsRead = plan.prepared.rowsRead;
      } else if (mapping.shape === 'unit_table') {
        report('validating', bytes, plan.parsed);
        counts = await validateUnitTable(db, fileId, mapping, experimentIdFromPath(recordedPath));
        rowsRead = plan.parsed;
      } else {
        throw new Error('unreachable: an event log is always prepared');
      }
      throwIfAborted(options.signal);
      report('indexing', bytes, rowsRead);
      await rebuildAssignments(db, names.exposure, plan.kind === 'events' ? { fileId } : undefined);
      // Every experiment gets a definition to analyse by (docs/experiment-definition.md); a unit
      // table's repeated units are counted once its experiments' combine rules are known.
      await proposeDefinitionsForFile(db, fileId, mapping, options.combine);
      const repeatedUnits = mapping.shape === 'unit_table' ? await repeatedUnitsOfFile(db, fileId) : null;
      if (repeatedUnits?.combine.includes('refuse')) {
        throw new ImportInputError(`${shownPath}: ${repeatedUnits.units.toLocaleString('en')} units have more than one row ` +
          `(${repeatedUnits.rows.toLocaleString('en')} rows) and the experiment's definition says combine: refuse; ` +
          'import with --combine sum|mean|max|first|last, or give each unit one row; nothing was imported');
      }
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
      report('done', bytes, rowsRead);
      return {
        fileId, path: shownPath, sha256, bytes, format: sniff.format, shape: mapping.shape, rowsRead, rowsAccepted: counts.accepted,
        rowsRejected: counts.rejected, rejectsByReason: Object.fromEntries(reasons.map((r) => [r.reason, toNumber(r.n)!])),
        zonelessTimestamps: counts.zonelessTimestamps, duplicateOf: null, mapping,
        ...(repeatedUnits && { repeatedUnits }),
        seconds: (performance.now() - started) / 1000,
      };
    }));
  } catch (error) {
    if (options.signal?.aborted) throw new ImportCancelledError(`import of ${shownPath} cancelled; the database is unchanged`);
    const resource = error instanceof ImportInputError ? null
      : resourceErrorMessage((error as Error).message ?? '', { memoryLimit: String(settings.memory), tempDirectory: stageDirectory });
    if (resource) throw new ImportResourceError(`${shownPath}: ${resource}; the database is unchanged`);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await staged?.discard();
    await dropStageTables(db).catch(() => undefined); // temp tables: gone with the connection anyway
    await db.run('SET preserve_insertion_order = true').catch(() => undefined);
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


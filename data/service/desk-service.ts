/**
 * The desk service: the contract's handlers (contract/desk-api.ts) over one local database —
 * what the Electron worker and the loopback web host both call. A request is validated once on
 * its way in — by `invokeHandler`/`invokeInternal` at a process boundary, or by
 * `service.handlers` for in-process callers — and never again inside a handler; database work is
 * serialised (one DuckDB connection); cancel and progress bypass the queue.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { z, ZodError } from 'zod';
import {
  DESK_METHODS, fileRefSchema, importFilesRequestSchema, isDeskMethod, previewFileRequestSchema, requestSchemas, type DeskErrorCode,
  type DeskEventName, type DeskEvents, type DeskHandlers, type DeskMethod, type DeskResponse, type ExperimentListItem, type FilePreview,
  type ImportFilesResponse, type Result,
} from '../../contract/desk-api.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import { analysisSettingsSchema } from '../../contract/settings.ts';
import type { ImportSummary } from '../../contract/import.ts';
import type { MappingOptions } from '../../contract/mapping.ts';
import { analyzeDatabase, importedFiles } from '../analysis/analyze.ts';
import { cumulativeUplift, experimentSegments, retentionCurve } from '../analysis/time-series.ts';
import { cumulativeToArrow, retentionToArrow } from '../arrow/series-to-arrow.ts';
import { analysisContext } from '../metrics/analysis-context.ts';
import { exposureAttributeValues } from '../metrics/unit-sums.ts';
import { rowsToArrow } from '../arrow/to-arrow.ts';
import { ChangeSetServiceError, createChangeSetService, type ChangeSetTuning } from '../changesets/decision-service.ts';
import { openDatabase, toNumber, type Database } from '../database.ts';
import { ImportInputError, MappingRequiredError } from '../import/detect-format.ts';
import { UserError } from '../user-error.ts';
import { ImportCancelledError, importFile } from '../import/import-file.ts';
import { previewFile } from '../import/preview.ts';
import { buildReportModel } from '../report/build-report-model.ts';
import { collectReportInput } from '../report/collect-report-input.ts';
import { chromiumPrinter, exportReportFile, type PdfPrinter } from '../report/export-report.ts';
import { linkedFromDetail, type LinkedChangeSet } from '../report/linked-changeset.ts';
import { PdfUnavailableError } from '../report/render-pdf.ts';
import { defaultScenario, writeEventLogCsv } from '../simulate/index.ts';
import { fileSettingsStore, type SettingsStore } from './settings-store.ts';
import { uploadStore, type UploadStore } from './uploads.ts';

/** An error a handler reports as a `Result` error with a stable code. */
export class DeskServiceError extends Error {
  override readonly name = 'DeskServiceError';
  constructor(readonly code: DeskErrorCode, message: string) {
    super(message);
  }
}

// ── files named by in-process callers ─────────────────────────────────────────────────────────

/**
 * A file as an in-process caller (CLI, bench, tests, the Electron worker once main has turned
 * the renderer's handles into paths) may name it: the contract's refs, or a local path.
 * Renderer-facing hosts validate with the contract's `requestSchemas`, which have no path form
 * (docs/security.md, "Files from the renderer"); `invokeHandler` does too. Only
 * `service.handlers` and `invokeInternal` accept this.
 */
export const localFileRefSchema = z.discriminatedUnion('kind', [
  ...fileRefSchema.options,
  z.object({ kind: z.literal('path'), path: z.string().min(1) }).strict(),
]);
export type LocalFileRef = z.infer<typeof localFileRefSchema>;

const localImportFilesRequestSchema = importFilesRequestSchema.extend({ files: z.array(localFileRefSchema).min(1) });
export type LocalImportFilesRequest = z.infer<typeof localImportFilesRequestSchema>;
const localPreviewFileRequestSchema = previewFileRequestSchema.extend({ file: localFileRefSchema });
export type LocalPreviewFileRequest = z.infer<typeof localPreviewFileRequestSchema>;

/** `requestSchemas` with the path form allowed: for in-process callers only (`invokeInternal`). */
const localRequestSchemas = {
  ...requestSchemas,
  importFiles: localImportFilesRequestSchema,
  previewFile: localPreviewFileRequestSchema,
} as const satisfies Record<DeskMethod, z.ZodType>;

/** The contract's handlers, with `importFiles` and `previewFile` also taking local paths (in-process use). */
export type DeskServiceHandlers = Omit<DeskHandlers, 'importFiles' | 'previewFile'> & {
  importFiles: (request: LocalImportFilesRequest) => Promise<ImportFilesResponse>;
  previewFile: (request: LocalPreviewFileRequest) => Promise<FilePreview>;
};

/** A request as `localRequestSchemas` returns it: what the service's own handlers receive. */
type ParsedLocalRequest<M extends DeskMethod> = z.output<(typeof localRequestSchemas)[M]>;

/** The handlers proper: they trust their request, which was parsed on its way in. */
type ParsedHandlers = { [M in DeskMethod]: (request: ParsedLocalRequest<M>) => Promise<DeskResponse<M>> };

/** Each service's unchecked handlers, for the dispatchers that have just validated the request. */
const parsedHandlersOf = new WeakMap<DeskService, ParsedHandlers>();

export interface DeskService {
  /**
   * Called in process only: these accept local paths and validate their request (defaults filled
   * in; `ZodError` on a bad one). Hosts dispatch through `invokeHandler`.
   */
  readonly handlers: DeskServiceHandlers;
  readonly uploads: UploadStore;
  onEvent<E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void): () => void;
  close(): Promise<void>;
}

export interface DeskServiceOptions {
  /** Database file, or `:memory:`. */
  readonly databasePath: string;
  /** The settings JSON file. */
  readonly settingsPath: string;
  /** Where uploads and the sample data are written (default: a folder under the OS temp dir). */
  readonly uploadDir?: string;
  /** The ChangeSet API token (Electron: safeStorage; web host: `EXPERIMENT_DESK_API_TOKEN`). Never returned to the renderer. */
  readonly apiToken?: () => Promise<string | null>;
  /** Stores (null: removes) the token; hosts that cannot store one leave it out. */
  readonly setApiToken?: (token: string | null) => Promise<void>;
  /** ChangeSet API base URL until the analyst sets one (e.g. `EXPERIMENT_DESK_API_URL`). */
  readonly apiBaseUrl?: string;
  /** JSON file keeping the API base URL (default: `api-settings.json` beside the settings file). */
  readonly apiSettingsPath?: string;
  /** ChangeSet API timeouts and sync cadence (tests shorten them). */
  readonly changesetTuning?: Partial<ChangeSetTuning>;
  /** Prints a report's HTML to PDF (default: headless Chromium through playwright-core). */
  readonly printPdf?: PdfPrinter;
}

const SAMPLE_FILE_NAME = 'sample-events.csv';

/** Serialises async work on the single DuckDB connection. */
function serialQueue(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * Opens the database and returns the service.
 * @throws Error when the database cannot be opened.
 */
export async function createDeskService(options: DeskServiceOptions): Promise<DeskService> {
  const db: Database = await openDatabase(options.databasePath);
  const settings: SettingsStore = fileSettingsStore(options.settingsPath);
  const uploadDir = options.uploadDir ?? join(tmpdir(), `experiment-desk-${process.pid}`);
  const uploads = uploadStore(join(uploadDir, 'uploads'));
  const listeners = new Map<DeskEventName, Set<(payload: never) => void>>();
  const running = new Map<string, AbortController>();
  const exclusive = serialQueue();

  const emit = <E extends DeskEventName>(event: E, payload: DeskEvents[E]): void => {
    for (const listener of listeners.get(event) ?? []) (listener as (p: DeskEvents[E]) => void)(payload);
  };

  const analysisSettings = async (overrides: Partial<AnalysisSettings> = {}): Promise<AnalysisSettings> =>
    analysisSettingsSchema.parse({ ...(await settings.get()), ...overrides });

  const changesets = createChangeSetService({
    db,
    exclusive,
    analyze: (experimentId, overrides) => exclusive(async () => {
      const effective = await analysisSettings(overrides);
      const report = (await analyzeDatabase(db, effective, experimentId)).experiments[0];
      return report ? { report, settings: effective, files: await importedFiles(db) } : null;
    }),
    apiSettingsPath: options.apiSettingsPath ?? join(dirname(options.settingsPath), 'api-settings.json'),
    ...(options.apiBaseUrl && { apiBaseUrl: options.apiBaseUrl }),
    ...(options.apiToken && { apiToken: options.apiToken }),
    ...(options.setApiToken && { setApiToken: options.setApiToken }),
    ...(options.changesetTuning && { tuning: options.changesetTuning }),
    onOutboxChanged: (items) => emit('outbox-changed', { items }),
  });

  /**
   * The experiment's linked ChangeSet, audit trail and decision for its report (API, else the
   * local copy, as the ChangeSets screen sees them). Finding the link needs no analysis, and the
   * API's list only when neither a manual link nor the local copy names one
   * (`DecisionWorkflow.linkOnly`). A report never fails for want of them: on any error it goes
   * out without a ChangeSet.
   */
  const linkedChangeSet = async (experimentId: string): Promise<Partial<LinkedChangeSet>> => {
    try {
      const id = (await changesets.workflow.linkOnly(experimentId)).changesetId;
      if (!id) return {};
      return linkedFromDetail(await changesets.handlers.getChangeSet({ id }), experimentId);
    } catch {
      return {};
    }
  };

  const resolveFile = (file: LocalFileRef): { path: string; sourceName?: string } => {
    if (file.kind === 'path') return { path: file.path };
    if (file.kind === 'handle') {
      // Handles are issued and resolved by the Electron main process, which sends the worker paths.
      throw new DeskServiceError('not_found', 'unknown file handle: choose or drop the file again');
    }
    const upload = uploads.resolve(file.uploadId);
    if (!upload) throw new DeskServiceError('not_found', `upload ${file.uploadId} not found (uploads last until the host stops)`);
    return { path: upload.path, sourceName: upload.name };
  };

  const runImport = async (importId: string, files: readonly { path: string; sourceName?: string }[], request: { mapping?: MappingOptions; force?: boolean }): Promise<{ summaries: ImportSummary[] }> => {
    if (running.has(importId)) throw new DeskServiceError('busy', `import ${importId} is already running`);
    const controller = new AbortController();
    running.set(importId, controller);
    try {
      return await exclusive(async () => {
        const current = await settings.get();
        const summaries: ImportSummary[] = [];
        // The last file's `done` waits for the analysis tables built below.
        let lastDone: DeskEvents['import-progress'] | null = null;
        for (const [fileIndex, file] of files.entries()) {
          summaries.push(await importFile(db, file.path, {
            ...(request.mapping && { mapping: request.mapping }),
            force: request.force ?? false,
            signal: controller.signal,
            ...(file.sourceName && { sourceName: file.sourceName }),
            eventNames: { exposure: current.exposureEvents, conversion: current.conversionEvents },
            onProgress: (progress) => {
              const event = { ...progress, importId, fileIndex, fileCount: files.length };
              if (progress.phase === 'done' && fileIndex === files.length - 1) lastDone = event;
              else emit('import-progress', event);
            },
          }));
        }
        // The per-unit tables the first analysis needs are built now, in the import's job, so that
        // opening an experiment after an import reads them (docs/import.md, "After the import").
        const finished = lastDone as DeskEvents['import-progress'] | null;
        if (finished && summaries.some((summary) => summary.fileId !== null)) {
          emit('import-progress', { ...finished, phase: 'indexing' });
          // The import has committed: a failure or a cancel here only means the first analysis
          // builds them itself, and reports its own error if it has one.
          await analysisContext(db, await analysisSettings()).catch(() => undefined);
        }
        if (finished) emit('import-progress', finished);
        return { summaries };
      });
    } finally {
      running.delete(importId);
    }
  };

  const parsedHandlers: ParsedHandlers = {
    async importFiles(parsed) {
      return runImport(parsed.importId, parsed.files.map(resolveFile), { ...(parsed.mapping && { mapping: parsed.mapping }), force: parsed.force ?? false });
    },

    async cancelImport({ importId }) {
      const controller = running.get(importId);
      if (!controller) return { cancelled: false };
      controller.abort();
      db.interrupt();
      return { cancelled: true };
    },

    async previewFile({ file }) {
      const resolved = resolveFile(file);
      return exclusive(() => previewFile(db, resolved.path, resolved.sourceName));
    },

    async listRejects({ fileId, offset, limit }) {
      return exclusive(async () => {
        const total = await db.query<{ n: bigint }>('SELECT count(*) AS n FROM rejects WHERE file_id = $f', { f: fileId });
        const rows = await db.query<{ line: bigint | null; reason: string; detail: string | null; raw: string | null }>(
          'SELECT line, reason, detail, raw FROM rejects WHERE file_id = $f ORDER BY line LIMIT $limit OFFSET $offset',
          { f: fileId, limit, offset });
        return {
          fileId,
          total: toNumber(total[0]!.n)!,
          rows: rows.map((r) => ({ line: toNumber(r.line), reason: r.reason, detail: r.detail, raw: r.raw })),
        };
      });
    },

    async loadSampleData({ importId }) {
      const folder = join(uploadDir, 'sample');
      await mkdir(folder, { recursive: true });
      const path = join(folder, SAMPLE_FILE_NAME);
      await writeEventLogCsv(path, defaultScenario());
      return runImport(importId, [{ path, sourceName: SAMPLE_FILE_NAME }], {});
    },

    async listExperiments() {
      return exclusive(async () => {
        const report = await analyzeDatabase(db, await analysisSettings());
        return report.experiments.map((e): ExperimentListItem => ({
          experimentId: e.experimentId,
          source: e.source,
          control: e.control,
          variants: e.variants,
          units: Object.values(e.units).reduce((a, b) => a + b, 0),
          firstExposure: e.firstExposure,
          dataEnd: e.dataEnd,
          warnings: [...new Set(e.warnings.map((w) => w.code))],
          verdict: e.verdict.status,
        }));
      });
    },

    async analyzeExperiment({ experimentId, overrides }) {
      return exclusive(async () => {
        const effective = await analysisSettings(overrides ?? {});
        // One analysis context for the report, the series and the filter choices.
        const context = await analysisContext(db, effective);
        const report = (await analyzeDatabase(db, effective, experimentId, { context })).experiments[0];
        if (!report) throw new DeskServiceError('not_found', `no experiment ${experimentId} (or no unit matches the filters)`);
        return {
          report,
          cumulative: cumulativeToArrow(await cumulativeUplift(db, report, effective, context)),
          retention: retentionToArrow(await retentionCurve(db, report, effective, context)),
          segments: await experimentSegments(db, experimentId),
          exposureAttributes: report.source === 'events' ? await exposureAttributeValues(context, experimentId) : {},
        };
      });
    },

    async previewRows({ table, fileId, limit }) {
      return exclusive(async () => {
        // `table` is one of three names fixed by the schema's enum, never free text.
        const rows = await db.query(`SELECT * FROM ${table} WHERE $file IS NULL OR file_id = $file ORDER BY file_id, line LIMIT $limit`,
          { file: fileId ?? null, limit });
        const columns = (await db.query<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${table})`)).map((c) => c.column_name);
        return rowsToArrow(columns, rows);
      });
    },

    async listFiles() {
      return exclusive(() => importedFiles(db));
    },

    async getSettings() {
      return settings.get();
    },

    async setSettings(request) {
      return settings.set(request);
    },

    ...changesets.handlers,

    async exportReport({ experimentId, format, overrides }) {
      const linked = await linkedChangeSet(experimentId);
      const model = await exclusive(async () => {
        const input = await collectReportInput(db, await analysisSettings(overrides ?? {}), experimentId);
        if (!input) throw new DeskServiceError('not_found', `no experiment ${experimentId} (or no unit matches the filters)`);
        return buildReportModel({ ...input, ...linked });
      });
      // Printing runs outside the database queue: it needs no database and takes seconds.
      try {
        return await exportReportFile(model, format, options.printPdf ?? chromiumPrinter);
      } catch (error) {
        if (error instanceof PdfUnavailableError) throw new DeskServiceError('bad_input', error.message);
        throw error;
      }
    },
  };

  // In-process callers get the same validation as a host's dispatch, once, on the way in.
  const handlers = Object.fromEntries(DESK_METHODS.map((method) => [
    method,
    (request: unknown) => (parsedHandlers[method] as (parsed: unknown) => Promise<unknown>)(localRequestSchemas[method].parse(request ?? {})),
  ])) as DeskServiceHandlers;

  const service: DeskService = {
    handlers,
    uploads,
    onEvent(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
    async close() {
      for (const controller of running.values()) controller.abort();
      await changesets.close();
      await exclusive(() => db.close());
      await uploads.clear();
    },
  };
  parsedHandlersOf.set(service, parsedHandlers);
  return service;
}

/** Maps any error a handler throws to the contract's error value. Never includes a stack. */
export function toDeskError(error: unknown): { code: DeskErrorCode; message: string } {
  if (error instanceof DeskServiceError || error instanceof ChangeSetServiceError) return { code: error.code, message: error.message };
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    return { code: 'invalid_request', message: issue ? `${issue.path.join('.') || 'request'}: ${issue.message}` : 'invalid request' };
  }
  if (error instanceof MappingRequiredError) return { code: 'mapping_required', message: error.message };
  if (error instanceof ImportCancelledError) return { code: 'cancelled', message: error.message };
  if (error instanceof ImportInputError) return { code: 'bad_input', message: error.message };
  // An experiment definition that does not validate, or repeated units it refuses to combine.
  if (error instanceof UserError) return { code: 'bad_input', message: error.message };
  return { code: 'internal', message: (error as Error)?.message?.split('\n')[0] ?? String(error) };
}

/**
 * Validates `rawRequest` against the method's schema in the contract, runs the handler and
 * returns a `Result`. Unknown methods and invalid requests never reach the handler. This is the
 * renderer-facing entry (the web host): a file named by path is refused (`invalid_request`).
 */
export function invokeHandler(service: DeskService, method: string, rawRequest: unknown): Promise<Result<unknown>> {
  return dispatch(service, requestSchemas, method, rawRequest);
}

/**
 * Like `invokeHandler`, but files may be named by path. For callers inside the trusted side only:
 * the Electron worker, which receives calls from main after main validated them against the
 * contract and replaced the renderer's file handles by the paths they stand for.
 */
export function invokeInternal(service: DeskService, method: string, rawRequest: unknown): Promise<Result<unknown>> {
  return dispatch(service, localRequestSchemas, method, rawRequest);
}

async function dispatch(
  service: DeskService,
  schemas: Record<DeskMethod, z.ZodType>,
  method: string,
  rawRequest: unknown,
): Promise<Result<unknown>> {
  if (!isDeskMethod(method)) {
    return { ok: false, error: { code: 'invalid_request', message: `unknown method ${method}` } };
  }
  const parsed = schemas[method].safeParse(rawRequest ?? {});
  if (!parsed.success) return { ok: false, error: toDeskError(parsed.error) };
  try {
    // Validated just now: the unchecked handler, so the request is not parsed a second time.
    const handler = (parsedHandlersOf.get(service)?.[method] ?? service.handlers[method]) as (request: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    return { ok: false, error: toDeskError(error) };
  }
}

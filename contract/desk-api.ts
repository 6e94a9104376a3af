/**
 * The one typed contract between the renderer and its host (SPEC §1). Every call the renderer
 * can make is a named method here, with a zod schema for its request; every host (Electron
 * preload + main, the loopback web host) implements `DeskHandlers` by calling the same `data/`
 * services, and the renderer sees `DeskApi` (`window.desk`), whose results are values
 * `{ ok: true, value } | { ok: false, error: { code, message } }` — errors never throw across.
 *
 * Like Actual Budget's handler maps, each feature declares its own handler map; `DeskHandlers`
 * combines them.
 */
import { z } from 'zod';
import { mappingOptionsSchema, type ColumnMapping } from './mapping.ts';
import type { ImportProgress, ImportSummary } from './import.ts';
import type { ExperimentReport, ImportedFileReport } from './report.ts';
import { analysisSettingsSchema } from './settings.ts';

// ── results crossing the boundary ────────────────────────────────────────────────────────────

/** Stable error codes a host returns. */
export type DeskErrorCode =
  | 'invalid_request' // the request failed its schema
  | 'bad_input' // unreadable file, unknown format, …
  | 'mapping_required' // the header is not recognised: open the mapping dialog
  | 'cancelled' // the user cancelled; nothing was written
  | 'not_found' // unknown experiment, upload or file id
  | 'busy' // another import is running
  | 'internal'; // anything unexpected (message only, no stack)

export interface DeskError {
  readonly code: DeskErrorCode;
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DeskError };

/** Apache Arrow IPC stream bytes (large tabular results: time series, row previews). */
export type ArrowBytes = Uint8Array;

// ── files ──────────────────────────────────────────────────────────────────────────────────

/**
 * A file to import: a local path (Electron's dialog, drag and drop) or a file the web host
 * received through `POST /api/upload` (browsers cannot give paths).
 */
export const fileRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: z.string().min(1) }),
  z.object({ kind: z.literal('upload'), uploadId: z.string().min(1), name: z.string().min(1) }),
]);
export type FileRef = z.infer<typeof fileRefSchema>;

// ── import feature ─────────────────────────────────────────────────────────────────────────

export const importFilesRequestSchema = z.object({
  /** Client-chosen id, used by `cancelImport` and in progress events. */
  importId: z.string().min(1).max(100),
  files: z.array(fileRefSchema).min(1),
  mapping: mappingOptionsSchema.optional(),
  force: z.boolean().optional(),
}).strict();
export type ImportFilesRequest = z.infer<typeof importFilesRequestSchema>;

export interface ImportFilesResponse {
  readonly summaries: readonly ImportSummary[];
}

export const cancelImportRequestSchema = z.object({ importId: z.string().min(1) }).strict();
export type CancelImportRequest = z.infer<typeof cancelImportRequestSchema>;

/** A preview of a file before import, for the mapping dialog. */
export const previewFileRequestSchema = z.object({ file: fileRefSchema }).strict();
export type PreviewFileRequest = z.infer<typeof previewFileRequestSchema>;

export interface FilePreview {
  readonly name: string;
  readonly header: readonly string[];
  /** The first rows as text, in header order (at most 20). */
  readonly rows: readonly (readonly (string | null)[])[];
  /** The mapping the importer would use without flags (recognised header or saved mapping), or null. */
  readonly recognised: ColumnMapping | null;
  /** Pre-filled guesses for the mapping dialog. */
  readonly guess: z.infer<typeof mappingOptionsSchema>;
  /** Distinct values of the guessed variant column (for the control picker), at most 50. */
  readonly variantValues: readonly string[];
}

export const rejectsRequestSchema = z.object({
  fileId: z.number().int().positive(),
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().positive().max(1000).default(200),
}).strict();
export type RejectsRequest = z.input<typeof rejectsRequestSchema>;

export interface RejectRow {
  readonly line: number | null;
  readonly reason: string;
  readonly detail: string | null;
  readonly raw: string | null;
}

export interface RejectsPage {
  readonly fileId: number;
  readonly total: number;
  readonly rows: readonly RejectRow[];
}

export type ImportHandlers = {
  /** Imports files in one transaction each; progress arrives as `import-progress` events. */
  importFiles: (request: ImportFilesRequest) => Promise<ImportFilesResponse>;
  /** Cancels a running import; the database is left as it was. */
  cancelImport: (request: CancelImportRequest) => Promise<{ readonly cancelled: boolean }>;
  previewFile: (request: PreviewFileRequest) => Promise<FilePreview>;
  listRejects: (request: RejectsRequest) => Promise<RejectsPage>;
  /** Generates the simulated demo event log (the CLI's `demo`) and imports it. */
  loadSampleData: (request: { readonly importId: string }) => Promise<ImportFilesResponse>;
};

// ── experiments feature ────────────────────────────────────────────────────────────────────

export interface ExperimentListItem {
  readonly experimentId: string;
  readonly source: 'events' | 'unit_table';
  readonly control: string;
  readonly variants: readonly string[];
  readonly units: number;
  readonly firstExposure: string | null;
  readonly dataEnd: string | null;
  /** Warning codes, for badges. */
  readonly warnings: readonly string[];
  readonly verdict: ExperimentReport['verdict']['status'];
}

/** Analysis overrides the experiment screen sends (filters, α, CUPED toggle, …). */
export const analysisOverridesSchema = analysisSettingsSchema.partial().strict();
export type AnalysisOverrides = z.infer<typeof analysisOverridesSchema>;

export const analyzeExperimentRequestSchema = z.object({
  experimentId: z.string().min(1),
  overrides: analysisOverridesSchema.optional(),
}).strict();
export type AnalyzeExperimentRequest = z.infer<typeof analyzeExperimentRequestSchema>;

export interface ExperimentAnalysis {
  readonly report: ExperimentReport;
  /**
   * Cumulative uplift of the primary metric by exposure day (UTC), Arrow IPC with columns
   * `day` (Float64, epoch ms at 00:00 UTC), `variant` (Utf8), `n` (Float64: units so far),
   * `relative`, `ciLower`, `ciUpper` (Float64 fractions; NaN where not computable).
   */
  readonly cumulative: ArrowBytes;
  /**
   * Retention curve D0…D30 (event logs only; empty otherwise), Arrow IPC with columns `day`
   * (Float64 k), `variant` (Utf8), `mature` (Float64 units), `rate` (Float64 fraction; NaN when no
   * mature unit).
   */
  readonly retention: ArrowBytes;
  /** `user_segment` values present among exposures, for the segment filter. */
  readonly segments: readonly string[];
}

export const previewRowsRequestSchema = z.object({
  table: z.enum(['events', 'unit_rows', 'rejects']),
  fileId: z.number().int().positive().optional(),
  limit: z.number().int().positive().max(10_000).default(500),
}).strict();
export type PreviewRowsRequest = z.input<typeof previewRowsRequestSchema>;

export type ExperimentHandlers = {
  listExperiments: (request: Record<string, never>) => Promise<readonly ExperimentListItem[]>;
  analyzeExperiment: (request: AnalyzeExperimentRequest) => Promise<ExperimentAnalysis>;
  /** The first rows of a table as Arrow IPC (never per-row JSON). */
  previewRows: (request: PreviewRowsRequest) => Promise<ArrowBytes>;
  /** Files imported so far with their row accounting. */
  listFiles: (request: Record<string, never>) => Promise<readonly ImportedFileReport[]>;
};

// ── settings feature ───────────────────────────────────────────────────────────────────────

/** Settings the analyst edits (SPEC §7 Settings screen); persisted by the host. */
export const deskSettingsSchema = analysisSettingsSchema.pick({
  alpha: true, power: true, mde: true, minSamplePerVariant: true, minRuntimeDays: true, cupedPrePeriodDays: true,
  exposureEvents: true, conversionEvents: true, cuped: true,
});
export type DeskSettings = z.infer<typeof deskSettingsSchema>;

export const setSettingsRequestSchema = deskSettingsSchema.partial().strict();
export type SetSettingsRequest = z.infer<typeof setSettingsRequestSchema>;

export type SettingsHandlers = {
  getSettings: (request: Record<string, never>) => Promise<DeskSettings>;
  setSettings: (request: SetSettingsRequest) => Promise<DeskSettings>;
};

// ── the whole contract ─────────────────────────────────────────────────────────────────────

export type DeskHandlers = ImportHandlers & ExperimentHandlers & SettingsHandlers;
export type DeskMethod = keyof DeskHandlers;
export type DeskRequest<M extends DeskMethod> = Parameters<DeskHandlers[M]>[0];
export type DeskResponse<M extends DeskMethod> = Awaited<ReturnType<DeskHandlers[M]>>;

const emptyRequestSchema = z.object({}).strict();

/** The request schema of every method: hosts validate before anything reaches `data/`. */
export const requestSchemas = {
  importFiles: importFilesRequestSchema,
  cancelImport: cancelImportRequestSchema,
  previewFile: previewFileRequestSchema,
  listRejects: rejectsRequestSchema,
  loadSampleData: z.object({ importId: z.string().min(1).max(100) }).strict(),
  listExperiments: emptyRequestSchema,
  analyzeExperiment: analyzeExperimentRequestSchema,
  previewRows: previewRowsRequestSchema,
  listFiles: emptyRequestSchema,
  getSettings: emptyRequestSchema,
  setSettings: setSettingsRequestSchema,
} as const satisfies Record<DeskMethod, z.ZodType>;

export const DESK_METHODS = Object.keys(requestSchemas) as DeskMethod[];

/** Commands the host's menu (Electron) sends to the renderer. */
export type MenuCommand = 'open' | 'export' | 'settings' | 'load-sample' | 'experiments' | 'import';

/** Events the host pushes to the renderer. */
export interface DeskEvents {
  'import-progress': ImportProgress & { readonly importId: string; readonly fileIndex: number; readonly fileCount: number };
  /** Files chosen in the host's own UI (File → Open…, Recent): the renderer imports them. */
  'files-opened': { readonly files: readonly FileRef[] };
  'menu-command': { readonly command: MenuCommand };
}
export type DeskEventName = keyof DeskEvents;

/** What the renderer sees as `window.desk`: every method returns a `Result`, never throws. */
export type DeskApi = {
  readonly [M in DeskMethod]: (request: DeskRequest<M>) => Promise<Result<DeskResponse<M>>>;
} & {
  /** Subscribes to a host event; returns the unsubscribe function. */
  readonly on: <E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void) => () => void;
  /** Which host the renderer runs in (menus, file pickers and export differ). */
  readonly host: 'electron' | 'web';
  /**
   * A file the user dropped or picked in the page, as something `importFiles` accepts: its path
   * in Electron (`webUtils.getPathForFile`), an upload to the loopback web host otherwise.
   */
  readonly toFileRef: (file: DroppedFile) => Promise<Result<FileRef>>;
  /** The host's native open dialog; `null` value where the host has none (the page uses `<input type=file>`). */
  readonly chooseFiles: () => Promise<Result<readonly FileRef[] | null>>;
};

/** The part of a DOM `File` the contract needs (structural, so the contract needs no DOM types). */
export interface DroppedFile extends Blob {
  readonly name: string;
}

/**
 * The one typed contract between the renderer and its host (docs/architecture.md). Every call the renderer
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
import { analysisSettingsSchema, type ExposureAttribute } from './settings.ts';
import { REPORT_FORMATS, type ExportedReport } from './report-export.ts';
import {
  discardOutboxItemRequestSchema, getChangeSetRequestSchema, linkExperimentRequestSchema, listChangeSetsRequestSchema,
  retryOutboxRequestSchema, reviewChangeSetRequestSchema, setApiSettingsRequestSchema, submitDecisionRequestSchema,
  type ApiSettingsView, type ChangeSetDetailView, type ChangeSetListView, type DecisionProposal, type DiscardOutboxItemRequest,
  type ExperimentLinkView, type GetChangeSetRequest, type LinkExperimentRequest, type ListChangeSetsRequest, type OutboxItem,
  type RetryOutboxRequest, type ReviewChangeSetRequest, type SetApiSettingsRequest, type SubmitDecisionRequest,
} from './changesets/decisions.ts';

// ── results crossing the boundary ────────────────────────────────────────────────────────────

/** Stable error codes a host returns. */
export type DeskErrorCode =
  | 'invalid_request' // the request failed its schema
  | 'bad_input' // unreadable file, unknown format, …
  | 'mapping_required' // the header is not recognised: open the mapping dialog
  | 'cancelled' // the user cancelled; nothing was written
  | 'not_found' // unknown experiment, upload or file id
  | 'busy' // another import is running
  | 'api_unavailable' // the ChangeSet API is not configured, unreachable, or refused the token
  | 'api_error' // the ChangeSet API refused the request (its code, message and request id in the message)
  | 'conflict' // the request does not fit the current state (illegal transition, outbox item already sent, …)
  | 'confirmation_required' // the request needs the user's explicit confirmation first (the message says of what); nothing was changed
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
 * A file to import, as the renderer may name it: never a path, only a handle the host issued
 * after a user gesture (docs/security.md, "Files from the renderer"):
 * - `handle`: Electron — a file the user chose in the native open dialog, dropped on the window
 *   (registered by the preload from the dropped `File`) or opened from the menu; main keeps
 *   handle → path for this window and run only;
 * - `upload`: the loopback web host — a file received through `POST /api/upload` (browsers
 *   cannot give paths).
 * `name` is for display only; hosts never read a file by it. In-process callers (CLI, bench,
 * tests) may name a path, through the desk service's own schema (`data/service/desk-service.ts`),
 * which no renderer-facing host accepts.
 */
export const fileRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('handle'), handle: z.string().min(1).max(100), name: z.string().min(1).max(1000) }).strict(),
  z.object({ kind: z.literal('upload'), uploadId: z.string().min(1).max(100), name: z.string().min(1).max(1000) }).strict(),
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
  /** Per exposure attribute, its values among the experiment's analysed units (event logs), for the filters. */
  readonly exposureAttributes: Readonly<Partial<Record<ExposureAttribute, readonly string[]>>>;
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

/** Settings the analyst edits (docs/interface.md Settings screen); persisted by the host. */
export const deskSettingsSchema = analysisSettingsSchema.pick({
  alpha: true, power: true, mde: true, minSamplePerVariant: true, minRuntimeDays: true, cupedPrePeriodDays: true,
  exposureEvents: true, conversionEvents: true, funnelSteps: true, metricWindowDays: true, cuped: true,
});
export type DeskSettings = z.infer<typeof deskSettingsSchema>;

export const setSettingsRequestSchema = deskSettingsSchema.partial().strict();
export type SetSettingsRequest = z.infer<typeof setSettingsRequestSchema>;

export type SettingsHandlers = {
  getSettings: (request: Record<string, never>) => Promise<DeskSettings>;
  setSettings: (request: SetSettingsRequest) => Promise<DeskSettings>;
};

// ── changesets feature (docs/changesets.md; types and request schemas in ./changesets/) ──────────────────

export const proposeDecisionRequestSchema = z.object({
  experimentId: z.string().min(1),
  overrides: analysisOverridesSchema.optional(),
}).strict();
export type ProposeDecisionRequest = z.infer<typeof proposeDecisionRequestSchema>;

export type ChangeSetHandlers = {
  /** A page of ChangeSets from the API; the local copy (`source: 'cache'`) when offline. */
  listChangeSets: (request: ListChangeSetsRequest) => Promise<ChangeSetListView>;
  /** One ChangeSet with its audit trail, legal next steps and outbox items. */
  getChangeSet: (request: GetChangeSetRequest) => Promise<ChangeSetDetailView>;
  /** Analyses the experiment and pre-fills its decision: linked ChangeSet, transition, proofResult, reason. */
  proposeDecision: (request: ProposeDecisionRequest) => Promise<DecisionProposal>;
  /** Writes the decision to the outbox, then tries to send it; returns the item (queued, synced or failed). */
  submitDecision: (request: SubmitDecisionRequest) => Promise<OutboxItem>;
  /** Every outbox item, oldest first. */
  listOutbox: (request: Record<string, never>) => Promise<readonly OutboxItem[]>;
  /** Sends the outbox now (optionally re-queueing one failed item against a new version first). */
  retryOutbox: (request: RetryOutboxRequest) => Promise<readonly OutboxItem[]>;
  /** Drops a failed item, or a queued one never sent. */
  discardOutboxItem: (request: DiscardOutboxItemRequest) => Promise<OutboxItem>;
  /** Links an experiment to a ChangeSet by hand (null: back to the featureFlagKey link). */
  linkExperiment: (request: LinkExperimentRequest) => Promise<ExperimentLinkView>;
  /** PENDING_APPROVAL → ACTIVE, through the outbox. */
  approveChangeSet: (request: ReviewChangeSetRequest) => Promise<OutboxItem>;
  /** PENDING_APPROVAL → DRAFT, through the outbox. */
  rejectChangeSet: (request: ReviewChangeSetRequest) => Promise<OutboxItem>;
  /** Base URL and whether a token is set (the token itself never comes back). */
  getApiSettings: (request: Record<string, never>) => Promise<ApiSettingsView>;
  setApiSettings: (request: SetApiSettingsRequest) => Promise<ApiSettingsView>;
};

// ── reports feature (docs/reports.md; formats, media types and file names in ./report-export.ts) ──────

export const exportReportRequestSchema = z.object({
  experimentId: z.string().min(1),
  format: z.enum(REPORT_FORMATS),
  /** The analysis as the experiment screen shows it (filters, α, CUPED). */
  overrides: analysisOverridesSchema.optional(),
}).strict();
export type ExportReportRequest = z.infer<typeof exportReportRequestSchema>;

export type ReportHandlers = {
  /**
   * The decision report of one experiment as a file: its bytes, suggested name and media type.
   * Errors: `not_found` (no such experiment, or no unit passes the filters); `bad_input` for
   * `pdf` when the host cannot print (no Chromium), with a one-line message.
   */
  exportReport: (request: ExportReportRequest) => Promise<ExportedReport>;
};

// ── the whole contract ─────────────────────────────────────────────────────────────────────

export type DeskHandlers = ImportHandlers & ExperimentHandlers & SettingsHandlers & ChangeSetHandlers & ReportHandlers;
export type DeskMethod = keyof DeskHandlers;
export type DeskRequest<M extends DeskMethod> = Parameters<DeskHandlers[M]>[0];
export type DeskResponse<M extends DeskMethod> = Awaited<ReturnType<DeskHandlers[M]>>;

const emptyRequestSchema = z.object({}).strict();

/**
 * The request schema of every method: each host validates a request once where it crosses a
 * process boundary (`electron/ipc.ts`, the desk service's `invokeHandler`/`invokeInternal`),
 * before anything reaches `data/`; handlers trust what they are given.
 */
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
  listChangeSets: listChangeSetsRequestSchema,
  getChangeSet: getChangeSetRequestSchema,
  proposeDecision: proposeDecisionRequestSchema,
  submitDecision: submitDecisionRequestSchema,
  listOutbox: emptyRequestSchema,
  retryOutbox: retryOutboxRequestSchema,
  discardOutboxItem: discardOutboxItemRequestSchema,
  linkExperiment: linkExperimentRequestSchema,
  approveChangeSet: reviewChangeSetRequestSchema,
  rejectChangeSet: reviewChangeSetRequestSchema,
  getApiSettings: emptyRequestSchema,
  setApiSettings: setApiSettingsRequestSchema,
  exportReport: exportReportRequestSchema,
} as const satisfies Record<DeskMethod, z.ZodType>;

/**
 * A method's request as its schema returns it (defaults filled in): what a handler receives once
 * a host has validated the request at its process boundary.
 */
export type ParsedDeskRequest<M extends DeskMethod> = z.output<(typeof requestSchemas)[M]>;

export { DESK_EVENTS, DESK_METHODS, isDeskEventName, isDeskMethod } from './desk-names.ts';

/** Commands the host's menu (Electron) sends to the renderer. */
export type MenuCommand = 'open' | 'export' | 'settings' | 'load-sample' | 'experiments' | 'import';

/** Events the host pushes to the renderer. */
export interface DeskEvents {
  'import-progress': ImportProgress & { readonly importId: string; readonly fileIndex: number; readonly fileCount: number };
  /** Files chosen in the host's own UI (File → Open…, Recent), as handles: the renderer imports them. */
  'files-opened': { readonly files: readonly FileRef[] };
  'menu-command': { readonly command: MenuCommand };
  /** The ChangeSet outbox changed (enqueued, sent, synced, failed, discarded): every item, oldest first. */
  'outbox-changed': { readonly items: readonly OutboxItem[] };
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
   * A file the user dropped or picked in the page, as something `importFiles` accepts: in
   * Electron, a handle main issues for the dropped `File` (the preload reads its path with
   * `webUtils.getPathForFile`; a `File` made by page script has none and is refused); an upload
   * to the loopback web host otherwise.
   */
  readonly toFileRef: (file: DroppedFile) => Promise<Result<FileRef>>;
  /**
   * The host's native open dialog, as handles for the chosen files; `null` value where the host
   * has none (the page uses `<input type=file>`).
   */
  readonly chooseFiles: () => Promise<Result<readonly FileRef[] | null>>;
  /**
   * Saves bytes the host produced (an exported report) where the user chooses: Electron's native
   * save dialog, suggesting `name`; in a browser, a download of `name` (the browser decides where).
   */
  readonly saveFile: (name: string, bytes: Uint8Array, mediaType?: string) => Promise<Result<SavedFile>>;
};

/** What `saveFile` did. */
export interface SavedFile {
  /** False when the user cancelled the save dialog (nothing was written). */
  readonly saved: boolean;
  /** The path written, where the host knows it (Electron); null in a browser. */
  readonly path: string | null;
}

/** The part of a DOM `File` the contract needs (structural, so the contract needs no DOM types). */
export interface DroppedFile extends Blob {
  readonly name: string;
}

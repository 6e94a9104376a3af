/**
 * The wire vocabulary between preload and main: the IPC channel names and the allowlists of
 * method and event names each side accepts (docs/architecture.md: channel allowlist in preload, method
 * allowlist in main).
 *
 * This file imports only types, on purpose: the sandboxed preload is bundled from it, and a
 * runtime import of the contract would drag zod into every page load. The `satisfies Record<…>`
 * makes both lists exhaustive at compile time (a missing or extra name is a type error), and
 * `test/electron/preload.test.ts` checks the method list against the contract's `DESK_METHODS`.
 */
import type { DeskEventName, DeskMethod } from '../contract/desk-api.ts';

/** Renderer → main: `(method, request)` → `Result`. The only channel that reaches `data/`. */
export const INVOKE_CHANNEL = 'desk:invoke';
/** Renderer → main: opens the native file dialog → `Result<FileRef[] | null>` (handles, never paths). */
export const CHOOSE_FILES_CHANNEL = 'desk:choose-files';
/**
 * Preload → main: `(path)` of a file dropped on the window, read by the preload itself from the
 * `File` (`webUtils.getPathForFile`) → `Result<FileRef>` (a handle). The preload never exposes a
 * way for the page to send a string here (docs/security.md, "Files from the renderer").
 */
export const DROPPED_FILE_CHANNEL = 'desk:dropped-file';
/**
 * Renderer → main: `(name, bytes, mediaType?)` → the native save dialog, then the bytes written
 * to the chosen path → `Result<SavedFile>` (exported reports).
 */
export const SAVE_FILE_CHANNEL = 'desk:save-file';
/** Main → renderer: `{ event, payload }` for every `DeskEvents` entry. */
export const EVENT_CHANNEL = 'desk:event';

const METHOD_NAMES = {
  importFiles: true,
  cancelImport: true,
  previewFile: true,
  listRejects: true,
  loadSampleData: true,
  listExperiments: true,
  analyzeExperiment: true,
  previewRows: true,
  listFiles: true,
  getSettings: true,
  setSettings: true,
  listChangeSets: true,
  getChangeSet: true,
  proposeDecision: true,
  submitDecision: true,
  listOutbox: true,
  retryOutbox: true,
  discardOutboxItem: true,
  linkExperiment: true,
  approveChangeSet: true,
  rejectChangeSet: true,
  getApiSettings: true,
  setApiSettings: true,
  exportReport: true,
} as const satisfies Record<DeskMethod, true>;

const EVENT_NAMES = {
  'import-progress': true,
  'files-opened': true,
  'menu-command': true,
  'outbox-changed': true,
} as const satisfies Record<DeskEventName, true>;

/** Every contract method, in declaration order. */
export const METHOD_LIST = Object.keys(METHOD_NAMES) as DeskMethod[];
/** Every event the host may push. */
export const EVENT_LIST = Object.keys(EVENT_NAMES) as DeskEventName[];

export function isDeskMethod(value: unknown): value is DeskMethod {
  return typeof value === 'string' && Object.hasOwn(METHOD_NAMES, value);
}

export function isDeskEventName(value: unknown): value is DeskEventName {
  return typeof value === 'string' && Object.hasOwn(EVENT_NAMES, value);
}

/** The message on `EVENT_CHANNEL` and between worker and main. */
export interface EventMessage<E extends DeskEventName = DeskEventName> {
  readonly event: E;
  readonly payload: unknown;
}

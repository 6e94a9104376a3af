/**
 * The wire vocabulary between preload and main: the IPC channel names (docs/architecture.md:
 * channel allowlist in preload, method allowlist in main). The method and event allowlists are
 * the contract's own zod-free lists (`contract/desk-names.ts`), which the sandboxed preload can
 * bundle.
 *
 * This file imports only types, on purpose: the sandboxed preload is bundled from it, and a
 * runtime import of the contract's schemas would drag zod into every page load.
 */
import type { DeskEventName } from '../contract/desk-api.ts';

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

/** The message on `EVENT_CHANNEL` and between worker and main. */
export interface EventMessage<E extends DeskEventName = DeskEventName> {
  readonly event: E;
  readonly payload: unknown;
}

/**
 * File handles: how the renderer names a local file without ever naming a path
 * (docs/security.md, "Files from the renderer").
 *
 * Main issues a handle — 128 random bits, base64url — when the user chose a file in the native
 * open dialog, opened one from the menu (File → Open…, Open Recent) or dropped one on the window
 * (the preload registers the dropped `File`'s path, see `preload.ts`). The handle belongs to the
 * web contents it was issued to and lives in main's memory only: it means nothing to another
 * window, to another run of the app, or to the web host. Before a call reaches the worker,
 * `resolveFileRefs` replaces each handle of `importFiles` / `previewFile` by its path; an
 * unknown handle is `not_found`.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DeskMethod, FileRef, Result } from '../contract/desk-api.ts';

/** Handles kept at most (oldest forgotten first); each one needs a user gesture, so this is generous. */
export const MAX_FILE_HANDLES = 10_000;

interface Entry {
  readonly path: string;
  /** `webContents.id` of the page the handle was issued to. */
  readonly owner: number;
}

export class FileHandles {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;

  constructor(max = MAX_FILE_HANDLES) {
    this.#max = max;
  }

  /** A new handle to `filePath` for the page `owner` (its `webContents.id`). */
  issue(owner: number, filePath: string): Extract<FileRef, { kind: 'handle' }> {
    const handle = randomBytes(16).toString('base64url');
    this.#entries.set(handle, { path: filePath, owner });
    while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    return { kind: 'handle', handle, name: path.basename(filePath) || filePath };
  }

  /** The path behind `handle`, when it was issued to `owner`; otherwise undefined. */
  resolve(owner: number, handle: string): string | undefined {
    const entry = this.#entries.get(handle);
    return entry !== undefined && entry.owner === owner ? entry.path : undefined;
  }

  /** Forgets every handle of a page (its web contents is gone). */
  forget(owner: number): void {
    for (const [handle, entry] of this.#entries) if (entry.owner === owner) this.#entries.delete(handle);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** What the worker receives instead of a handle. */
export interface PathRef {
  readonly kind: 'path';
  readonly path: string;
}

function notFound(): Result<never> {
  return {
    ok: false,
    error: { code: 'not_found', message: 'unknown file handle (handles last for this window until the app quits): choose or drop the file again' },
  };
}

function resolveRef(handles: FileHandles, owner: number, ref: FileRef): PathRef | FileRef | null {
  if (ref.kind !== 'handle') return ref; // uploads: the worker answers not_found (Electron has none)
  const filePath = handles.resolve(owner, ref.handle);
  return filePath === undefined ? null : { kind: 'path', path: filePath };
}

/**
 * The request to forward to the worker: for `importFiles` and `previewFile`, each handle replaced
 * by its path; other methods unchanged. `request` must already have passed the contract's schema
 * (which has no path form). An unknown handle, or one issued to another page, is `not_found`.
 */
export function resolveFileRefs(handles: FileHandles, owner: number, method: DeskMethod, request: unknown): Result<unknown> {
  if (method === 'importFiles') {
    const typed = request as { files: readonly FileRef[] };
    const files = typed.files.map((ref) => resolveRef(handles, owner, ref));
    if (files.includes(null)) return notFound();
    return { ok: true, value: { ...typed, files } };
  }
  if (method === 'previewFile') {
    const typed = request as { file: FileRef };
    const file = resolveRef(handles, owner, typed.file);
    if (file === null) return notFound();
    return { ok: true, value: { ...typed, file } };
  }
  return { ok: true, value: request };
}

/**
 * A path the preload may register for a dropped file: absolute, without NUL, of sane length.
 * (It comes from `webUtils.getPathForFile`; anything else is a bug or a forged message.)
 */
export function isDroppedFilePath(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 32_767 && !value.includes('\0') && path.isAbsolute(value);
}

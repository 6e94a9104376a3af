/**
 * The preload: exposes `window.desk` — the contract's named methods and nothing else (docs/architecture.md;
 * Tad, which hands the page `ipcRenderer`, is the counter-example). The methods are made from the
 * contract's list of names (`contract/desk-names.ts`), each a call over `desk:invoke`; the object
 * ends with `satisfies DeskApi`.
 *
 * Runs sandboxed: it may `require` only `electron` and a few Node shims, so the build bundles it
 * with `channels.ts` and `contract/desk-names.ts` into one CommonJS file
 * (`dist/electron/preload.cjs`). From `desk-api.ts` it imports only types, so zod stays out of
 * the page.
 *
 * Every method resolves to a `Result`: a rejected `ipcRenderer.invoke` (main's handler missing or
 * throwing) becomes `{ ok: false, error: { code: 'internal' } }`.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type {
  DeskApi,
  DeskEventName,
  DeskEvents,
  DeskMethod,
  DeskRequest,
  DeskResponse,
  DroppedFile,
  FileRef,
  Result,
  SavedFile,
} from '../contract/desk-api.ts';
import { DESK_METHODS, isDeskEventName } from '../contract/desk-names.ts';
import { CHOOSE_FILES_CHANNEL, DROPPED_FILE_CHANNEL, EVENT_CHANNEL, INVOKE_CHANNEL, SAVE_FILE_CHANNEL } from './channels.ts';

function internal(error: unknown): Result<never> {
  return { ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
}

function invoke<M extends DeskMethod>(method: M, request: DeskRequest<M>): Promise<Result<DeskResponse<M>>> {
  return (ipcRenderer.invoke(INVOKE_CHANNEL, method, request) as Promise<Result<DeskResponse<M>>>).catch(internal);
}

// ── events: one IPC listener, dispatched by name to the page's listeners ──────────────────────

type AnyListener = (payload: unknown) => void;
const listeners = new Map<DeskEventName, Set<AnyListener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, message: unknown) => {
  // The IpcRendererEvent is never passed on: its `sender` is `ipcRenderer` itself.
  if (typeof message !== 'object' || message === null) return;
  const { event, payload } = message as { event?: unknown; payload?: unknown };
  if (!isDeskEventName(event)) return;
  for (const listener of listeners.get(event) ?? []) {
    try {
      listener(payload);
    } catch (error) {
      console.error(`desk.on('${event}') listener failed`, error);
    }
  }
});

function on<E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void): () => void {
  // The type already forbids other names; the runtime check keeps the allowlist honest for
  // plain-JavaScript callers.
  if (!isDeskEventName(event)) throw new TypeError(`unknown desk event: ${String(event)}`);
  if (typeof listener !== 'function') throw new TypeError('desk.on: listener must be a function');
  const set = listeners.get(event) ?? new Set<AnyListener>();
  listeners.set(event, set);
  const wrapped: AnyListener = (payload) => listener(payload as DeskEvents[E]);
  set.add(wrapped);
  return () => {
    set.delete(wrapped);
  };
}

// ── files ────────────────────────────────────────────────────────────────────────────────────

/**
 * A dropped (or `<input type=file>`) file as a handle: its path is read here, from the `File`
 * itself, and registered with main over `desk:dropped-file`, which the page cannot reach. The page
 * hands over a `File`, never a string; a `File` built by page script has no path and is refused
 * (docs/security.md, "Files from the renderer").
 */
async function toFileRef(file: DroppedFile): Promise<Result<FileRef>> {
  let path: string;
  try {
    // Since Electron 32, `File.path` is gone; this is the supported way to get a dropped file's path.
    path = webUtils.getPathForFile(file as File);
  } catch (error) {
    return internal(error);
  }
  if (typeof path !== 'string' || path === '') {
    return { ok: false, error: { code: 'bad_input', message: `${String(file?.name)} is not a file on disk` } };
  }
  return (ipcRenderer.invoke(DROPPED_FILE_CHANNEL, path) as Promise<Result<FileRef>>).catch(internal);
}

async function chooseFiles(): Promise<Result<readonly FileRef[] | null>> {
  return (ipcRenderer.invoke(CHOOSE_FILES_CHANNEL) as Promise<Result<readonly FileRef[] | null>>).catch(internal);
}

async function saveFile(name: string, bytes: Uint8Array, mediaType?: string): Promise<Result<SavedFile>> {
  return (ipcRenderer.invoke(SAVE_FILE_CHANNEL, name, bytes, mediaType) as Promise<Result<SavedFile>>).catch(internal);
}

// ── the bridge ───────────────────────────────────────────────────────────────────────────────

/** One bridge function per contract method, from the contract's own list of names. */
const methods = Object.fromEntries(
  DESK_METHODS.map((method) => [method, (request: DeskRequest<typeof method>) => invoke(method, request)]),
) as { readonly [M in DeskMethod]: DeskApi[M] };

export const deskApi = {
  ...methods,
  on,
  host: 'electron',
  toFileRef,
  chooseFiles,
  saveFile,
} satisfies DeskApi;

contextBridge.exposeInMainWorld('desk', deskApi);

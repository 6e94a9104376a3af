/**
 * IPC registration in main: the channels the renderer may invoke, each refusing anything that is
 * not our own page (after VS Code's `validateEvent`).
 *
 * `desk:invoke` (method, request):
 *   1. sender: main frame of `app://desk` (`isTrustedSender`), else refused;
 *   2. method: one of the contract's `DESK_METHODS` (`contract/desk-names.ts`, the method allowlist), else refused;
 *   3. request: parsed with the method's `requestSchemas` entry, else refused — the contract
 *      names files by handle or upload only, so a path is refused here;
 *   4. file handles (`importFiles`, `previewFile`): each replaced by the path main issued it for,
 *      if it was issued to this sender (`file-handles.ts`), else `not_found` —
 *   and only then forwarded to the worker, which validates again: once per process boundary
 *   (the worker's `invokeInternal`), never again inside a handler.
 * Refusals are `Result` errors (`invalid_request`), never thrown: a thrown error reaches the
 * renderer as a bare message string (docs/architecture.md).
 *
 * `desk:choose-files` (): the native open dialog, in main because dialogs belong to a window;
 * answers handles for the chosen files, never their paths.
 *
 * `desk:dropped-file` (path): the preload's own channel, not exposed to the page: the preload's
 * `toFileRef(file)` reads a dropped `File`'s path with `webUtils.getPathForFile` and registers it
 * here for a handle. The page can only hand the preload a `File`, never a string
 * (docs/security.md, "Files from the renderer").
 *
 * `desk:save-file` (name, bytes, mediaType?): the native save dialog, then the bytes written
 * where the user chose (exported reports). Same sender check; the payload is checked by shape
 * (`isSaveFilePayload`) because a Uint8Array has no zod schema in the contract.
 *
 * Channels other than these have no handler: `ipcRenderer.invoke` on them rejects in the
 * renderer, and the preload exposes no way to name them.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { requestSchemas, type DeskMethod, type FileRef, type Result, type SavedFile } from '../contract/desk-api.ts';
import { isDeskMethod } from '../contract/desk-names.ts';
import { CHOOSE_FILES_CHANNEL, DROPPED_FILE_CHANNEL, INVOKE_CHANNEL, SAVE_FILE_CHANNEL } from './channels.ts';
import { isDroppedFilePath, resolveFileRefs, type FileHandles } from './file-handles.ts';
import { isTrustedSender } from './security.ts';

/** The part of an invoke event the handlers read. */
export type InvokeEvent = Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>;

export interface DeskIpcOptions {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** Forwards a validated call (to the worker), file handles already replaced by paths. */
  readonly invoke: (method: DeskMethod, request: unknown) => Promise<Result<unknown>>;
  /** The handles main issued this run (dialog, menu, drops). */
  readonly files: FileHandles;
  /** Shows the native open dialog for the sender's window; the chosen paths, or null when cancelled. */
  readonly chooseFiles: (event: InvokeEvent) => Promise<readonly string[] | null>;
  /** Shows the native save dialog for the sender's window and writes the bytes (absent: channel not registered). */
  readonly saveFile?: (event: InvokeEvent, file: SaveFilePayload) => Promise<SavedFile>;
  /** Where refusals are logged (a refusal means a bug or an attack; either way worth a line). */
  readonly log?: (message: string) => void;
}

/** What `desk:save-file` carries. */
export interface SaveFilePayload {
  /** Suggested file name (a base name; no folders). */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly mediaType?: string;
}

/** Largest file `desk:save-file` accepts (a report is far smaller). */
export const MAX_SAVE_BYTES = 256 * 1024 * 1024;

/** Checks the shape of a `desk:save-file` call: a short plain file name, bytes, an optional media type. */
export function isSaveFilePayload(name: unknown, bytes: unknown, mediaType: unknown): boolean {
  return typeof name === 'string' && name.length > 0 && name.length <= 255
    && ![...name].some((ch) => ch === '/' || ch === '\\' || ch.charCodeAt(0) < 0x20)
    && bytes instanceof Uint8Array && bytes.byteLength <= MAX_SAVE_BYTES
    && (mediaType === undefined || mediaType === null || (typeof mediaType === 'string' && mediaType.length <= 100));
}

function refused(message: string): Result<never> {
  return { ok: false, error: { code: 'invalid_request', message } };
}

function internal(message: string): Result<never> {
  return { ok: false, error: { code: 'internal', message } };
}

/** Issues of a failed parse in one line: `files.0.path: Too small…; importId: Required`. */
function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length === 0 ? 'request' : issue.path.map(String).join('.')}: ${issue.message}`)
    .join('; ');
}

/** The page a handle belongs to: the sender's web contents. */
function ownerOf(event: InvokeEvent): number {
  return event.sender.id;
}

/** Checks and forwards one `desk:invoke` call. Exported for the test. */
export async function handleInvoke(
  options: Pick<DeskIpcOptions, 'invoke' | 'files' | 'log'>,
  event: InvokeEvent,
  method: unknown,
  request: unknown,
): Promise<Result<unknown>> {
  const log = options.log ?? ((message: string) => console.warn(`[ipc] ${message}`));
  if (!isTrustedSender(event.senderFrame)) {
    log(`refused ${INVOKE_CHANNEL} from untrusted sender ${event.senderFrame?.url ?? '(no frame)'}`);
    return refused('untrusted sender');
  }
  if (!isDeskMethod(method)) {
    log(`refused unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
    return refused('unknown method');
  }
  // `undefined` reads as `{}`, as the service's `invokeHandler` reads it: the two sides agree.
  const parsed = requestSchemas[method].safeParse(request ?? {});
  if (!parsed.success) return refused(`${method}: ${describeIssues(parsed.error.issues)}`);
  const forwarded = resolveFileRefs(options.files, ownerOf(event), method, parsed.data);
  if (!forwarded.ok) return forwarded;
  try {
    return await options.invoke(method, forwarded.value);
  } catch (error) {
    return internal(error instanceof Error ? error.message : String(error));
  }
}

/** Handles one `desk:choose-files` call: handles for the chosen files. Exported for the test. */
export async function handleChooseFiles(
  options: Pick<DeskIpcOptions, 'chooseFiles' | 'files' | 'log'>,
  event: InvokeEvent,
): Promise<Result<readonly FileRef[] | null>> {
  if (!isTrustedSender(event.senderFrame)) {
    (options.log ?? console.warn)(`refused ${CHOOSE_FILES_CHANNEL} from untrusted sender`);
    return refused('untrusted sender');
  }
  try {
    const paths = await options.chooseFiles(event);
    return { ok: true, value: paths === null ? null : paths.map((filePath) => options.files.issue(ownerOf(event), filePath)) };
  } catch (error) {
    return internal(error instanceof Error ? error.message : String(error));
  }
}

/** Handles one `desk:dropped-file` call (from the preload): a handle for the dropped file's path. Exported for the test. */
export async function handleDroppedFile(
  options: Pick<DeskIpcOptions, 'files' | 'log'>,
  event: InvokeEvent,
  filePath: unknown,
): Promise<Result<FileRef>> {
  const log = options.log ?? ((message: string) => console.warn(`[ipc] ${message}`));
  if (!isTrustedSender(event.senderFrame)) {
    log(`refused ${DROPPED_FILE_CHANNEL} from untrusted sender`);
    return refused('untrusted sender');
  }
  if (!isDroppedFilePath(filePath)) {
    log(`refused ${DROPPED_FILE_CHANNEL}: not an absolute path`);
    return refused(`${DROPPED_FILE_CHANNEL}: expected the absolute path of a dropped file`);
  }
  return { ok: true, value: options.files.issue(ownerOf(event), filePath) };
}

/** Handles one `desk:save-file` call. Exported for the test. */
export async function handleSaveFile(
  options: Pick<DeskIpcOptions, 'saveFile' | 'log'>,
  event: InvokeEvent,
  name: unknown,
  bytes: unknown,
  mediaType: unknown,
): Promise<Result<SavedFile>> {
  const log = options.log ?? ((message: string) => console.warn(`[ipc] ${message}`));
  if (!isTrustedSender(event.senderFrame)) {
    log(`refused ${SAVE_FILE_CHANNEL} from untrusted sender`);
    return refused('untrusted sender');
  }
  if (!isSaveFilePayload(name, bytes, mediaType)) return refused(`${SAVE_FILE_CHANNEL}: expected (file name, bytes ≤ ${MAX_SAVE_BYTES}, media type?)`);
  if (!options.saveFile) return internal('saving files is not available');
  try {
    const payload: SaveFilePayload = { name: name as string, bytes: bytes as Uint8Array, ...(typeof mediaType === 'string' && { mediaType }) };
    return { ok: true, value: await options.saveFile(event, payload) };
  } catch (error) {
    return internal(error instanceof Error ? error.message : String(error));
  }
}

/** Registers the channels; returns a function that removes them. */
export function registerDeskIpc(options: DeskIpcOptions): () => void {
  options.ipcMain.handle(INVOKE_CHANNEL, (event, method: unknown, request: unknown) => handleInvoke(options, event, method, request));
  options.ipcMain.handle(CHOOSE_FILES_CHANNEL, (event) => handleChooseFiles(options, event));
  options.ipcMain.handle(DROPPED_FILE_CHANNEL, (event, filePath: unknown) => handleDroppedFile(options, event, filePath));
  options.ipcMain.handle(SAVE_FILE_CHANNEL, (event, name: unknown, bytes: unknown, mediaType: unknown) => handleSaveFile(options, event, name, bytes, mediaType));
  return () => {
    options.ipcMain.removeHandler(INVOKE_CHANNEL);
    options.ipcMain.removeHandler(CHOOSE_FILES_CHANNEL);
    options.ipcMain.removeHandler(DROPPED_FILE_CHANNEL);
    options.ipcMain.removeHandler(SAVE_FILE_CHANNEL);
  };
}

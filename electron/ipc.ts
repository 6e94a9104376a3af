/**
 * IPC registration in main: the two channels the renderer may invoke, each refusing anything
 * that is not our own page (STYLE §8, after VS Code's `validateEvent`).
 *
 * `desk:invoke` (method, request):
 *   1. sender: main frame of `app://desk` (`isTrustedSender`), else refused;
 *   2. method: one of the contract's `DESK_METHODS` (the method allowlist), else refused;
 *   3. request: parsed with the method's `requestSchemas` entry, else refused —
 *   and only then forwarded to the worker, which validates again (validate on both sides).
 * Refusals are `Result` errors (`invalid_request`), never thrown: a thrown error reaches the
 * renderer as a bare message string (STYLE §9).
 *
 * `desk:choose-files` (): the native open dialog, in main because dialogs belong to a window.
 *
 * `desk:save-file` (name, bytes, mediaType?): the native save dialog, then the bytes written
 * where the user chose (exported reports). Same sender check; the payload is checked by shape
 * (`isSaveFilePayload`) because a Uint8Array has no zod schema in the contract.
 *
 * Channels other than these have no handler: `ipcRenderer.invoke` on them rejects in the
 * renderer, and the preload exposes no way to name them.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { DESK_METHODS, requestSchemas, type DeskMethod, type FileRef, type Result, type SavedFile } from '../contract/desk-api.ts';
import { CHOOSE_FILES_CHANNEL, INVOKE_CHANNEL, SAVE_FILE_CHANNEL } from './channels.ts';
import { isTrustedSender } from './security.ts';

/** The part of an invoke event the handlers read. */
export type InvokeEvent = Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>;

export interface DeskIpcOptions {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** Forwards a validated call (to the worker). */
  readonly invoke: (method: DeskMethod, request: unknown) => Promise<Result<unknown>>;
  /** Shows the native open dialog for the sender's window. */
  readonly chooseFiles: (event: InvokeEvent) => Promise<readonly FileRef[] | null>;
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

const methods: ReadonlySet<string> = new Set(DESK_METHODS);

function isKnownMethod(value: unknown): value is DeskMethod {
  return typeof value === 'string' && methods.has(value);
}

/** Issues of a failed parse in one line: `files.0.path: Too small…; importId: Required`. */
function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length === 0 ? 'request' : issue.path.map(String).join('.')}: ${issue.message}`)
    .join('; ');
}

/** Checks and forwards one `desk:invoke` call. Exported for the test. */
export async function handleInvoke(
  options: Pick<DeskIpcOptions, 'invoke' | 'log'>,
  event: InvokeEvent,
  method: unknown,
  request: unknown,
): Promise<Result<unknown>> {
  const log = options.log ?? ((message: string) => console.warn(`[ipc] ${message}`));
  if (!isTrustedSender(event.senderFrame)) {
    log(`refused ${INVOKE_CHANNEL} from untrusted sender ${event.senderFrame?.url ?? '(no frame)'}`);
    return refused('untrusted sender');
  }
  if (!isKnownMethod(method)) {
    log(`refused unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
    return refused('unknown method');
  }
  // `undefined` reads as `{}`, as the service's `invokeHandler` reads it: the two sides agree.
  const parsed = requestSchemas[method].safeParse(request ?? {});
  if (!parsed.success) return refused(`${method}: ${describeIssues(parsed.error.issues)}`);
  try {
    return await options.invoke(method, parsed.data);
  } catch (error) {
    return internal(error instanceof Error ? error.message : String(error));
  }
}

/** Handles one `desk:choose-files` call. Exported for the test. */
export async function handleChooseFiles(
  options: Pick<DeskIpcOptions, 'chooseFiles' | 'log'>,
  event: InvokeEvent,
): Promise<Result<readonly FileRef[] | null>> {
  if (!isTrustedSender(event.senderFrame)) {
    (options.log ?? console.warn)(`refused ${CHOOSE_FILES_CHANNEL} from untrusted sender`);
    return refused('untrusted sender');
  }
  try {
    return { ok: true, value: await options.chooseFiles(event) };
  } catch (error) {
    return internal(error instanceof Error ? error.message : String(error));
  }
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
  options.ipcMain.handle(SAVE_FILE_CHANNEL, (event, name: unknown, bytes: unknown, mediaType: unknown) => handleSaveFile(options, event, name, bytes, mediaType));
  return () => {
    options.ipcMain.removeHandler(INVOKE_CHANNEL);
    options.ipcMain.removeHandler(CHOOSE_FILES_CHANNEL);
    options.ipcMain.removeHandler(SAVE_FILE_CHANNEL);
  };
}

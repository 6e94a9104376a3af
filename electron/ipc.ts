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
 * Channels other than these have no handler: `ipcRenderer.invoke` on them rejects in the
 * renderer, and the preload exposes no way to name them.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { DESK_METHODS, requestSchemas, type DeskMethod, type FileRef, type Result } from '../contract/desk-api.ts';
import { CHOOSE_FILES_CHANNEL, INVOKE_CHANNEL } from './channels.ts';
import { isTrustedSender } from './security.ts';

/** The part of an invoke event the handlers read. */
export type InvokeEvent = Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>;

export interface DeskIpcOptions {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** Forwards a validated call (to the worker). */
  readonly invoke: (method: DeskMethod, request: unknown) => Promise<Result<unknown>>;
  /** Shows the native open dialog for the sender's window. */
  readonly chooseFiles: (event: InvokeEvent) => Promise<readonly FileRef[] | null>;
  /** Where refusals are logged (a refusal means a bug or an attack; either way worth a line). */
  readonly log?: (message: string) => void;
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

/** Registers both channels; returns a function that removes them. */
export function registerDeskIpc(options: DeskIpcOptions): () => void {
  options.ipcMain.handle(INVOKE_CHANNEL, (event, method: unknown, request: unknown) => handleInvoke(options, event, method, request));
  options.ipcMain.handle(CHOOSE_FILES_CHANNEL, (event) => handleChooseFiles(options, event));
  return () => {
    options.ipcMain.removeHandler(INVOKE_CHANNEL);
    options.ipcMain.removeHandler(CHOOSE_FILES_CHANNEL);
  };
}

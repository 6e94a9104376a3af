/**
 * Messages between main and the DuckDB worker (a utility process). Structured-clone values only
 * — `Uint8Array` Arrow buffers included — so results cross without JSON encoding.
 *
 * main → worker: `{ type: 'call', id, method, request }`, `{ type: 'shutdown' }`,
 * `{ type: 'token-result', id, token, error, errorCode }` (the answer to a token request).
 * worker → main: `{ type: 'ready' }` once the database is open; `{ type: 'result', id, result }`
 * for each call (result is always a `Result`, never a thrown error); `{ type: 'event', event,
 * payload }` for service events; `{ type: 'fatal', message }` before exiting on a startup error;
 * `{ type: 'token-get', id }` / `{ type: 'token-set', id, token, allowPlainText }` to read or store
 * the API token, which only main can decrypt (safeStorage); `allowPlainText` is the user's
 * confirmation to store it on Linux's `basic_text` backend.
 */
import type { DeskEventName, DeskMethod, Result } from '../contract/desk-api.ts';
import { isDeskEventName, isDeskMethod } from '../contract/desk-names.ts';

export interface CallMessage {
  readonly type: 'call';
  readonly id: number;
  readonly method: DeskMethod;
  readonly request: unknown;
}
export interface ShutdownMessage {
  readonly type: 'shutdown';
}
export interface TokenResultMessage {
  readonly type: 'token-result';
  readonly id: number;
  readonly token: string | null;
  /** Set when storing failed (e.g. no OS keychain). */
  readonly error: string | null;
  /** The failure's `code`, when it has one (`PLAIN_TEXT_TOKEN_STORAGE`: needs the user's confirmation). */
  readonly errorCode: string | null;
}
export type ToWorker = CallMessage | ShutdownMessage | TokenResultMessage;

export interface ReadyMessage {
  readonly type: 'ready';
}
export interface ResultMessage {
  readonly type: 'result';
  readonly id: number;
  readonly result: Result<unknown>;
}
export interface WorkerEventMessage {
  readonly type: 'event';
  readonly event: DeskEventName;
  readonly payload: unknown;
}
export interface FatalMessage {
  readonly type: 'fatal';
  readonly message: string;
}
export interface TokenRequestMessage {
  readonly type: 'token-get' | 'token-set';
  readonly id: number;
  /** token-set only: the token to store, null to remove it. */
  readonly token: string | null;
  /** token-set only: the user confirmed storing it without an OS keyring. */
  readonly allowPlainText: boolean;
}
export type FromWorker = ReadyMessage | ResultMessage | WorkerEventMessage | FatalMessage | TokenRequestMessage;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isResult(value: unknown): value is Result<unknown> {
  if (!isRecord(value)) return false;
  if (value.ok === true) return 'value' in value;
  return value.ok === false && isRecord(value.error) && typeof value.error.code === 'string' && typeof value.error.message === 'string';
}

/** Narrows a message from the worker; anything malformed is `null` (and dropped by the caller). */
export function parseFromWorker(message: unknown): FromWorker | null {
  if (!isRecord(message)) return null;
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'result':
      return typeof message.id === 'number' && isResult(message.result)
        ? { type: 'result', id: message.id, result: message.result }
        : null;
    case 'event':
      return isDeskEventName(message.event) ? { type: 'event', event: message.event, payload: message.payload } : null;
    case 'fatal':
      return { type: 'fatal', message: typeof message.message === 'string' ? message.message : 'worker failed to start' };
    case 'token-get':
    case 'token-set':
      return typeof message.id === 'number'
        ? { type: message.type, id: message.id, token: typeof message.token === 'string' ? message.token : null, allowPlainText: message.allowPlainText === true }
        : null;
    default:
      return null;
  }
}

/** Narrows a message from main; anything malformed is `null`. */
export function parseToWorker(message: unknown): ToWorker | null {
  if (!isRecord(message)) return null;
  if (message.type === 'shutdown') return { type: 'shutdown' };
  if (message.type === 'token-result' && typeof message.id === 'number') {
    return {
      type: 'token-result', id: message.id,
      token: typeof message.token === 'string' ? message.token : null,
      error: typeof message.error === 'string' ? message.error : null,
      errorCode: typeof message.errorCode === 'string' ? message.errorCode : null,
    };
  }
  if (message.type === 'call' && typeof message.id === 'number' && isDeskMethod(message.method)) {
    return { type: 'call', id: message.id, method: message.method, request: message.request };
  }
  return null;
}

/** Command-line flags main passes to the worker (paths under `app.getPath('userData')`). */
export const DATABASE_FLAG = '--desk-database=';
export const SETTINGS_FLAG = '--desk-settings=';

export function workerArgs(paths: { databasePath: string; settingsPath: string }): string[] {
  return [`${DATABASE_FLAG}${paths.databasePath}`, `${SETTINGS_FLAG}${paths.settingsPath}`];
}

/** The paths from the worker's `process.argv`, or `null` when a flag is missing. */
export function parseWorkerArgs(argv: readonly string[]): { databasePath: string; settingsPath: string } | null {
  const databasePath = argv.find((arg) => arg.startsWith(DATABASE_FLAG))?.slice(DATABASE_FLAG.length);
  const settingsPath = argv.find((arg) => arg.startsWith(SETTINGS_FLAG))?.slice(SETTINGS_FLAG.length);
  if (!databasePath || !settingsPath) return null;
  return { databasePath, settingsPath };
}

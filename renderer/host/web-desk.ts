/**
 * `DeskApi` over the loopback web host's HTTP protocol (`npm run serve`):
 *
 * - `POST /api/call/<method>`, JSON request body → JSON `Result<T>`; `Uint8Array`s travel as
 *   `{"$bytes": base64}` both ways (wire.ts).
 * - `POST /api/upload`, header `X-File-Name: encodeURIComponent(name)`, raw file body →
 *   `Result<{ uploadId }>`.
 * - `GET /api/events`: Server-Sent Events, `event:` = the `DeskEvents` name, `data:` its JSON;
 *   one shared `EventSource` for every listener.
 *
 * Authentication is a cookie the server set when the page was opened with `?token=`: every
 * request here is same-origin, so the browser sends it. Errors are values, never thrown: a
 * network failure or a non-2xx answer becomes `{ ok: false, error }` (401 → `invalid_request`,
 * "Not authorised…"; an error `Result` in a non-2xx body is passed through as it is).
 */
import type {
  DeskApi, DeskError, DeskEventName, DeskEvents, DeskMethod, DeskRequest, DeskResponse, DroppedFile, FileRef, Result, SavedFile,
} from '../../contract/desk-api.ts';
import { DESK_METHODS } from '../../contract/desk-names.ts';
import { decodeWire, encodeWire } from './wire.ts';

export const NOT_AUTHORISED: DeskError = { code: 'invalid_request', message: 'Not authorised: open the URL the server printed' };

export interface WebDeskOptions {
  /** Prefix of every URL ('' = same origin, absolute paths). */
  readonly baseUrl?: string;
  /** Injected for tests; defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Injected for tests; defaults to the global `EventSource`. */
  readonly EventSource?: new (url: string) => EventSource;
  /** Injected for tests; defaults to a Blob download through a temporary `<a download>`. */
  readonly download?: (name: string, bytes: Uint8Array, mediaType: string) => void;
}

/**
 * Saves bytes in a browser: a Blob URL clicked through a temporary `<a download>`, revoked once
 * the download has started. The browser decides where the file goes (its download folder or
 * its own save dialog).
 */
export function downloadInPage(name: string, bytes: Uint8Array, mediaType: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: mediaType }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.rel = 'noopener';
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function fail(code: DeskError['code'], message: string): { ok: false; error: DeskError } {
  return { ok: false, error: { code, message } };
}

function isResult(value: unknown): value is Result<unknown> {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { ok?: unknown; value?: unknown; error?: unknown };
  if (v.ok === true) return 'value' in v;
  if (v.ok === false) {
    const e = v.error as { code?: unknown; message?: unknown } | null | undefined;
    return !!e && typeof e.code === 'string' && typeof e.message === 'string';
  }
  return false;
}

/** Turns an HTTP response into a `Result`, whatever the server or the network did. */
async function readResult<T>(response: Response): Promise<Result<T>> {
  if (response.status === 401) return { ok: false, error: NOT_AUTHORISED };
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return fail('internal', `Reading the answer failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  let body: unknown;
  try {
    body = decodeWire(text);
  } catch {
    return fail('internal', response.ok ? 'The host answered with malformed JSON' : `The host answered HTTP ${response.status}`);
  }
  if (!response.ok) {
    if (isResult(body) && !body.ok) return body as Result<T>;
    return fail('internal', `The host answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  }
  if (!isResult(body)) return fail('internal', 'The host answered with something that is not a Result');
  return body as Result<T>;
}

async function send<T>(doFetch: typeof fetch, url: string, init: RequestInit): Promise<Result<T>> {
  let response: Response;
  try {
    response = await doFetch(url, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch (error) {
    return fail('internal', `The host is unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  return readResult<T>(response);
}

/** Creates the web client. Nothing happens on the network until a method is called. */
export function createWebDesk(options: WebDeskOptions = {}): DeskApi {
  const base = options.baseUrl ?? '';
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  const call = <M extends DeskMethod>(method: M, request: DeskRequest<M>): Promise<Result<DeskResponse<M>>> =>
    send<DeskResponse<M>>(doFetch, `${base}/api/call/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: encodeWire(request ?? {}),
    });

  // ── events: one shared EventSource, opened with the first listener, closed with the last ──
  const listeners = new Map<DeskEventName, Set<(payload: never) => void>>();
  const attached = new Set<DeskEventName>();
  let source: EventSource | null = null;

  const dispatch = (event: DeskEventName, message: MessageEvent<string>): void => {
    let payload: unknown;
    try {
      payload = decodeWire(message.data);
    } catch {
      return; // a malformed event is dropped, not thrown into the page
    }
    for (const listener of [...(listeners.get(event) ?? [])]) (listener as (p: unknown) => void)(payload);
  };

  const ensureSource = (): EventSource | null => {
    if (source) return source;
    const Source = options.EventSource ?? (typeof EventSource === 'function' ? EventSource : undefined);
    if (!Source) return null;
    source = new Source(`${base}/api/events`);
    attached.clear();
    return source;
  };

  const on = <E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void): (() => void) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    const es = ensureSource();
    if (es && !attached.has(event)) {
      es.addEventListener(event, (message) => dispatch(event, message as MessageEvent<string>));
      attached.add(event);
    }
    return () => {
      set.delete(listener as (payload: never) => void);
      const total = [...listeners.values()].reduce((sum, s) => sum + s.size, 0);
      if (total === 0 && source) {
        source.close();
        source = null;
        attached.clear();
      }
    };
  };

  const toFileRef = async (file: DroppedFile): Promise<Result<FileRef>> => {
    const uploaded = await send<{ uploadId: string }>(doFetch, `${base}/api/upload`, {
      method: 'POST',
      headers: { 'X-File-Name': encodeURIComponent(file.name), 'Content-Type': 'application/octet-stream' },
      body: file,
    });
    if (!uploaded.ok) return uploaded;
    return { ok: true, value: { kind: 'upload', uploadId: uploaded.value.uploadId, name: file.name } };
  };

  // One route per contract method, from the contract's zod-free list of names (the page never bundles zod).
  const methods = Object.fromEntries(
    DESK_METHODS.map((method) => [method, (request: DeskRequest<typeof method>) => call(method, request)]),
  ) as { [M in DeskMethod]: DeskApi[M] };

  const saveFile = async (name: string, bytes: Uint8Array, mediaType = 'application/octet-stream'): Promise<Result<SavedFile>> => {
    try {
      (options.download ?? downloadInPage)(name, bytes, mediaType);
      return { ok: true, value: { saved: true, path: null } };
    } catch (error) {
      return fail('internal', `The download could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return {
    ...methods,
    on,
    host: 'web',
    toFileRef,
    chooseFiles: async () => ({ ok: true, value: null }),
    saveFile,
  };
}

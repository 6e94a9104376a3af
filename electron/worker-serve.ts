/**
 * The worker's side of the main ↔ worker protocol (`worker-protocol.ts`), independent of DuckDB
 * so it can be tested with a fake service: answers each call with the `Result` of `invoke`, and
 * forwards every service event.
 *
 * Calls are served concurrently (no queue): `cancelImport` must get through while `importFiles`
 * is still running.
 */
import type { DeskEventName, DeskEvents, DeskMethod, Result } from '../contract/desk-api.ts';
import type { TokenStoreOptions } from '../contract/changesets/decisions.ts';
import { DESK_EVENTS } from '../contract/desk-names.ts';
import { parseToWorker, type FromWorker, type TokenResultMessage } from './worker-protocol.ts';

/** The part of Electron's `process.parentPort` the worker uses. */
export interface ParentPortLike {
  on(event: 'message', listener: (messageEvent: { data: unknown }) => void): unknown;
  postMessage(message: FromWorker): void;
}

/** The part of the data service the worker forwards events from. */
export interface EventSource {
  onEvent<E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void): () => void;
}

export interface ServeOptions {
  readonly service: EventSource;
  /** Validates and runs one call, mapping errors to a `Result` (the service's `invokeHandler`). */
  readonly invoke: (method: DeskMethod, request: unknown) => Promise<Result<unknown>>;
  /** Closes the database and exits; called on `{ type: 'shutdown' }`. */
  readonly onShutdown: () => void | Promise<void>;
}

/** The worker's way to the API token, which only main can decrypt (safeStorage). */
export interface TokenRequester {
  get(): Promise<string | null>;
  /**
   * @throws Error with main's reason when the token cannot be stored, and main's `code` when it
   * has one (`PLAIN_TEXT_TOKEN_STORAGE`: store it only with `allowPlainText`).
   */
  set(token: string | null, options?: TokenStoreOptions): Promise<void>;
  settle(message: TokenResultMessage): void;
}

export function tokenRequester(port: ParentPortLike): TokenRequester {
  const pending = new Map<number, { resolve: (token: string | null) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const ask = (type: 'token-get' | 'token-set', token: string | null, allowPlainText = false): Promise<string | null> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      port.postMessage({ type, id, token, allowPlainText });
    });
  return {
    get: () => ask('token-get', null),
    set: async (token, options = {}) => {
      await ask('token-set', token, options.allowPlainText === true);
    },
    settle(message) {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.error !== null) waiting.reject(Object.assign(new Error(message.error), message.errorCode !== null ? { code: message.errorCode } : {}));
      else waiting.resolve(message.token);
    },
  };
}

function internal(message: string): Result<never> {
  return { ok: false, error: { code: 'internal', message } };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Starts answering messages on `port`; returns a function that stops forwarding events. */
export function serveDesk(port: ParentPortLike, options: ServeOptions): () => void {
  const unsubscribes = DESK_EVENTS.map((event) =>
    options.service.onEvent(event, (payload) => port.postMessage({ type: 'event', event, payload })));

  port.on('message', ({ data }) => {
    const message = parseToWorker(data);
    if (message === null) return; // not ours; main never sends anything else
    if (message.type === 'shutdown') {
      void Promise.resolve(options.onShutdown());
      return;
    }
    if (message.type === 'token-result') return; // settled by the worker's tokenRequester
    const { id, method, request } = message;
    void (async () => {
      let result: Result<unknown>;
      try {
        result = await options.invoke(method, request);
      } catch (error) {
        // invokeHandler maps errors itself; this is the last line of defence.
        result = internal(errorMessage(error));
      }
      try {
        port.postMessage({ type: 'result', id, result });
      } catch (error) {
        // A value that cannot be structured-cloned must still answer the call.
        port.postMessage({ type: 'result', id, result: internal(`${method}: result could not be sent: ${errorMessage(error)}`) });
      }
    })();
  });

  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

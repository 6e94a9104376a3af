/**
 * Main's side of the main ↔ worker protocol: correlates calls and results by id, queues calls
 * until the worker has opened the database, forwards worker events, and restarts a worker that
 * died.
 *
 * - Every call resolves to a `Result`, never rejects: a dead worker answers its pending calls
 *   with `internal: worker restarted`, a timed-out call with `internal: … timed out`.
 * - Imports have no timeout (a multi-gigabyte CSV may take many minutes; the user cancels with
 *   `cancelImport`); other calls time out after `callTimeoutMs`.
 * - Restarts are budgeted (`maxRestarts` within `restartWindowMs`) so a worker that cannot
 *   start (say, a corrupt database) does not respawn in a tight loop; calls made while the
 *   budget is spent answer `internal: worker unavailable` with the worker's last fatal message.
 *
 * The process itself is abstracted as `SpawnWorker` so this logic is tested without Electron;
 * `main.ts` adapts `utilityProcess.fork`.
 */
import type { DeskEventName, DeskMethod, Result } from '../contract/desk-api.ts';
import type { TokenStoreOptions } from '../contract/changesets/decisions.ts';
import { parseFromWorker, type ToWorker } from './worker-protocol.ts';

/** A running worker as main sees it. */
export interface WorkerHandle {
  postMessage(message: ToWorker): void;
  kill(): void;
}

export interface WorkerCallbacks {
  onMessage(message: unknown): void;
  onExit(code: number): void;
}

export type SpawnWorker = (callbacks: WorkerCallbacks) => WorkerHandle;

export type WorkerEventListener = (event: DeskEventName, payload: unknown) => void;

export interface WorkerClientOptions {
  /** Time limit of a call other than an import, in milliseconds (default 10 minutes). */
  readonly callTimeoutMs?: number;
  /** Methods without a time limit. */
  readonly untimedMethods?: readonly DeskMethod[];
  /** How many spawns are allowed within `restartWindowMs` (default 5 per minute). */
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
  /** For tests. */
  readonly now?: () => number;
  /** Where restarts and fatal messages are logged. */
  readonly log?: (message: string) => void;
  /** Answers the worker's API-token requests (main's safeStorage vault); none → no token. */
  readonly tokens?: { get(): Promise<string | null>; set(token: string | null, options?: TokenStoreOptions): Promise<void> };
}

interface Pending {
  readonly resolve: (result: Result<unknown>) => void;
  readonly timer: ReturnType<typeof setTimeout> | null;
}

interface Running {
  readonly handle: WorkerHandle;
  ready: boolean;
  /** Calls posted before the worker said `ready`. */
  readonly queue: ToWorker[];
  /** Resolves when this worker exits. */
  readonly exited: Promise<void>;
}

const DEFAULT_UNTIMED: readonly DeskMethod[] = ['importFiles', 'loadSampleData'];

function internal(message: string): Result<never> {
  return { ok: false, error: { code: 'internal', message } };
}

export class WorkerClient {
  readonly #spawn: SpawnWorker;
  readonly #callTimeoutMs: number;
  readonly #untimed: ReadonlySet<DeskMethod>;
  readonly #maxRestarts: number;
  readonly #restartWindowMs: number;
  readonly #now: () => number;
  readonly #log: (message: string) => void;
  readonly #tokens: WorkerClientOptions['tokens'];

  #worker: Running | null = null;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<WorkerEventListener>();
  #spawnTimes: number[] = [];
  #nextId = 1;
  #stopped = false;
  #lastFatal: string | null = null;

  constructor(spawn: SpawnWorker, options: WorkerClientOptions = {}) {
    this.#spawn = spawn;
    this.#callTimeoutMs = options.callTimeoutMs ?? 10 * 60_000;
    this.#untimed = new Set(options.untimedMethods ?? DEFAULT_UNTIMED);
    this.#maxRestarts = options.maxRestarts ?? 5;
    this.#restartWindowMs = options.restartWindowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? ((message) => console.error(`[worker] ${message}`));
    this.#tokens = options.tokens;
  }

  /** Starts the worker now (it opens the database), rather than on the first call. */
  start(): void {
    this.#ensureWorker();
  }

  /** Sends one call; the request should already be validated (the worker validates again). */
  invoke(method: DeskMethod, request: unknown): Promise<Result<unknown>> {
    if (this.#stopped) return Promise.resolve(internal('worker stopped'));
    const worker = this.#ensureWorker();
    if (worker === null) {
      return Promise.resolve(internal(`worker unavailable${this.#lastFatal === null ? '' : `: ${this.#lastFatal}`}`));
    }
    const id = this.#nextId++;
    return new Promise<Result<unknown>>((resolve) => {
      const timer = this.#untimed.has(method)
        ? null
        : setTimeout(() => {
            if (this.#pending.delete(id)) {
              resolve(internal(`${method} timed out after ${Math.round(this.#callTimeoutMs / 1000)} s`));
            }
          }, this.#callTimeoutMs);
      this.#pending.set(id, { resolve, timer });
      this.#post(worker, { type: 'call', id, method, request });
    });
  }

  /** Listens to service events from the worker; returns the unsubscribe function. */
  onEvent(listener: WorkerEventListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Number of calls awaiting a result (for tests and diagnostics). */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Asks the worker to close the database and exit; kills it after `graceMs`. No restart after
   * this; later calls answer `internal: worker stopped`.
   */
  async shutdown(graceMs = 5_000): Promise<void> {
    this.#stopped = true;
    const worker = this.#worker;
    if (worker === null) return;
    try {
      worker.handle.postMessage({ type: 'shutdown' });
    } catch {
      // already gone
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const outcome = await Promise.race([worker.exited.then(() => 'exited' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') worker.handle.kill();
  }

  #post(worker: Running, message: ToWorker): void {
    if (!worker.ready) {
      worker.queue.push(message);
      return;
    }
    try {
      worker.handle.postMessage(message);
    } catch (error) {
      // The worker is dying; its exit answers the call with `worker restarted`.
      this.#log(`post failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #ensureWorker(): Running | null {
    if (this.#worker !== null) return this.#worker;
    if (this.#stopped) return null;
    const now = this.#now();
    this.#spawnTimes = this.#spawnTimes.filter((time) => now - time < this.#restartWindowMs);
    if (this.#spawnTimes.length >= this.#maxRestarts) return null;
    this.#spawnTimes.push(now);

    let markExited: () => void = () => {};
    const exited = new Promise<void>((resolve) => {
      markExited = resolve;
    });
    // `running` is assigned before any callback can fire: spawning is synchronous, messages
    // and exit arrive on later turns of the event loop.
    let running: Running | null = null;
    const handle = this.#spawn({
      onMessage: (message) => {
        if (running !== null) this.#onMessage(running, message);
      },
      onExit: (code) => {
        markExited();
        if (running !== null) this.#onExit(running, code);
      },
    });
    running = { handle, ready: false, queue: [], exited };
    this.#worker = running;
    return running;
  }

  #onMessage(worker: Running, raw: unknown): void {
    const message = parseFromWorker(raw);
    if (message === null) return;
    switch (message.type) {
      case 'ready': {
        worker.ready = true;
        this.#lastFatal = null;
        for (const queued of worker.queue.splice(0)) worker.handle.postMessage(queued);
        return;
      }
      case 'result': {
        const pending = this.#pending.get(message.id);
        if (pending === undefined) return; // timed out earlier, or answered by a previous worker
        this.#pending.delete(message.id);
        if (pending.timer !== null) clearTimeout(pending.timer);
        pending.resolve(message.result);
        return;
      }
      case 'event': {
        for (const listener of this.#listeners) listener(message.event, message.payload);
        return;
      }
      case 'fatal': {
        this.#lastFatal = message.message;
        this.#log(`fatal: ${message.message}`);
        return;
      }
      case 'token-get':
      case 'token-set': {
        const { id } = message;
        const work = message.type === 'token-get'
          ? (this.#tokens?.get() ?? Promise.resolve(null))
          : (this.#tokens?.set(message.token, { allowPlainText: message.allowPlainText }) ?? Promise.reject(new Error('this host cannot store an API token'))).then(() => null);
        // The token itself is never logged; only the failure's message and code are passed back.
        work.then(
          (token) => worker.handle.postMessage({ type: 'token-result', id, token, error: null, errorCode: null }),
          (error: unknown) => {
            const code = (error as { code?: unknown } | null)?.code;
            worker.handle.postMessage({
              type: 'token-result', id, token: null, error: error instanceof Error ? error.message : String(error), errorCode: typeof code === 'string' ? code : null,
            });
          },
        );
        return;
      }
    }
  }

  #onExit(worker: Running, code: number): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    const message = this.#stopped ? 'worker stopped' : 'worker restarted';
    // Every call in flight belonged to the dead worker (ids are not reused).
    for (const [id, pending] of this.#pending) {
      if (pending.timer !== null) clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.resolve(internal(message));
    }
    if (this.#stopped) return;
    this.#log(`exited with code ${code}; restarting`);
    if (this.#ensureWorker() === null) {
      this.#log(`not restarted: ${this.#maxRestarts} starts within ${this.#restartWindowMs / 1000} s`);
    }
  }
}

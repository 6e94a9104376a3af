/**
 * The DuckDB worker protocol: the client in main (electron/worker-client.ts) and the worker's
 * server (electron/worker-serve.ts). A fake utility process connects them through
 * `structuredClone`, which is what Electron's message ports do to every message.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeskEventName, DeskEvents, Result } from '../../contract/desk-api.ts';
import { createDeskService, invokeInternal, type DeskService } from '../../data/service/desk-service.ts';
import { WorkerClient, type SpawnWorker, type WorkerCallbacks } from '../../electron/worker-client.ts';
import { parseWorkerArgs, workerArgs, type FromWorker, type ToWorker } from '../../electron/worker-protocol.ts';
import { serveDesk, type EventSource, type ParentPortLike, type ServeOptions } from '../../electron/worker-serve.ts';

/** A scripted worker: records what main posts, lets the test answer and exit. */
function scriptedWorkers() {
  const workers: { posted: ToWorker[]; callbacks: WorkerCallbacks; killed: boolean }[] = [];
  const spawn: SpawnWorker = (callbacks) => {
    const worker = { posted: [] as ToWorker[], callbacks, killed: false };
    workers.push(worker);
    return {
      postMessage: (message) => worker.posted.push(structuredClone(message)),
      kill: () => {
        worker.killed = true;
      },
    };
  };
  return { workers, spawn };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('WorkerClient', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('queues calls until the worker is ready, then correlates results by id', async () => {
    const { workers, spawn } = scriptedWorkers();
    const client = new WorkerClient(spawn, { log: () => {} });
    const first = client.invoke('listExperiments', {});
    const second = client.invoke('getSettings', {});
    const worker = workers[0]!;
    expect(worker.posted).toEqual([]);

    worker.callbacks.onMessage({ type: 'ready' });
    expect(worker.posted.map((m) => (m.type === 'call' ? m.method : m.type))).toEqual(['listExperiments', 'getSettings']);
    const [a, b] = worker.posted as Extract<ToWorker, { type: 'call' }>[];

    // Answered out of order.
    worker.callbacks.onMessage({ type: 'result', id: b!.id, result: { ok: true, value: 'settings' } });
    worker.callbacks.onMessage({ type: 'result', id: a!.id, result: { ok: true, value: [] } });
    expect(await first).toEqual({ ok: true, value: [] });
    expect(await second).toEqual({ ok: true, value: 'settings' });
    expect(client.pendingCount).toBe(0);
  });

  it('answers pending calls with “worker restarted” when the worker dies, and starts a new one', async () => {
    const { workers, spawn } = scriptedWorkers();
    const client = new WorkerClient(spawn, { log: () => {} });
    client.start();
    workers[0]!.callbacks.onMessage({ type: 'ready' });
    const pending = client.invoke('importFiles', { importId: 'i', files: [{ kind: 'path', path: '/x.csv' }] });
    workers[0]!.callbacks.onExit(9);
    expect(await pending).toEqual({ ok: false, error: { code: 'internal', message: 'worker restarted' } });

    expect(workers).toHaveLength(2);
    const next = client.invoke('listFiles', {});
    workers[1]!.callbacks.onMessage({ type: 'ready' });
    const call = workers[1]!.posted[0] as Extract<ToWorker, { type: 'call' }>;
    workers[1]!.callbacks.onMessage({ type: 'result', id: call.id, result: { ok: true, value: [] } });
    expect(await next).toEqual({ ok: true, value: [] });
  });

  it('stops restarting a worker that keeps dying, and says why', async () => {
    const { workers, spawn } = scriptedWorkers();
    const client = new WorkerClient(spawn, { log: () => {}, maxRestarts: 3, restartWindowMs: 60_000, now: () => 1_000 });
    client.start();
    for (let i = 0; i < 3; i += 1) {
      workers[i]!.callbacks.onMessage({ type: 'fatal', message: 'cannot open the database: locked' });
      workers[i]!.callbacks.onExit(1);
    }
    expect(workers).toHaveLength(3);
    expect(await client.invoke('listFiles', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'worker unavailable: cannot open the database: locked' },
    });
  });

  it('times out ordinary calls but never imports', async () => {
    vi.useFakeTimers();
    const { workers, spawn } = scriptedWorkers();
    const client = new WorkerClient(spawn, { log: () => {}, callTimeoutMs: 1_000 });
    client.start();
    workers[0]!.callbacks.onMessage({ type: 'ready' });
    const analysis = client.invoke('analyzeExperiment', { experimentId: 'x' });
    const importing = client.invoke('importFiles', { importId: 'i', files: [{ kind: 'path', path: '/x.csv' }] });
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(await analysis).toEqual({ ok: false, error: { code: 'internal', message: 'analyzeExperiment timed out after 1 s' } });
    expect(client.pendingCount).toBe(1);
    const call = workers[0]!.posted[1] as Extract<ToWorker, { type: 'call' }>;
    workers[0]!.callbacks.onMessage({ type: 'result', id: call.id, result: { ok: true, value: { summaries: [] } } });
    expect(await importing).toEqual({ ok: true, value: { summaries: [] } });
  });

  it('forwards known events and drops malformed messages', () => {
    const { workers, spawn } = scriptedWorkers();
    const client = new WorkerClient(spawn, { log: () => {} });
    const events: [DeskEventName, unknown][] = [];
    client.onEvent((event, payload) => events.push([event, payload]));
    client.start();
    const worker = workers[0]!;
    worker.callbacks.onMessage({ type: 'event', event: 'import-progress', payload: { rowsDone: 10 } });
    worker.callbacks.onMessage({ type: 'event', event: 'not-an-event', payload: {} });
    worker.callbacks.onMessage({ type: 'result', id: 'x', result: {} });
    worker.callbacks.onMessage('garbage');
    expect(events).toEqual([['import-progress', { rowsDone: 10 }]]);
  });

  it('shuts the worker down gracefully, killing it if it does not exit', async () => {
    const { workers, spawn } = scriptedWorkers();
    const client = new WorkerClient(spawn, { log: () => {} });
    client.start();
    const worker = workers[0]!;
    const done = client.shutdown(20);
    expect(worker.posted).toEqual([{ type: 'shutdown' }]);
    await done;
    expect(worker.killed).toBe(true);
    expect(await client.invoke('listFiles', {})).toEqual({ ok: false, error: { code: 'internal', message: 'worker stopped' } });
    expect(workers).toHaveLength(1);
  });
});

describe('worker arguments', () => {
  it('round-trip the database and settings paths', () => {
    const paths = { databasePath: '/u/Experiment Desk/experiment-desk.duckdb', settingsPath: '/u/Experiment Desk/settings.json' };
    expect(parseWorkerArgs(['/electron', '/app/worker.js', ...workerArgs(paths)])).toEqual(paths);
    expect(parseWorkerArgs(['/electron'])).toBeNull();
  });
});

/** main ↔ worker through structuredClone, with `serveDesk` on the worker side. */
function connect(options: Omit<ServeOptions, 'onShutdown'>): { client: WorkerClient; exits: number } {
  const state = { exits: 0, client: null as unknown as WorkerClient };
  const spawn: SpawnWorker = (callbacks) => {
    const workerListeners: ((event: { data: unknown }) => void)[] = [];
    const port: ParentPortLike = {
      on: (_event, listener) => workerListeners.push(listener),
      postMessage: (message: FromWorker) => queueMicrotask(() => callbacks.onMessage(structuredClone(message))),
    };
    serveDesk(port, { ...options, onShutdown: () => queueMicrotask(() => { state.exits += 1; callbacks.onExit(0); }) });
    queueMicrotask(() => port.postMessage({ type: 'ready' }));
    return {
      postMessage: (message) => {
        const data = structuredClone(message);
        queueMicrotask(() => workerListeners.forEach((listener) => listener({ data })));
      },
      kill: () => callbacks.onExit(137),
    };
  };
  state.client = new WorkerClient(spawn, { log: () => {} });
  return state;
}

describe('serveDesk', () => {
  it('answers every call with invoke’s Result and forwards service events', async () => {
    const listeners = new Map<string, (payload: unknown) => void>();
    const service: EventSource = {
      onEvent: <E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void) => {
        listeners.set(event, listener as (payload: unknown) => void);
        return () => listeners.delete(event);
      },
    };
    const invoke = vi.fn(async (method: string): Promise<Result<unknown>> => {
      if (method === 'listFiles') throw new Error('escaped');
      return { ok: true, value: new Uint8Array([1, 2, 3]) };
    });
    const { client } = connect({ service, invoke });
    const events: unknown[] = [];
    client.onEvent((event, payload) => events.push({ event, payload }));

    expect(await client.invoke('previewRows', { table: 'events', limit: 5 })).toEqual({ ok: true, value: new Uint8Array([1, 2, 3]) });
    expect(await client.invoke('listFiles', {})).toEqual({ ok: false, error: { code: 'internal', message: 'escaped' } });

    listeners.get('import-progress')?.({ importId: 'i', rowsDone: 5 });
    await flush();
    expect(events).toEqual([{ event: 'import-progress', payload: { importId: 'i', rowsDone: 5 } }]);
    await client.shutdown(100);
  });
});

describe('the worker over the real desk service', () => {
  let dir: string | null = null;
  let service: DeskService | null = null;

  afterEach(async () => {
    await service?.close().catch(() => {});
    if (dir !== null) await rm(dir, { recursive: true, force: true });
    service = null;
    dir = null;
  });

  it('serves the contract from an in-memory database: lists, settings, validation errors', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'desk-worker-'));
    service = await createDeskService({ databasePath: ':memory:', settingsPath: path.join(dir, 'settings.json'), uploadDir: path.join(dir, 'uploads') });
    const live = service;
    const { client } = connect({ service: live, invoke: (method, request) => invokeInternal(live, method, request) });

    expect(await client.invoke('listExperiments', {})).toEqual({ ok: true, value: [] });
    const settings = await client.invoke('getSettings', {});
    expect(settings.ok).toBe(true);
    const updated = await client.invoke('setSettings', { alpha: 0.01 });
    expect(updated).toMatchObject({ ok: true, value: { alpha: 0.01 } });
    // The worker validates again: a request that skipped main's check is still refused.
    expect(await client.invoke('analyzeExperiment', { experimentId: '' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await client.invoke('analyzeExperiment', { experimentId: 'nope' })).toMatchObject({ ok: false });
  });
});

/**
 * The contract's names reach every host (docs/architecture.md, "One contract, three hosts"): each
 * method of `contract/desk-names.ts` is routed by Electron's main, the worker protocol and the web
 * host, and each event is forwarded by the worker and the web host's event stream (the preload and
 * the web client: `test/electron/preload.test.ts`, `renderer/host/web-desk.test.ts`). A name added to the contract but not to the list fails the type
 * check (`satisfies`) and the first case here; a host that kept a list of its own would fail the
 * others.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { requestSchemas, type DeskEventName, type DeskEvents, type Result } from '../../contract/desk-api.ts';
import { DESK_EVENTS, DESK_METHODS, isDeskEventName, isDeskMethod } from '../../contract/desk-names.ts';
import type { DeskService } from '../../data/service/desk-service.ts';
import { handleInvoke, type InvokeEvent } from '../../electron/ipc.ts';
import { FileHandles } from '../../electron/file-handles.ts';
import { APP_INDEX_URL } from '../../electron/security.ts';
import { parseFromWorker, parseToWorker, type FromWorker } from '../../electron/worker-protocol.ts';
import { serveDesk } from '../../electron/worker-serve.ts';
import { startWebHost } from '../../webhost/server.ts';
import { tempDir } from '../helpers/temp-files.ts';

type Listener = (payload: unknown) => void;

/** A stand-in service that only records who listens to which event. */
function eventService() {
  const listeners = new Map<DeskEventName, Set<Listener>>();
  return {
    listeners,
    onEvent<E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
    emit(event: DeskEventName, payload: unknown): void {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
}

describe('the contract’s names', () => {
  it('list exactly the methods that have a request schema, and the type guards agree', () => {
    expect([...DESK_METHODS].sort()).toEqual(Object.keys(requestSchemas).sort());
    for (const method of DESK_METHODS) expect(isDeskMethod(method)).toBe(true);
    for (const event of DESK_EVENTS) expect(isDeskEventName(event)).toBe(true);
    expect(isDeskMethod('toString')).toBe(false);
    expect(isDeskEventName('desk:invoke')).toBe(false);
  });
});

describe('Electron reaches every method and event', () => {
  it('main forwards every method to the worker (none is refused as unknown)', async () => {
    const invoke = vi.fn(async (): Promise<Result<unknown>> => ({ ok: true, value: null }));
    const event = { senderFrame: { url: APP_INDEX_URL, parent: null }, sender: { id: 1 } } as unknown as InvokeEvent;
    for (const method of DESK_METHODS) {
      const result = await handleInvoke({ invoke, files: new FileHandles(), log: () => {} }, event, method, {});
      expect(result.ok ? 'forwarded' : result.error.message, method).not.toBe('unknown method');
    }
  });

  it('the worker protocol carries every method and every event', () => {
    for (const method of DESK_METHODS) expect(parseToWorker({ type: 'call', id: 1, method, request: {} }), method).not.toBeNull();
    for (const event of DESK_EVENTS) expect(parseFromWorker({ type: 'event', event, payload: {} }), event).not.toBeNull();
  });

  it('the worker forwards every service event to main', () => {
    const service = eventService();
    const posted: FromWorker[] = [];
    const stop = serveDesk({ on: () => undefined, postMessage: (message) => posted.push(message) }, {
      service, invoke: async () => ({ ok: true, value: null }), onShutdown: () => {},
    });
    for (const event of DESK_EVENTS) service.emit(event, { probe: event });
    stop();
    expect(posted).toEqual(DESK_EVENTS.map((event) => ({ type: 'event', event, payload: { probe: event } })));
  });
});

describe('the web host reaches every method and event', () => {
  it('the web host routes every method and streams every event', async () => {
    const files = tempDir();
    const staticDir = files.path('static');
    mkdirSync(staticDir);
    writeFileSync(`${staticDir}/index.html`, '<!doctype html><title>desk</title>');
    const events = eventService();
    const called: string[] = [];
    const handlers = new Proxy({}, { get: (_target, method) => async () => void called.push(String(method)) });
    const service = { handlers, uploads: {}, onEvent: events.onEvent, close: async () => {} } as unknown as DeskService;
    const token = 'names-token-0123456789';
    const host = await startWebHost({ service, staticDir, token, log: () => {} });
    const auth = { Authorization: `Bearer ${token}` };
    try {
      for (const method of DESK_METHODS) {
        const response = await fetch(`http://127.0.0.1:${host.port}/api/call/${method}`, {
          method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{}',
        });
        const result = await response.json() as Result<unknown>;
        expect(result.ok ? 'handled' : result.error.message, method).not.toMatch(/^unknown (method|API route)/);
      }

      const stream = await new Promise<IncomingMessage>((resolve) => {
        httpRequest({ host: '127.0.0.1', port: host.port, path: '/api/events', headers: auth }, resolve).end();
      });
      let text = '';
      stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      await vi.waitFor(() => expect([...events.listeners.keys()].sort()).toEqual([...DESK_EVENTS].sort()));
      for (const event of DESK_EVENTS) events.emit(event, { probe: event });
      await vi.waitFor(() => {
        for (const event of DESK_EVENTS) expect(text).toContain(`event: ${event}\ndata: {"probe":"${event}"}`);
      });
      stream.destroy();
    } finally {
      await host.close();
    }
  });
});

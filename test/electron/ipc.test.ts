/**
 * Main's IPC (electron/ipc.ts): untrusted senders, unknown methods and schema-invalid requests
 * are refused as `Result` errors without reaching the worker; valid calls are forwarded parsed.
 * Files cross only as handles main issued (dialog, drop): a path from the renderer is refused, a
 * handle becomes its path on the way to the worker, and a handle of another page or run, or an
 * unknown one, is `not_found` (docs/security.md, "Files from the renderer").
 */
import { describe, expect, it, vi } from 'vitest';
import type { DeskMethod, Result } from '../../contract/desk-api.ts';
import { CHOOSE_FILES_CHANNEL, DROPPED_FILE_CHANNEL, INVOKE_CHANNEL, SAVE_FILE_CHANNEL } from '../../electron/channels.ts';
import { FileHandles } from '../../electron/file-handles.ts';
import { handleInvoke, registerDeskIpc, type DeskIpcOptions, type InvokeEvent } from '../../electron/ipc.ts';
import { APP_INDEX_URL } from '../../electron/security.ts';

type Handler = (event: InvokeEvent, ...args: unknown[]) => Promise<Result<unknown>>;

function eventFrom(url: string, options: { subFrame?: boolean; contentsId?: number } = {}): InvokeEvent {
  const parent = options.subFrame ? { url: APP_INDEX_URL, parent: null } : null;
  return { senderFrame: { url, parent }, sender: { id: options.contentsId ?? 1 } } as unknown as InvokeEvent;
}

const trusted = eventFrom(APP_INDEX_URL);

function setup() {
  const handlers = new Map<string, Handler>();
  const invoke = vi.fn(async (_method: DeskMethod, _request: unknown): Promise<Result<unknown>> => ({ ok: true, value: 'forwarded' }));
  const chooseFiles = vi.fn(async (): Promise<string[] | null> => ['/data/events.csv']);
  const files = new FileHandles();
  const ipcMain = {
    handle: (channel: string, listener: Handler) => {
      handlers.set(channel, listener);
    },
    removeHandler: (channel: string) => {
      handlers.delete(channel);
    },
  };
  const unregister = registerDeskIpc({ ipcMain, invoke, files, chooseFiles, log: () => {} } as unknown as DeskIpcOptions);
  const on = (channel: string) => (event: InvokeEvent, ...args: unknown[]) => {
    const handler = handlers.get(channel);
    if (handler === undefined) throw new Error(`${channel} not registered`);
    return handler(event, ...args);
  };
  const call = on(INVOKE_CHANNEL);
  const choose = on(CHOOSE_FILES_CHANNEL);
  const drop = on(DROPPED_FILE_CHANNEL);
  return { handlers, invoke, chooseFiles, files, call, choose, drop, unregister };
}

/** The handles a `desk:choose-files` or `desk:dropped-file` answer carries. */
function handlesOf(result: Result<unknown>): { kind: 'handle'; handle: string; name: string }[] {
  if (!result.ok) throw new Error(`expected handles, got ${JSON.stringify(result)}`);
  const value = result.value as { kind: 'handle'; handle: string; name: string } | { kind: 'handle'; handle: string; name: string }[];
  return Array.isArray(value) ? value : [value];
}

describe('desk:invoke', () => {
  it('registers exactly the four renderer channels, and removes them', () => {
    const { handlers, unregister } = setup();
    expect([...handlers.keys()].sort()).toEqual([CHOOSE_FILES_CHANNEL, DROPPED_FILE_CHANNEL, INVOKE_CHANNEL, SAVE_FILE_CHANNEL].sort());
    unregister();
    expect(handlers.size).toBe(0);
  });

  it('refuses senders that are not the app’s main frame, without forwarding', async () => {
    const { call, invoke } = setup();
    for (const event of [
      eventFrom('https://example.com/'),
      eventFrom('file:///tmp/index.html'),
      eventFrom('app://other/index.html'),
      eventFrom(APP_INDEX_URL, { subFrame: true }),
      { senderFrame: null, sender: {} } as unknown as InvokeEvent,
    ]) {
      expect(await call(event, 'listExperiments', {})).toEqual({
        ok: false,
        error: { code: 'invalid_request', message: 'untrusted sender' },
      });
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('refuses methods outside the contract, without forwarding', async () => {
    const { call, invoke } = setup();
    for (const method of ['dropDatabase', '__proto__', 'constructor', 'toString', 42, undefined, null]) {
      const result = await call(trusted, method, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request', message: 'unknown method' } });
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('refuses requests that fail the method’s schema, without forwarding', async () => {
    const { call, invoke } = setup();
    const invalid: [DeskMethod, unknown][] = [
      ['importFiles', { importId: 'a', files: [] }],
      ['importFiles', { importId: 'a', files: [{ kind: 'path', path: '' }] }],
      ['importFiles', { importId: 'a', files: [{ kind: 'url', url: 'https://example.com/x.csv' }] }],
      ['listExperiments', { extra: true }],
      ['listRejects', { fileId: -1 }],
      ['analyzeExperiment', { experimentId: '' }],
      ['setSettings', { alpha: 'high' }],
      ['previewRows', { table: 'sqlite_master' }],
      ['cancelImport', 'import-1'],
    ];
    for (const [method, request] of invalid) {
      const result = await call(trusted, method, request);
      expect(result.ok, `${method} ${JSON.stringify(request)}`).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('invalid_request');
        expect(result.error.message.startsWith(`${method}: `)).toBe(true);
      }
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('forwards valid requests, parsed (defaults applied), and returns the worker’s Result', async () => {
    const { call, invoke } = setup();
    expect(await call(trusted, 'listExperiments', {})).toEqual({ ok: true, value: 'forwarded' });
    expect(invoke).toHaveBeenLastCalledWith('listExperiments', {});

    await call(trusted, 'listRejects', { fileId: 3 });
    expect(invoke).toHaveBeenLastCalledWith('listRejects', { fileId: 3, offset: 0, limit: 200 });

    await call(trusted, 'importFiles', { importId: 'imp-1', files: [{ kind: 'upload', uploadId: 'u1', name: 'e.csv' }] });
    expect(invoke).toHaveBeenLastCalledWith('importFiles', { importId: 'imp-1', files: [{ kind: 'upload', uploadId: 'u1', name: 'e.csv' }] });

    // Like the service's invokeHandler, a missing request reads as `{}`.
    await call(trusted, 'getSettings', undefined);
    expect(invoke).toHaveBeenLastCalledWith('getSettings', {});
  });

  it('turns a throwing forwarder into an internal Result', async () => {
    const result = await handleInvoke({ invoke: async () => { throw new Error('boom'); }, files: new FileHandles(), log: () => {} }, trusted, 'listFiles', {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });
});

describe('files from the renderer', () => {
  it('refuses a path in importFiles and previewFile, without forwarding', async () => {
    const { call, invoke } = setup();
    const refusedRequests: [DeskMethod, unknown][] = [
      ['importFiles', { importId: 'a', files: [{ kind: 'path', path: '/etc/passwd' }] }],
      ['previewFile', { file: { kind: 'path', path: '/home/analyst/.ssh/id_ed25519' } }],
      // A path smuggled beside a valid ref is refused too (the refs are strict).
      ['previewFile', { file: { kind: 'upload', uploadId: 'u1', name: 'x.csv', path: '/etc/passwd' } }],
      ['importFiles', { importId: 'a', files: [{ kind: 'handle', handle: 'h', name: 'x.csv', path: '/etc/passwd' }] }],
    ];
    for (const [method, request] of refusedRequests) {
      expect(await call(trusted, method, request), JSON.stringify(request)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('gives handles, not paths, for the dialog’s files, and forwards a handle as its path', async () => {
    const { call, choose, invoke, chooseFiles } = setup();
    const chosen = await choose(trusted);
    const [ref] = handlesOf(chosen);
    expect(ref).toMatchObject({ kind: 'handle', name: 'events.csv' });
    expect(JSON.stringify(chosen)).not.toContain('/data');
    expect(chooseFiles).toHaveBeenCalledTimes(1);

    expect(await call(trusted, 'importFiles', { importId: 'imp-1', files: [ref] })).toEqual({ ok: true, value: 'forwarded' });
    expect(invoke).toHaveBeenLastCalledWith('importFiles', { importId: 'imp-1', files: [{ kind: 'path', path: '/data/events.csv' }] });
    await call(trusted, 'previewFile', { file: ref });
    expect(invoke).toHaveBeenLastCalledWith('previewFile', { file: { kind: 'path', path: '/data/events.csv' } });
  });

  it('answers null when the dialog was cancelled', async () => {
    const { choose, chooseFiles } = setup();
    chooseFiles.mockResolvedValueOnce(null);
    expect(await choose(trusted)).toEqual({ ok: true, value: null });
  });

  it('registers a dropped file’s absolute path for a handle; refuses anything else', async () => {
    const { call, drop, invoke } = setup();
    const [ref] = handlesOf(await drop(trusted, '/home/analyst/drop.csv'));
    expect(ref).toMatchObject({ kind: 'handle', name: 'drop.csv' });
    await call(trusted, 'previewFile', { file: ref });
    expect(invoke).toHaveBeenLastCalledWith('previewFile', { file: { kind: 'path', path: '/home/analyst/drop.csv' } });

    for (const bad of ['', 'relative.csv', '../up.csv', '/a\0b', 42, null, undefined, { path: '/x' }]) {
      expect(await drop(trusted, bad), String(bad)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    expect(await drop(eventFrom('https://example.com/'), '/etc/passwd')).toMatchObject({ ok: false, error: { code: 'invalid_request', message: 'untrusted sender' } });
  });

  it('answers not_found for an unknown handle, without forwarding', async () => {
    const { call, invoke } = setup();
    for (const [method, request] of [
      ['importFiles', { importId: 'a', files: [{ kind: 'handle', handle: 'made-up', name: 'x.csv' }] }],
      ['previewFile', { file: { kind: 'handle', handle: 'made-up', name: 'x.csv' } }],
    ] as [DeskMethod, unknown][]) {
      const result = await call(trusted, method, request);
      expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
      if (!result.ok) expect(result.error.message).toMatch(/unknown file handle/);
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('does not accept a handle issued to another page or by another run', async () => {
    const first = setup();
    const [ref] = handlesOf(await first.choose(trusted));
    // Another window (web contents) of the same run.
    const otherWindow = eventFrom(APP_INDEX_URL, { contentsId: 2 });
    expect(await first.call(otherWindow, 'previewFile', { file: ref })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Another run of the app: a fresh registry knows nothing of the first one's handles.
    const second = setup();
    expect(await second.call(trusted, 'previewFile', { file: ref })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(second.invoke).not.toHaveBeenCalled();
    // A closed window's handles are forgotten.
    first.files.forget(1);
    expect(await first.call(trusted, 'previewFile', { file: ref })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(first.invoke).not.toHaveBeenCalled();
  });

  it('issues unguessable, distinct handles and keeps at most its limit', () => {
    const files = new FileHandles(3);
    const refs = ['/a', '/b', '/c', '/d'].map((p) => files.issue(1, p));
    expect(new Set(refs.map((r) => r.handle)).size).toBe(4);
    for (const ref of refs) expect(ref.handle).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(files.size).toBe(3);
    expect(files.resolve(1, refs[0]!.handle)).toBeUndefined();
    expect(files.resolve(1, refs[3]!.handle)).toBe('/d');
  });
});

describe('desk:choose-files', () => {
  it('opens the dialog for the app’s page and refuses anyone else', async () => {
    const { handlers, chooseFiles } = setup();
    const handler = handlers.get(CHOOSE_FILES_CHANNEL);
    expect(await handler?.(trusted)).toMatchObject({ ok: true, value: [{ kind: 'handle', name: 'events.csv' }] });
    expect(await handler?.(eventFrom('https://example.com/'))).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(chooseFiles).toHaveBeenCalledTimes(1);
  });
});

/**
 * Main's IPC (electron/ipc.ts): untrusted senders, unknown methods and schema-invalid requests
 * are refused as `Result` errors without reaching the worker; valid calls are forwarded parsed.
 */
import { describe, expect, it, vi } from 'vitest';
import type { DeskMethod, Result } from '../../contract/desk-api.ts';
import { CHOOSE_FILES_CHANNEL, INVOKE_CHANNEL, SAVE_FILE_CHANNEL } from '../../electron/channels.ts';
import { handleInvoke, registerDeskIpc, type DeskIpcOptions, type InvokeEvent } from '../../electron/ipc.ts';
import { APP_INDEX_URL } from '../../electron/security.ts';

type Handler = (event: InvokeEvent, ...args: unknown[]) => Promise<Result<unknown>>;

function eventFrom(url: string, options: { subFrame?: boolean } = {}): InvokeEvent {
  const parent = options.subFrame ? { url: APP_INDEX_URL, parent: null } : null;
  return { senderFrame: { url, parent }, sender: {} } as unknown as InvokeEvent;
}

const trusted = eventFrom(APP_INDEX_URL);

function setup() {
  const handlers = new Map<string, Handler>();
  const invoke = vi.fn(async (_method: DeskMethod, _request: unknown): Promise<Result<unknown>> => ({ ok: true, value: 'forwarded' }));
  const chooseFiles = vi.fn(async () => [{ kind: 'path' as const, path: '/data/events.csv' }]);
  const ipcMain = {
    handle: (channel: string, listener: Handler) => {
      handlers.set(channel, listener);
    },
    removeHandler: (channel: string) => {
      handlers.delete(channel);
    },
  };
  const unregister = registerDeskIpc({ ipcMain, invoke, chooseFiles, log: () => {} } as unknown as DeskIpcOptions);
  const call = (event: InvokeEvent, ...args: unknown[]) => {
    const handler = handlers.get(INVOKE_CHANNEL);
    if (handler === undefined) throw new Error('desk:invoke not registered');
    return handler(event, ...args);
  };
  return { handlers, invoke, chooseFiles, call, unregister };
}

describe('desk:invoke', () => {
  it('registers exactly the three renderer channels, and removes them', () => {
    const { handlers, unregister } = setup();
    expect([...handlers.keys()].sort()).toEqual([CHOOSE_FILES_CHANNEL, INVOKE_CHANNEL, SAVE_FILE_CHANNEL].sort());
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

    const importRequest = { importId: 'imp-1', files: [{ kind: 'path', path: '/data/events.csv' }] };
    await call(trusted, 'importFiles', importRequest);
    expect(invoke).toHaveBeenLastCalledWith('importFiles', importRequest);

    // Like the service's invokeHandler, a missing request reads as `{}`.
    await call(trusted, 'getSettings', undefined);
    expect(invoke).toHaveBeenLastCalledWith('getSettings', {});
  });

  it('turns a throwing forwarder into an internal Result', async () => {
    const result = await handleInvoke({ invoke: async () => { throw new Error('boom'); }, log: () => {} }, trusted, 'listFiles', {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });
});

describe('desk:choose-files', () => {
  it('opens the dialog for the app’s page and refuses anyone else', async () => {
    const { handlers, chooseFiles } = setup();
    const handler = handlers.get(CHOOSE_FILES_CHANNEL);
    expect(await handler?.(trusted)).toEqual({ ok: true, value: [{ kind: 'path', path: '/data/events.csv' }] });
    expect(await handler?.(eventFrom('https://example.com/'))).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(chooseFiles).toHaveBeenCalledTimes(1);
  });
});

/**
 * The preload (electron/preload.ts) with `electron` mocked: `window.desk` is exactly the
 * contract's methods plus `on`, `host`, `toFileRef`, `chooseFiles`, `saveFile`; calls go over `desk:invoke`;
 * events are filtered by name; `ipcRenderer` itself is never exposed.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeskApi } from '../../contract/desk-api.ts';
import { DESK_EVENTS, DESK_METHODS } from '../../contract/desk-names.ts';
import { CHOOSE_FILES_CHANNEL, DROPPED_FILE_CHANNEL, EVENT_CHANNEL, INVOKE_CHANNEL, SAVE_FILE_CHANNEL } from '../../electron/channels.ts';

const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const rendererListeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  return {
    exposed,
    rendererListeners,
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null })),
      on: vi.fn((channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
        rendererListeners.set(channel, listener);
      }),
    },
    webUtils: { getPathForFile: vi.fn((file: { name: string }) => (file.name === 'virtual.csv' ? '' : `/home/analyst/${file.name}`)) },
  };
});

vi.mock('electron', () => ({
  contextBridge: electron.contextBridge,
  ipcRenderer: electron.ipcRenderer,
  webUtils: electron.webUtils,
}));

let desk: DeskApi;

beforeAll(async () => {
  await import('../../electron/preload.ts');
  desk = electron.exposed.get('desk') as DeskApi;
});

beforeEach(() => {
  electron.ipcRenderer.invoke.mockClear();
});

function emitFromMain(message: unknown): void {
  const listener = electron.rendererListeners.get(EVENT_CHANNEL);
  if (listener === undefined) throw new Error('no desk:event listener');
  listener({ sender: electron.ipcRenderer }, message);
}

describe('window.desk', () => {
  it('is the only thing exposed', () => {
    expect([...electron.exposed.keys()]).toEqual(['desk']);
  });

  it('has exactly the contract’s methods plus on, host, toFileRef, chooseFiles and saveFile', () => {
    expect(Object.keys(desk).sort()).toEqual([...DESK_METHODS, 'on', 'host', 'toFileRef', 'chooseFiles', 'saveFile'].sort());
    expect(desk.host).toBe('electron');
  });

  it('never exposes ipcRenderer or anything that holds it', () => {
    for (const value of Object.values(desk)) {
      expect(value).not.toBe(electron.ipcRenderer);
      expect(typeof value === 'function' || typeof value === 'string').toBe(true);
    }
  });

  it('sends every contract method over desk:invoke under its own name', async () => {
    for (const method of DESK_METHODS) {
      await (desk[method] as (request: unknown) => Promise<unknown>)({});
      expect(electron.ipcRenderer.invoke, method).toHaveBeenLastCalledWith(INVOKE_CHANNEL, method, {});
    }
  });

  it('delivers every contract event to its listeners', () => {
    for (const event of DESK_EVENTS) {
      const listener = vi.fn();
      const off = desk.on(event, listener);
      emitFromMain({ event, payload: { probe: event } });
      off();
      expect(listener, event).toHaveBeenCalledWith({ probe: event });
    }
  });

  it('sends each method over desk:invoke with its name and request', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: [] });
    expect(await desk.listExperiments({})).toEqual({ ok: true, value: [] });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(INVOKE_CHANNEL, 'listExperiments', {});

    await desk.analyzeExperiment({ experimentId: 'spring-offer' });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(INVOKE_CHANNEL, 'analyzeExperiment', { experimentId: 'spring-offer' });
  });

  it('turns a rejected invoke into an internal Result instead of throwing', async () => {
    electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'desk:invoke'"));
    expect(await desk.getSettings({})).toEqual({
      ok: false,
      error: { code: 'internal', message: "No handler registered for 'desk:invoke'" },
    });
  });

  it('chooseFiles asks main for the native dialog', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: null });
    expect(await desk.chooseFiles()).toEqual({ ok: true, value: null });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(CHOOSE_FILES_CHANNEL);
  });

  it('saveFile sends name, bytes and media type to main for the native save dialog', async () => {
    const bytes = new Uint8Array([37, 80, 68, 70]);
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { saved: true, path: '/home/analyst/r.pdf' } });
    expect(await desk.saveFile('r.pdf', bytes, 'application/pdf')).toEqual({ ok: true, value: { saved: true, path: '/home/analyst/r.pdf' } });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(SAVE_FILE_CHANNEL, 'r.pdf', bytes, 'application/pdf');
  });

  it('toFileRef registers the dropped File’s own path with main and gives main’s handle, never the path', async () => {
    const file = new Blob(['a,b\n']) as Blob & { name: string };
    Object.defineProperty(file, 'name', { value: 'events.csv' });
    const handle = { kind: 'handle', handle: 'h-1', name: 'events.csv' };
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: handle });
    expect(await desk.toFileRef(file)).toEqual({ ok: true, value: handle });
    expect(electron.webUtils.getPathForFile).toHaveBeenLastCalledWith(file);
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(DROPPED_FILE_CHANNEL, '/home/analyst/events.csv');
  });

  it('toFileRef refuses a File that is not on disk (one page script built) without asking main', async () => {
    const virtual = new Blob(['x']) as Blob & { name: string };
    Object.defineProperty(virtual, 'name', { value: 'virtual.csv' });
    expect(await desk.toFileRef(virtual)).toMatchObject({ ok: false, error: { code: 'bad_input' } });
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('toFileRef takes a File, not a string: a path passed as text never reaches main', async () => {
    electron.webUtils.getPathForFile.mockImplementationOnce(() => { throw new TypeError('Expected a File'); });
    expect(await desk.toFileRef('/etc/passwd' as never)).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('no exposed function sends a string of the page’s choosing to the dropped-file channel', async () => {
    // Like Electron's, the mock refuses anything but a Blob.
    electron.webUtils.getPathForFile.mockImplementation((file: { name: string }) => {
      if (!(file instanceof Blob)) throw new TypeError('Expected a File');
      return `/home/analyst/${file.name}`;
    });
    try {
      for (const [name, value] of Object.entries(desk)) {
        if (typeof value !== 'function') continue;
        try {
          await (value as (...args: unknown[]) => unknown)('/etc/passwd', '/etc/passwd', '/etc/passwd');
        } catch {
          // `on` throws on an unknown event name: nothing was sent
        }
        const channels = electron.ipcRenderer.invoke.mock.calls.map((args) => args[0]);
        expect(channels, name).not.toContain(DROPPED_FILE_CHANNEL);
      }
    } finally {
      electron.webUtils.getPathForFile.mockImplementation((file: { name: string }) => (file.name === 'virtual.csv' ? '' : `/home/analyst/${file.name}`));
    }
  });
});

describe('desk.on', () => {
  it('delivers known events to their listeners only, without the IPC event object', () => {
    const progress = vi.fn();
    const menu = vi.fn();
    const offProgress = desk.on('import-progress', progress);
    desk.on('menu-command', menu);

    emitFromMain({ event: 'menu-command', payload: { command: 'export' } });
    expect(menu).toHaveBeenCalledWith({ command: 'export' });
    expect(menu.mock.calls[0]).toHaveLength(1);
    expect(progress).not.toHaveBeenCalled();

    offProgress();
    emitFromMain({ event: 'import-progress', payload: { importId: 'x' } });
    expect(progress).not.toHaveBeenCalled();
  });

  it('drops unknown or malformed messages', () => {
    const listener = vi.fn();
    desk.on('files-opened', listener);
    emitFromMain({ event: 'eval', payload: 'alert(1)' });
    emitFromMain('files-opened');
    emitFromMain(null);
    expect(listener).not.toHaveBeenCalled();
  });

  it('refuses to subscribe to names outside the allowlist', () => {
    expect(() => (desk.on as (event: string, listener: () => void) => () => void)('desk:invoke', () => {})).toThrow(TypeError);
  });
});

/**
 * The main process's start-up (electron/main.ts) with `electron` mocked: what must happen
 * before `ready` does, and after `ready` the window, session, protocol, IPC, menu and worker are
 * wired as the other tests assume.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const mock = vi.hoisted(() => {
  const calls: string[] = [];
  const state = {
    userData: '',
    ready: null as null | (() => void),
    windows: [] as { options: unknown; url: string | null; sent: [string, unknown][] }[],
    forks: [] as { modulePath: string; args: string[]; posted: unknown[] }[],
    ipcHandlers: new Map<string, unknown>(),
    menus: [] as unknown[],
    sessionHandlers: [] as string[],
    openDialogResult: { canceled: true, filePaths: [] as string[] },
  };
  return { calls, state };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { calls, state } = mock;
  const readyPromise = new Promise<void>((resolve) => {
    state.ready = resolve;
  });
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    setName: (name: string) => calls.push(`setName:${name}`),
    enableSandbox: () => calls.push('enableSandbox'),
    requestSingleInstanceLock: () => {
      calls.push('requestSingleInstanceLock');
      return true;
    },
    whenReady: () => readyPromise,
    getPath: (name: string) => (name === 'userData' ? state.userData : `/tmp/${name}`),
    getAppPath: () => '/opt/experiment-desk/resources/app.asar',
    getVersion: () => '0.1.0',
    addRecentDocument: () => {},
    clearRecentDocuments: () => {},
    quit: () => calls.push('quit'),
    exit: () => calls.push('exit'),
  });
  class BrowserWindow extends Emitter {
    static getFocusedWindow = () => null;
    static fromWebContents = () => null;
    readonly record: { options: unknown; url: string | null; sent: [string, unknown][] };
    readonly webContents: { id: number; send: (channel: string, message: unknown) => void; once: (event: string, listener: () => void) => void };
    constructor(options: unknown) {
      super();
      calls.push('new BrowserWindow');
      this.record = { options, url: null, sent: [] };
      state.windows.push(this.record);
      this.webContents = { id: state.windows.length, send: (channel, message) => this.record.sent.push([channel, message]), once: () => {} };
    }
    loadURL(url: string) {
      this.record.url = url;
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    show() {}
  }
  const record = (name: string) => () => {
    state.sessionHandlers.push(name);
  };
  return {
    app,
    BrowserWindow,
    dialog: { showOpenDialog: async () => state.openDialogResult, showMessageBox: async () => ({}), showErrorBox: () => {} },
    ipcMain: {
      handle: (channel: string, handler: unknown) => state.ipcHandlers.set(channel, handler),
      removeHandler: (channel: string) => state.ipcHandlers.delete(channel),
    },
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: (menu: unknown) => state.menus.push(menu),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: { scheme: string }[]) => calls.push(`registerSchemesAsPrivileged:${schemes.map((s) => s.scheme).join()}`),
      handle: (scheme: string) => calls.push(`protocol.handle:${scheme}`),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: record('permissionRequest'),
        setPermissionCheckHandler: record('permissionCheck'),
        setDevicePermissionHandler: record('devicePermission'),
        webRequest: { onBeforeRequest: record('onBeforeRequest'), onHeadersReceived: record('onHeadersReceived') },
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => false,
      encryptString: () => Buffer.alloc(0),
      decryptString: () => '',
    },
    utilityProcess: {
      fork: (modulePath: string, args: string[]) => {
        const child = Object.assign(new Emitter(), {
          posted: [] as unknown[],
          postMessage(message: unknown) {
            this.posted.push(message);
          },
          kill: () => true,
        });
        state.forks.push({ modulePath, args, posted: child.posted });
        calls.push('utilityProcess.fork');
        return child;
      },
    },
  };
});

let app: EventEmitter;

beforeAll(async () => {
  mock.state.userData = await mkdtemp(path.join(tmpdir(), 'desk-main-'));
  await import('../../electron/main.ts');
  app = (await import('electron')).app as unknown as EventEmitter;
});

afterAll(async () => {
  await rm(mock.state.userData, { recursive: true, force: true });
});

describe('before ready', () => {
  it('registers the app:// scheme, enables the sandbox everywhere and takes the single-instance lock', () => {
    expect(mock.calls).toEqual(expect.arrayContaining([
      'setName:Experiment Desk',
      'enableSandbox',
      'registerSchemesAsPrivileged:app',
      'requestSingleInstanceLock',
    ]));
    expect(mock.calls).not.toContain('new BrowserWindow');
    expect(app.listenerCount('web-contents-created')).toBe(1);
  });
});

describe('after ready', () => {
  beforeAll(async () => {
    mock.state.ready?.();
    await vi.waitFor(() => expect(mock.state.windows).toHaveLength(1));
  });

  it('hardens the session and serves the renderer on app://', () => {
    expect(mock.state.sessionHandlers.sort()).toEqual(['devicePermission', 'onBeforeRequest', 'onHeadersReceived', 'permissionCheck', 'permissionRequest']);
    expect(mock.calls).toContain('protocol.handle:app');
  });

  it('opens one window with the secure options and the bundled preload, on app://desk/index.html', () => {
    const [window] = mock.state.windows;
    const options = window?.options as { show: boolean; webPreferences: Record<string, unknown> };
    expect(options.show).toBe(false);
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(options.webPreferences.preload).toBe(path.join('/opt/experiment-desk/resources/app.asar', 'dist', 'electron', 'preload.cjs'));
    expect(window?.url).toBe('app://desk/index.html');
  });

  it('forks the DuckDB worker with the database and settings under userData', () => {
    const [fork] = mock.state.forks;
    expect(fork?.modulePath).toBe(path.join('/opt/experiment-desk/resources/app.asar', 'dist', 'electron', 'worker.js'));
    expect(fork?.args).toEqual([
      `--desk-database=${path.join(mock.state.userData, 'experiment-desk.duckdb')}`,
      `--desk-settings=${path.join(mock.state.userData, 'settings.json')}`,
    ]);
  });

  it('registers the IPC channels and installs the menu', () => {
    expect([...mock.state.ipcHandlers.keys()].sort()).toEqual(['desk:choose-files', 'desk:dropped-file', 'desk:invoke', 'desk:save-file']);
    expect(mock.state.menus).toHaveLength(1);
  });

  it('menu commands reach the renderer as desk:event messages', () => {
    const template = mock.state.menus.at(-1) as { label?: string; submenu?: { label?: string; click?: () => void }[] }[];
    const file = template.find((item) => item.label === '&File');
    file?.submenu?.find((item) => item.label === 'Export…')?.click?.();
    expect(mock.state.windows[0]?.sent.at(-1)).toEqual(['desk:event', { event: 'menu-command', payload: { command: 'export' } }]);
  });

  it('File → Open… sends the renderer handles for the chosen files, never their paths', async () => {
    mock.state.openDialogResult = { canceled: false, filePaths: ['/home/analyst/secret/events.csv'] };
    const template = mock.state.menus.at(-1) as { label?: string; submenu?: { label?: string; click?: () => void }[] }[];
    template.find((item) => item.label === '&File')?.submenu?.find((item) => item.label === 'Open…')?.click?.();
    await vi.waitFor(() => expect(mock.state.windows[0]?.sent.at(-1)?.[1]).toMatchObject({ event: 'files-opened' }));
    const [, message] = mock.state.windows[0]!.sent.at(-1)!;
    expect(message).toMatchObject({ payload: { files: [{ kind: 'handle', name: 'events.csv' }] } });
    expect(JSON.stringify(message)).not.toContain('/home/analyst');
  });
});

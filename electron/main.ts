/**
 * Electron main process: one window, the menu, dialogs, and the wiring between the renderer's
 * IPC and the DuckDB worker. Thin by design (docs/architecture.md): every decision about data lives in
 * `data/`, every security rule in `security.ts`, every message shape in the contract.
 *
 *   renderer ──desk:invoke──▶ ipc.ts (sender, method, schema) ──▶ worker-client.ts
 *        ▲                                                             │ utilityProcess
 *        └──desk:event── main ◀── { type: 'event' } ── worker.ts (DeskService, DuckDB)
 *
 * Files under `app.getPath('userData')`: `experiment-desk.duckdb` (the database),
 * `settings.json` (read and written by the data service), `recent-files.json` (File → Open
 * Recent).
 *
 * Bundled to CommonJS (`dist/electron/main.cjs`) so that everything below runs synchronously
 * before the `ready` event — the scheme must be registered as privileged before it.
 */
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  session,
  safeStorage,
  utilityProcess,
  type BaseWindow,
} from 'electron';
import type { DeskEventName, DeskEvents, MenuCommand } from '../contract/desk-api.ts';
import { handleAppProtocol, registerAppScheme } from './app-protocol.ts';
import { EVENT_CHANNEL, type EventMessage } from './channels.ts';
import { chooseDataFiles } from './file-dialog.ts';
import { FileHandles } from './file-handles.ts';
import { registerDeskIpc } from './ipc.ts';
import { menuTemplate } from './menu.ts';
import { loadRecentFiles, saveRecentFiles, withRecent } from './recent-files.ts';
import { withElectronPdf } from './report-pdf.ts';
import { saveWithDialog } from './save-file.ts';
import { tokenVault } from './api-token-vault.ts';
import { APP_INDEX_URL, hardenSession, hardenWebContents } from './security.ts';
import { mainWindowOptions, WINDOW_TITLE } from './window.ts';
import { WorkerClient, type SpawnWorker } from './worker-client.ts';
import { workerArgs } from './worker-protocol.ts';

export { mainWindowOptions } from './window.ts';

const isMac = process.platform === 'darwin';

/** Built files, relative to the app root (the folder of package.json, or app.asar). */
function appFile(...segments: string[]): string {
  return path.join(app.getAppPath(), 'dist', ...segments);
}

// ── before ready ─────────────────────────────────────────────────────────────────────────────

app.setName(WINDOW_TITLE);
// Every renderer sandboxed, whatever a future window's options say.
app.enableSandbox();
registerAppScheme(protocol);
// Every web contents — the window's, DevTools', anything created later — gets the navigation,
// window-open and webview guards.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

let mainWindow: BrowserWindow | null = null;
let worker: WorkerClient | null = null;
let recentFiles: string[] = [];
/** Handle → path of every file the user chose, opened or dropped this run; the renderer sees only handles. */
const fileHandles = new FileHandles();

function recentFilesPath(): string {
  return path.join(app.getPath('userData'), 'recent-files.json');
}

// ── events to the renderer ───────────────────────────────────────────────────────────────────

function sendEvent(event: DeskEventName, payload: unknown): void {
  const window = mainWindow;
  if (window === null || window.isDestroyed()) return;
  const message: EventMessage = { event, payload };
  window.webContents.send(EVENT_CHANNEL, message);
}

function sendMenuCommand(command: MenuCommand): void {
  sendEvent('menu-command', { command } satisfies DeskEvents['menu-command']);
}

/** Files chosen in main's own UI (File → Open…, Open Recent): handles for the window, which imports them. */
function openFiles(paths: readonly string[]): void {
  const window = mainWindow;
  if (paths.length === 0 || window === null || window.isDestroyed()) return;
  const files = paths.map((filePath) => fileHandles.issue(window.webContents.id, filePath));
  sendEvent('files-opened', { files } satisfies DeskEvents['files-opened']);
  for (const filePath of paths) app.addRecentDocument(filePath);
  setRecentFiles(withRecent(recentFiles, paths));
}

function setRecentFiles(next: string[]): void {
  recentFiles = next;
  installMenu();
  saveRecentFiles(recentFilesPath(), next).catch((error: unknown) => {
    console.error('could not save recent files', error);
  });
}

// ── menu ─────────────────────────────────────────────────────────────────────────────────────

function focusedWindow(): BaseWindow | null {
  return BrowserWindow.getFocusedWindow() ?? mainWindow;
}

async function showOpenDialog(): Promise<void> {
  const files = await chooseDataFiles(dialog, focusedWindow());
  if (files !== null) openFiles(files);
}

async function showAbout(): Promise<void> {
  const options = {
    type: 'info' as const,
    title: `About ${WINDOW_TITLE}`,
    message: `${WINDOW_TITLE} ${app.getVersion()}`,
    detail: [
      'Local, offline A/B-test analysis on DuckDB.',
      '',
      `Electron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
    ].join('\n'),
    buttons: ['OK'],
  };
  const parent = focusedWindow();
  await (parent === null ? dialog.showMessageBox(options) : dialog.showMessageBox(parent, options));
}

function installMenu(): void {
  const template = menuTemplate({
    appName: WINDOW_TITLE,
    platform: process.platform,
    isPackaged: app.isPackaged,
    recentFiles,
    actions: {
      open: () => void showOpenDialog(),
      openRecent: (filePath) => openFiles([filePath]),
      clearRecent: () => {
        app.clearRecentDocuments();
        setRecentFiles([]);
      },
      loadSample: () => sendMenuCommand('load-sample'),
      exportReport: () => sendMenuCommand('export'),
      settings: () => sendMenuCommand('settings'),
      about: () => void showAbout(),
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

// ── worker ───────────────────────────────────────────────────────────────────────────────────

function startWorker(): WorkerClient {
  const userData = app.getPath('userData');
  const args = workerArgs({
    databasePath: path.join(userData, 'experiment-desk.duckdb'),
    settingsPath: path.join(userData, 'settings.json'),
  });
  const spawn: SpawnWorker = ({ onMessage, onExit }) => {
    const child = utilityProcess.fork(appFile('electron', 'worker.js'), args, {
      serviceName: `${WINDOW_TITLE} data`,
      stdio: 'inherit',
    });
    child.on('message', onMessage);
    child.on('exit', onExit);
    return {
      postMessage: (message) => child.postMessage(message),
      kill: () => {
        child.kill();
      },
    };
  };
  const client = new WorkerClient(spawn, { tokens: tokenVault(path.join(userData, 'api-token.bin'), safeStorage) });
  client.onEvent((event, payload) => sendEvent(event, payload));
  client.start();
  return client;
}

// ── window ───────────────────────────────────────────────────────────────────────────────────

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(appFile('electron', 'preload.cjs')));
  const contentsId = window.webContents.id;
  // A closed window's handles mean nothing any more.
  window.webContents.once('destroyed', () => fileHandles.forget(contentsId));
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(APP_INDEX_URL);
  return window;
}

// ── lifecycle ────────────────────────────────────────────────────────────────────────────────

async function onReady(): Promise<void> {
  hardenSession(session.defaultSession);
  handleAppProtocol(protocol, appFile('renderer'));

  worker = startWorker();
  const client = worker;
  registerDeskIpc({
    ipcMain,
    // Report PDFs are printed here, by Electron's Chromium, from the worker's HTML (report-pdf.ts).
    invoke: withElectronPdf((method, request) => client.invoke(method, request), (options) => new BrowserWindow(options)),
    files: fileHandles,
    chooseFiles: (event) => chooseDataFiles(dialog, BrowserWindow.fromWebContents(event.sender)),
    saveFile: (event, file) => saveWithDialog(dialog, BrowserWindow.fromWebContents(event.sender), file, app.getPath('downloads')),
  });

  recentFiles = await loadRecentFiles(recentFilesPath());
  installMenu();
  mainWindow = createMainWindow();

  app.on('activate', () => {
    // macOS: clicking the dock icon with no window open reopens it.
    if (mainWindow === null) mainWindow = createMainWindow();
  });
}

// One instance only: a second one would open the same DuckDB file, which DuckDB refuses.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    if (!isMac) app.quit();
  });

  // Let the worker close the database (checkpoint the WAL) before the process goes.
  let workerStopped = false;
  app.on('will-quit', (event) => {
    if (workerStopped || worker === null) return;
    event.preventDefault();
    void worker.shutdown().finally(() => {
      workerStopped = true;
      app.quit();
    });
  });

  app.whenReady().then(onReady).catch((error: unknown) => {
    console.error('startup failed', error);
    dialog.showErrorBox(`${WINDOW_TITLE} could not start`, error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}

/**
 * The application menu, as a template built by a pure function from the app's state and a set
 * of actions (main wires the actions to dialogs and to `desk:event` messages). The renderer owns
 * what the commands do; the menu only says which one the user chose.
 */
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';

/** What the menu's items do; main supplies them. */
export interface MenuActions {
  /** File → Open…: the native open dialog, then `files-opened`. */
  readonly open: () => void;
  /** File → Open Recent → a path: `files-opened` with that path. */
  readonly openRecent: (filePath: string) => void;
  readonly clearRecent: () => void;
  /** `menu-command` `load-sample`: the renderer calls `loadSampleData` with its own import id. */
  readonly loadSample: () => void;
  /** `menu-command` `export`. */
  readonly exportReport: () => void;
  /** `menu-command` `settings`. */
  readonly settings: () => void;
  /** Help → About: a dialog with the version. */
  readonly about: () => void;
}

export interface MenuContext {
  readonly appName: string;
  /** `darwin` gets the app menu and Cmd shortcuts; others get Quit under File. */
  readonly platform: NodeJS.Platform;
  /** Packaged builds have no reload and no DevTools. */
  readonly isPackaged: boolean;
  /** Most recent first, at most `MAX_RECENT_FILES` (see `recent-files.ts`). */
  readonly recentFiles: readonly string[];
  readonly actions: MenuActions;
}

function recentSubmenu(context: MenuContext): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = context.recentFiles.map((filePath) => ({
    // The file name first: full paths are long, the folder is a hint after it.
    label: `${path.basename(filePath)} — ${path.dirname(filePath)}`,
    click: () => context.actions.openRecent(filePath),
  }));
  if (items.length === 0) items.push({ label: 'No Recent Files', enabled: false });
  items.push({ type: 'separator' }, {
    label: 'Clear Recent Files',
    enabled: context.recentFiles.length > 0,
    click: () => context.actions.clearRecent(),
  });
  return items;
}

/** The menu template (pass to `Menu.buildFromTemplate`). */
export function menuTemplate(context: MenuContext): MenuItemConstructorOptions[] {
  const isMac = context.platform === 'darwin';
  const { actions } = context;
  const dev = !context.isPackaged;

  const appMenu: MenuItemConstructorOptions[] = isMac
    ? [{
        label: context.appName,
        submenu: [
          { label: `About ${context.appName}`, click: () => actions.about() },
          { type: 'separator' },
          { label: 'Settings…', accelerator: 'Cmd+,', click: () => actions.settings() },
          { type: 'separator' },
          { role: 'services' },
          { type: 'separator' },
          { role: 'hide' },
          { role: 'hideOthers' },
          { role: 'unhide' },
          { type: 'separator' },
          { role: 'quit' },
        ],
      }]
    : [];

  const fileMenu: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.open() },
      { label: 'Open Recent', submenu: recentSubmenu(context) },
      { type: 'separator' },
      { label: 'Load Sample Data', click: () => actions.loadSample() },
      { type: 'separator' },
      { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportReport() },
      ...(isMac
        ? []
        : [
            { type: 'separator' },
            { label: 'Settings…', accelerator: 'Ctrl+,', click: () => actions.settings() },
            { type: 'separator' },
            { label: 'Quit', role: 'quit', accelerator: 'Ctrl+Q' },
          ] satisfies MenuItemConstructorOptions[]),
    ],
  };

  const editMenu: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'delete' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  };

  const viewMenu: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(dev
        ? [
            { role: 'reload' },
            { role: 'forceReload' },
            { role: 'toggleDevTools' },
            { type: 'separator' },
          ] satisfies MenuItemConstructorOptions[]
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const windowMenu: MenuItemConstructorOptions[] = isMac ? [{ role: 'windowMenu' }] : [];

  const helpMenu: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [{ label: `About ${context.appName}`, click: () => actions.about() }],
  };

  return [...appMenu, fileMenu, editMenu, viewMenu, ...windowMenu, helpMenu];
}

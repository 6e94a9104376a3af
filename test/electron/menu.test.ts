/**
 * The application menu (electron/menu.ts) and File → Open Recent (electron/recent-files.ts).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { DATA_FILE_FILTERS, OPEN_DIALOG_OPTIONS, chooseDataFiles } from '../../electron/file-dialog.ts';
import { menuTemplate, type MenuActions, type MenuContext } from '../../electron/menu.ts';
import { loadRecentFiles, MAX_RECENT_FILES, saveRecentFiles, withRecent } from '../../electron/recent-files.ts';

function actions(): MenuActions {
  return {
    open: vi.fn(), openRecent: vi.fn<(filePath: string) => void>(), clearRecent: vi.fn(), loadSample: vi.fn(),
    exportReport: vi.fn(), settings: vi.fn(), about: vi.fn(),
  };
}

function context(overrides: Partial<MenuContext> = {}): MenuContext {
  return { appName: 'Experiment Desk', platform: 'linux', isPackaged: true, recentFiles: [], actions: actions(), ...overrides };
}

function submenu(item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] {
  return Array.isArray(item?.submenu) ? item.submenu : [];
}

function topLevel(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions | undefined {
  return template.find((item) => item.label?.replace('&', '') === label);
}

function click(item: MenuItemConstructorOptions | undefined): void {
  (item?.click as (() => void) | undefined)?.();
}

describe('menuTemplate', () => {
  it('has File → Open… on CmdOrCtrl+O, which runs the open action', () => {
    const ctx = context();
    const file = submenu(topLevel(menuTemplate(ctx), 'File'));
    const open = file.find((item) => item.label === 'Open…');
    expect(open?.accelerator).toBe('CmdOrCtrl+O');
    click(open);
    expect(ctx.actions.open).toHaveBeenCalledTimes(1);
  });

  it('File has Open Recent, Load Sample Data, Export… and Quit', () => {
    const ctx = context();
    const labels = submenu(topLevel(menuTemplate(ctx), 'File')).map((item) => item.label).filter(Boolean);
    expect(labels).toEqual(['Open…', 'Open Recent', 'Load Sample Data', 'Export…', 'Settings…', 'Quit']);
    const file = submenu(topLevel(menuTemplate(ctx), 'File'));
    click(file.find((item) => item.label === 'Export…'));
    click(file.find((item) => item.label === 'Load Sample Data'));
    expect(ctx.actions.exportReport).toHaveBeenCalledTimes(1);
    expect(ctx.actions.loadSample).toHaveBeenCalledTimes(1);
  });

  it('lists recent files, opens one on click, and can clear them', () => {
    const ctx = context({ recentFiles: ['/data/spring/events.csv', '/data/cats.csv.gz'] });
    const recent = submenu(submenu(topLevel(menuTemplate(ctx), 'File')).find((item) => item.label === 'Open Recent'));
    expect(recent[0]?.label).toBe('events.csv — /data/spring');
    click(recent[1]);
    expect(ctx.actions.openRecent).toHaveBeenCalledWith('/data/cats.csv.gz');
    click(recent.find((item) => item.label === 'Clear Recent Files'));
    expect(ctx.actions.clearRecent).toHaveBeenCalledTimes(1);

    const empty = submenu(submenu(topLevel(menuTemplate(context()), 'File')).find((item) => item.label === 'Open Recent'));
    expect(empty[0]).toMatchObject({ label: 'No Recent Files', enabled: false });
  });

  it('offers reload and DevTools only when not packaged', () => {
    const roles = (isPackaged: boolean) => submenu(topLevel(menuTemplate(context({ isPackaged })), 'View')).map((item) => item.role);
    expect(roles(true)).not.toContain('toggleDevTools');
    expect(roles(true)).not.toContain('reload');
    expect(roles(true)).toEqual(expect.arrayContaining(['zoomIn', 'zoomOut', 'resetZoom', 'togglefullscreen']));
    expect(roles(false)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
  });

  it('has the standard Edit roles and Help → About', () => {
    const ctx = context();
    const template = menuTemplate(ctx);
    expect(submenu(topLevel(template, 'Edit')).map((item) => item.role)).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']));
    click(submenu(topLevel(template, 'Help')).find((item) => item.label === 'About Experiment Desk'));
    expect(ctx.actions.about).toHaveBeenCalledTimes(1);
  });

  it('on macOS puts About, Settings and Quit in the app menu', () => {
    const template = menuTemplate(context({ platform: 'darwin' }));
    expect(template[0]?.label).toBe('Experiment Desk');
    expect(submenu(template[0]).map((item) => item.role)).toContain('quit');
    expect(submenu(topLevel(template, 'File')).map((item) => item.label)).not.toContain('Quit');
  });
});

describe('the open dialog', () => {
  it('allows several files of the importer’s formats', async () => {
    expect(OPEN_DIALOG_OPTIONS.properties).toEqual(expect.arrayContaining(['openFile', 'multiSelections']));
    expect(DATA_FILE_FILTERS?.[0]?.extensions).toEqual(expect.arrayContaining(['csv', 'tsv', 'gz', 'ndjson', 'jsonl', 'parquet']));
    const dialog = { showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/a.csv', '/b.parquet'] })) };
    // Paths stay in main: ipc.ts and main.ts turn them into handles for the renderer.
    expect(await chooseDataFiles(dialog as never, null)).toEqual(['/a.csv', '/b.parquet']);
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    expect(await chooseDataFiles(dialog as never, null)).toBeNull();
  });
});

describe('recent files', () => {
  it('puts new paths first, without duplicates, at most ten', () => {
    expect(withRecent(['/a', '/b'], ['/b'])).toEqual(['/b', '/a']);
    expect(withRecent(['/a'], ['/x', '/y'])).toEqual(['/x', '/y', '/a']);
    const many = Array.from({ length: 15 }, (_, i) => `/f${i}`);
    expect(withRecent([], many)).toHaveLength(MAX_RECENT_FILES);
  });

  it('persists and reloads the list; a missing or corrupt file reads as empty', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'desk-recent-'));
    try {
      const file = path.join(dir, 'nested', 'recent-files.json');
      expect(await loadRecentFiles(file)).toEqual([]);
      await saveRecentFiles(file, ['/x.csv', '/y.csv']);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(['/x.csv', '/y.csv']);
      expect(await loadRecentFiles(file)).toEqual(['/x.csv', '/y.csv']);
      await writeFile(file, '{ not json');
      expect(await loadRecentFiles(file)).toEqual([]);
      await writeFile(file, JSON.stringify(['/ok.csv', 42, null]));
      expect(await loadRecentFiles(file)).toEqual(['/ok.csv']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * What the host pushes: import progress, files opened from its own UI (File → Open…, Recent),
 * menu commands, and the ChangeSet outbox's changes. `openFiles` is the one way to pick files:
 * the host's dialog where there is one (Electron), the page's hidden `<input type=file>` otherwise.
 */
import type { MenuCommand } from '../../../contract/desk-api.ts';
import { deskApi } from '../host-api.ts';
import { patch, slice } from '../store.ts';
import { importFileRefs, handleImportProgress, loadSampleData } from './import.ts';
import { navigate } from './navigation.ts';
import { loadChangeSetDetail, loadChangeSets } from './changesets.ts';
import { applyOutboxChanged } from './outbox.ts';
import { openReportExport } from './report.ts';

let pickInPage: (() => void) | null = null;

/** The page registers how to open its `<input type=file>` (must run inside the user's gesture). */
export function registerPagePicker(open: (() => void) | null): void {
  pickInPage = open;
}

let choosing = false;

/**
 * Ctrl/Cmd+O, File → Open…, the "Open files…" button. One native dialog at a time: a menu
 * accelerator and the page's own shortcut may both ask for it.
 */
export async function openFiles(): Promise<void> {
  const api = deskApi();
  // A browser only opens a file picker inside the user's gesture: do it before any await.
  if (api.host === 'web') {
    pickInPage?.();
    return;
  }
  if (choosing) return;
  choosing = true;
  let result: Awaited<ReturnType<typeof api.chooseFiles>>;
  try {
    result = await api.chooseFiles();
  } finally {
    choosing = false;
  }
  if (!result.ok) {
    navigate('import');
    patch('importer', { error: result.error });
    return;
  }
  if (result.value === null) pickInPage?.();
  else if (result.value.length > 0) await importFileRefs(result.value);
}

/**
 * An `outbox-changed` event: the outbox takes the items; a ChangeSet on screen whose item has
 * just settled is reloaded so its status and timeline follow.
 */
export function handleOutboxChanged(items: Parameters<typeof applyOutboxChanged>[0]): void {
  const settled = applyOutboxChanged(items);
  if (settled.size === 0) return;
  const { list, selectedId } = slice('changesets');
  if (selectedId && settled.has(selectedId)) void loadChangeSetDetail(selectedId);
  if (list && list.items.some((c) => settled.has(c.id))) void loadChangeSets();
}

export function runMenuCommand(command: MenuCommand): void {
  switch (command) {
    case 'open': void openFiles(); break;
    case 'import': navigate('import'); break;
    case 'experiments': navigate('experiments'); break;
    case 'settings': navigate('settings'); break;
    case 'load-sample': void loadSampleData(); break;
    case 'export': openReportExport(); break;
  }
}

/** Subscribes to every host event; returns the unsubscribe function. */
export function connectHostEvents(): () => void {
  const api = deskApi();
  const offs = [
    api.on('import-progress', handleImportProgress),
    api.on('files-opened', ({ files }) => void importFileRefs(files)),
    api.on('menu-command', ({ command }) => runMenuCommand(command)),
    api.on('outbox-changed', ({ items }) => handleOutboxChanged(items)),
  ];
  return () => offs.forEach((off) => off());
}

/**
 * The native save dialog for `desk.saveFile` (exported reports): suggests the report's name in
 * the user's Downloads folder, filters by the file's type, writes the bytes where the user chose.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BaseWindow, Dialog, SaveDialogOptions } from 'electron';
import type { SavedFile } from '../contract/desk-api.ts';
import type { SaveFilePayload } from './ipc.ts';

/** The save dialog's filter for a file name's extension (`.audit.csv` is a CSV). */
export function saveFilters(name: string): NonNullable<SaveDialogOptions['filters']> {
  const extension = path.extname(name).slice(1).toLowerCase();
  const label: Record<string, string> = { html: 'HTML page', pdf: 'PDF document', csv: 'CSV table', json: 'JSON document' };
  return [
    ...(extension ? [{ name: label[extension] ?? extension.toUpperCase(), extensions: [extension] }] : []),
    { name: 'All files', extensions: ['*'] },
  ];
}

/**
 * Asks where to save `file` (default: `defaultFolder/<name>`) and writes it there.
 * @returns `{ saved: false, path: null }` when the user cancelled.
 * @throws Error when the file cannot be written (the IPC handler turns it into a `Result` error).
 */
export async function saveWithDialog(
  dialog: Pick<Dialog, 'showSaveDialog'>,
  parent: BaseWindow | null,
  file: SaveFilePayload,
  defaultFolder: string,
  write: (filePath: string, bytes: Uint8Array) => Promise<void> = (filePath, bytes) => writeFile(filePath, bytes),
): Promise<SavedFile> {
  const options: SaveDialogOptions = {
    title: 'Export report',
    buttonLabel: 'Export',
    // The name comes from the renderer: only its base name is used, never a folder it names.
    defaultPath: path.join(defaultFolder, path.basename(file.name)),
    filters: saveFilters(file.name),
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  };
  const result = parent === null ? await dialog.showSaveDialog(options) : await dialog.showSaveDialog(parent, options);
  if (result.canceled || !result.filePath) return { saved: false, path: null };
  await write(result.filePath, file.bytes);
  return { saved: true, path: result.filePath };
}

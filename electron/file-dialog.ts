/**
 * The native open dialog, shared by File → Open… and `desk.chooseFiles()`. It answers paths, which
 * stay in main: the renderer gets handles for them (`file-handles.ts`).
 */
import type { BaseWindow, Dialog, OpenDialogOptions } from 'electron';

/** The formats the importer reads (docs/analysis-definitions.md), gzip-compressed CSV included. */
export const DATA_FILE_FILTERS: OpenDialogOptions['filters'] = [
  { name: 'Experiment data', extensions: ['csv', 'tsv', 'gz', 'ndjson', 'jsonl', 'parquet', 'arrow', 'arrows', 'feather', 'ipc'] },
  { name: 'All files', extensions: ['*'] },
];

export const OPEN_DIALOG_OPTIONS: OpenDialogOptions = {
  title: 'Open experiment data',
  buttonLabel: 'Import',
  properties: ['openFile', 'multiSelections'],
  filters: DATA_FILE_FILTERS,
};

/** The chosen files' paths, or `null` when the user cancelled. */
export async function chooseDataFiles(
  dialog: Pick<Dialog, 'showOpenDialog'>,
  parent: BaseWindow | null,
): Promise<string[] | null> {
  const result = parent === null
    ? await dialog.showOpenDialog(OPEN_DIALOG_OPTIONS)
    : await dialog.showOpenDialog(parent, OPEN_DIALOG_OPTIONS);
  if (result.canceled || result.filePaths.length === 0) return null;
  return [...result.filePaths];
}

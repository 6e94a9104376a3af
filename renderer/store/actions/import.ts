/**
 * The import flow (docs/interface.md Import):
 *
 * files → `toFileRef` each (Electron: a handle from main; web: an upload) → `importFiles` with a
 * fresh importId →
 * - ok: summaries; the first page of rejects of every file with rejected rows; the list refreshes;
 * - `mapping_required`: `previewFile` of the first file → the mapping dialog; its "Import" calls
 *   `importFiles` again with the mapping;
 * - `cancelled`: "Import cancelled — nothing was changed.";
 * - anything else: the error banner.
 *
 * Progress arrives as `import-progress` events and is kept only for the current importId.
 */
import type { DeskError, DroppedFile, FileRef, ImportFilesResponse, Result } from '../../../contract/desk-api.ts';
import type { MappingOptions } from '../../../contract/mapping.ts';
import { decodeArrow } from '../../arrow/series.ts';
import { baseName, type ImportProgressEvent } from '../../format/progress.ts';
import { deskApi, newImportId } from '../host-api.ts';
import { initialImport, type RejectsState, type RowPreviewState } from '../slices/import.ts';
import { patch, slice } from '../store.ts';
import { loadExperiments } from './experiments.ts';
import { navigate } from './navigation.ts';

export const CANCELLED_MESSAGE = 'Import cancelled — nothing was changed.';

const isCurrent = (importId: string): boolean => slice('importer').importId === importId;
const isBusy = (): boolean => ['uploading', 'running'].includes(slice('importer').status);

/** A ref's display name (the host set it; refs never carry a path, docs/security.md). */
function refName(ref: FileRef): string {
  return baseName(ref.name);
}

/** Starts a fresh import record, replacing the last outcome. */
function begin(status: 'uploading' | 'running', fileNames: readonly string[], sample = false): string {
  const importId = newImportId();
  patch('importer', { ...initialImport, status, importId, fileNames, sample });
  return importId;
}

/** Handles what `importFiles` / `loadSampleData` answered. */
async function settle(importId: string, files: readonly FileRef[], result: Result<ImportFilesResponse>): Promise<void> {
  if (!isCurrent(importId)) return;
  if (result.ok) {
    patch('importer', { status: 'done', summaries: result.value.summaries, error: null, progress: null });
    for (const summary of result.value.summaries) {
      if (summary.rowsRejected > 0 && summary.fileId !== null) void loadRejects(summary.fileId);
    }
    await loadExperiments();
    return;
  }
  const { error } = result;
  if (error.code === 'mapping_required' && files.length > 0) {
    const preview = await deskApi().previewFile({ file: files[0]! });
    if (!isCurrent(importId)) return;
    if (preview.ok) patch('importer', { status: 'mapping', mapping: { files, preview: preview.value }, progress: null, error: null });
    else patch('importer', { status: 'error', error: preview.error, progress: null });
    return;
  }
  if (error.code === 'cancelled') {
    patch('importer', { status: 'cancelled', error: null, progress: null });
    return;
  }
  patch('importer', { status: 'error', error, progress: null });
}

/** Imports files the host already knows (handles, uploads), optionally with a column mapping. */
export async function importFileRefs(files: readonly FileRef[], mapping?: MappingOptions): Promise<void> {
  if (files.length === 0) return;
  navigate('import');
  const importId = begin('running', files.map(refName));
  await runImport(importId, files, mapping);
}

async function runImport(importId: string, files: readonly FileRef[], mapping?: MappingOptions): Promise<void> {
  patch('importer', { status: 'running', progress: null });
  const result = await deskApi().importFiles(mapping ? { importId, files: [...files], mapping } : { importId, files: [...files] });
  await settle(importId, files, result);
}

/** Imports files dropped on the window or chosen in `<input type=file>`. */
export async function importDroppedFiles(files: readonly DroppedFile[]): Promise<void> {
  if (files.length === 0) return;
  if (isBusy()) {
    patch('importer', { error: { code: 'busy', message: 'An import is already running; wait for it or cancel it.' } });
    return;
  }
  navigate('import');
  const importId = begin('uploading', files.map((f) => f.name));
  const refs: FileRef[] = [];
  for (const file of files) {
    const ref = await deskApi().toFileRef(file);
    if (!isCurrent(importId)) return;
    if (slice('importer').cancelRequested) {
      patch('importer', { status: 'cancelled', progress: null });
      return;
    }
    if (!ref.ok) {
      patch('importer', { status: 'error', error: ref.error });
      return;
    }
    refs.push(ref.value);
  }
  await runImport(importId, refs);
}

/** First run: generates and imports the sample event log, then shows the experiments. */
export async function loadSampleData(): Promise<void> {
  if (isBusy()) return;
  navigate('import', { byUser: false });
  const importId = begin('running', ['sample data'], true);
  const result = await deskApi().loadSampleData({ importId });
  await settle(importId, [], result);
  if (result.ok && isCurrent(importId)) navigate('experiments', { byUser: false, moveFocus: true });
}

/** Cancels the running import; the host leaves the database as it was. */
export async function cancelImport(): Promise<void> {
  const { importId, status } = slice('importer');
  if (!importId) return;
  patch('importer', { cancelRequested: true });
  if (status === 'uploading') return; // the upload loop stops before importFiles
  if (status !== 'running') return;
  const result = await deskApi().cancelImport({ importId });
  if (!result.ok && isCurrent(importId)) patch('importer', { error: result.error });
}

/** The mapping dialog's "Import": the same files again, with the mapping. */
export async function submitMapping(mapping: MappingOptions): Promise<void> {
  const { mapping: dialog } = slice('importer');
  if (!dialog) return;
  const importId = begin('running', dialog.files.map(refName));
  await runImport(importId, dialog.files, mapping);
}

/** The mapping dialog's "Cancel" (or Escape): nothing is imported. */
export function closeMapping(): void {
  patch('importer', { status: 'idle', mapping: null });
}

/** An `import-progress` event: kept when it belongs to the current import. */
export function handleImportProgress(event: ImportProgressEvent): void {
  const { importId, status } = slice('importer');
  if (event.importId !== importId || (status !== 'running' && status !== 'uploading')) return;
  patch('importer', { progress: event });
}

/** The first page (200) of a file's rejected rows. */
export async function loadRejects(fileId: number): Promise<void> {
  const set = (state: RejectsState) =>
    patch('importer', { rejects: { ...slice('importer').rejects, [fileId]: state } });
  set({ status: 'loading' });
  const result = await deskApi().listRejects({ fileId, offset: 0, limit: 200 });
  set(result.ok ? { status: 'ready', page: result.value } : { status: 'error', error: result.error });
}

/** The first accepted rows of a file, kept as an Arrow table. */
export async function loadRowPreview(fileId: number, table: 'events' | 'unit_rows', limit = 100): Promise<void> {
  const set = (state: RowPreviewState) =>
    patch('importer', { rowPreviews: { ...slice('importer').rowPreviews, [fileId]: state } });
  set({ status: 'loading' });
  const result = await deskApi().previewRows({ table, fileId, limit });
  if (!result.ok) {
    set({ status: 'error', error: result.error });
    return;
  }
  try {
    const decoded = decodeArrow(result.value);
    if (decoded) set({ status: 'ready', table: decoded });
    else set({ status: 'error', error: { code: 'internal', message: 'The host sent no rows.' } });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    set({ status: 'error', error: { code: 'internal', message: `Unreadable Arrow data: ${message}` } satisfies DeskError });
  }
}

/** Dismisses the error banner. */
export function dismissImportError(): void {
  patch('importer', { error: null, status: slice('importer').status === 'error' ? 'idle' : slice('importer').status });
}

import type { Table } from 'apache-arrow';
import type { DeskError, FilePreview, FileRef, RejectsPage } from '../../../contract/desk-api.ts';
import type { ImportSummary } from '../../../contract/import.ts';
import type { ImportProgressEvent } from '../../format/progress.ts';

/**
 * - `uploading`: files go to the host (`toFileRef`: web uploads);
 * - `running`: `importFiles` or `loadSampleData` is under way (progress events arrive);
 * - `mapping`: the header was not recognised, the mapping dialog is open;
 * - `done` | `cancelled` | `error`: the last import's outcome.
 */
export type ImportStatus = 'idle' | 'uploading' | 'running' | 'mapping' | 'done' | 'cancelled' | 'error';

/** Rejected rows of one file (the first page), or its loading state. */
export type RejectsState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly page: RejectsPage }
  | { readonly status: 'error'; readonly error: DeskError };

/** Accepted rows of one file as an Arrow table (never row objects), or its loading state. */
export type RowPreviewState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly table: Table }
  | { readonly status: 'error'; readonly error: DeskError };

export interface ImportState {
  readonly status: ImportStatus;
  /** The id of the current import (cancel, progress events); null before any. */
  readonly importId: string | null;
  /** Display names of the files being imported. */
  readonly fileNames: readonly string[];
  /** Whether the current import is the sample data. */
  readonly sample: boolean;
  readonly cancelRequested: boolean;
  readonly progress: ImportProgressEvent | null;
  readonly summaries: readonly ImportSummary[];
  readonly error: DeskError | null;
  /** The mapping dialog's input: the files to import again with a mapping, and the first file's preview. */
  readonly mapping: { readonly files: readonly FileRef[]; readonly preview: FilePreview } | null;
  readonly rejects: Readonly<Record<number, RejectsState>>;
  readonly rowPreviews: Readonly<Record<number, RowPreviewState>>;
}

export interface ImportSlice {
  readonly importer: ImportState;
}

export const initialImport: ImportState = {
  status: 'idle',
  importId: null,
  fileNames: [],
  sample: false,
  cancelRequested: false,
  progress: null,
  summaries: [],
  error: null,
  mapping: null,
  rejects: {},
  rowPreviews: {},
};


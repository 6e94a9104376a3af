import type { DeskError } from '../../../contract/desk-api.ts';
import type { ReportFormat } from '../../../contract/report-export.ts';

/**
 * Exporting the open experiment's decision report (docs/reports.md): the export dialog (opened by the
 * experiment screen's button or File → Export…), the chosen format, and how the last export went.
 */
export interface ReportExportState {
  /** Whether the export dialog is shown. */
  readonly open: boolean;
  readonly format: ReportFormat;
  /** `exporting`: the host renders the report (PDF takes seconds) or the save dialog is up. */
  readonly status: 'idle' | 'exporting' | 'done' | 'error';
  readonly error: DeskError | null;
  /** The last file saved: its name and, where the host knows it, its path. */
  readonly saved: { readonly fileName: string; readonly path: string | null } | null;
}

export interface ReportSlice {
  readonly reportExport: ReportExportState;
}

export const initialReportExport: ReportExportState = { open: false, format: 'pdf', status: 'idle', error: null, saved: null };


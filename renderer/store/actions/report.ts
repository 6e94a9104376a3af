/**
 * Exporting a decision report: the host renders the file (`exportReport`: HTML, PDF, CSV, JSON or
 * the audit trail as CSV) for the open experiment with the overrides on screen, then saves it
 * (`saveFile`: Electron's save dialog, a download in a browser).
 */
import type { ReportFormat } from '../../../contract/report-export.ts';
import { deskApi } from '../host-api.ts';
import { patch, slice } from '../store.ts';
import { cleanOverrides } from './experiment.ts';

/** Opens the export dialog (experiment screen button, File → Export…, Ctrl/Cmd+E). */
export function openReportExport(): void {
  patch('reportExport', { open: true, status: 'idle', error: null });
}

export function closeReportExport(): void {
  if (slice('reportExport').status === 'exporting') return;
  patch('reportExport', { open: false });
}

export function chooseReportFormat(format: ReportFormat): void {
  patch('reportExport', { format, error: null, status: 'idle' });
}

/**
 * Renders the open experiment's report in the chosen format and saves it. Closes the dialog when
 * saved or when the user cancelled the save dialog; keeps it open with the error otherwise.
 */
export async function exportReport(): Promise<void> {
  const { experimentId, overrides } = slice('experiment');
  const { format, status } = slice('reportExport');
  if (!experimentId || status === 'exporting') return;
  patch('reportExport', { status: 'exporting', error: null });
  const sent = cleanOverrides(overrides);
  const api = deskApi();
  const rendered = await api.exportReport(Object.keys(sent).length > 0 ? { experimentId, format, overrides: sent } : { experimentId, format });
  if (!rendered.ok) {
    patch('reportExport', { status: 'error', error: rendered.error });
    return;
  }
  const { bytes, fileName, mediaType } = rendered.value;
  const saved = await api.saveFile(fileName, bytes, mediaType);
  if (!saved.ok) {
    patch('reportExport', { status: 'error', error: saved.error });
    return;
  }
  if (!saved.value.saved) {
    patch('reportExport', { status: 'idle', open: false });
    return;
  }
  patch('reportExport', { status: 'done', open: false, saved: { fileName, path: saved.value.path } });
}

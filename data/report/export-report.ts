/**
 * A report model → the bytes of one file in one format (contract/report-export.ts), with its
 * suggested name and media type. The one place every host goes through: the CLI, the desk
 * service (web host, Electron worker) and, for Electron's PDF, main (which prints the `html`).
 */
import { REPORT_MEDIA_TYPES, reportFileName, type ExportedReport, type ReportFormat } from '../../contract/report-export.ts';
import type { DecisionReportModel } from './report-model.ts';
import { auditCsv, resultsCsv } from './render-csv.ts';
import { renderReportHtml } from './render-html.ts';
import { renderPdfWithChromium } from './render-pdf.ts';

/** Prints a report's HTML to PDF bytes (default: headless Chromium, render-pdf.ts). */
export type PdfPrinter = (html: string, page: { readonly experimentId: string; readonly generatedAt: string }) => Promise<Uint8Array>;

export const chromiumPrinter: PdfPrinter = (html, page) => renderPdfWithChromium(html, page);

/** The JSON export: the whole model, numbers unrounded, 2-space indented, final newline. */
export function reportJson(model: DecisionReportModel): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}

/**
 * Renders `model` as `format`.
 * @throws PdfUnavailableError (render-pdf.ts) for `pdf` when Chromium is not installed.
 */
export async function exportReportFile(model: DecisionReportModel, format: ReportFormat, printPdf: PdfPrinter = chromiumPrinter): Promise<ExportedReport> {
  const text = (s: string) => new TextEncoder().encode(s);
  let bytes: Uint8Array;
  switch (format) {
    case 'html': bytes = text(renderReportHtml(model)); break;
    case 'pdf': bytes = await printPdf(renderReportHtml(model), { experimentId: model.experimentId, generatedAt: model.generatedAt }); break;
    case 'csv': bytes = text(resultsCsv(model)); break;
    case 'json': bytes = text(reportJson(model)); break;
    case 'audit-csv': bytes = text(auditCsv(model.auditTrail)); break;
  }
  return { bytes, fileName: reportFileName(model.experimentId, format, model.generatedAt), mediaType: REPORT_MEDIA_TYPES[format] };
}

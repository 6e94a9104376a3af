/**
 * What every PDF of a report shares, whoever prints it (Chromium through playwright-core in the
 * CLI and web host, `webContents.printToPDF` in Electron): A4, backgrounds printed, margins from
 * the page's own `@page` rule, and a footer with the experiment and "page N / M".
 *
 * Pure text: Electron's main process imports it without pulling in playwright-core.
 */
import { escapeHtml as esc } from '../../contract/escape-html.ts';

/**
 * The footer Chromium draws in the bottom margin of every page: `pageNumber` and `totalPages`
 * are filled in by Chromium. Its own tiny document: system fonts only, inline styles only.
 */
export function pdfFooterTemplate(experimentId: string, generatedAt: string): string {
  const day = generatedAt.slice(0, 10);
  return `<div style="width:100%;font-size:7px;font-family:ui-monospace,Menlo,Consolas,monospace;color:#555;padding:0 11mm;`
    + `display:flex;justify-content:space-between;-webkit-print-color-adjust:exact;">`
    + `<span>EXPERIMENT DESK · DECISION REPORT · ${esc(experimentId)} · ${esc(day)}</span>`
    + `<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`;
}

/** An empty header (Chromium's default header prints the title and date: not wanted). */
export const PDF_HEADER_TEMPLATE = '<span></span>';

/** Page geometry, in millimetres, matching the report's `@page` rule. */
export const PDF_MARGINS_MM = { top: 13, right: 11, bottom: 15, left: 11 } as const;

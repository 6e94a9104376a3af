/**
 * Report PDFs in Electron: the worker renders the report's HTML (data/report), main prints it
 * with Electron's own Chromium (`webContents.printToPDF`) — no system Chromium needed — in a
 * hidden, sandboxed window that runs no script and loads nothing but the HTML itself (a data:
 * URL; the HTML's CSP is `default-src 'none'`, and the session's request filter in
 * security.ts lets only data: and app: through).
 *
 * `withElectronPdf` wraps the worker's `invoke`: an `exportReport` call for `pdf` becomes one
 * for `html`, printed here; every other call passes through unchanged.
 */
import type { BrowserWindowConstructorOptions, WebContents } from 'electron';
import type { DeskMethod, Result } from '../contract/desk-api.ts';
import { REPORT_MEDIA_TYPES, reportFileName, type ExportedReport } from '../contract/report-export.ts';
import { PDF_HEADER_TEMPLATE, PDF_MARGINS_MM, pdfFooterTemplate } from '../data/report/pdf-layout.ts';

/** The part of a BrowserWindow printing uses (structural, so the test can pass a fake). */
export interface PrintWindow {
  readonly webContents: Pick<WebContents, 'printToPDF'>;
  loadURL(url: string): Promise<void>;
  destroy(): void;
}

export type CreatePrintWindow = (options: BrowserWindowConstructorOptions) => PrintWindow;

/** The hidden print window: sandboxed, isolated, no preload, no script, never shown. */
export const PRINT_WINDOW_OPTIONS = {
  show: false,
  width: 1024,
  height: 1400,
  webPreferences: {
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    javascript: false,
    webSecurity: true,
    spellcheck: false,
  },
} as const satisfies BrowserWindowConstructorOptions;

const MM_PER_INCH = 25.4;

/**
 * Prints `html` to an A4 PDF with the same layout as the Chromium printer of data/report
 * (backgrounds, CSS page size, footer with page numbers).
 * @throws Error when loading or printing fails; the window is destroyed either way.
 */
export async function printHtmlToPdf(
  createWindow: CreatePrintWindow, html: string, page: { readonly experimentId: string; readonly generatedAt: string },
): Promise<Uint8Array> {
  const window = createWindow(PRINT_WINDOW_OPTIONS);
  try {
    await window.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
    const inches = (mm: number) => mm / MM_PER_INCH;
    const pdf = await window.webContents.printToPDF({
      pageSize: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: PDF_HEADER_TEMPLATE,
      footerTemplate: pdfFooterTemplate(page.experimentId, page.generatedAt),
      margins: {
        top: inches(PDF_MARGINS_MM.top), bottom: inches(PDF_MARGINS_MM.bottom),
        left: inches(PDF_MARGINS_MM.left), right: inches(PDF_MARGINS_MM.right),
      },
    });
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  } finally {
    window.destroy();
  }
}

type Invoke = (method: DeskMethod, request: unknown) => Promise<Result<unknown>>;

/** Reads `generatedAt` back from the report's HTML (its masthead's `<time datetime>`). */
function generatedAtOf(html: string): string {
  return /<time datetime="([^"]+)"/.exec(html)?.[1] ?? new Date().toISOString();
}

/** `invoke` with `exportReport` `pdf` printed in main from the worker's `html`. */
export function withElectronPdf(invoke: Invoke, createWindow: CreatePrintWindow): Invoke {
  return async (method, request) => {
    const r = request as { experimentId?: unknown; format?: unknown } | null;
    if (method !== 'exportReport' || r?.format !== 'pdf' || typeof r.experimentId !== 'string') return invoke(method, request);
    const html = await invoke(method, { ...r, format: 'html' });
    if (!html.ok) return html;
    const exported = html.value as ExportedReport;
    try {
      const text = new TextDecoder().decode(exported.bytes);
      const generatedAt = generatedAtOf(text);
      const bytes = await printHtmlToPdf(createWindow, text, { experimentId: r.experimentId, generatedAt });
      const fileName = exported.fileName.endsWith('.html') ? `${exported.fileName.slice(0, -'.html'.length)}.pdf` : reportFileName(r.experimentId, 'pdf', generatedAt);
      const value: ExportedReport = { bytes, fileName, mediaType: REPORT_MEDIA_TYPES.pdf };
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: { code: 'internal', message: `printing the PDF failed: ${error instanceof Error ? error.message : String(error)}` } };
    }
  };
}

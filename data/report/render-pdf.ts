/**
 * The report's PDF, printed from its HTML by headless Chromium through playwright-core — the CLI
 * and the loopback web host use this; Electron prints with its own Chromium
 * (`webContents.printToPDF`, electron/report-pdf.ts).
 *
 * Chromium is the system's (`/usr/bin/chromium`, or `CHROMIUM_PATH`), started offline: no
 * network, no component updates, no sync; every request the page could make is aborted (the
 * page makes none: its CSP is `default-src 'none'` and everything is inlined).
 */
import { existsSync } from 'node:fs';
import { PDF_HEADER_TEMPLATE, PDF_MARGINS_MM, pdfFooterTemplate } from './pdf-layout.ts';

/** PDF output is impossible here (no Chromium, no playwright-core): a user-fixable condition. */
export class PdfUnavailableError extends Error {
  override readonly name = 'PdfUnavailableError';
}

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Chromium flags: headless, offline, nothing started that phones home. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
] as const;

export interface ChromiumPdfOptions {
  /** Chromium executable; default `CHROMIUM_PATH` or /usr/bin/chromium. */
  readonly executablePath?: string;
  /** Footer: the experiment and the generation time (UTC ISO-8601). */
  readonly experimentId: string;
  readonly generatedAt: string;
  /** Gives up after this many milliseconds (default 60 s). */
  readonly timeoutMs?: number;
}

/** The Chromium executable that would be used. */
export function chromiumPath(explicit?: string): string {
  return explicit ?? process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;
}

/**
 * Prints `html` to an A4 PDF (backgrounds on, CSS page rules honoured, footer with page numbers).
 * @returns the PDF's bytes (`%PDF-…`).
 * @throws PdfUnavailableError with a one-line message when Chromium or playwright-core is missing.
 * @throws Error when Chromium fails while printing.
 */
export async function renderPdfWithChromium(html: string, options: ChromiumPdfOptions): Promise<Uint8Array> {
  const executablePath = chromiumPath(options.executablePath);
  if (!existsSync(executablePath)) {
    throw new PdfUnavailableError(
      `PDF needs Chromium, which is not installed at ${executablePath} (install it, e.g. \`apt-get install chromium\`, or set CHROMIUM_PATH); HTML, CSV and JSON work without it`);
  }
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new PdfUnavailableError('PDF needs the playwright-core package, which is not installed (run `npm ci`); HTML, CSV and JSON work without it');
  }
  const timeout = options.timeoutMs ?? 60_000;
  const browser = await playwright.chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], timeout });
  try {
    const context = await browser.newContext({ offline: true });
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);
    await page.setContent(html, { waitUntil: 'load' });
    // Fonts are data: URLs, but still decoded asynchronously: print only once they are ready.
    await page.evaluate('document.fonts.ready.then(() => true)');
    const margin = Object.fromEntries(Object.entries(PDF_MARGINS_MM).map(([side, mm]) => [side, `${mm}mm`]));
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: PDF_HEADER_TEMPLATE,
      footerTemplate: pdfFooterTemplate(options.experimentId, options.generatedAt),
      margin,
    });
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  } finally {
    await browser.close();
  }
}

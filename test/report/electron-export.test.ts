/**
 * Report export in the Electron shell, with Electron faked (as in test/electron/*): PDFs printed
 * in main by `webContents.printToPDF` in a hidden sandboxed window from the worker's HTML, and
 * `desk:save-file` (sender check, payload check, the native save dialog, the write).
 */
import { describe, expect, it, vi } from 'vitest';
import type { DeskMethod, Result } from '../../contract/desk-api.ts';
import type { ExportedReport } from '../../contract/report-export.ts';
import { handleSaveFile, isSaveFilePayload, type InvokeEvent } from '../../electron/ipc.ts';
import { PRINT_WINDOW_OPTIONS, withElectronPdf, type PrintWindow } from '../../electron/report-pdf.ts';
import { saveFilters, saveWithDialog } from '../../electron/save-file.ts';
import { APP_INDEX_URL } from '../../electron/security.ts';

const HTML = '<!doctype html><html><body><main><header><time datetime="2026-03-24T09:30:00.000Z">x</time></header>ü</main></body></html>';

function fakeWindow(print: () => Promise<Buffer> = async () => Buffer.from('%PDF-1.7 fake')) {
  const record = { options: null as unknown, url: null as string | null, printOptions: null as unknown, destroyed: false };
  const create = (options: unknown): PrintWindow => {
    record.options = options;
    return {
      webContents: { printToPDF: vi.fn(async (o: unknown) => { record.printOptions = o; return print(); }) } as unknown as PrintWindow['webContents'],
      loadURL: async (url: string) => { record.url = url; },
      destroy: () => { record.destroyed = true; },
    };
  };
  return { record, create };
}

function worker() {
  return vi.fn(async (method: DeskMethod, request: unknown): Promise<Result<unknown>> => {
    if (method === 'exportReport') {
      const value: ExportedReport = {
        bytes: new TextEncoder().encode(HTML), fileName: 'spring-offer-decision-report-2026-03-24.html', mediaType: 'text/html;charset=utf-8',
      };
      return { ok: true, value: { ...value, request } };
    }
    return { ok: true, value: method };
  });
}

describe('report PDFs in Electron', () => {
  it('asks the worker for the HTML, prints it in a hidden sandboxed window without script, returns the PDF', async () => {
    const invoke = worker();
    const window = fakeWindow();
    const result = await withElectronPdf(invoke, window.create)('exportReport', { experimentId: 'spring-offer', format: 'pdf', overrides: { alpha: 0.1 } });
    expect(invoke).toHaveBeenCalledWith('exportReport', { experimentId: 'spring-offer', format: 'html', overrides: { alpha: 0.1 } });
    expect(result.ok).toBe(true);
    const value = (result as { value: ExportedReport }).value;
    expect(value.fileName).toBe('spring-offer-decision-report-2026-03-24.pdf');
    expect(value.mediaType).toBe('application/pdf');
    expect(new TextDecoder().decode(value.bytes)).toBe('%PDF-1.7 fake');

    expect(window.record.options).toEqual(PRINT_WINDOW_OPTIONS);
    expect(PRINT_WINDOW_OPTIONS).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false } });
    expect(PRINT_WINDOW_OPTIONS.webPreferences).not.toHaveProperty('preload');
    const prefix = 'data:text/html;charset=utf-8;base64,';
    expect(window.record.url?.startsWith(prefix)).toBe(true);
    expect(Buffer.from(window.record.url!.slice(prefix.length), 'base64').toString('utf8')).toBe(HTML);
    expect(window.record.printOptions).toMatchObject({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true });
    expect((window.record.printOptions as { footerTemplate: string }).footerTemplate).toContain('spring-offer · 2026-03-24');
    expect(window.record.destroyed).toBe(true);
  });

  it('passes every other call through, and reports a failed print as an internal error (window destroyed)', async () => {
    const invoke = worker();
    const window = fakeWindow(async () => { throw new Error('printing failed'); });
    const wrapped = withElectronPdf(invoke, window.create);
    expect(await wrapped('listExperiments', {})).toEqual({ ok: true, value: 'listExperiments' });
    expect((await wrapped('exportReport', { experimentId: 'e', format: 'csv' })).ok).toBe(true);
    expect(window.record.options).toBeNull();
    const failed = await wrapped('exportReport', { experimentId: 'e', format: 'pdf' });
    expect(failed).toEqual({ ok: false, error: { code: 'internal', message: 'printing the PDF failed: printing failed' } });
    expect(window.record.destroyed).toBe(true);
  });

  it('a worker error (unknown experiment) comes back as it is, nothing printed', async () => {
    const window = fakeWindow();
    const invoke = async (): Promise<Result<unknown>> => ({ ok: false, error: { code: 'not_found', message: 'no experiment x' } });
    expect(await withElectronPdf(invoke, window.create)('exportReport', { experimentId: 'x', format: 'pdf' }))
      .toEqual({ ok: false, error: { code: 'not_found', message: 'no experiment x' } });
    expect(window.record.options).toBeNull();
  });
});

describe('desk:save-file', () => {
  const trusted = { senderFrame: { url: APP_INDEX_URL, parent: null }, sender: {} } as unknown as InvokeEvent;
  const foreign = { senderFrame: { url: 'https://evil.example/', parent: null }, sender: {} } as unknown as InvokeEvent;
  const bytes = new Uint8Array([1, 2, 3]);

  it('refuses other senders and malformed payloads without saving', async () => {
    const saveFile = vi.fn(async () => ({ saved: true, path: '/x' }));
    const options = { saveFile, log: () => {} };
    expect(await handleSaveFile(options, foreign, 'r.pdf', bytes, 'application/pdf')).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await handleSaveFile(options, trusted, '../r.pdf', bytes, undefined)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await handleSaveFile(options, trusted, 'r.pdf', 'not bytes', undefined)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(saveFile).not.toHaveBeenCalled();
    expect(isSaveFilePayload('a\u0000b.pdf', bytes, undefined)).toBe(false);
    expect(isSaveFilePayload('r.audit.csv', bytes, 'text/csv')).toBe(true);
  });

  it('forwards a valid call and returns where the file went', async () => {
    const saveFile = vi.fn(async () => ({ saved: true, path: '/home/a/r.pdf' }));
    expect(await handleSaveFile({ saveFile }, trusted, 'r.pdf', bytes, 'application/pdf')).toEqual({ ok: true, value: { saved: true, path: '/home/a/r.pdf' } });
    expect(saveFile).toHaveBeenCalledWith(trusted, { name: 'r.pdf', bytes, mediaType: 'application/pdf' });
  });

  it('the save dialog suggests the name in the default folder; cancel writes nothing', async () => {
    const written: [string, Uint8Array][] = [];
    const write = async (path: string, data: Uint8Array) => { written.push([path, data]); };
    const shown: unknown[] = [];
    const dialog = {
      showSaveDialog: vi.fn(async (...args: unknown[]) => {
        shown.push(args.at(-1));
        return shown.length === 1 ? { canceled: true, filePath: '' } : { canceled: false, filePath: '/home/a/Reports/r.pdf' };
      }),
    };
    expect(await saveWithDialog(dialog as never, null, { name: 'r.pdf', bytes }, '/home/a/Downloads', write)).toEqual({ saved: false, path: null });
    expect(written).toHaveLength(0);
    expect(await saveWithDialog(dialog as never, null, { name: 'r.pdf', bytes }, '/home/a/Downloads', write)).toEqual({ saved: true, path: '/home/a/Reports/r.pdf' });
    expect(written).toEqual([['/home/a/Reports/r.pdf', bytes]]);
    expect(shown[0]).toMatchObject({ defaultPath: '/home/a/Downloads/r.pdf', filters: [{ name: 'PDF document', extensions: ['pdf'] }, { name: 'All files', extensions: ['*'] }] });
    expect(saveFilters('x.audit.csv')[0]).toEqual({ name: 'CSV table', extensions: ['csv'] });
  });
});

/**
 * End to end in Chromium against the loopback web host: the analyst opens an experiment, clicks
 * "Export report", picks a format, and the report arrives as a browser download (Blob +
 * `<a download>`). The downloaded HTML's metric table equals the analysis the host computes; the
 * downloaded PDF renders to pages. Screenshots: test-artifacts/e2e/export-*.png.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-files.ts';
import { chartSvg, expectMetricTableEquals, expectSelfContained, pdfPages, pdfUnavailable } from '../report/report-files.ts';
import { e2eUnavailable, expectAccessible, openDesk, screenshot, type Desk } from './harness.ts';

const unavailable = e2eUnavailable();
if (unavailable) process.stderr.write(`\n[e2e] SKIPPED: ${unavailable}\n`);

const files = tempDir();
let desk: Desk;
let page: Page;

beforeAll(async () => {
  if (unavailable) return;
  desk = await openDesk(files.path('desk'));
  page = desk.page;
}, 60_000);
afterAll(async () => desk?.close());

/** Opens the export dialog, picks `format`, exports, and saves the download; returns its path and name. */
async function exportAs(format: string): Promise<{ path: string; name: string }> {
  await page.getByRole('button', { name: 'Export report' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export report' });
  await dialog.waitFor();
  await dialog.getByRole('radio', { name: new RegExp(`^${format.toUpperCase()} `) }).check();
  const download = page.waitForEvent('download', { timeout: 90_000 });
  await dialog.getByRole('button', { name: `Export ${format.toUpperCase()}` }).click();
  const file = await download;
  const name = file.suggestedFilename();
  const path = files.path(name);
  await file.saveAs(path);
  await expect.poll(() => dialog.isVisible()).toBe(false);
  return { path, name };
}

describe.skipIf(!!unavailable)('export a decision report from the app (web host)', () => {
  it('opens an experiment and shows the export dialog with every format', async () => {
    await page.getByRole('button', { name: 'Load sample data' }).click();
    await page.getByRole('button', { name: 'Open checkout-redesign' }).click({ timeout: 60_000 });
    await page.getByRole('table', { name: 'Metrics' }).waitFor();
    await page.getByRole('button', { name: 'Export report' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export report' });
    await dialog.waitFor();
    expect(await dialog.getByRole('radio').count()).toBe(5);
    await screenshot(page, 'export-dialog');
    await expectAccessible(page, 'export dialog');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('HTML: downloaded, self-contained, its numbers equal the host’s analysis', async () => {
    const { path, name } = await exportAs('html');
    expect(name).toMatch(/^checkout-redesign-decision-report-\d{4}-\d{2}-\d{2}\.html$/);
    const html = readFileSync(path, 'utf8');
    const analysis = await desk.service.handlers.analyzeExperiment({ experimentId: 'checkout-redesign' });
    // A second analysis of the same data: equal up to DuckDB's last-bit summation noise (expectSameNumber).
    expectMetricTableEquals(html, analysis.report as unknown as Record<string, unknown>, false);
    expectSelfContained(html);
    for (const chart of ['forest', 'cumulative', 'retention']) expect(chartSvg(html, chart), chart).not.toBeNull();
    expect(await page.getByRole('status').filter({ hasText: `saved ${name}` }).count()).toBe(1);
    await screenshot(page, 'export-saved');
  });

  it.skipIf(!!pdfUnavailable())('PDF: printed by the host’s Chromium, downloaded, pages not blank', async () => {
    const { path, name } = await exportAs('pdf');
    expect(name.endsWith('.pdf')).toBe(true);
    expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
    const pages = pdfPages(path);
    expect(pages.count).toBeGreaterThanOrEqual(2);
    for (const ink of pages.ink) expect(ink).toBeGreaterThan(0.004);
  });

  it('CSV and the audit trail CSV download too', async () => {
    const csv = await exportAs('csv');
    expect(readFileSync(csv.path, 'utf8')).toMatch(/^experimentId,metric,metricType,role,variant,/);
    const audit = await exportAs('audit-csv');
    expect(audit.name.endsWith('.audit.csv')).toBe(true);
    expect(readFileSync(audit.path, 'utf8')).toMatch(/^id,changesetId,storeId,version,timestamp,/);
  });
});

/**
 * End to end in Chromium against the loopback web host: the real UI imports the Cookie Cats and
 * Hillstrom datasets through the file input, shows progress and the summary, opens the
 * experiment, and the metric table's numbers equal the command line's JSON for the same file.
 * Also: a broken file shows its rejects, a cancelled import leaves the database unchanged, a
 * request without the token is refused, and every screen passes axe-core (no serious or
 * critical violation). Screenshots of each screen: test-artifacts/e2e/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultScenario, writeEventLogCsv } from '../../data/simulate/index.ts';
import { datasetPath, datasetsMissing, REPO_ROOT } from '../helpers/shared-datasets.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-files.ts';
import { expectClose } from '../stats/helpers.ts';
import { e2eUnavailable, expectAccessible, openDesk, screenshot, type Desk } from './harness.ts';

const unavailable = e2eUnavailable();
if (unavailable) process.stderr.write(`\n[e2e] SKIPPED: ${unavailable}\n`);

const COOKIE_CATS = 'cookie_cats/cookie_cats.csv';
const HILLSTROM = 'hillstrom_email/Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20.csv';

const files = tempDir();
let desk: Desk;
let page: Page;

beforeAll(async () => {
  if (unavailable) return;
  desk = await openDesk(files.path('desk'));
  page = desk.page;
}, 60_000);
afterAll(async () => desk?.close());

interface Cell { metric: string; variant: string; field: string; value: string; text: string }

async function metricCells(): Promise<Cell[]> {
  const table = page.getByRole('table', { name: 'Metrics' });
  await table.waitFor();
  return table.locator('[data-field]').evaluateAll((elements) => elements.map((element) => {
    const e = element as unknown as { dataset: Record<string, string>; textContent: string | null };
    return { metric: e.dataset.metric ?? '', variant: e.dataset.variant ?? '', field: e.dataset.field ?? '', value: e.dataset.value ?? '', text: e.textContent ?? '' };
  }));
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The report value behind a cell, by the data-field names of the metric table. */
function expectedValue(metric: Json, variant: string, field: string): number | null {
  const summary = metric.variants.find((v: Json) => v.variant === variant);
  const comparison = metric.comparisons.find((c: Json) => c.variant === variant);
  const table: Record<string, () => number | null> = {
    n: () => summary.n,
    mean: () => summary.mean,
    absolute: () => comparison?.absolute.estimate ?? null,
    relative: () => comparison?.relative.estimate ?? null,
    relativeLower: () => comparison?.relative.ciLower ?? null,
    relativeUpper: () => comparison?.relative.ciUpper ?? null,
    pValue: () => comparison?.pValue ?? null,
    cupedRelative: () => comparison?.cuped?.relative.estimate ?? null,
    cupedRelativeLower: () => comparison?.cuped?.relative.ciLower ?? null,
    cupedRelativeUpper: () => comparison?.cuped?.relative.ciUpper ?? null,
    cupedPValue: () => comparison?.cuped?.pValue ?? null,
    varianceReduction: () => comparison?.cuped?.varianceReduction ?? null,
  };
  const get = table[field];
  if (!get) throw new Error(`unknown data-field ${field}`);
  return get();
}

/** Every number the metric table shows equals the CLI's JSON for the same file and mapping. */
async function expectTableEqualsCli(cliArgs: readonly string[]): Promise<void> {
  const run = await runCli(['analyze', ...cliArgs, '--format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  const experiment = (JSON.parse(run.stdout) as { experiments: Json[] }).experiments[0]!;
  const cells = await metricCells();
  expect(cells.length).toBeGreaterThan(0);
  const metricsShown = new Set(cells.map((c) => c.metric));
  // The dialog lists metric columns in header order, the CLI in flag order: compare as sets.
  expect([...metricsShown].sort()).toEqual(experiment.metrics.map((m: Json) => m.name).sort());
  for (const cell of cells) {
    const metric = experiment.metrics.find((m: Json) => m.name === cell.metric)!;
    const expected = expectedValue(metric, cell.variant, cell.field);
    const at = `${cell.metric}/${cell.variant}/${cell.field}`;
    if (expected === null) {
      expect(cell.value, at).toBe('');
    } else {
      // DuckDB sums doubles in parallel, so two analyses may differ in the last bit: 1e-12 relative.
      expectClose(Number(cell.value), expected, at, 1e-12);
      if (cell.field === 'relative') expect(cell.text, at).toContain(`${expected > 0 ? '+' : ''}${(expected * 100).toFixed(1)}%`);
      if (cell.field === 'n') expect(cell.text.replaceAll(',', ''), at).toContain(String(expected));
    }
  }
}

/** Records whether an import progress bar ever appears (imports of small files are quick). */
async function watchProgress(): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as { __sawProgress: boolean; document: { body: unknown; querySelector: (s: string) => unknown }; MutationObserver: new (cb: () => void) => { observe: (n: unknown, o: object) => void } };
    g.__sawProgress = false;
    new g.MutationObserver(() => {
      if (g.document.querySelector('[role="progressbar"]')) g.__sawProgress = true;
    }).observe(g.document.body, { subtree: true, childList: true, attributes: true });
  });
}

async function sawProgress(): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as { __sawProgress: boolean }).__sawProgress);
}

async function importWithMapping(path: string, mapping: { unit?: string; variant: string; control: string; metrics: string[]; covariates?: Record<string, string> }): Promise<void> {
  await page.getByRole('button', { name: 'Import', exact: true }).first().click();
  await page.getByLabel('Choose files to import').setInputFiles(path);
  const dialog = page.getByRole('dialog', { name: 'Map columns' });
  await dialog.waitFor();
  await screenshot(page, 'mapping-dialog');
  await expectAccessible(page, 'mapping dialog');
  await dialog.getByLabel('Unit column').selectOption(mapping.unit ?? '');
  await dialog.getByLabel('Variant column').selectOption(mapping.variant);
  await dialog.getByLabel('Control variant').selectOption(mapping.control);
  const metricBoxes = dialog.getByRole('group', { name: 'Metric columns' }).getByRole('checkbox');
  for (const box of await metricBoxes.all()) {
    const name = (await box.getAttribute('value')) ?? (await box.getAttribute('aria-label')) ?? '';
    const label = await box.evaluate((e) => (e as unknown as { labels: { textContent: string }[] }).labels?.[0]?.textContent?.trim() ?? '');
    const want = mapping.metrics.includes(name) || mapping.metrics.includes(label);
    if ((await box.isChecked()) !== want) await box.setChecked(want);
  }
  for (const [metric, covariate] of Object.entries(mapping.covariates ?? {})) {
    await dialog.getByLabel(`CUPED covariate for ${metric}`).selectOption(covariate);
  }
  await watchProgress();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
}

describe.skipIf(!!unavailable)('Experiment Desk in Chromium (web host)', () => {
  it('first run offers Open files… and Load sample data', async () => {
    await expect.poll(() => page.getByRole('button', { name: 'Load sample data' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Open files…' }).first().isVisible()).toBe(true);
    await screenshot(page, 'first-run');
    await expectAccessible(page, 'first run');
  });

  it('Load sample data reaches an analysed experiment in two clicks, with its charts', async () => {
    await page.getByRole('button', { name: 'Load sample data' }).click();
    await page.getByRole('button', { name: 'Open checkout-redesign' }).click({ timeout: 60_000 });
    await page.getByRole('table', { name: 'Metrics' }).waitFor();
    const verdict = (await page.locator('[data-verdict]').first().textContent()) ?? '';
    expect(verdict).toMatch(/treatment lifts conversion/);
    for (const chart of ['forest-plot', 'cumulative-chart', 'retention-chart', 'funnel-chart']) {
      await expect.poll(() => page.getByTestId(chart).locator('svg').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    }
    const ready = await page.evaluate(() => {
      const perf = (globalThis as unknown as { performance: { getEntriesByName: (n: string) => { duration: number }[] } }).performance;
      return perf.getEntriesByName('experiment-ready').at(-1)?.duration ?? null;
    });
    expect(ready).not.toBeNull();
    process.stderr.write(`\n[e2e] experiment screen interactive ${ready!.toFixed(0)} ms after its data arrived\n`);
    await screenshot(page, 'experiment-sample');
    await expectAccessible(page, 'experiment with charts');

    // A filter on the exposure's store: fewer units, then all of them again.
    const units = async (): Promise<string> => (await page.locator('[data-field="units-analysed"]').textContent()) ?? '';
    const all = await units();
    const store = page.getByLabel('store_id', { exact: true });
    const stores = await store.locator('option').allTextContents();
    expect(stores.length).toBeGreaterThan(2);
    await store.selectOption(stores[1]!);
    await expect.poll(units, { timeout: 20_000 }).not.toBe(all);
    await store.selectOption('');
    await expect.poll(units, { timeout: 20_000 }).toBe(all);
  });

  it.skipIf(datasetsMissing(COOKIE_CATS))('imports Cookie Cats with progress and summary; the metric table equals the CLI JSON', async () => {
    const path = datasetPath(COOKIE_CATS)!;
    await importWithMapping(path, { unit: 'userid', variant: 'version', control: 'gate_30', metrics: ['retention_1', 'retention_7', 'sum_gamerounds'] });
    const summary = page.getByRole('region', { name: 'Import summary' });
    await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toContain('90,189 rows read = 90,189 accepted + 0 rejected');
    expect(await sawProgress()).toBe(true);
    await screenshot(page, 'import-summary');
    await expectAccessible(page, 'import summary');

    await page.getByRole('button', { name: 'Experiments', exact: true }).click();
    await page.getByRole('table', { name: 'Experiments' }).waitFor();
    await screenshot(page, 'experiments');
    await expectAccessible(page, 'experiments');
    await page.getByRole('button', { name: 'Open cookie_cats' }).click();
    await expectTableEqualsCli([path, '--unit', 'userid', '--variant', 'version', '--control', 'gate_30',
      '--metric', 'retention_1', '--metric', 'retention_7', '--metric', 'sum_gamerounds']);
    await screenshot(page, 'experiment-cookie-cats');
    await expectAccessible(page, 'experiment');
  });

  it.skipIf(datasetsMissing(HILLSTROM))('imports Hillstrom (three arms, CUPED covariate); the metric table equals the CLI JSON', async () => {
    const path = datasetPath(HILLSTROM)!;
    await importWithMapping(path, { variant: 'segment', control: 'No E-Mail', metrics: ['visit', 'conversion', 'spend'], covariates: { spend: 'history' } });
    await expect.poll(() => page.getByRole('region', { name: 'Import summary' }).textContent(), { timeout: 60_000 })
      .toContain('64,000 rows read = 64,000 accepted + 0 rejected');
    await page.getByRole('button', { name: 'Experiments', exact: true }).click();
    await page.getByRole('button', { name: 'Open Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20' }).click();
    await expectTableEqualsCli([path, '--variant', 'segment', '--control', 'No E-Mail', '--metric', 'visit', '--metric', 'conversion',
      '--metric', 'spend', '--covariate', 'spend=history']);
    await screenshot(page, 'experiment-hillstrom');
  });

  it('a broken file shows its rejects with line, reason and raw text', async () => {
    await page.getByRole('button', { name: 'Import', exact: true }).first().click();
    await page.getByLabel('Choose files to import').setInputFiles(join(REPO_ROOT, 'test/fixtures/datasets/tiny_event_log.csv'));
    const summary = page.getByRole('region', { name: 'Import summary' });
    await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toContain('49 rows read = 38 accepted + 11 rejected');
    const rejects = page.getByRole('table', { name: 'Rejected rows' });
    await rejects.waitFor();
    const text = (await rejects.textContent()) ?? '';
    for (const reason of ['wrong_column_count', 'missing_user_id', 'bad_timestamp', 'negative_revenue', 'duplicate_event']) expect(text).toContain(reason);
    await screenshot(page, 'import-rejects');
    await expectAccessible(page, 'rejects');
  });

  it('cancelling an import midway leaves the database unchanged', async () => {
    const big = files.path('big-events.csv');
    await writeEventLogCsv(big, defaultScenario({ seed: 11, units: 120_000 }));
    const filesBefore = await page.evaluate(async () => {
      const response = await fetch('/api/call/listFiles', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return (await response.json()) as { ok: boolean; value: unknown[] };
    });
    expect(filesBefore.ok).toBe(true);
    await page.getByRole('button', { name: 'Import', exact: true }).first().click();
    await page.getByLabel('Choose files to import').setInputFiles(big);
    const progress = page.getByRole('progressbar', { name: 'Import progress' });
    await progress.waitFor({ timeout: 60_000 });
    await expect.poll(() => progress.getAttribute('aria-valuenow'), { timeout: 60_000 }).not.toBe('0');
    await screenshot(page, 'import-progress');
    await page.getByRole('button', { name: 'Cancel import' }).click();
    await expect.poll(() => page.getByText('Import cancelled').first().isVisible(), { timeout: 60_000 }).toBe(true);
    const filesAfter = await page.evaluate(async () => {
      const response = await fetch('/api/call/listFiles', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return (await response.json()) as { ok: boolean; value: unknown[] };
    });
    expect(filesAfter).toEqual(filesBefore);
  });

  it('settings screen: a metric window and the funnel steps are saved; a bad window is refused', async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Alpha').waitFor();
    await screenshot(page, 'settings');
    await expectAccessible(page, 'settings');
    const stored = async (): Promise<{ metricWindowDays: unknown; funnelSteps: unknown }> => page.evaluate(async () => {
      const response = await fetch('/api/call/getSettings', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return ((await response.json()) as { value: { metricWindowDays: unknown; funnelSteps: unknown } }).value;
    });
    await page.getByLabel('conversion', { exact: true }).fill('-3');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The conversion window must be a positive number of days');
    expect((await stored()).metricWindowDays).toEqual({});
    await page.getByLabel('conversion', { exact: true }).fill('7');
    await page.getByLabel('Funnel steps, in order').fill('page_view\ncheckout.completed');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    expect(await stored()).toMatchObject({ metricWindowDays: { conversion: 7 }, funnelSteps: ['page_view', 'checkout.completed'] });
    // Back to the defaults, so later tests see them.
    await page.getByLabel('conversion', { exact: true }).fill('');
    await page.getByLabel('Funnel steps, in order').fill('page_view\ncheckout.started\ncheckout.completed');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(async () => (await stored()).metricWindowDays).toEqual({});
  });

  it('refuses a browser without the token', async () => {
    const context = await desk.browser.newContext();
    const stranger = await context.newPage();
    const response = await stranger.goto(`http://127.0.0.1:${desk.host.port}/`);
    expect(response?.status()).toBe(401);
    expect(await stranger.textContent('body')).toContain('Not authorised');
    const api = await stranger.evaluate(async () => (await fetch('/api/call/listExperiments', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status);
    expect(api).toBe(401);
    await context.close();
  });
});

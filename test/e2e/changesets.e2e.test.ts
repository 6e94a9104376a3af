/**
 * End to end in Chromium against the web host: the ChangeSet decision workflow with the
 * reference API going down and coming back. The desk is pointed at a port where nothing listens;
 * the experiment screen says so. The API starts on that port (a DuckDB file, so it keeps its state
 * across restarts), the Decision section proposes PROVEN for the ChangeSet linked by featureFlagKey
 * with the proof pre-filled; the API goes down, the analyst takes the decision and sees it queued;
 * the API comes back, "Sync now" sends it; the ChangeSets screen shows the ChangeSet PROVEN with the
 * new audit event in its timeline, and the API applied it exactly once. Then a PENDING_APPROVAL
 * ChangeSet is approved from its detail panel.
 *
 * Why the API is up once before the decision: with nothing ever fetched, the desk knows no
 * ChangeSet (the link by featureFlagKey needs the list), so the offline decision is taken on the
 * local copy fetched while the API was up — the situation the outbox is for.
 *
 * Screenshots: test-artifacts/e2e/changesets-*.png; axe-core on the Decision section and the
 * ChangeSets screen.
 */
import { createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-files.ts';
import { startReferenceServer, type ReferenceServer } from '../reference-api/server.ts';
import { e2eUnavailable, expectAccessible, openDesk, screenshot, type Desk } from './harness.ts';

const unavailable = e2eUnavailable();
if (unavailable) process.stderr.write(`\n[e2e] SKIPPED: ${unavailable}\n`);

const API_TOKEN = 'e2e-changeset-api-token-5f1c0a';
const REASON = 'e2e: checkout-redesign wins on conversion; ship it';

const files = tempDir();
let desk: Desk;
let page: Page;
let api: ReferenceServer | null = null;
let port = 0;

/** A port on 127.0.0.1 where nothing listens (bound once, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

/** Starts the reference API on the chosen port, over the same database file every time. */
async function startApi(): Promise<ReferenceServer> {
  api = await startReferenceServer({ port, token: API_TOKEN, databasePath: files.path('reference-api.duckdb') });
  return api;
}

async function stopApi(): Promise<void> {
  await api?.stop();
  api = null;
}

beforeAll(async () => {
  if (unavailable) return;
  port = await freePort();
  desk = await openDesk(files.path('desk'), undefined, {
    apiBaseUrl: `http://127.0.0.1:${port}`,
    apiToken: async () => API_TOKEN,
    // Short timeouts; no background sync, so "Sync now" is what sends the queued decision.
    changesetTuning: { timeoutMs: 2_000, maxAttempts: 2, baseDelayMs: 20, retryBaseMs: 200, syncIntervalMs: 0, submitWaitMs: 3_000 },
  });
  page = desk.page;
}, 60_000);
afterAll(async () => {
  await desk?.close();
  await stopApi();
});

const decision = () => page.getByRole('region', { name: 'Decision' });

describe.skipIf(!!unavailable)('ChangeSet decisions in Chromium (web host, reference API)', () => {
  it('says the API is unreachable and nothing is linked while nothing listens on its port', async () => {
    await page.getByRole('button', { name: 'Load sample data' }).click();
    await page.getByRole('button', { name: 'Open checkout-redesign' }).click({ timeout: 60_000 });
    await page.getByRole('table', { name: 'Metrics' }).waitFor();
    await expect.poll(() => decision().textContent(), { timeout: 30_000 }).toContain('is unreachable');
    expect(await decision().textContent()).toContain('No ChangeSet is linked to checkout-redesign');
    expect(await decision().getByRole('button', { name: /^Propose / }).count()).toBe(0);
    await decision().scrollIntoViewIfNeeded();
    await screenshot(page, 'changesets-decision-offline');
    await expectAccessible(page, 'decision section (API unreachable)');
  });

  it('proposes PROVEN for the ChangeSet linked by featureFlagKey once the API is up, proof pre-filled', async () => {
    await startApi();
    await decision().getByRole('button', { name: 'Refresh decision' }).click();
    const linked = decision().locator('[data-linked-changeset="chg_checkout_redesign"]');
    await linked.waitFor({ timeout: 30_000 });
    expect(await linked.textContent()).toMatch(/MEASURING.*version 4.*featureFlagKey = checkout-redesign/);
    expect(await decision().locator('[data-proposed]').getAttribute('data-proposed')).toBe('PROVEN');
    expect(await decision().locator('dd[data-field="dataHash"]').textContent()).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await decision().locator('dd[data-field="metric"]').textContent()).toContain('conversion');
    expect(await decision().locator('dd[data-field="relativeUplift"]').textContent()).toMatch(/^\+\d+\.\d% \[/);
    expect(await decision().getByLabel('Reason').inputValue()).toContain('checkout-redesign');
    await decision().getByRole('button', { name: 'Propose PROVEN' }).waitFor();
    await decision().scrollIntoViewIfNeeded();
    await screenshot(page, 'changesets-decision-proposed');
    await expectAccessible(page, 'decision section (proposed)');
  });

  it('takes the decision while the API is down: it is queued, and said so', async () => {
    await stopApi();
    await decision().getByLabel('Reason').fill(REASON);
    await decision().getByRole('button', { name: 'Propose PROVEN' }).click();
    const state = decision().locator('[data-outbox-item]');
    // Written first (queued, no attempt), then sent once, refused by the network, queued again.
    await expect.poll(() => state.textContent(), { timeout: 30_000 }).toContain('network_error');
    expect(await state.getAttribute('data-state')).toBe('queued');
    expect(await state.textContent()).toContain('Queued — will be sent when the API is reachable');
    expect(await decision().getByRole('button', { name: 'Propose PROVEN' }).count()).toBe(0); // no second decision
    await decision().scrollIntoViewIfNeeded();
    await screenshot(page, 'changesets-decision-queued');
    await expectAccessible(page, 'decision section (queued)');
  });

  it('syncs when the API is back, exactly once', async () => {
    await startApi();
    await decision().getByRole('button', { name: 'Sync now' }).click();
    const state = decision().locator('[data-outbox-item]');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 30_000 }).toBe('synced');
    expect(await state.textContent()).toContain('Synced');
    expect(await state.textContent()).toContain('now PROVEN, version 5');
    const stored = (await api!.changeset('chg_checkout_redesign'))!;
    expect(stored.execution.status).toBe('PROVEN');
    expect(stored.auditTrail.filter((e) => e.action === 'proven')).toHaveLength(1);
    expect(stored.auditTrail.at(-1)).toMatchObject({ action: 'proven', reason: REASON, previousState: 'MEASURING', newState: 'PROVEN' });
    expect(stored.execution.proofResult).toMatchObject({ experimentId: 'checkout-redesign', verdict: { status: 'winner' } });
    await decision().scrollIntoViewIfNeeded();
    await screenshot(page, 'changesets-decision-synced');
  });

  it('the ChangeSets screen (Ctrl+4) shows it PROVEN with the new event in its timeline and the outbox synced', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+4');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect.poll(() => nav.getByRole('button', { name: 'ChangeSets' }).getAttribute('aria-current')).toBe('page');
    const table = page.getByRole('table', { name: 'ChangeSets' });
    await table.waitFor({ timeout: 30_000 });
    expect(await page.locator('.screen-head [data-source]').getAttribute('data-source')).toBe('api');
    const row = table.locator('tr[data-changeset="chg_checkout_redesign"]');
    expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('PROVEN');
    expect(await row.locator('[data-status]').textContent()).toBe('PROVEN');

    await page.getByRole('button', { name: 'Show chg_checkout_redesign' }).click();
    const detail = page.getByRole('region', { name: 'ChangeSet detail' });
    await detail.getByRole('heading', { name: 'chg_checkout_redesign' }).waitFor();
    const timeline = detail.getByRole('list', { name: 'Audit trail' });
    await expect.poll(() => timeline.locator('li').count()).toBe(5);
    expect(await timeline.locator('li').evaluateAll((items) => items.map((li) => (li as unknown as { dataset: { action: string } }).dataset.action)))
      .toEqual(['created', 'submitted', 'approved', 'measured', 'proven']);
    expect(await timeline.locator('li').last().textContent()).toContain(REASON);
    expect(await detail.locator('.cs-head [data-status]').textContent()).toBe('PROVEN');
    expect(await detail.textContent()).not.toContain('AUTO-ROLLBACK: ARMED'); // decided: no longer armed
    // Only the legal step: PROVEN → PERMANENT.
    const steps = detail.getByRole('region', { name: 'Next steps' });
    expect(await steps.getByRole('button').allTextContents()).toEqual(['Make permanent']);

    const outbox = page.getByRole('region', { name: 'Outbox' });
    expect(await outbox.locator('[data-outbox-item]').first().getAttribute('data-state')).toBe('synced');
    await screenshot(page, 'changesets-screen');
    await expectAccessible(page, 'ChangeSets screen');
  });

  it('a MEASURING ChangeSet shows the armed auto-rollback banner; the status filter narrows the list', async () => {
    await page.getByRole('button', { name: 'Show chg_spring_offer' }).click();
    const detail = page.getByRole('region', { name: 'ChangeSet detail' });
    await detail.getByRole('heading', { name: 'chg_spring_offer' }).waitFor();
    expect(await detail.textContent()).toContain('AUTO-ROLLBACK: ARMED • DEVIATION > 5% = AUTO-KILL');
    await screenshot(page, 'changesets-armed');
    await page.getByLabel('Status', { exact: true }).selectOption('PROVEN');
    const table = page.getByRole('table', { name: 'ChangeSets' });
    await expect.poll(async () => (await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { changeset: string } }).dataset.changeset))).sort())
      .toEqual(['chg_checkout_redesign', 'chg_pdp_copy_refresh']);
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(7);
  });

  it('approves a PENDING_APPROVAL ChangeSet from its detail panel', async () => {
    await page.getByRole('button', { name: 'Show chg_loyalty_banner' }).click();
    const detail = page.getByRole('region', { name: 'ChangeSet detail' });
    await detail.getByRole('heading', { name: 'chg_loyalty_banner' }).waitFor();
    const steps = detail.getByRole('region', { name: 'Next steps' });
    expect(await steps.getByRole('button').allTextContents()).toEqual(['Approve', 'Reject']);
    expect(await steps.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true); // a reason first
    await steps.getByLabel('Reason for this step').fill('e2e: copy reviewed, guardrails fine');
    await screenshot(page, 'changesets-approval');
    await expectAccessible(page, 'ChangeSets screen (approval)');
    await steps.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => detail.locator('.cs-head [data-status]').textContent(), { timeout: 30_000 }).toBe('ACTIVE');
    expect(await detail.getByRole('list', { name: 'Audit trail' }).locator('li').last().getAttribute('data-action')).toBe('approved');
    expect((await api!.changeset('chg_loyalty_banner'))!.approval.status).toBe('approved');
  });

  it('Settings → API: the base URL, and a token that is never shown (the web host reads it from its environment)', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const section = page.getByRole('region', { name: 'API' });
    await expect.poll(() => section.getByLabel('API base URL').inputValue()).toBe(`http://127.0.0.1:${port}`);
    const token = section.getByLabel('API token');
    expect(await token.getAttribute('type')).toBe('password');
    expect(await token.inputValue()).toBe('');
    expect(await token.isDisabled()).toBe(true);
    expect(await section.textContent()).toContain('A token is stored');
    expect(await section.textContent()).toContain('EXPERIMENT_DESK_API_TOKEN');
    expect(await page.content()).not.toContain(API_TOKEN);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'changesets-settings-api');
    await expectAccessible(page, 'settings with API section');
  });
});

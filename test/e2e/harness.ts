/**
 * End-to-end harness: the real web host (desk service over a database file in a temp folder)
 * serving the built renderer, driven by Debian's Chromium through playwright-core. Screenshots go
 * to test-artifacts/e2e/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createDeskService, type DeskService, type DeskServiceOptions } from '../../data/service/desk-service.ts';
import { startWebHost, type WebHost } from '../../webhost/server.ts';
import { REPO_ROOT } from '../helpers/shared-datasets.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RENDERER_DIR = join(REPO_ROOT, 'dist', 'renderer');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'e2e');

/** Why the e2e tests cannot run here, or null. Printed, never silent. */
export function e2eUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) return 'dist/renderer is not built (npm run build:renderer; npm test does it)';
  return null;
}

export interface Desk {
  readonly service: DeskService;
  readonly host: WebHost;
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

/** Desk service options an e2e test may set (the ChangeSet API and its cadence); the rest is the harness's. */
export type DeskServiceOverrides = Pick<DeskServiceOptions, 'apiBaseUrl' | 'apiToken' | 'changesetTuning'>;

/**
 * Starts a web host on a fresh data folder and opens its URL (with the token) in Chromium.
 * `service` points the desk at a ChangeSet API (base URL, token provider, shorter timeouts).
 */
export async function openDesk(dataDir: string, token = 'e2e-token-abcdefghijklmnop', service: DeskServiceOverrides = {}): Promise<Desk> {
  mkdirSync(dataDir, { recursive: true });
  const deskService = await createDeskService({
    databasePath: join(dataDir, 'desk.duckdb'), settingsPath: join(dataDir, 'settings.json'), uploadDir: join(dataDir, 'work'),
    ...service,
  });
  const host = await startWebHost({ service: deskService, staticDir: RENDERER_DIR, token });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  // bypassCSP only so the accessibility checker (axe-core) can be injected; the CSP itself is checked separately.
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(host.url);
  return {
    service: deskService, host, browser, page,
    async close() {
      await browser.close();
      await host.close();
      await deskService.close();
    },
  };
}

/** Saves a full-page screenshot as a test artifact. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const AXE_SOURCE = readFileSync(join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/** Runs axe-core on the page and asserts no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // The test tsconfig has no DOM types: the page's globals are reached through globalThis.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as { document: unknown; axe: { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> } };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })) }));
  });
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(blocking, `${screen}: ${JSON.stringify(blocking, null, 1)}`).toEqual([]);
}

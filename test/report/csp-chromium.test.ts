/**
 * The styles policies, checked in headless Chromium (docs/security.md, "Content-Security-Policy"):
 *
 * - the HTML report allows its own `<style>` element and echarts' SVG `style` attributes by hash,
 *   with no 'unsafe-inline': it renders with no CSP violation, its styles and chart fonts apply,
 *   and a style the page did not hash is refused;
 * - the app's policy (Electron, web host, renderer/index.html: one text) lets the stylesheet and
 *   CSSOM styles (React `style={…}`, echarts) through, refuses an inline `<style>` element, and
 *   still allows `style` attributes in markup (echarts' HTML tooltips).
 *
 * Skipped with a message when Chromium is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentReport } from '../../contract/report.ts';
import { defaultSettings } from '../../contract/settings.ts';
import { buildReportModel } from '../../data/report/build-report-model.ts';
import { renderReportHtml } from '../../data/report/render-html.ts';
import { CONTENT_SECURITY_POLICY as ELECTRON_CSP } from '../../electron/security.ts';
import { CONTENT_SECURITY_POLICY as WEBHOST_CSP } from '../../webhost/server.ts';
import { REPO_ROOT } from '../helpers/shared-datasets.ts';
import { CHROMIUM } from './report-files.ts';

// The callbacks passed to page.evaluate run in the page; the root project has no DOM types, so
// the few page globals they use are declared here, for this module only.
interface PageElement {
  style: Record<string, string>; append: (...nodes: unknown[]) => void; textContent: string | null; setAttribute: (name: string, value: string) => void;
}
declare const document: {
  body: PageElement; head: PageElement; querySelector: (selector: string) => PageElement | null;
  createElement: (tag: string) => PageElement; getElementById: (id: string) => PageElement | null;
};
declare function getComputedStyle(element: PageElement): Record<string, string>;

const missing = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;
if (missing) process.stderr.write(`\n[csp] Chromium checks SKIPPED: ${missing}\n`);

const interval = (estimate: number, half: number) => ({ estimate, ciLower: estimate - half, ciUpper: estimate + half });

/** A two-arm experiment with every chart of the report (forest, cumulative, retention). */
function reportHtml(): string {
  const experiment = {
    experimentId: 'csp-check', source: 'events', control: 'control', variants: ['control', 'v2'], units: { control: 1000, v2: 1010 },
    excludedUnits: { multipleExposures: 0 }, totalUnits: 2010, firstExposure: '2026-03-02T00:00:00.000Z', dataEnd: '2026-03-23T00:00:00.000Z',
    runtimeDays: 21, srm: { chiSquare: 0.1, pValue: 0.75, flagged: false, df: 1 }, primaryMetric: 'conversion', guardrailMetrics: [],
    metrics: [{
      name: 'conversion', type: 'binomial', eligibleUnits: 2010, cupedRequested: false, theta: null, errorCode: null,
      variants: [{ variant: 'control', n: 1000, mean: 0.1, variance: 0.09 }, { variant: 'v2', n: 1010, mean: 0.12, variance: 0.1 }],
      comparisons: [{ variant: 'v2', control: 'control', absolute: interval(0.02, 0.01), relative: interval(0.2, 0.1), pValue: 0.01, absolutePValue: 0.01, errorCode: null, cuped: null }],
    }],
    power: null, warnings: [],
    verdict: { status: 'winner', variant: 'v2', reason: 'v2 lifts conversion.', proposedTransition: 'PROVEN' },
  } as unknown as ExperimentReport;
  const day0 = Date.parse('2026-03-02T23:59:59.999Z');
  const model = buildReportModel({
    experiment, settings: defaultSettings(), files: [], appVersion: '9.9.9',
    analysedAt: '2026-03-24T09:29:00.000Z', generatedAt: '2026-03-24T09:30:00.000Z',
    cumulative: Array.from({ length: 10 }, (_, i) => ({ day: day0 + i * 864e5, variant: 'v2', n: 100 * (i + 1), relative: 0.2, ciLower: 0.1, ciUpper: 0.3 })),
    retention: ['control', 'v2'].flatMap((variant) => Array.from({ length: 31 }, (_, day) => ({ day, variant, mature: 100, rate: 0.5 / (day + 1) }))),
  });
  return renderReportHtml(model);
}

let browser: Browser | null = null;

beforeAll(async () => {
  if (missing) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
});

/** A new page whose CSP violations are collected (Chromium logs each one as a console error). */
async function pageWithViolations(): Promise<{ page: Page; violations: string[] }> {
  const page = await browser!.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return { page, violations };
}

describe.skipIf(missing !== null)('the report\'s style policy', () => {
  it('hashes its styles: no unsafe-inline, no violation, styles and chart fonts applied, other inline styles refused', async () => {
    const html = reportHtml();
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replaceAll('&#39;', "'") ?? '';
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+' 'unsafe-hashes'( 'sha256-[A-Za-z0-9+/=]+')+;/);
    expect(csp).not.toContain('unsafe-inline');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<svg[\s\S]*<style/);

    const { page, violations } = await pageWithViolations();
    await page.setContent(html, { waitUntil: 'load' });
    const styles = await page.evaluate(() => {
      const text = document.querySelector('svg text');
      return {
        bodyMargin: getComputedStyle(document.body).margin,
        small: getComputedStyle(document.querySelector('.mono.small') ?? document.body).fontSize,
        chartFont: text ? getComputedStyle(text).fontFamily : '',
        chartSize: text ? getComputedStyle(text).fontSize : '',
      };
    });
    expect(violations).toEqual([]);
    expect(styles.bodyMargin).not.toBe('8px'); // the report's stylesheet applies, not the UA default
    expect(styles.small).toBe('11px');
    expect(styles.chartFont).toContain('JetBrains Mono');
    expect(styles.chartSize).toBe('11px');

    // A style attribute or element the page did not hash is refused.
    const injected = await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.setAttribute('style', 'width: 123px');
      document.body.append(probe);
      const sheet = document.createElement('style');
      sheet.textContent = 'body { outline: 3px solid red; }';
      document.head.append(sheet);
      return { width: probe.style.width, outline: getComputedStyle(document.body).outlineStyle };
    });
    expect(injected).toEqual({ width: '', outline: 'none' });
    await page.close();
  });
});

describe('the app\'s style policy', () => {
  it('is one text in Electron, the web host and renderer/index.html, without unsafe-inline for style elements', () => {
    expect(WEBHOST_CSP).toBe(ELECTRON_CSP);
    const index = readFileSync(join(REPO_ROOT, 'renderer', 'index.html'), 'utf8');
    expect(/http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(index)?.[1]).toBe(ELECTRON_CSP);
    const directives = new Map(ELECTRON_CSP.split('; ').map((d) => [d.split(' ')[0], d] as const));
    expect(directives.get('style-src')).toBe("style-src 'self'");
    expect(directives.get('style-src-attr')).toBe("style-src-attr 'unsafe-inline'");
  });

  it.skipIf(missing !== null)('in Chromium: the stylesheet and CSSOM styles apply, an inline <style> is refused, tooltip markup keeps its styles', async () => {
    const { page, violations } = await pageWithViolations();
    const files: Record<string, [string, string]> = {
      '/': ['text/html', '<!doctype html><html><head><link rel="stylesheet" href="/app.css"><style>body { outline: 3px solid red; }</style></head>'
        + '<body><div id="root"></div><script src="/app.js"></script></body></html>'],
      '/app.css': ['text/css', 'body { margin: 0; }'],
      // What React (`style={{ height }}`) and echarts (`el.style.cssText`, tooltip innerHTML) do.
      '/app.js': ['text/javascript', `const root = document.getElementById('root');
        const chart = document.createElement('div'); chart.style.height = '240px'; root.append(chart);
        const box = document.createElement('div'); box.style.cssText = 'position:absolute;width:77px'; root.append(box);
        box.innerHTML = '<span id="marker" style="display:inline-block;width:10px;background-color:#ccff00"></span>';`],
    };
    await page.route('http://desk.test/**', async (route) => {
      const [type, body] = files[new URL(route.request().url()).pathname] ?? ['text/plain', ''];
      await route.fulfill({ status: 200, contentType: type, body, headers: { 'Content-Security-Policy': ELECTRON_CSP } });
    });
    await page.goto('http://desk.test/', { waitUntil: 'load' });
    const styles = await page.evaluate(() => ({
      margin: getComputedStyle(document.body).margin,
      outline: getComputedStyle(document.body).outlineStyle,
      chart: getComputedStyle(document.querySelector('#root > div')!).height,
      box: getComputedStyle(document.querySelector('#root > div:nth-child(2)')!).width,
      marker: getComputedStyle(document.getElementById('marker')!).width,
    }));
    expect(styles).toEqual({ margin: '0px', outline: 'none', chart: '240px', box: '77px', marker: '10px' });
    expect(violations.length).toBe(1);
    expect(violations[0]).toMatch(/style/i);
    await page.close();
  });
});

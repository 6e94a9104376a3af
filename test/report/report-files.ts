/**
 * Reading the report files back in tests: a tiny parser for the report's own well-formed HTML
 * (regular expressions over what render-html.ts writes — no DOM dependency), and the PDF through
 * poppler's `pdftoppm` (pages as 8-bit grey PGM, which is trivial to decode; page 1 as a PNG
 * test artifact in test-artifacts/report/).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from '../helpers/shared-datasets.ts';

export const REPORT_ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'report');
export const PDFTOPPM = '/usr/bin/pdftoppm';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why PDFs cannot be checked here, or null. */
export function pdfUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;
  if (!existsSync(PDFTOPPM)) return `${PDFTOPPM} is missing (apt-get install poppler-utils; .ci/run installs it)`;
  return null;
}

/** The HTML entities render-html.ts writes, decoded. */
export function unescapeHtml(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');
}

export interface HtmlCell {
  readonly metric: string;
  readonly variant: string;
  readonly field: string;
  /** The raw `data-value` ('' for null). */
  readonly value: string;
}

/** The `<table aria-label="Metrics">…</table>` of a report. */
export function metricTableHtml(html: string): string {
  const start = html.indexOf('<table aria-label="Metrics"');
  expect(start, 'the report has a metric table').toBeGreaterThanOrEqual(0);
  const end = html.indexOf('</table>', start);
  return html.slice(start, end + '</table>'.length);
}

/** Every element of the metric table that carries a number, with its attributes decoded. */
export function metricCells(html: string): HtmlCell[] {
  const table = metricTableHtml(html);
  const cells: HtmlCell[] = [];
  for (const match of table.matchAll(/<(?:td|span)\b([^>]*)\bdata-field="([^"]*)"([^>]*)>/g)) {
    const attrs = `${match[1]} ${match[3]}`;
    const attr = (name: string) => {
      const m = new RegExp(`\\b${name}="([^"]*)"`).exec(attrs);
      expect(m, `${name} on a data-field="${match[2]}" cell`).not.toBeNull();
      return unescapeHtml(m![1]!);
    };
    cells.push({ metric: attr('data-metric'), variant: attr('data-variant'), field: match[2]!, value: attr('data-value') });
  }
  return cells;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The analysis value behind a metric-table field (the app's data-field names, MetricTable.tsx). */
export function expectedValue(metric: Json, variant: string, field: string): number | null {
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

/** Fields every row of the metric table has (the uplift bounds only when there is an uplift). */
export const ROW_FIELDS = ['n', 'mean', 'absolute', 'relative', 'pValue', 'cupedRelative', 'cupedPValue', 'varianceReduction'] as const;

/**
 * `actual` equals `expected`: exactly when `exact`; otherwise within 1e-12 relative — the width
 * of DuckDB's run-to-run noise: its parallel aggregation adds doubles in a varying order, so two
 * analyses of the same data (two CLI runs) may differ in the last bit or two. The numbers of one
 * analysis reach every rendering unchanged (report-model.test.ts checks that exactly).
 */
export function expectSameNumber(actual: number, expected: number, at: string, exact = false): void {
  if (exact || actual === expected) {
    expect(actual, at).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected), `${at}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
}

/**
 * Asserts every number of the metric table equals the analysis JSON, and none is missing: counts
 * exactly; the other numbers exactly when `exact` (the same analysis), else to DuckDB's
 * run-to-run noise (`expectSameNumber`).
 */
export function expectMetricTableEquals(html: string, experiment: Json, exact = true): void {
  const cells = metricCells(html);
  for (const metric of experiment.metrics as Json[]) {
    for (const v of metric.variants as Json[]) {
      for (const field of ROW_FIELDS) {
        expect(cells.some((c) => c.metric === metric.name && c.variant === v.variant && c.field === field), `${metric.name}/${v.variant}/${field} shown`).toBe(true);
      }
    }
  }
  for (const cell of cells) {
    const metric = (experiment.metrics as Json[]).find((m) => m.name === cell.metric);
    expect(metric, `metric ${cell.metric} in the analysis`).toBeDefined();
    const expected = expectedValue(metric!, cell.variant, cell.field);
    const at = `${cell.metric}/${cell.variant}/${cell.field}`;
    if (expected === null) expect(cell.value, at).toBe('');
    else expectSameNumber(Number(cell.value), expected, at, exact || cell.field === 'n');
  }
}

/**
 * Every URL the page could load: URL attributes of its tags (`src`, `href`, …), CSS `url(…)` in
 * `<style>` blocks and in attribute values (`style`, SVG `clip-path`), `@import`. Only real tags
 * are read: text from the data is escaped (no literal `<`), so `src=x` inside text is not a URL.
 */
export function loadedUrls(html: string): string[] {
  const urls: string[] = [];
  const cssUrls = (css: string) => {
    for (const m of css.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) urls.push(m[2] ?? '');
    for (const m of css.matchAll(/@import\s+(?:url\()?\s*['"]?([^'");]+)/gi)) urls.push(m[1] ?? '');
  };
  for (const style of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) cssUrls(style[1] ?? '');
  for (const tag of html.matchAll(/<[a-zA-Z][\w:-]*(\s[^>]*)?>/g)) {
    for (const attr of (tag[1] ?? '').matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
      const name = attr[1]!.toLowerCase();
      const value = attr[3] ?? attr[4] ?? attr[5] ?? '';
      if (['src', 'href', 'xlink:href', 'srcset', 'poster', 'action', 'formaction', 'data', 'background', 'ping'].includes(name)) urls.push(value);
      cssUrls(value.replaceAll('&quot;', '"').replaceAll('&#39;', "'"));
    }
  }
  return urls;
}

/** Asserts the page loads nothing from the network: only data: URLs and in-page #fragments. */
export function expectSelfContained(html: string): void {
  for (const url of loadedUrls(html)) expect(url, 'a URL the report would load').toMatch(/^(data:|#)/);
  expect(html).not.toMatch(/<(script|link|iframe|object|embed|img|base)\b/i);
  // The only absolute URLs allowed anywhere are SVG's XML namespace names (never fetched).
  const withoutNamespaces = html.replace(/\sxmlns(:\w+)?="[^"]*"/g, '');
  expect(withoutNamespaces).not.toMatch(/(https?|ftp|wss?):\/\//i);
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`);
}

/**
 * Deep equality of two JSON values where numbers may differ by 1e-12 relative: two analyses of the
 * same data in separate processes sum doubles in parallel, in an order that can change the last bit.
 */
export function expectDeepClose(actual: unknown, expected: unknown, at = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expectSameNumber(actual, expected, at);
    return;
  }
  if (expected === null || typeof expected !== 'object') {
    expect(actual, at).toEqual(expected);
    return;
  }
  expect(actual !== null && typeof actual === 'object', `${at} is an object`).toBe(true);
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  expect(Object.keys(a).sort(), `${at} keys`).toEqual(Object.keys(e).sort());
  for (const key of Object.keys(e)) expectDeepClose(a[key], e[key], `${at}.${key}`);
}

/** The SVG inside `<figure data-chart="id">`, or null. */
export function chartSvg(html: string, id: string): string | null {
  const start = html.indexOf(`<figure data-chart="${id}"`);
  if (start < 0) return null;
  const end = html.indexOf('</figure>', start);
  const figure = html.slice(start, end);
  const svg = /<svg\b[\s\S]*?<\/svg>/.exec(figure);
  return svg ? svg[0] : null;
}

/** Decodes a binary PGM (P5, maxval ≤ 255). */
export function readPgm(bytes: Buffer): { width: number; height: number; pixels: Uint8Array } {
  let offset = 0;
  const tokens: string[] = [];
  while (tokens.length < 4) {
    while (offset < bytes.length && /\s/.test(String.fromCharCode(bytes[offset]!))) offset++;
    if (bytes[offset] === 0x23) { // '#' comment
      while (offset < bytes.length && bytes[offset] !== 0x0a) offset++;
      continue;
    }
    let token = '';
    while (offset < bytes.length && !/\s/.test(String.fromCharCode(bytes[offset]!))) token += String.fromCharCode(bytes[offset++]!);
    tokens.push(token);
  }
  offset++; // the single whitespace after maxval
  const [magic, w, h, max] = tokens;
  if (magic !== 'P5' || Number(max) > 255) throw new Error(`not an 8-bit binary PGM: ${tokens.join(' ')}`);
  const width = Number(w);
  const height = Number(h);
  return { width, height, pixels: bytes.subarray(offset, offset + width * height) };
}

export interface PdfPages {
  readonly count: number;
  /** Share of non-white pixels (grey < 250) per page, 0…1. */
  readonly ink: readonly number[];
}

/** Renders every page of a PDF to grey PGM at 50 dpi and measures how much of each is inked. */
export function pdfPages(pdfPath: string): PdfPages {
  const dir = mkdtempSync(join(tmpdir(), 'report-pdf-'));
  try {
    execFileSync(PDFTOPPM, ['-gray', '-r', '50', pdfPath, join(dir, 'page')]);
    const files = readdirSync(dir).filter((f) => f.endsWith('.pgm')).sort();
    const ink = files.map((f) => {
      const { pixels } = readPgm(readFileSync(join(dir, f)));
      let dark = 0;
      for (const p of pixels) if (p < 250) dark++;
      return dark / pixels.length;
    });
    return { count: files.length, ink };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Saves page 1 of a PDF as test-artifacts/report/<name>.png (80 dpi); returns its path. */
export function savePageOne(pdfPath: string, name: string): string {
  mkdirSync(REPORT_ARTIFACTS, { recursive: true });
  const prefix = join(REPORT_ARTIFACTS, name);
  execFileSync(PDFTOPPM, ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdfPath, prefix]);
  return `${prefix}.png`;
}

/**
 * The project's one HTML escape and bidi-control filter (contract/escape-html.ts,
 * docs/security.md), and a guard that the renderer writes no raw HTML of its own: React escapes
 * text, so the only HTML sinks are echarts formatters (tested in renderer/charts/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml, stripBidiControls } from '../../contract/escape-html.ts';
import { pdfFooterTemplate } from '../../data/report/pdf-layout.ts';
import { esc } from '../../data/report/render-html.ts';
import { REPO_ROOT } from '../helpers/shared-datasets.ts';

describe('escapeHtml', () => {
  it('escapes the five HTML metacharacters; null and undefined are empty', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&amp;`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;amp;');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(0.5)).toBe('0.5');
  });

  it('removes bidi embedding, override and isolate controls, and nothing else', () => {
    const controls = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].map((c) => String.fromCodePoint(c)).join('');
    expect(stripBidiControls(`a${controls}b`)).toBe('ab');
    expect(escapeHtml(`price\u202E%01\u202C`)).toBe('price%01');
    // Right-to-left letters, marks and joiners stay: only the controls that reorder other text go.
    expect(stripBidiControls('שלום \u200F مرحبا \u200D')).toBe('שלום \u200F مرحبا \u200D');
  });

  it('is the report\'s escape (one function, not a copy)', () => {
    expect(esc).toBe(escapeHtml);
  });

  it('the PDF footer escapes the experiment id through it (bidi controls removed)', () => {
    const footer = pdfFooterTemplate(`<b>"x"&'\u202Ey`, '2026-03-24T09:30:00Z');
    expect(footer).toContain('· &lt;b&gt;&quot;x&quot;&amp;&#39;y · 2026-03-24</span>');
    expect(footer).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  });

  it('has no copy: no other source file replaces & by &amp;', () => {
    const copies = ['contract', 'data', 'renderer', 'electron', 'webhost', 'cli']
      .flatMap((dir) => sources(join(REPO_ROOT, dir)))
      .filter((file) => !file.endsWith(join('contract', 'escape-html.ts')) && /['"]&['"],\s*['"]&amp;['"]/.test(readFileSync(file, 'utf8')));
    expect(copies).toEqual([]);
  });
});

/** Every .ts/.tsx file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('the renderer writes no raw HTML', () => {
  it('no dangerouslySetInnerHTML, innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
    const offenders = sources(join(REPO_ROOT, 'renderer')).filter((file) =>
      /dangerouslySetInnerHTML|\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('every chart formatter that returns markup escapes through escapeHtml', () => {
    for (const file of sources(join(REPO_ROOT, 'renderer', 'charts'))) {
      const text = readFileSync(file, 'utf8');
      if (/<br\s*\/?>|<span|<div|<b>/.test(text)) expect(text, file).toContain('escapeHtml(');
    }
  });
});

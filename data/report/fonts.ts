/**
 * JetBrains Mono (docs/interface.md: every number in it) for self-contained reports: the Latin subset in
 * weights 400 and 700, read from `@fontsource/jetbrains-mono` and inlined as base64 `data:` URLs
 * in `@font-face` rules, so a report renders the same on a machine without the font and loads
 * nothing from the network. About 58 kB of CSS; read once per process.
 *
 * When the package is not installed (a packaged build that left it out), the rules are empty and
 * the report falls back to the platform's monospace font: a warning, never an error.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const WEIGHTS = [400, 700] as const;
let cached: string | null = null;

/** `@font-face` rules for 'JetBrains Mono' 400 and 700 with inlined woff2 data, or '' when unavailable. */
export function embeddedFontCss(): string {
  if (cached !== null) return cached;
  const rules: string[] = [];
  for (const weight of WEIGHTS) {
    try {
      const path = require.resolve(`@fontsource/jetbrains-mono/files/jetbrains-mono-latin-${weight}-normal.woff2`);
      const data = readFileSync(path).toString('base64');
      rules.push(`@font-face{font-family:'JetBrains Mono';font-style:normal;font-weight:${weight};font-display:block;`
        + `src:url(data:font/woff2;base64,${data}) format('woff2');}`);
    } catch {
      // Not installed: the font stack's fallbacks apply.
    }
  }
  cached = rules.join('\n');
  return cached;
}

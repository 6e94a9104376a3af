/**
 * Text from the data (experiment ids, variant and metric names, file names, reasons) on its way
 * to a screen or a report: the one HTML escape of the project, and the bidi-control filter
 * (docs/security.md, "The renderer"). Pure and platform-neutral, so the renderer's chart
 * tooltips and data/report's HTML use the same function.
 *
 * Bidi controls — the embeddings and overrides U+202A–U+202E and the isolates U+2066–U+2069 —
 * are *removed* from names shown to people, not wrapped in an isolate: a name that carries its
 * own PDI (U+2069) could close a wrapping isolate early and let an override leak into the
 * numbers beside it, and inside an isolate an override still reverses the name itself. Names in
 * right-to-left scripts keep their letters and the Unicode bidi algorithm's natural order.
 */

/** The bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** `text` without bidi embedding, override and isolate controls (see the module comment). */
export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/**
 * Escapes text for HTML content and for single- or double-quoted attribute values (`&`, `<`,
 * `>`, `"`, `'`), after removing bidi controls. null/undefined become ''.
 */
export function escapeHtml(value: unknown): string {
  return stripBidiControls(String(value ?? ''))
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

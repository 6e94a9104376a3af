/**
 * Names from the data as the app's views show them: experiment ids, variant, metric, segment
 * and event names, ChangeSet ids and texts, file names. The one display filter of the renderer:
 * bidi embedding, override and isolate controls are removed (`stripBidiControls`, the same
 * function the charts and the HTML report use; docs/security.md, "The renderer"), so a name
 * cannot reorder the text and numbers around it. React escapes the rest.
 *
 * Only for what is shown (text, `aria-label`, `title`): ids sent back to the host and `data-*`
 * attributes keep the name as it is.
 */
import { stripBidiControls } from '../../contract/escape-html.ts';
import { baseName } from './progress.ts';

/** `name` as shown: without bidi controls; null and undefined become ''. */
export function displayName(name: string | null | undefined): string {
  return name == null ? '' : stripBidiControls(name);
}

/** Several names as shown, joined by `separator` (", " unless told). */
export function displayNames(names: readonly string[], separator = ', '): string {
  return names.map(displayName).join(separator);
}

/** The last segment of a file path as shown: "/tmp/x/demo-events.csv" → "demo-events.csv". */
export function displayFileName(path: string): string {
  return displayName(baseName(path));
}

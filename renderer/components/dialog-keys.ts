/**
 * The keyboard rules of every modal dialog (docs/interface.md, "Keyboard"): Escape closes it, Tab
 * and Shift+Tab wrap around its focusable controls so focus never leaves it.
 */
import type { KeyboardEvent } from 'react';

/** What takes focus inside a dialog: enabled form controls and anything with a non-negative tabindex. */
export const FOCUSABLE = 'button:not([disabled]), select:not([disabled]), input:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * The dialog's `onKeyDown`: Escape calls `close` (and goes no further, so the app's own Escape
 * handling does not run too); Tab on the last control moves to the first, Shift+Tab on the first
 * to the last. `dialog` is the dialog's element (null before it is mounted: nothing happens).
 */
export function handleDialogKeys(event: KeyboardEvent<HTMLElement>, dialog: HTMLElement | null, close: () => void): void {
  if (event.key === 'Escape') {
    event.preventDefault();
    event.stopPropagation();
    close();
    return;
  }
  if (event.key !== 'Tab' || !dialog) return;
  const items = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE));
  if (items.length === 0) return;
  const first = items[0]!;
  const last = items[items.length - 1]!;
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

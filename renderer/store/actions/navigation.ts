import type { Screen } from '../slices/navigation.ts';
import { patch, slice } from '../store.ts';

/**
 * Shows a screen. `byUser: false` for switches the app makes on its own (start-up, after sample
 * data); `moveFocus` (default: `byUser`) lets the new screen's heading take focus.
 */
export function navigate(screen: Screen, { byUser = true, moveFocus = byUser }: { byUser?: boolean; moveFocus?: boolean } = {}): void {
  const current = slice('navigation');
  patch('navigation', { screen, userNavigated: current.userNavigated || byUser, moveFocus });
}

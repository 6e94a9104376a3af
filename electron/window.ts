/**
 * The app's single window. Its options come from a pure function so the test can read them;
 * every security-relevant preference comes from `security.ts`.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { secureWebPreferences } from './security.ts';

export const WINDOW_TITLE = 'Experiment Desk';

/**
 * Options of the main window: hidden until `ready-to-show` (no white flash), a black background
 * matching the renderer's dark theme, and a minimum size at which the variant table and the
 * uplift chart still fit side by side.
 */
export function mainWindowOptions(preloadPath: string) {
  return {
    title: WINDOW_TITLE,
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    show: false,
    backgroundColor: '#000000',
    autoHideMenuBar: false,
    webPreferences: secureWebPreferences(preloadPath),
  } as const satisfies BrowserWindowConstructorOptions;
}

/**
 * The host API the renderer uses: Electron's preload exposes `window.desk`; in any other page
 * (the loopback web host) the HTTP client stands in. Nothing else in the renderer talks to a host.
 */
import type { DeskApi } from '../../contract/desk-api.ts';
import { createWebDesk } from './web-desk.ts';

export const desk: DeskApi = (typeof window !== 'undefined' && window.desk) || createWebDesk();

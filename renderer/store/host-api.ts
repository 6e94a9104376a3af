/**
 * The host API the actions call. The app connects `desk` (host/desk.ts) at start-up; tests
 * connect a fake. Kept apart from host/desk.ts so that importing the store never touches
 * `window` or the network.
 */
import type { DeskApi } from '../../contract/desk-api.ts';

let api: DeskApi | null = null;

export function connectDesk(desk: DeskApi): void {
  api = desk;
}

export function deskApi(): DeskApi {
  if (!api) throw new Error('No host API connected: call connectDesk() first');
  return api;
}

/** A fresh id for an import (cancel and progress events refer to it). */
export function newImportId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `import-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * The names of the contract (docs/architecture.md, "One contract, three hosts"): every method
 * the renderer can call and every event a host pushes, once, as runtime lists every host derives
 * its channels, routes and bridges from.
 *
 * This module imports only types, on purpose: the sandboxed Electron preload and the browser page
 * bundle it, and a runtime import of `desk-api.ts` would drag zod into every page load. The
 * `satisfies Record<…>` makes both lists exact at compile time: a method or event added to the
 * contract's types but missing here (or listed here but gone from the contract) is a type error.
 */
import type { DeskEventName, DeskMethod } from './desk-api.ts';

const METHOD_NAMES = {
  importFiles: true,
  cancelImport: true,
  previewFile: true,
  listRejects: true,
  loadSampleData: true,
  listExperiments: true,
  analyzeExperiment: true,
  previewRows: true,
  listFiles: true,
  getSettings: true,
  setSettings: true,
  listChangeSets: true,
  getChangeSet: true,
  proposeDecision: true,
  submitDecision: true,
  listOutbox: true,
  retryOutbox: true,
  discardOutboxItem: true,
  linkExperiment: true,
  approveChangeSet: true,
  rejectChangeSet: true,
  getApiSettings: true,
  setApiSettings: true,
  exportReport: true,
} as const satisfies Record<DeskMethod, true>;

const EVENT_NAMES = {
  'import-progress': true,
  'files-opened': true,
  'menu-command': true,
  'outbox-changed': true,
} as const satisfies Record<DeskEventName, true>;

/** Every contract method, in declaration order. */
export const DESK_METHODS: readonly DeskMethod[] = Object.freeze(Object.keys(METHOD_NAMES) as DeskMethod[]);

/** Every event a host may push to the renderer. */
export const DESK_EVENTS: readonly DeskEventName[] = Object.freeze(Object.keys(EVENT_NAMES) as DeskEventName[]);

/** True when `value` names a contract method (the hosts' method allowlist). */
export function isDeskMethod(value: unknown): value is DeskMethod {
  return typeof value === 'string' && Object.hasOwn(METHOD_NAMES, value);
}

/** True when `value` names a contract event (the hosts' event allowlist). */
export function isDeskEventName(value: unknown): value is DeskEventName {
  return typeof value === 'string' && Object.hasOwn(EVENT_NAMES, value);
}

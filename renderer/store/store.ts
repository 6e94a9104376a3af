/**
 * The renderer's one store, made of the typed slices' initial values, and its reset (tests reset it
 * between cases; the state holds data only, so the initial snapshot is the whole reset).
 */
import { create } from 'zustand';
import type { DeskState } from './state.ts';
import { initialApiSettings } from './slices/api-settings.ts';
import { initialChangeSets } from './slices/changesets.ts';
import { initialDecision } from './slices/decision.ts';
import { initialExperiment } from './slices/experiment.ts';
import { initialExperiments } from './slices/experiments.ts';
import { initialImport } from './slices/import.ts';
import { initialNavigation } from './slices/navigation.ts';
import { initialOutbox } from './slices/outbox.ts';
import { initialReportExport } from './slices/report.ts';
import { initialSettings } from './slices/settings.ts';

// The slices hold data only (their operations are the actions), so the store is their initial values.
export const useDeskStore = create<DeskState>()(() => ({
  navigation: initialNavigation,
  importer: initialImport,
  experiments: initialExperiments,
  experiment: initialExperiment,
  settings: initialSettings,
  reportExport: initialReportExport,
  changesets: initialChangeSets,
  outbox: initialOutbox,
  decision: initialDecision,
  apiSettings: initialApiSettings,
}));

const initialState: DeskState = useDeskStore.getState();

/** Puts the store back to its initial state. */
export function resetStore(): void {
  useDeskStore.setState(initialState, true);
}

/** Replaces part of one slice: `patch('importer', { status: 'running' })`. */
export function patch<K extends keyof DeskState>(key: K, changes: Partial<DeskState[K]>): void {
  useDeskStore.setState((state) => ({ [key]: { ...state[key], ...changes } }) as unknown as Partial<DeskState>);
}

/** The current value of one slice. */
export function slice<K extends keyof DeskState>(key: K): DeskState[K] {
  return useDeskStore.getState()[key];
}

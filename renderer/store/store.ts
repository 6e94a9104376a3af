/**
 * The renderer's one store, combined from the typed slices, and its reset (tests reset it
 * between cases; the state holds data only, so the initial snapshot is the whole reset).
 */
import { create } from 'zustand';
import type { DeskState } from './state.ts';
import { createExperimentSlice } from './slices/experiment.ts';
import { createExperimentsSlice } from './slices/experiments.ts';
import { createImportSlice } from './slices/import.ts';
import { createNavigationSlice } from './slices/navigation.ts';
import { createReportSlice } from './slices/report.ts';
import { createSettingsSlice } from './slices/settings.ts';
import { createApiSettingsSlice } from './slices/api-settings.ts';
import { createChangeSetsSlice } from './slices/changesets.ts';
import { createDecisionSlice } from './slices/decision.ts';
import { createOutboxSlice } from './slices/outbox.ts';

export const useDeskStore = create<DeskState>()((...a) => ({
  ...createNavigationSlice(...a),
  ...createImportSlice(...a),
  ...createExperimentsSlice(...a),
  ...createExperimentSlice(...a),
  ...createSettingsSlice(...a),
  ...createReportSlice(...a),
  ...createChangeSetsSlice(...a),
  ...createOutboxSlice(...a),
  ...createDecisionSlice(...a),
  ...createApiSettingsSlice(...a),
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

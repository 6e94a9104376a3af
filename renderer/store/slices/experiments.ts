import type { DeskError, ExperimentListItem } from '../../../contract/desk-api.ts';

/** The experiment list (Experiments screen; empty means first run). */
export interface ExperimentsState {
  /** null until the first answer. */
  readonly items: readonly ExperimentListItem[] | null;
  readonly loading: boolean;
  readonly error: DeskError | null;
}

export interface ExperimentsSlice {
  readonly experiments: ExperimentsState;
}

export const initialExperiments: ExperimentsState = { items: null, loading: false, error: null };


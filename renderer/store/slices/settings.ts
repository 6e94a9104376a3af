import type { DeskError, DeskSettings } from '../../../contract/desk-api.ts';

/** The analyst's settings (Settings screen; defaults of the Experiment screen's controls). */
export interface SettingsState {
  /** null until loaded. */
  readonly values: DeskSettings | null;
  readonly loading: boolean;
  readonly saving: boolean;
  /** The last load or save error (validation messages from the host included). */
  readonly error: DeskError | null;
  /** True after a successful save, until the next edit. */
  readonly saved: boolean;
}

export interface SettingsSlice {
  readonly settings: SettingsState;
}

export const initialSettings: SettingsState = { values: null, loading: false, saving: false, error: null, saved: false };


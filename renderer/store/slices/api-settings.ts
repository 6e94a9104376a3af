import type { ApiSettingsView } from '../../../contract/changesets/decisions.ts';
import type { DeskError } from '../../../contract/desk-api.ts';

/**
 * The ChangeSet API settings (Settings screen, "API"): the base URL and whether a token is set.
 * The token itself is write-only: it goes to the host and never comes back.
 */
export interface ApiSettingsState {
  /** null until loaded. */
  readonly view: ApiSettingsView | null;
  readonly loading: boolean;
  readonly saving: boolean;
  readonly error: DeskError | null;
  /** True after a successful save, until the next edit. */
  readonly saved: boolean;
}

export interface ApiSettingsSlice {
  readonly apiSettings: ApiSettingsState;
}

export const initialApiSettings: ApiSettingsState = { view: null, loading: false, saving: false, error: null, saved: false };



export type Screen = 'import' | 'experiments' | 'experiment' | 'changesets' | 'settings';

/** Which screen is shown. */
export interface NavigationState {
  readonly screen: Screen;
  /** True once the user chose a screen: the start-up switch to Experiments must not override them. */
  readonly userNavigated: boolean;
  /** Whether the new screen takes focus (its heading): not for the app's own start-up switch. */
  readonly moveFocus: boolean;
}

export interface NavigationSlice {
  readonly navigation: NavigationState;
}

export const initialNavigation: NavigationState = { screen: 'import', userNavigated: false, moveFocus: false };


import { deskApi } from '../host-api.ts';
import { patch, slice } from '../store.ts';
import { navigate } from './navigation.ts';

/** Loads the experiment list. */
export async function loadExperiments(): Promise<void> {
  patch('experiments', { loading: true });
  const result = await deskApi().listExperiments({});
  if (result.ok) patch('experiments', { items: result.value, loading: false, error: null });
  else patch('experiments', { loading: false, error: result.error });
}

/**
 * Start-up: loads the list and, when the database already holds experiments and the user has not
 * chosen a screen yet, shows the Experiments screen (first run stays on Import).
 */
export async function loadExperimentsAtStart(): Promise<void> {
  await loadExperiments();
  const { items } = slice('experiments');
  const { screen, userNavigated } = slice('navigation');
  if (items && items.length > 0 && !userNavigated && screen === 'import') navigate('experiments', { byUser: false });
}

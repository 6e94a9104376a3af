/**
 * The ChangeSet API settings: base URL and token. The token is write-only — it goes to the host
 * (Electron keeps it with safeStorage; the web host refuses it and reads its environment) and
 * only `hasToken` ever comes back.
 */
import type { SetApiSettingsRequest } from '../../../contract/changesets/decisions.ts';
import { deskApi } from '../host-api.ts';
import { patch } from '../store.ts';

export async function loadApiSettings(): Promise<void> {
  patch('apiSettings', { loading: true });
  const result = await deskApi().getApiSettings({});
  if (result.ok) patch('apiSettings', { view: result.value, loading: false, error: null });
  else patch('apiSettings', { loading: false, error: result.error });
}

/** Saves the API settings; the host validates (http(s) URL) and answers with what it stored. */
export async function saveApiSettings(request: SetApiSettingsRequest): Promise<boolean> {
  patch('apiSettings', { saving: true, saved: false, error: null });
  const result = await deskApi().setApiSettings(request);
  if (result.ok) {
    patch('apiSettings', { view: result.value, saving: false, saved: true, error: null });
    return true;
  }
  patch('apiSettings', { saving: false, saved: false, error: result.error });
  return false;
}

/** Forgets the "saved" note and the last error once the user edits the form again. */
export function editApiSettings(): void {
  patch('apiSettings', { saved: false, error: null });
}

import type { SetSettingsRequest } from '../../../contract/desk-api.ts';
import { deskApi } from '../host-api.ts';
import { patch } from '../store.ts';

export async function loadSettings(): Promise<void> {
  patch('settings', { loading: true });
  const result = await deskApi().getSettings({});
  if (result.ok) patch('settings', { values: result.value, loading: false, error: null });
  else patch('settings', { loading: false, error: result.error });
}

/** Saves settings; the host validates and answers with the stored values or a validation error. */
export async function saveSettings(request: SetSettingsRequest): Promise<boolean> {
  patch('settings', { saving: true, saved: false, error: null });
  const result = await deskApi().setSettings(request);
  if (result.ok) {
    patch('settings', { values: result.value, saving: false, saved: true, error: null });
    return true;
  }
  patch('settings', { saving: false, saved: false, error: result.error });
  return false;
}

/** Forgets the "saved" note and the last error once the user edits the form again. */
export function editSettings(): void {
  patch('settings', { saved: false, error: null });
}

/**
 * Settings → API (SPEC §5, §7): the ChangeSet API's base URL and token. The token is
 * write-only: the field starts empty, "A token is stored" says whether the host has one, and
 * the token never comes back. Electron keeps it with safeStorage; the web host cannot store
 * one and reads `EXPERIMENT_DESK_API_TOKEN` from its environment (the field is disabled there).
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ApiSettingsView, SetApiSettingsRequest } from '../../contract/changesets/decisions.ts';
import { editApiSettings, loadApiSettings, saveApiSettings } from '../store/actions/api-settings.ts';
import { useDeskStore } from '../store/store.ts';

/** The environment variable the web host and the CLI read the token from. */
export const TOKEN_ENV = 'EXPERIMENT_DESK_API_TOKEN';

export function ApiSettingsSection() {
  const view = useDeskStore((s) => s.apiSettings.view);
  const loadError = useDeskStore((s) => (s.apiSettings.view ? null : s.apiSettings.error));
  useEffect(() => {
    void loadApiSettings();
  }, []);
  return (
    <section className="api-settings" aria-label="API">
      <div className="block-head section-head">
        <h2>API</h2>
        <span className="muted">The Profit Engine’s ChangeSet API: decisions are sent there (through the outbox) and ChangeSets read from it.</span>
      </div>
      {loadError && <div className="banner alert" role="alert"><span className="code">{loadError.code}</span><p>{loadError.message}</p><span /></div>}
      {view ? <ApiForm key={`${view.baseUrl}:${view.hasToken}`} view={view} /> : !loadError && <p className="loading-state">Loading API settings…</p>}
    </section>
  );
}

function ApiForm({ view }: { view: ApiSettingsView }) {
  const [baseUrl, setBaseUrl] = useState(view.baseUrl ?? '');
  const [token, setToken] = useState('');
  const saving = useDeskStore((s) => s.apiSettings.saving);
  const saved = useDeskStore((s) => s.apiSettings.saved);
  const error = useDeskStore((s) => s.apiSettings.error);
  const urlId = useId();
  const tokenId = useId();

  const edit = (apply: () => void) => {
    apply();
    editApiSettings();
  };

  const submit = (request: SetApiSettingsRequest) => {
    void saveApiSettings(request).then((ok) => {
      if (ok) setToken('');
    });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const url = baseUrl.trim();
    const request: SetApiSettingsRequest = { baseUrl: url === '' ? null : url };
    if (view.canStoreToken && token !== '') submit({ ...request, token });
    else submit(request);
  };

  const tokenHint = view.canStoreToken
    ? 'Kept by the operating system’s keychain (safeStorage); never shown again, never written in plain text.'
    : `This host does not store tokens: it reads ${TOKEN_ENV} from its environment. Set it before starting the host.`;

  return (
    <form className="settings-form" onSubmit={onSubmit} noValidate>
      <div className="grid-2">
        <div className="field">
          <label htmlFor={urlId}>API base URL</label>
          <input id={urlId} type="url" inputMode="url" autoComplete="off" spellCheck={false} placeholder="https://profit-engine.example.com"
            value={baseUrl} onChange={(e) => edit(() => setBaseUrl(e.target.value))} aria-describedby={`${urlId}-hint`} />
          <span className="hint" id={`${urlId}-hint`}>http(s); empty = not configured (decisions wait in the outbox).</span>
        </div>
        <div className="field">
          <label htmlFor={tokenId}>API token</label>
          <input id={tokenId} type="password" autoComplete="off" spellCheck={false} value={token} disabled={!view.canStoreToken}
            placeholder={view.hasToken ? '•••••••• (stored)' : ''}
            onChange={(e) => edit(() => setToken(e.target.value))} aria-describedby={`${tokenId}-state ${tokenId}-hint`} />
          <span className={`token-state ${view.hasToken ? 'pos' : 'muted'}`} id={`${tokenId}-state`} data-has-token={view.hasToken}>
            {view.hasToken ? 'A token is stored' : 'No token is set'}
          </span>
          <span className="hint" id={`${tokenId}-hint`}>{tokenHint}</span>
        </div>
      </div>
      {error && <div className="banner alert" role="alert"><span className="code">{error.code}</span><p>{error.message}</p><span /></div>}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>Save API settings</button>
        {view.canStoreToken && view.hasToken && (
          <button type="button" className="quiet" disabled={saving} onClick={() => submit({ token: null })}>Remove token</button>
        )}
        {saved && <span className="saved-note" role="status">API settings saved.</span>}
      </div>
    </form>
  );
}

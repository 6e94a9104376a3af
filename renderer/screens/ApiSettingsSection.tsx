/**
 * Settings → API (docs/changesets.md, docs/interface.md): the ChangeSet API's base URL and token. The token is
 * write-only: the field starts empty, "A token is stored" says whether the host has one, and
 * the token never comes back. Electron keeps it with safeStorage; the web host cannot store
 * one and reads `EXPERIMENT_DESK_API_TOKEN` from its environment (the field is disabled there).
 *
 * Two confirmations, as checkboxes before Save (keyboard: Tab to them, Space to check;
 * docs/security.md, "The ChangeSet API client"): a base URL on another host than the saved one
 * (the stored token will be sent there; Save waits for the box), and — when the host answers
 * that it could keep the token only in plain text (Linux without a keyring) — storing it anyway.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ApiSettingsView, SetApiSettingsRequest } from '../../contract/changesets/decisions.ts';
import { editApiSettings, loadApiSettings, saveApiSettings } from '../store/actions/api-settings.ts';
import { useDeskStore } from '../store/store.ts';
import { apiSettingsRequest, awaitsHostConfirmation, baseUrlProblem, hostChangeOf, plainTextStorageReason } from './api-settings-form.ts';

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
  const [confirmedHost, setConfirmedHost] = useState<string | null>(null);
  const [confirmedPlainText, setConfirmedPlainText] = useState(false);
  const [sent, setSent] = useState<SetApiSettingsRequest | null>(null);
  const saving = useDeskStore((s) => s.apiSettings.saving);
  const saved = useDeskStore((s) => s.apiSettings.saved);
  const error = useDeskStore((s) => s.apiSettings.error);
  const urlId = useId();
  const tokenId = useId();
  const hostConfirmId = useId();
  const plainTextId = useId();

  const hostChange = hostChangeOf(view.baseUrl, baseUrl);
  const urlProblem = baseUrlProblem(baseUrl);
  const plainTextReason = plainTextStorageReason(error, sent);
  // The plain-text confirmation counts only while its question is on screen.
  const values = {
    savedBaseUrl: view.baseUrl, baseUrl, token, canStoreToken: view.canStoreToken, confirmedHost, confirmedPlainText: confirmedPlainText && plainTextReason !== null,
  };

  const edit = (apply: () => void) => {
    apply();
    editApiSettings();
  };

  const submit = (request: SetApiSettingsRequest) => {
    setSent(request);
    void saveApiSettings(request).then((ok) => {
      if (ok) {
        setToken('');
        setConfirmedPlainText(false);
      }
    });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (awaitsHostConfirmation(values)) return;
    submit(apiSettingsRequest(values));
  };

  const tokenHint = view.canStoreToken
    ? 'Kept by the operating system’s keychain (safeStorage); never shown again. Where there is no keychain (Linux without a keyring) you are asked before it is stored.'
    : `This host does not store tokens: it reads ${TOKEN_ENV} from its environment. Set it before starting the host.`;

  return (
    <form className="settings-form" onSubmit={onSubmit} noValidate>
      <div className="grid-2">
        <div className="field">
          <label htmlFor={urlId}>API base URL</label>
          <input id={urlId} type="url" inputMode="url" autoComplete="off" spellCheck={false} placeholder="https://profit-engine.example.com"
            value={baseUrl} onChange={(e) => edit(() => setBaseUrl(e.target.value))} aria-describedby={`${urlId}-hint`} aria-invalid={urlProblem !== null} />
          <span className="hint" id={`${urlId}-hint`}>
            {urlProblem ?? 'https:// (plain http:// only to this computer: 127.0.0.1, ::1, localhost); empty = not configured (decisions wait in the outbox).'}
          </span>
        </div>
        <div className="field">
          <label htmlFor={tokenId}>API token</label>
          <input id={tokenId} type="password" autoComplete="off" spellCheck={false} value={token} disabled={!view.canStoreToken}
            placeholder={view.hasToken ? '•••••••• (stored)' : ''}
            onChange={(e) => edit(() => {
              setToken(e.target.value);
              setConfirmedPlainText(false);
            })} aria-describedby={`${tokenId}-state ${tokenId}-hint`} />
          <span className={`token-state ${view.hasToken ? 'pos' : 'muted'}`} id={`${tokenId}-state`} data-has-token={view.hasToken}>
            {view.hasToken ? 'A token is stored' : 'No token is set'}
          </span>
          <span className="hint" id={`${tokenId}-hint`}>{tokenHint}</span>
        </div>
      </div>
      {hostChange && (
        <div className="field" data-confirm="host-change">
          <p className="hint" id={`${hostConfirmId}-why`}>
            The API base URL moves from <b className="mono">{hostChange.from}</b> to <b className="mono">{hostChange.to}</b>: the API token will be
            sent to {hostChange.to} with every request. Check that this server is the Profit Engine you trust.
          </p>
          <label className="check confirm" htmlFor={hostConfirmId}>
            <input id={hostConfirmId} type="checkbox" checked={confirmedHost === hostChange.to} aria-describedby={`${hostConfirmId}-why`}
              onChange={(e) => setConfirmedHost(e.target.checked ? hostChange.to : null)} />
            I confirm: send the API token to {hostChange.to}
          </label>
        </div>
      )}
      {plainTextReason !== null ? (
        <div className="field" data-confirm="plain-text-token">
          <p className="hint" id={`${plainTextId}-why`} role="alert">{plainTextReason}</p>
          <label className="check confirm" htmlFor={plainTextId}>
            <input id={plainTextId} type="checkbox" checked={confirmedPlainText} aria-describedby={`${plainTextId}-why`}
              onChange={(e) => setConfirmedPlainText(e.target.checked)} />
            I confirm: store the token without an OS keyring (obfuscated, not encrypted)
          </label>
        </div>
      ) : error && <div className="banner alert" role="alert"><span className="code">{error.code}</span><p>{error.message}</p><span /></div>}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving || awaitsHostConfirmation(values)}>Save API settings</button>
        {view.canStoreToken && view.hasToken && (
          <button type="button" className="quiet" disabled={saving} onClick={() => submit({ token: null })}>Remove token</button>
        )}
        {saved && <span className="saved-note" role="status">API settings saved.</span>}
      </div>
    </form>
  );
}

/**
 * The API settings form's confirmations (api-settings-form.ts, docs/security.md): a new host
 * waits for the user's confirmation, which the request then carries; a plain-text-only token
 * store's refusal becomes a question, and its confirmation is sent only once given.
 */
import { describe, expect, it } from 'vitest';
import { apiSettingsRequest, awaitsHostConfirmation, baseUrlProblem, hostChangeOf, plainTextStorageReason, type ApiFormValues } from './api-settings-form.ts';

const form = (values: Partial<ApiFormValues>): ApiFormValues => ({
  savedBaseUrl: 'https://api.example.com', baseUrl: 'https://api.example.com', token: '', canStoreToken: true, confirmedHost: null, confirmedPlainText: false, ...values,
});

describe('API settings form', () => {
  it('the same host needs no confirmation; another host or port does, until confirmed for that host', () => {
    expect(hostChangeOf('https://api.example.com', ' https://API.example.com/v2 ')).toBeNull();
    expect(hostChangeOf(null, 'https://evil.example.net')).toBeNull(); // nothing saved yet
    expect(hostChangeOf('https://api.example.com', '')).toBeNull();
    expect(hostChangeOf('https://api.example.com', 'https://api.example.com:8443')).toEqual({ from: 'api.example.com', to: 'api.example.com:8443' });

    const moving = form({ baseUrl: 'https://evil.example.net' });
    expect(awaitsHostConfirmation(moving)).toBe(true);
    expect(apiSettingsRequest(moving)).toEqual({ baseUrl: 'https://evil.example.net' });
    expect(awaitsHostConfirmation({ ...moving, confirmedHost: 'other.example.org' })).toBe(true);
    const confirmed = { ...moving, confirmedHost: 'evil.example.net' };
    expect(awaitsHostConfirmation(confirmed)).toBe(false);
    expect(apiSettingsRequest(confirmed)).toEqual({ baseUrl: 'https://evil.example.net', confirmHostChange: true });
  });

  it('shows why a base URL will be refused', () => {
    expect(baseUrlProblem('')).toBeNull();
    expect(baseUrlProblem('http://127.0.0.1:4010')).toBeNull();
    expect(baseUrlProblem('http://api.example.com')).toMatch(/https/);
  });

  it('asks about plain-text storage only after the host refused a token for it, and sends the confirmation only then', () => {
    const withToken = apiSettingsRequest(form({ token: 't0k' }));
    expect(withToken).toEqual({ baseUrl: 'https://api.example.com', token: 't0k' });
    const refusal = { code: 'confirmation_required' as const, message: 'only basic_text: confirm' };
    expect(plainTextStorageReason(refusal, withToken)).toBe('only basic_text: confirm');
    expect(plainTextStorageReason(refusal, { token: null })).toBeNull();
    expect(plainTextStorageReason({ code: 'internal', message: 'x' }, withToken)).toBeNull();
    expect(plainTextStorageReason(null, withToken)).toBeNull();
    const confirmed = apiSettingsRequest(form({ token: 't0k', confirmedPlainText: true }));
    expect(confirmed).toEqual({ baseUrl: 'https://api.example.com', token: 't0k', confirmPlainTextTokenStorage: true });
    expect(plainTextStorageReason(refusal, confirmed)).toBeNull();
    // A host that cannot store tokens never gets one, nor the flag.
    expect(apiSettingsRequest(form({ token: 't0k', confirmedPlainText: true, canStoreToken: false }))).toEqual({ baseUrl: 'https://api.example.com' });
  });
});

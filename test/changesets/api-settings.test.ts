/**
 * The API settings handler decides where the token may go (docs/security.md, "The ChangeSet API
 * client"): https only (plain http to loopback), a new host only with `confirmHostChange`, and a
 * token the host could keep only in plain text only with `confirmPlainTextTokenStorage` — each
 * refusal is `confirmation_required` and changes nothing.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAIN_TEXT_TOKEN_STORAGE, type TokenStoreOptions } from '../../contract/changesets/decisions.ts';
import { createDeskService, invokeHandler, type DeskService } from '../../data/service/desk-service.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();
const tuning = { timeoutMs: 500, maxAttempts: 1, baseDelayMs: 1, retryBaseMs: 1, syncIntervalMs: 0, submitWaitMs: 100 };
let service: DeskService;
const store: { token: string | null; plainTextOnly: boolean; calls: (TokenStoreOptions | undefined)[] } = { token: null, plainTextOnly: false, calls: [] };

beforeAll(async () => {
  service = await createDeskService({
    databasePath: ':memory:',
    settingsPath: files.path('settings.json'),
    uploadDir: files.path('work'),
    apiToken: async () => store.token,
    setApiToken: async (token: string | null, options?: TokenStoreOptions) => {
      store.calls.push(options);
      if (token !== null && store.plainTextOnly && options?.allowPlainText !== true) {
        throw Object.assign(new Error('only basic_text is available: confirm to store the token without a keyring'), { code: PLAIN_TEXT_TOKEN_STORAGE });
      }
      store.token = token;
    },
    changesetTuning: tuning,
  });
});
afterAll(async () => {
  await service.close();
});

const set = (request: Record<string, unknown>) => invokeHandler(service, 'setApiSettings', request);
const savedUrl = (): unknown => JSON.parse(readFileSync(files.path('api-settings.json'), 'utf8')).baseUrl;

describe('API settings: where the token may go', () => {
  it('https anywhere, plain http only to loopback', async () => {
    for (const baseUrl of ['http://api.example.com', 'http://10.0.0.5:8080', 'http://127.0.0.2', 'https://user:pw@api.example.com', 'ftp://api.example.com']) {
      const refused = await set({ baseUrl });
      expect(refused, baseUrl).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    expect((await set({ baseUrl: 'http://api.example.com' })) as unknown).toMatchObject({ error: { message: expect.stringMatching(/https/) } });
    for (const baseUrl of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080']) {
      expect(await set({ baseUrl: null })).toMatchObject({ ok: true });
      expect(await set({ baseUrl }), baseUrl).toMatchObject({ ok: true, value: { baseUrl } });
    }
    expect(await set({ baseUrl: null })).toMatchObject({ ok: true });
    expect(await set({ baseUrl: 'https://api.example.com/' })).toMatchObject({ ok: true, value: { baseUrl: 'https://api.example.com' } });
  });

  it('a new host needs confirmHostChange; without it nothing is written, not even the token', async () => {
    expect(savedUrl()).toBe('https://api.example.com');
    const before = store.calls.length;
    const refused = await set({ baseUrl: 'https://evil.example.net', token: 'new-token' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'confirmation_required', message: expect.stringMatching(/api\.example\.com to evil\.example\.net/) } });
    expect(savedUrl()).toBe('https://api.example.com');
    expect(store.calls.length).toBe(before);
    expect(store.token).toBeNull();
    // Another port is another host; the same host with another path is not.
    expect(await set({ baseUrl: 'https://api.example.com:8443' })).toMatchObject({ ok: false, error: { code: 'confirmation_required' } });
    expect(await set({ baseUrl: 'https://API.example.com/v2' })).toMatchObject({ ok: true });
    expect(await set({ baseUrl: 'https://evil.example.net', confirmHostChange: true })).toMatchObject({ ok: true, value: { baseUrl: 'https://evil.example.net' } });
    expect(savedUrl()).toBe('https://evil.example.net');
  });

  it('a token the host can keep only in plain text needs confirmPlainTextTokenStorage, and says why', async () => {
    store.plainTextOnly = true;
    const refused = await set({ token: 'plain-token' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'confirmation_required', message: expect.stringMatching(/basic_text/) } });
    expect(store.token).toBeNull();
    expect(store.calls.at(-1)).toEqual({ allowPlainText: false });
    expect(await set({ token: 'plain-token', confirmPlainTextTokenStorage: true })).toMatchObject({ ok: true, value: { hasToken: true } });
    expect(store.calls.at(-1)).toEqual({ allowPlainText: true });
    expect(store.token).toBe('plain-token');
    expect(JSON.stringify(await set({ token: null }))).not.toContain('plain-token');
  });
});

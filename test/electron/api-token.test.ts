/**
 * The API token with Electron's safeStorage (docs/changesets.md): only encrypted bytes on disk, refused
 * when no keychain is available, and handed to the DuckDB worker over the worker protocol
 * without ever being logged.
 */
import { mkdtempSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAIN_TEXT_TOKEN_STORAGE } from '../../contract/changesets/decisions.ts';
import { PlainTextStorageError, tokenVault, type SafeStorageLike } from '../../electron/api-token-vault.ts';
import { WorkerClient, type WorkerCallbacks } from '../../electron/worker-client.ts';
import { tokenRequester, type ParentPortLike } from '../../electron/worker-serve.ts';
import type { FromWorker, ToWorker } from '../../electron/worker-protocol.ts';

/** A stand-in keychain: reversible, but never the plain text; `backend` as Linux's safeStorage reports it. */
const keychain = (available = true, backend?: string): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  encryptString: (plain) => Buffer.from([...Buffer.from(plain)].map((b) => b ^ 0x5a)),
  decryptString: (encrypted) => Buffer.from([...encrypted].map((b) => b ^ 0x5a)).toString(),
  ...(backend !== undefined && { getSelectedStorageBackend: () => backend }),
});

describe('token vault', () => {
  it('stores only encrypted bytes, readable back, owner-only', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'desk-token-')), 'api-token.bin');
    const vault = tokenVault(path, keychain());
    await vault.set('s3cret-token');
    expect(readFileSync(path).toString()).not.toContain('s3cret-token');
    expect(statSync(path).mode & 0o077).toBe(0);
    expect(await vault.get()).toBe('s3cret-token');
    await vault.set(null);
    expect(existsSync(path)).toBe(false);
    expect(await vault.get()).toBeNull();
  });

  it('refuses to store a token when no OS keychain is available', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'desk-token-')), 'api-token.bin');
    await expect(tokenVault(path, keychain(false)).set('s3cret-token')).rejects.toThrow(/keychain is not available/);
    expect(existsSync(path)).toBe(false);
  });

  it('Linux basic_text backend: refuses without the user\'s confirmation and says why; stores with it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'desk-token-')), 'api-token.bin');
    const vault = tokenVault(path, keychain(true, 'basic_text'), 'linux');
    const refusal = await vault.set('s3cret-token').then(() => null, (e: unknown) => e);
    expect(refusal).toBeInstanceOf(PlainTextStorageError);
    expect(refusal).toMatchObject({ code: PLAIN_TEXT_TOKEN_STORAGE });
    expect((refusal as Error).message).toMatch(/basic_text/);
    expect((refusal as Error).message).toMatch(/keyring/);
    expect((refusal as Error).message).not.toContain('s3cret-token');
    expect(existsSync(path)).toBe(false);
    await vault.set('s3cret-token', { allowPlainText: false }).catch(() => undefined);
    expect(existsSync(path)).toBe(false);

    await vault.set('s3cret-token', { allowPlainText: true });
    expect(await vault.get()).toBe('s3cret-token');
    await vault.set(null); // removing needs no confirmation
    expect(existsSync(path)).toBe(false);
  });

  it('a real keyring on Linux, and other platforms, need no confirmation', async () => {
    for (const [backend, platform] of [['gnome_libsecret', 'linux'], ['kwallet5', 'linux'], ['basic_text', 'darwin'], [undefined, 'linux']] as const) {
      const path = join(mkdtempSync(join(tmpdir(), 'desk-token-')), 'api-token.bin');
      await tokenVault(path, keychain(true, backend), platform).set('s3cret-token');
      expect(existsSync(path)).toBe(true);
    }
  });
});

describe('token requests between worker and main', () => {
  it('the worker gets and sets the token through main, and failures come back as errors', async () => {
    const stored: { token: string | null } = { token: 'from-keychain' };
    const logs: string[] = [];
    let toWorker: (message: ToWorker) => void = () => undefined;
    let fromWorker: WorkerCallbacks['onMessage'] = () => undefined;
    const client = new WorkerClient((callbacks) => {
      fromWorker = callbacks.onMessage;
      return { postMessage: (message) => toWorker(message), kill: () => undefined };
    }, {
      log: (message) => logs.push(message),
      tokens: {
        get: async () => stored.token,
        set: async (token) => {
          if (token === 'bad') throw new Error('the OS keychain is not available');
          stored.token = token;
        },
      },
    });
    client.start();
    const port: ParentPortLike = { on: () => undefined, postMessage: (message: FromWorker) => fromWorker(message) };
    const tokens = tokenRequester(port);
    toWorker = (message) => {
      if (message.type === 'token-result') tokens.settle(message);
    };
    expect(await tokens.get()).toBe('from-keychain');
    await tokens.set('new-token');
    expect(stored.token).toBe('new-token');
    await expect(tokens.set('bad')).rejects.toThrow(/keychain/);
    expect(logs.join('\n')).not.toMatch(/token/);
  });

  it('the plain-text refusal crosses to the worker with its code; the confirmation crosses to main', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'desk-token-')), 'api-token.bin');
    const vault = tokenVault(path, keychain(true, 'basic_text'), 'linux');
    let toWorker: (message: ToWorker) => void = () => undefined;
    let fromWorker: WorkerCallbacks['onMessage'] = () => undefined;
    const client = new WorkerClient((callbacks) => {
      fromWorker = callbacks.onMessage;
      return { postMessage: (message) => toWorker(message), kill: () => undefined };
    }, { log: () => undefined, tokens: vault });
    client.start();
    const port: ParentPortLike = { on: () => undefined, postMessage: (message: FromWorker) => fromWorker(message) };
    const tokens = tokenRequester(port);
    toWorker = (message) => {
      if (message.type === 'token-result') tokens.settle(message);
    };
    await expect(tokens.set('s3cret-token')).rejects.toMatchObject({ code: PLAIN_TEXT_TOKEN_STORAGE, message: expect.stringMatching(/basic_text/) });
    expect(existsSync(path)).toBe(false);
    await tokens.set('s3cret-token', { allowPlainText: true });
    expect(await tokens.get()).toBe('s3cret-token');
  });
});

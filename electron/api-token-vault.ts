/**
 * The Profit Engine API token, kept with the OS keychain through Electron's `safeStorage`
 * (docs/changesets.md): only the encrypted bytes are written (userData/api-token.bin, mode 0600), never
 * the token in plain text, and it is never logged. Lives in main, because `safeStorage` is a
 * main-process API; the DuckDB worker asks main for it over the worker protocol.
 *
 * On Linux without a secret service (no GNOME Keyring / KWallet), Chromium's OSCrypt falls back
 * to the `basic_text` backend: `isEncryptionAvailable()` still says true, but the "encryption"
 * uses a fixed, public key — anyone who can read the file can read the token. The vault then
 * refuses to store a token unless the user confirmed it (`allowPlainText`), as VS Code asks
 * before using that backend (docs/security.md, "The ChangeSet API client").
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { PLAIN_TEXT_TOKEN_STORAGE, type TokenStoreOptions } from '../contract/changesets/decisions.ts';

/** The part of Electron's `safeStorage` the vault uses (typed so tests need no Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron: 'basic_text', 'gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6' or 'unknown'. */
  getSelectedStorageBackend?(): string;
}

/** Why a token is not stored without confirmation on the `basic_text` backend (shown to the user as it is). */
export const PLAIN_TEXT_STORAGE_MESSAGE = 'No OS keyring (GNOME Keyring or KWallet through the Secret Service) is available in this Linux session, '
  + 'so Electron\'s safeStorage would use its "basic_text" backend: the token would be obfuscated with a fixed, publicly known key, '
  + 'readable by anyone who can read your files. Confirm to store it that way anyway, or unlock or install a keyring and try again.';

/** The token store refused because only plain-text storage is available (`code` = `PLAIN_TEXT_TOKEN_STORAGE`). */
export class PlainTextStorageError extends Error {
  override readonly name = 'PlainTextStorageError';
  readonly code = PLAIN_TEXT_TOKEN_STORAGE;
  constructor() {
    super(PLAIN_TEXT_STORAGE_MESSAGE);
  }
}

/** Whether `safeStorage` would keep secrets only obfuscated (Linux `basic_text`). */
export function isPlainTextStorage(safeStorage: SafeStorageLike, platform: string = process.platform): boolean {
  if (platform !== 'linux' || typeof safeStorage.getSelectedStorageBackend !== 'function') return false;
  try {
    return safeStorage.getSelectedStorageBackend() === 'basic_text';
  } catch {
    return false;
  }
}

export interface TokenVault {
  /** The stored token, or null when none is stored or it cannot be decrypted. */
  get(): Promise<string | null>;
  /**
   * Stores `token` (null or '' removes it).
   * @throws Error when the OS keychain is unavailable: the token is then not stored at all.
   * @throws PlainTextStorageError on Linux's `basic_text` backend unless `options.allowPlainText`.
   */
  set(token: string | null, options?: TokenStoreOptions): Promise<void>;
}

export function tokenVault(path: string, safeStorage: SafeStorageLike, platform: string = process.platform): TokenVault {
  return {
    async get() {
      if (!safeStorage.isEncryptionAvailable()) return null;
      try {
        return safeStorage.decryptString(await readFile(path));
      } catch {
        return null; // missing, or encrypted under another OS account
      }
    },
    async set(token, options = {}) {
      if (token === null || token === '') {
        await rm(path, { force: true });
        return;
      }
      if (!safeStorage.isEncryptionAvailable()) {
        throw new Error('the OS keychain is not available, so the API token cannot be stored safely');
      }
      if (options.allowPlainText !== true && isPlainTextStorage(safeStorage, platform)) throw new PlainTextStorageError();
      await writeFile(path, safeStorage.encryptString(token), { mode: 0o600 });
    },
  };
}

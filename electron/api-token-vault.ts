/**
 * The Profit Engine API token, kept with the OS keychain through Electron's `safeStorage`
 * (SPEC §5): only the encrypted bytes are written (userData/api-token.bin, mode 0600), never
 * the token in plain text, and it is never logged. Lives in main, because `safeStorage` is a
 * main-process API; the DuckDB worker asks main for it over the worker protocol.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';

/** The part of Electron's `safeStorage` the vault uses (typed so tests need no Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface TokenVault {
  /** The stored token, or null when none is stored or it cannot be decrypted. */
  get(): Promise<string | null>;
  /**
   * Stores `token` (null or '' removes it).
   * @throws Error when the OS keychain is unavailable: the token is then not stored at all.
   */
  set(token: string | null): Promise<void>;
}

export function tokenVault(path: string, safeStorage: SafeStorageLike): TokenVault {
  return {
    async get() {
      if (!safeStorage.isEncryptionAvailable()) return null;
      try {
        return safeStorage.decryptString(await readFile(path));
      } catch {
        return null; // missing, or encrypted under another OS account
      }
    },
    async set(token) {
      if (token === null || token === '') {
        await rm(path, { force: true });
        return;
      }
      if (!safeStorage.isEncryptionAvailable()) {
        throw new Error('the OS keychain is not available, so the API token cannot be stored safely');
      }
      await writeFile(path, safeStorage.encryptString(token), { mode: 0o600 });
    },
  };
}

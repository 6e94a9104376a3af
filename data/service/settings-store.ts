/**
 * The analyst's settings (docs/interface.md Settings screen) in a JSON file in the host's data folder,
 * validated with the contract's schema and written atomically (temp file + rename) so a crash
 * never leaves half a file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { deskSettingsSchema, type DeskSettings, type SetSettingsRequest } from '../../contract/desk-api.ts';

export interface SettingsStore {
  get(): Promise<DeskSettings>;
  /** Merges and validates `changes`; @throws ZodError when the result is invalid. */
  set(changes: SetSettingsRequest): Promise<DeskSettings>;
}

/** Settings stored at `path`; a missing or unreadable file means the defaults. */
export function fileSettingsStore(path: string): SettingsStore {
  const read = async (): Promise<DeskSettings> => {
    try {
      const parsed = deskSettingsSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // missing or corrupt: defaults below
    }
    return deskSettingsSchema.parse({});
  };
  return {
    get: read,
    async set(changes) {
      const next = deskSettingsSchema.parse({ ...(await read()), ...changes });
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(next, null, 2)}\n`);
      await rename(temporary, path);
      return next;
    },
  };
}

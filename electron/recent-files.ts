/**
 * File → Open Recent: the last files the user opened, persisted in
 * `userData/recent-files.json` — a file of its own, not `settings.json`, because the settings
 * file belongs to the data service (in the worker process) and two writers of one file would
 * race.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const MAX_RECENT_FILES = 10;

/** `paths` (most recent first) in front of `recent`, without duplicates, at most `max`. */
export function withRecent(recent: readonly string[], paths: readonly string[], max = MAX_RECENT_FILES): string[] {
  const next: string[] = [];
  for (const candidate of [...paths, ...recent]) {
    if (candidate.length > 0 && !next.includes(candidate)) next.push(candidate);
    if (next.length === max) break;
  }
  return next;
}

/** The stored list; an unreadable or malformed file is treated as empty (it is only a convenience). */
export async function loadRecentFiles(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return withRecent([], parsed.filter((entry): entry is string => typeof entry === 'string'));
  } catch {
    return [];
  }
}

/** Writes the list atomically (temporary file, then rename), so a crash never leaves half a file. */
export async function saveRecentFiles(file: string, recent: readonly string[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(recent, null, 2)}\n`, 'utf8');
  await rename(temporary, file);
}

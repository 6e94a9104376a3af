/**
 * Where the public datasets live (../shared/datasets, never copied into the repository), and a
 * plain report when they are absent.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DATASETS_DIR = process.env.EXPERIMENT_DESK_DATASETS ?? join(REPO_ROOT, '..', 'shared', 'datasets');

/** Absolute path of a dataset file, or null when ../shared/datasets is absent. */
export function datasetPath(relative: string): string | null {
  const path = join(DATASETS_DIR, relative);
  return existsSync(path) ? path : null;
}

/** True (and a message on stderr, once per file) when the datasets are missing. */
export function datasetsMissing(relative: string): boolean {
  if (datasetPath(relative)) return false;
  process.stderr.write(`\n[datasets] ${join(DATASETS_DIR, relative)} is absent: tests on that public dataset are SKIPPED.\n`);
  return true;
}

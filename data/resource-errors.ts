/**
 * DuckDB's resource failures told apart from bad input, as one line that says what to do
 * (docs/import.md, "Errors"): out of memory names the limit in force and the setting that raises
 * it; a full disk names the spill folder and the setting that moves it.
 */

/** A failure of the machine's resources, not of the input. */
export type ResourceProblem = 'out_of_memory' | 'disk_full';

/** The kind of resource failure a DuckDB error message reports, or null. */
export function resourceProblem(message: string): ResourceProblem | null {
  if (/No space left on device|disk is full|ENOSPC|maximum temp directory size|max_temp_directory_size/i.test(message)) return 'disk_full';
  if (/Out of Memory Error|failed to allocate|std::bad_alloc|could not allocate/i.test(message)) return 'out_of_memory';
  return null;
}

/**
 * The user's line for a resource failure (null when `message` is not one). `memoryLimit` and
 * `tempDirectory` are the settings in force when known.
 */
export function resourceErrorMessage(message: string, settings: { memoryLimit?: string; tempDirectory?: string } = {}): string | null {
  const problem = resourceProblem(message);
  if (problem === 'disk_full') {
    const where = settings.tempDirectory ? ` (${settings.tempDirectory})` : '';
    return `the disk of DuckDB's spill folder${where} is full: free some space, or set EXPERIMENT_DESK_TEMP_DIR to a folder on a larger disk, and retry`;
  }
  if (problem === 'out_of_memory') {
    const used = /\(([0-9.]+ [KMGT]?i?B)\/([0-9.]+ [KMGT]?i?B) used\)/.exec(message);
    const limit = used ? used[2] : settings.memoryLimit ?? 'the configured limit';
    return `not enough memory: DuckDB's memory limit is ${limit}${used ? ` (${used[1]} in use)` : ''}; ` +
      'raise it with EXPERIMENT_DESK_MEMORY_LIMIT (e.g. 2GB) or --memory-limit, or lower --threads, and retry';
  }
  return null;
}

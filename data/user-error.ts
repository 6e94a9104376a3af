/**
 * How a host (the command line, the web host) ends on a failure. An error the user can fix —
 * a bad flag, unreadable input, a database file another process holds, memory or disk that ran
 * out (docs/import.md, "Errors") — is one line on stderr
 * and exit code 2, never a stack trace; anything else is "unexpected error" and exit code 1, with
 * the stack only when EXPERIMENT_DESK_DEBUG is set.
 *
 * Light on purpose: the import errors are loaded only when a failure is classified, so that a
 * host's start-up does not pay for DuckDB to report a usage error.
 */

import { resourceErrorMessage } from './resource-errors.ts';

/** An error the user can fix: reported as its message, in one line, with exit code 2. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}

/** The first line of an error's message (DuckDB's messages run on with details). */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? '';
}

/**
 * The user's error for a database file that could not be opened: another process holds it
 * (DuckDB lets one process write a file), it is not a DuckDB file, or it cannot be read.
 * `option` names where the path came from (`--db`).
 */
export function cannotOpenDatabase(option: string, path: string | undefined, error: unknown): UserError {
  const where = path === undefined || path === ':memory:' ? 'the in-memory database' : `${option} ${path}`;
  return new UserError(`${where}: cannot open database (${resourceErrorMessage(firstLine(error)) ?? firstLine(error)})`);
}

/** True for an error the user can fix (exit code 2): a `UserError` or bad import input. */
export async function isUserError(error: unknown): Promise<boolean> {
  if (error instanceof UserError) return true;
  try {
    const [{ ImportInputError }, { ImportCancelledError }] = await Promise.all([
      import('./import/detect-format.ts'),
      import('./import/import-file.ts'),
    ]);
    return error instanceof ImportInputError || error instanceof ImportCancelledError;
  } catch {
    return false; // those modules cannot even load (e.g. no DuckDB binding): not an input error
  }
}

/**
 * Writes `error` the way every host reports a failure it gives up on (`program: message`, or
 * `program: unexpected error: message`) and resolves to the exit code, 2 or 1.
 */
export async function reportFailure(error: unknown, program: string, write: (text: string) => void): Promise<1 | 2> {
  const message = error instanceof Error ? error.message : String(error);
  if (await isUserError(error)) {
    write(`${program}: ${message}\n`);
    return 2;
  }
  // Memory or disk ran out (in an analysis, say): the machine's limit, not a bug — say what to change.
  const resource = resourceErrorMessage(firstLine(error));
  if (resource) {
    write(`${program}: ${resource}\n`);
    return 2;
  }
  write(`${program}: unexpected error: ${message}\n`);
  if (process.env.EXPERIMENT_DESK_DEBUG && error instanceof Error) write(`${error.stack}\n`);
  return 1;
}

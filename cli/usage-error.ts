import { UserError } from '../data/user-error.ts';

/** An error the user can fix (bad flag, unreadable file): one line, exit code 2, no stack trace. */
export class UsageError extends UserError {
  override readonly name = 'UsageError';
}

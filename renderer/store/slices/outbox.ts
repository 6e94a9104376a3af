import type { OutboxItem } from '../../../contract/changesets/decisions.ts';
import type { DeskError } from '../../../contract/desk-api.ts';

/**
 * The durable outbox of ChangeSet decisions as the host reports it (`listOutbox`, then every
 * `outbox-changed` event): each item's state is what the UI shows, never a guess of its own.
 */
export interface OutboxState {
  /** Every item, oldest first; null until the first answer. */
  readonly items: readonly OutboxItem[] | null;
  readonly loading: boolean;
  /** The last failed outbox call (list, sync, retry, discard). */
  readonly error: DeskError | null;
  /** A "Sync now" (or one item's retry) is under way. */
  readonly syncing: boolean;
  /** Items with a retry or discard in flight (their buttons are disabled). */
  readonly busyIds: readonly string[];
}

export interface OutboxSlice {
  readonly outbox: OutboxState;
}

export const initialOutbox: OutboxState = { items: null, loading: false, error: null, syncing: false, busyIds: [] };


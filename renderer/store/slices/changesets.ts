import type { ChangeSetDetailView, ChangeSetListView, OutboxItem } from '../../../contract/changesets/decisions.ts';
import type { ChangeSetStatus } from '../../../contract/changesets/schemas.ts';
import type { DeskError } from '../../../contract/desk-api.ts';

/**
 * A step taken from the ChangeSet detail panel (approve, reject, submit, measure, make
 * permanent, roll back): it goes through the outbox like a decision; `item` is what the host
 * returned (its later states arrive in the outbox slice).
 */
export interface ChangeSetActionState {
  readonly status: 'idle' | 'sending' | 'done' | 'error';
  readonly changesetId: string | null;
  readonly item: OutboxItem | null;
  readonly error: DeskError | null;
}

/** The ChangeSets screen (docs/interface.md): the list, its status filter, and the selected ChangeSet. */
export interface ChangeSetsState {
  /** The last page(s) listed, null until the first answer; `items` grows with "Load more". */
  readonly list: ChangeSetListView | null;
  readonly loading: boolean;
  readonly error: DeskError | null;
  /** Only ChangeSets in this state (null: all). */
  readonly statusFilter: ChangeSetStatus | null;
  readonly selectedId: string | null;
  /** The selected ChangeSet with its audit trail and legal next steps (kept while it reloads). */
  readonly detail: ChangeSetDetailView | null;
  readonly detailLoading: boolean;
  readonly detailError: DeskError | null;
  readonly action: ChangeSetActionState;
}

export interface ChangeSetsSlice {
  readonly changesets: ChangeSetsState;
}

export const initialChangeSetAction: ChangeSetActionState = { status: 'idle', changesetId: null, item: null, error: null };

export const initialChangeSets: ChangeSetsState = {
  list: null, loading: false, error: null, statusFilter: null, selectedId: null,
  detail: null, detailLoading: false, detailError: null, action: initialChangeSetAction,
};


import type { DecisionProposal, OutboxItem } from '../../../contract/changesets/decisions.ts';
import type { DeskError } from '../../../contract/desk-api.ts';

/**
 * The Experiment screen's Decision section: the host's proposal for the open experiment (linked
 * ChangeSet, winner → PROVEN / loser → ROLLED_BACK, pre-filled proofResult and reason), the
 * reason as the analyst edits it, and the decision they took.
 */
export interface DecisionState {
  /** The experiment the proposal is for. */
  readonly experimentId: string | null;
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  /** The last proposal that arrived (kept while a new one is computed). */
  readonly proposal: DecisionProposal | null;
  readonly error: DeskError | null;
  /** The reason to send: the proposal's sentence until the analyst edits it. */
  readonly reason: string;
  /** True once the analyst typed in the reason: a new proposal no longer overwrites it. */
  readonly reasonEdited: boolean;
  readonly submitting: boolean;
  readonly submitError: DeskError | null;
  /** The outbox item the analyst's last decision on this experiment wrote (live state: the outbox slice). */
  readonly submitted: OutboxItem | null;
  /** A failed (409) outbox item the next decision replaces: set by "Re-analyse". */
  readonly replacing: string | null;
  /** A manual link is being saved. */
  readonly linking: boolean;
}

export interface DecisionSlice {
  readonly decision: DecisionState;
}

export const initialDecision: DecisionState = {
  experimentId: null, status: 'idle', proposal: null, error: null, reason: '', reasonEdited: false,
  submitting: false, submitError: null, submitted: null, replacing: null, linking: false,
};


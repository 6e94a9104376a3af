/**
 * Badges of the ChangeSet screens (docs/interface.md): the lifecycle status (DRAFT muted, PENDING_APPROVAL
 * acid, ACTIVE green, MEASURING blue, PROVEN bright, ROLLED_BACK red) and the state of an outbox
 * item. Colour is never the only signal: every badge carries its text.
 */
import type { OutboxState } from '../../contract/changesets/decisions.ts';
import { OUTBOX_STATE_LABEL, statusLabel } from '../format/changesets.ts';

export function ChangeSetStatusBadge({ status }: { status: string }) {
  return <span className={`badge cs-status ${status.toLowerCase()}`} data-status={status}>{statusLabel(status)}</span>;
}

export function OutboxStateBadge({ state }: { state: OutboxState }) {
  return <span className={`badge outbox-state ${state}`} data-outbox-state={state}>{OUTBOX_STATE_LABEL[state] ?? state}</span>;
}

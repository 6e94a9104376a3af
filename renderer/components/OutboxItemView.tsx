/**
 * One decision in the outbox: what it asks (ChangeSet, → state, version), its state as a badge
 * and a sentence, the last error, and what the analyst can do — send it now (queued), discard it
 * (failed, or queued and never sent), and for a 409 conflict "This ChangeSet changed since your
 * analysis" with both versions, "Re-analyse" and "Discard". Used by the Outbox panel and the
 * experiment's Decision section.
 */
import type { OutboxItem } from '../../contract/changesets/decisions.ts';
import { CONFLICT_MESSAGE, formatDateTime, outboxStateText, statusLabel } from '../format/changesets.ts';
import { displayName } from '../format/names.ts';
import { reanalyseConflict } from '../store/actions/decision.ts';
import { discardOutboxItem, syncOutbox } from '../store/actions/outbox.ts';
import { useDeskStore } from '../store/store.ts';
import { OutboxStateBadge } from './ChangeSetBadges.tsx';

/** Whether the host will accept a discard (it refuses items that may have reached the API). */
export function canDiscard(item: OutboxItem): boolean {
  return item.state === 'failed' || (item.state === 'queued' && item.attempts === 0);
}

/** `retry: false` where a "Sync now" button is next to the item (the Decision section). */
export function OutboxItemView({ item, showTarget = true, retry = true }: { item: OutboxItem; showTarget?: boolean; retry?: boolean }) {
  const busy = useDeskStore((s) => s.outbox.busyIds.includes(item.id));
  const syncing = useDeskStore((s) => s.outbox.syncing);
  const { conflict, lastError } = item;
  return (
    <div className={`outbox-item ${item.state}`} data-outbox-item={item.id} data-state={item.state}>
      <div className="outbox-line">
        <OutboxStateBadge state={item.state} />
        <p className="outbox-text" role="status">{outboxStateText(item)}</p>
      </div>
      {showTarget && (
        <p className="outbox-target mono">
          {displayName(item.changesetId)} → {statusLabel(item.request.to)}
          {item.request.expectedVersion !== null ? ` · on version ${item.request.expectedVersion}` : ' · on the current version'}
          {item.experimentId ? ` · from ${displayName(item.experimentId)}` : ''}
        </p>
      )}
      <p className="outbox-meta mono">
        {item.attempts} {item.attempts === 1 ? 'attempt' : 'attempts'} · updated {formatDateTime(item.updatedAt)}
        {item.state === 'queued' && item.nextAttemptAt ? ` · next try ${formatDateTime(item.nextAttemptAt)}` : ''}
        {item.state === 'synced' && item.result ? ` · now ${statusLabel(item.result.execution.status)}, version ${item.result.version}` : ''}
      </p>
      {lastError && item.state !== 'synced' && !conflict && (
        <p className="outbox-error mono">
          {lastError.code}{lastError.status ? ` (HTTP ${lastError.status})` : ''}: {lastError.message}
          {lastError.requestId ? ` · request ${lastError.requestId}` : ''}
        </p>
      )}
      {conflict && item.state === 'failed' && (
        <div className="conflict" role="alert">
          <p><strong>{CONFLICT_MESSAGE}</strong></p>
          <dl className="versions">
            <div><dt>Your analysis</dt><dd className="mono">version {conflict.expectedVersion}</dd></div>
            <div>
              <dt>Now</dt>
              <dd className="mono">
                {conflict.currentVersion === null ? 'unknown' : `version ${conflict.currentVersion}`}
                {conflict.currentState ? ` · ${statusLabel(conflict.currentState)}` : ''}
              </dd>
            </div>
          </dl>
        </div>
      )}
      <div className="outbox-actions">
        {retry && item.state === 'queued' && (
          <button type="button" className="quiet" disabled={busy || syncing} onClick={() => void syncOutbox(item.id)}
            aria-label={`Retry now: ${displayName(item.changesetId)} → ${statusLabel(item.request.to)}`}>
            Retry now
          </button>
        )}
        {conflict && item.state === 'failed' && (
          <button type="button" className="primary" onClick={() => void reanalyseConflict(item)}>
            Re-analyse
          </button>
        )}
        {canDiscard(item) && (
          <button type="button" className="quiet" disabled={busy} onClick={() => void discardOutboxItem(item.id)}
            aria-label={`Discard: ${displayName(item.changesetId)} → ${statusLabel(item.request.to)}`}>
            Discard
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * The Outbox panel of the ChangeSets screen (docs/changesets.md "Offline"): every decision written to the
 * durable outbox, newest first, with its state as a badge and in words (queued, sending, synced,
 * failed with the reason, discarded), "Sync now", and per item retry, discard and — for a 409 —
 * "Re-analyse". Live: the host's `outbox-changed` events replace the list.
 */
import { useShallow } from 'zustand/react/shallow';
import { OutboxItemView } from '../components/OutboxItemView.tsx';
import { syncOutbox } from '../store/actions/outbox.ts';
import { useDeskStore } from '../store/store.ts';

export function OutboxPanel() {
  const items = useDeskStore((s) => s.outbox.items);
  const { syncing, error } = useDeskStore(useShallow((s) => ({ syncing: s.outbox.syncing, error: s.outbox.error })));
  const newestFirst = [...(items ?? [])].reverse();
  const count = (state: string) => newestFirst.filter((i) => i.state === state).length;
  const pending = count('queued') + count('sending');
  return (
    <section className="outbox-panel" aria-label="Outbox">
      <div className="block-head">
        <h2>Outbox</h2>
        <span className="mono muted" data-field="outboxCounts">
          {items === null ? 'loading…' : `${pending} waiting · ${count('failed')} failed · ${count('synced')} synced · ${count('discarded')} discarded`}
        </span>
        <button type="button" onClick={() => void syncOutbox()} disabled={syncing || pending === 0}>Sync now</button>
      </div>
      {error && <div className="banner alert" role="alert"><span className="code">{error.code}</span><p>{error.message}</p><span /></div>}
      {items !== null && items.length === 0 && (
        <p className="empty">No decision yet. Decisions taken on an experiment or here are written to the outbox first, then sent to the API.</p>
      )}
      {newestFirst.length > 0 && (
        <ul className="outbox-list">
          {newestFirst.map((item) => <li key={item.id}><OutboxItemView item={item} /></li>)}
        </ul>
      )}
    </section>
  );
}

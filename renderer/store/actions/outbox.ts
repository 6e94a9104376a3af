/**
 * The outbox of ChangeSet decisions as the host reports it: loaded at start-up, then replaced by
 * every `outbox-changed` event. "Sync now" flushes it; a failed or never-sent item can be
 * discarded. Slice operations only: what other screens do when the outbox changes is the host
 * events' coordination (`host-events.ts`), and "Re-analyse" on a 409 conflict is a decision
 * action (`decision.ts`).
 */
import type { OutboxItem } from '../../../contract/changesets/decisions.ts';
import { deskApi } from '../host-api.ts';
import { patch, slice } from '../store.ts';

/** The newer of two versions of an item (the host's answers and its events may cross). */
function newer(a: OutboxItem, b: OutboxItem): OutboxItem {
  return b.updatedAt >= a.updatedAt ? b : a;
}

/** `items` merged into the known list by id, keeping each item's newest version; order: oldest first. */
function merge(known: readonly OutboxItem[] | null, items: readonly OutboxItem[]): OutboxItem[] {
  const byId = new Map((known ?? []).map((item) => [item.id, item]));
  for (const item of items) {
    const before = byId.get(item.id);
    byId.set(item.id, before ? newer(before, item) : item);
  }
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** Adds or updates one item the host returned (submit, approve, discard, …). */
export function rememberOutboxItem(item: OutboxItem): void {
  patch('outbox', { items: merge(slice('outbox').items, [item]) });
}

export async function loadOutbox(): Promise<void> {
  patch('outbox', { loading: true });
  const result = await deskApi().listOutbox({});
  if (!result.ok) {
    patch('outbox', { loading: false, error: result.error });
    return;
  }
  patch('outbox', { loading: false, error: null, items: merge(slice('outbox').items, result.value) });
}

/**
 * Merges the items of an `outbox-changed` event (every item, oldest first) and returns the ids of
 * the ChangeSets one of whose items has just settled (synced: the API moved it; failed: the API
 * refused it) — the ones whose status and timeline on screen are now stale.
 */
export function applyOutboxChanged(items: readonly OutboxItem[]): ReadonlySet<string> {
  const before = new Map((slice('outbox').items ?? []).map((item) => [item.id, item.state]));
  const merged = merge(slice('outbox').items, items);
  patch('outbox', { items: merged, error: null });
  return new Set(merged
    .filter((item) => (item.state === 'synced' || item.state === 'failed') && before.get(item.id) !== item.state)
    .map((item) => item.changesetId));
}

const setBusy = (id: string, busy: boolean): void => {
  const ids = slice('outbox').busyIds.filter((x) => x !== id);
  patch('outbox', { busyIds: busy ? [...ids, id] : ids });
};

/** Sends every due item now (ignoring backoff); `id`: the button of one queued item. */
export async function syncOutbox(id?: string): Promise<void> {
  if (slice('outbox').syncing) return;
  patch('outbox', { syncing: true, error: null });
  if (id) setBusy(id, true);
  const result = await deskApi().retryOutbox(id ? { id } : {});
  if (id) setBusy(id, false);
  if (!result.ok) {
    patch('outbox', { syncing: false, error: result.error });
    return;
  }
  patch('outbox', { syncing: false, items: merge(slice('outbox').items, result.value) });
}

/** Drops a failed item, or a queued one never sent (kept in the list as `discarded`). */
export async function discardOutboxItem(id: string): Promise<void> {
  setBusy(id, true);
  const result = await deskApi().discardOutboxItem({ id });
  setBusy(id, false);
  if (!result.ok) {
    patch('outbox', { error: result.error });
    return;
  }
  patch('outbox', { error: null });
  rememberOutboxItem(result.value);
  const decision = slice('decision');
  if (decision.replacing === id) patch('decision', { replacing: null });
}

/** Failed items of a ChangeSet: the host holds every later item of that ChangeSet back behind them. */
export function failedItemsOf(changesetId: string): OutboxItem[] {
  return (slice('outbox').items ?? []).filter((item) => item.changesetId === changesetId && item.state === 'failed');
}

/**
 * Before a new decision on a ChangeSet: discards its failed items (and `also`, the item a
 * re-analysis replaces), which would otherwise hold the new one back. A refusal (already
 * discarded or settled meanwhile) is not an error here.
 */
export async function discardSuperseded(changesetId: string, also: string | null = null): Promise<void> {
  const ids = [...new Set([...(also ? [also] : []), ...failedItemsOf(changesetId).map((item) => item.id)])];
  for (const id of ids) {
    const dropped = await deskApi().discardOutboxItem({ id });
    if (dropped.ok) rememberOutboxItem(dropped.value);
  }
}

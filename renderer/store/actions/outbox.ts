/**
 * The outbox of ChangeSet decisions as the host reports it: loaded at start-up, then replaced by
 * every `outbox-changed` event. "Sync now" flushes it; a failed or never-sent item can be
 * discarded; a 409 conflict ("this ChangeSet changed since your analysis") is resolved by
 * re-analysing the experiment, which replaces the item with a decision on the new version.
 */
import type { OutboxItem } from '../../../contract/changesets/decisions.ts';
import { deskApi } from '../host-api.ts';
import { initialDecision } from '../slices/decision.ts';
import { patch, slice } from '../store.ts';
import { loadChangeSetDetail, loadChangeSets } from './changesets.ts';
import { openExperiment } from './experiment.ts';
import { navigate } from './navigation.ts';
import { proposeDecisionForOpenExperiment } from './decision.ts';

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
 * An `outbox-changed` event: every item, oldest first. When an item of a ChangeSet on screen has
 * just settled (synced: the API moved it; failed: the API refused it), that ChangeSet is
 * reloaded so its status and timeline follow.
 */
export function handleOutboxChanged(items: readonly OutboxItem[]): void {
  const before = new Map((slice('outbox').items ?? []).map((item) => [item.id, item.state]));
  const merged = merge(slice('outbox').items, items);
  patch('outbox', { items: merged, error: null });
  const settled = new Set(merged
    .filter((item) => (item.state === 'synced' || item.state === 'failed') && before.get(item.id) !== item.state)
    .map((item) => item.changesetId));
  if (settled.size === 0) return;
  const { list, selectedId } = slice('changesets');
  if (selectedId && settled.has(selectedId)) void loadChangeSetDetail(selectedId);
  if (list && list.items.some((c) => settled.has(c.id))) void loadChangeSets();
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

/**
 * "Re-analyse" on a 409 conflict: back to the decision's experiment, which proposes again
 * against the ChangeSet's current version; the analyst's next decision replaces the failed item.
 * An item without an experiment (an approval) opens its ChangeSet instead.
 */
export async function reanalyseConflict(item: OutboxItem): Promise<void> {
  if (!item.experimentId) {
    navigate('changesets');
    patch('changesets', { selectedId: item.changesetId });
    await Promise.all([loadChangeSets(), loadChangeSetDetail(item.changesetId)]);
    return;
  }
  const experiment = slice('experiment');
  if (experiment.experimentId === item.experimentId && experiment.analysis?.experimentId === item.experimentId) {
    patch('decision', { replacing: item.id, submitted: null, submitError: null, reasonEdited: false });
    navigate('experiment');
    await proposeDecisionForOpenExperiment();
    return;
  }
  patch('decision', { ...initialDecision, experimentId: item.experimentId, replacing: item.id });
  await openExperiment(item.experimentId);
}

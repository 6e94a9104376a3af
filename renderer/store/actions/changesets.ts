/**
 * The ChangeSets screen: the list (filtered by status, paged with "Load more"), the selected
 * ChangeSet with its audit trail and legal next steps, and the steps taken from it. Every step
 * goes through the host's outbox like a decision: approve / reject a PENDING_APPROVAL, and the
 * other transitions the lifecycle allows (`allowedTransitions` of the detail, never a guess).
 * Only the answer to the latest list or detail request is shown.
 */
import type { ChangeSetStatus } from '../../../contract/changesets/schemas.ts';
import type { DeskError } from '../../../contract/desk-api.ts';
import { deskApi } from '../host-api.ts';
import { initialChangeSetAction } from '../slices/changesets.ts';
import { patch, slice } from '../store.ts';
import { navigate } from './navigation.ts';
import { discardSuperseded, rememberOutboxItem } from './outbox.ts';

let latestList = 0;
let latestDetail = 0;

/** Lists the first page of ChangeSets with the current status filter. */
export async function loadChangeSets(): Promise<void> {
  const { statusFilter } = slice('changesets');
  const request = ++latestList;
  patch('changesets', { loading: true, error: null });
  const result = await deskApi().listChangeSets(statusFilter ? { status: statusFilter } : {});
  if (request !== latestList) return;
  if (!result.ok) {
    patch('changesets', { loading: false, error: result.error });
    return;
  }
  patch('changesets', { loading: false, error: null, list: result.value });
}

/** Appends the next page (the API's `nextCursor`). */
export async function loadMoreChangeSets(): Promise<void> {
  const { list, statusFilter, loading } = slice('changesets');
  if (!list?.nextCursor || loading) return;
  const request = ++latestList;
  patch('changesets', { loading: true, error: null });
  const result = await deskApi().listChangeSets({ cursor: list.nextCursor, ...(statusFilter && { status: statusFilter }) });
  if (request !== latestList) return;
  if (!result.ok) {
    patch('changesets', { loading: false, error: result.error });
    return;
  }
  const known = new Set(list.items.map((c) => c.id));
  patch('changesets', {
    loading: false,
    list: { ...result.value, items: [...list.items, ...result.value.items.filter((c) => !known.has(c.id))] },
  });
}

/** Shows only ChangeSets in `status` (null: all). */
export function filterChangeSets(status: ChangeSetStatus | null): Promise<void> {
  patch('changesets', { statusFilter: status });
  return loadChangeSets();
}

/** Loads one ChangeSet's detail (kept on screen while it reloads). */
export async function loadChangeSetDetail(id: string): Promise<void> {
  const request = ++latestDetail;
  patch('changesets', { detailLoading: true, detailError: null });
  const result = await deskApi().getChangeSet({ id });
  if (request !== latestDetail || slice('changesets').selectedId !== id) return;
  if (!result.ok) {
    patch('changesets', { detailLoading: false, detailError: result.error });
    return;
  }
  patch('changesets', { detailLoading: false, detailError: null, detail: result.value });
}

/** Selects a ChangeSet of the list and loads its detail. */
export function selectChangeSet(id: string): Promise<void> {
  const current = slice('changesets');
  if (current.selectedId !== id) {
    patch('changesets', {
      selectedId: id,
      detail: current.detail?.changeset.id === id ? current.detail : null,
      action: initialChangeSetAction,
    });
  }
  return loadChangeSetDetail(id);
}

/** Opens the ChangeSets screen (optionally on one ChangeSet) and refreshes what it shows. */
export async function showChangeSets(id?: string): Promise<void> {
  navigate('changesets');
  await Promise.all([loadChangeSets(), id ? selectChangeSet(id) : refreshSelected()]);
}

function refreshSelected(): Promise<void> {
  const { selectedId } = slice('changesets');
  return selectedId ? loadChangeSetDetail(selectedId) : Promise.resolve();
}

/** Reloads the list and the selected ChangeSet. */
export async function refreshChangeSets(): Promise<void> {
  await Promise.all([loadChangeSets(), refreshSelected()]);
}

const refused = (message: string): DeskError => ({ code: 'invalid_request', message });

/**
 * Takes one step from the selected ChangeSet: `ACTIVE` from PENDING_APPROVAL is the approval,
 * `DRAFT` from PENDING_APPROVAL the rejection, anything else a transition. Refused here (before
 * the host) when the step is not among the detail's `allowedTransitions`, when the reason is
 * empty, or when the step needs an explicit confirmation (ROLLED_BACK → PERMANENT) that was not
 * given. The ChangeSet's failed items are discarded first (they would hold the step back); the
 * item goes to the outbox; the detail and the list are reloaded afterwards.
 */
export async function takeChangeSetStep(to: ChangeSetStatus, reason: string, options: { confirm?: boolean } = {}): Promise<void> {
  const { detail, action } = slice('changesets');
  if (!detail || action.status === 'sending') return;
  const { changeset } = detail;
  const rule = detail.allowedTransitions.find((t) => t.to === to);
  const fail = (error: DeskError): void => patch('changesets', { action: { status: 'error', changesetId: changeset.id, item: null, error } });
  if (!rule) return fail(refused(`${changeset.execution.status} → ${to} is not a step ${changeset.id} can take now`));
  if (rule.proof === 'required') return fail(refused(`${to} needs a proofResult: take this decision from the linked experiment`));
  if (rule.requiresConfirmation && options.confirm !== true) return fail(refused(`${changeset.execution.status} → ${to} needs your explicit confirmation`));
  const text = reason.trim();
  if (text === '') return fail(refused('Give a reason: it is written to the audit trail.'));

  patch('changesets', { action: { status: 'sending', changesetId: changeset.id, item: null, error: null } });
  await discardSuperseded(changeset.id);
  const api = deskApi();
  const review = { id: changeset.id, expectedVersion: changeset.version, reason: text };
  const pending = changeset.execution.status === 'PENDING_APPROVAL';
  const result = pending && to === 'ACTIVE' ? await api.approveChangeSet(review)
    : pending && to === 'DRAFT' ? await api.rejectChangeSet(review)
      : await api.submitDecision({
        changesetId: changeset.id, to, reason: text, expectedVersion: changeset.version, ...(rule.requiresConfirmation && { confirm: true }),
      });
  if (!result.ok) return fail(result.error);
  rememberOutboxItem(result.value);
  patch('changesets', { action: { status: 'done', changesetId: changeset.id, item: result.value, error: null } });
  await refreshChangeSets();
}

/** Forgets the last step's outcome (the form was edited). */
export function clearChangeSetStep(): void {
  if (slice('changesets').action.status !== 'sending') patch('changesets', { action: initialChangeSetAction });
}

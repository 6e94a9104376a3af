/**
 * The Experiment screen's Decision section: the host proposes the transition of the verdict
 * (winner → PROVEN, loser → ROLLED_BACK) for the linked ChangeSet, with the proofResult and a
 * reason pre-filled; the analyst edits the reason and takes it; the decision goes to the outbox
 * (sent now, or when the API is reachable). Only the answer to the latest proposal is shown.
 */
import type { OutboxItem } from '../../../contract/changesets/decisions.ts';
import { deskApi } from '../host-api.ts';
import { initialDecision } from '../slices/decision.ts';
import { patch, slice } from '../store.ts';
import { loadChangeSetDetail, loadChangeSets } from './changesets.ts';
import { cleanOverrides, openExperiment } from './experiment.ts';
import { navigate } from './navigation.ts';
import { discardSuperseded, rememberOutboxItem } from './outbox.ts';

let latestProposal = 0;

/**
 * Asks the host for the open experiment's decision, with the overrides of the analysis on screen
 * (filters, α, CUPED). Another experiment starts from a clean section (a pending "replace" of the
 * same experiment is kept).
 */
export async function proposeDecisionForOpenExperiment(): Promise<void> {
  const { experimentId, analysis, overrides } = slice('experiment');
  if (!experimentId) return;
  const sent = analysis?.experimentId === experimentId ? analysis.overrides : cleanOverrides(overrides);
  const current = slice('decision');
  if (current.experimentId === experimentId) patch('decision', { status: 'loading', error: null });
  else patch('decision', { ...initialDecision, experimentId, status: 'loading' });
  const request = ++latestProposal;
  const result = await deskApi().proposeDecision(Object.keys(sent).length > 0 ? { experimentId, overrides: sent } : { experimentId });
  if (request !== latestProposal) return;
  if (!result.ok) {
    patch('decision', { status: 'error', error: result.error });
    return;
  }
  const proposal = result.value;
  const before = slice('decision');
  // An edited reason survives a re-proposal of the same transition, not a change of transition.
  const keepReason = before.reasonEdited && before.proposal?.to === proposal.to;
  patch('decision', {
    status: 'ready',
    proposal,
    error: null,
    reason: keepReason ? before.reason : proposal.reason,
    reasonEdited: keepReason,
  });
}

export function editDecisionReason(reason: string): void {
  patch('decision', { reason, reasonEdited: true, submitError: null });
}

/** Links the open experiment to a ChangeSet by hand (null: back to the featureFlagKey link), then proposes again. */
export async function linkDecisionChangeSet(changesetId: string | null): Promise<void> {
  const experimentId = slice('decision').experimentId ?? slice('experiment').experimentId;
  if (!experimentId || slice('decision').linking) return;
  patch('decision', { linking: true, error: null });
  const result = await deskApi().linkExperiment({ experimentId, changesetId });
  patch('decision', { linking: false });
  if (!result.ok) {
    patch('decision', { error: result.error });
    return;
  }
  await proposeDecisionForOpenExperiment();
}

/** Whether an item is a decision that still stands (waiting, under way or accepted). */
export function isLiveDecision(item: OutboxItem): boolean {
  return item.state === 'queued' || item.state === 'sending' || item.state === 'synced';
}

/**
 * Takes the proposed decision: writes it to the outbox through `submitDecision` (which tries to
 * send it at once) and remembers the item, whose later states arrive as `outbox-changed` events.
 * The ChangeSet's failed items (after "Re-analyse": the one it replaces) are discarded first:
 * the host would hold the new decision back behind them.
 */
export async function submitProposedDecision(): Promise<void> {
  const decision = slice('decision');
  const proposal = decision.proposal;
  if (decision.submitting || !proposal || !proposal.to || !proposal.link.changesetId || proposal.blockedReason) return;
  const reason = decision.reason.trim();
  if (reason === '') {
    patch('decision', { submitError: { code: 'invalid_request', message: 'Give a reason for the decision: it is written to the audit trail.' } });
    return;
  }
  patch('decision', { submitting: true, submitError: null });
  await discardSuperseded(proposal.link.changesetId, decision.replacing);
  const result = await deskApi().submitDecision({
    changesetId: proposal.link.changesetId,
    experimentId: proposal.experimentId,
    to: proposal.to,
    reason,
    expectedVersion: proposal.expectedVersion,
    proofResult: proposal.proofResult,
  });
  if (!result.ok) {
    patch('decision', { submitting: false, submitError: result.error });
    return;
  }
  rememberOutboxItem(result.value);
  patch('decision', { submitting: false, submitted: result.value, replacing: null });
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

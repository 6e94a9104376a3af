/**
 * The Experiment screen's Decision section (docs/changesets.md): the linked ChangeSet (by
 * featureFlagKey, or chosen by hand from the host's candidates), the transition the verdict
 * proposes (winner → PROVEN, loser → ROLLED_BACK) with the proofResult pre-filled and an
 * editable reason, the button that takes it, and the decision's state in the outbox (queued
 * while the API is unreachable, synced, failed with the reason). Inconclusive and not-ready
 * verdicts propose nothing, and the section says why.
 */
import { useEffect, useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DecisionProposal, OutboxItem } from '../../contract/changesets/decisions.ts';
import { ChangeSetStatusBadge } from '../components/ChangeSetBadges.tsx';
import { OutboxItemView } from '../components/OutboxItemView.tsx';
import { ProofSummary } from '../components/ProofSummary.tsx';
import { formatDateTime, statusLabel } from '../format/changesets.ts';
import { displayName } from '../format/names.ts';
import { showChangeSets } from '../store/actions/changesets.ts';
import {
  editDecisionReason, isLiveDecision, linkDecisionChangeSet, proposeDecisionForOpenExperiment, submitProposedDecision,
} from '../store/actions/decision.ts';
import { syncOutbox } from '../store/actions/outbox.ts';
import { useDeskStore } from '../store/store.ts';

/** The decision to show for an experiment: the one just taken, else its latest that was not discarded. */
function useShownItem(experimentId: string | null): OutboxItem | null {
  return useDeskStore((s) => {
    if (!experimentId) return null;
    const items = s.outbox.items ?? [];
    const submitted = s.decision.experimentId === experimentId ? s.decision.submitted : null;
    if (submitted) return items.find((i) => i.id === submitted.id) ?? submitted;
    return items.filter((i) => i.experimentId === experimentId && i.state !== 'discarded').at(-1) ?? null;
  });
}

export function DecisionSection() {
  const experimentId = useDeskStore((s) => s.experiment.experimentId);
  // A new analysis (open, filters, α, CUPED) is a new object: propose again with its overrides.
  const analysed = useDeskStore((s) => (s.experiment.analysis?.experimentId === s.experiment.experimentId ? s.experiment.analysis.overrides : null));
  const { status, proposal, error } = useDeskStore(useShallow((s) => ({
    status: s.decision.experimentId === experimentId ? s.decision.status : 'idle',
    proposal: s.decision.experimentId === experimentId ? s.decision.proposal : null,
    error: s.decision.experimentId === experimentId ? s.decision.error : null,
  })));
  useEffect(() => {
    if (analysed) void proposeDecisionForOpenExperiment();
  }, [analysed]);

  return (
    <section className="decision" aria-label="Decision" aria-busy={status === 'loading'}>
      <div className="block-head decision-head">
        <h2>Decision</h2>
        <span className="mono muted">{status === 'loading' ? 'proposing…' : proposal ? sourceText(proposal) : ''}</span>
        <button type="button" className="quiet" onClick={() => void proposeDecisionForOpenExperiment()} disabled={status === 'loading'}>
          Refresh decision
        </button>
      </div>
      {error && (
        <div className="banner alert" role="alert"><span className="code">{error.code}</span><p>{error.message}</p><span /></div>
      )}
      {!proposal && status === 'loading' && <p className="loading-state">Preparing the decision for {displayName(experimentId)}…</p>}
      {proposal && <Proposal proposal={proposal} />}
    </section>
  );
}

function sourceText(proposal: DecisionProposal): string {
  if (proposal.source === 'api') return 'ChangeSet from the live API';
  if (proposal.source === 'cache') return 'ChangeSet from the offline copy';
  return proposal.offlineReason ? 'offline' : '';
}

function Proposal({ proposal }: { proposal: DecisionProposal }) {
  const shown = useShownItem(proposal.experimentId);
  const replacing = useDeskStore((s) => s.decision.replacing);
  // A decision already queued, under way or accepted for this transition: no second one.
  const taken = shown && isLiveDecision(shown) && shown.changesetId === proposal.link.changesetId && shown.request.to === proposal.to ? shown : null;
  return (
    <>
      {proposal.offlineReason && (
        <div className="banner info" role="status">
          <span className="code">offline</span>
          <p>The ChangeSet API is not in use: {proposal.offlineReason}. {proposal.changeset ? 'Showing the local copy; a decision is queued and sent when the API is reachable.' : ''}</p>
          <span />
        </div>
      )}
      <LinkedChangeSet proposal={proposal} />
      <Transition proposal={proposal} />
      {proposal.to && <ProofSummary proof={proposal.proofResult} />}
      {proposal.to && !proposal.blockedReason && proposal.link.changesetId && !taken && <DecisionForm proposal={proposal} replacing={replacing} />}
      {shown && (
        <div className="decision-state">
          <h3>Decision state</h3>
          <OutboxItemView item={shown} retry={false} />
          {(shown.state === 'queued' || shown.state === 'sending') && <SyncNow />}
        </div>
      )}
    </>
  );
}

function SyncNow() {
  const syncing = useDeskStore((s) => s.outbox.syncing);
  const error = useDeskStore((s) => s.outbox.error);
  return (
    <div className="sync-row">
      <button type="button" onClick={() => void syncOutbox()} disabled={syncing}>Sync now</button>
      <span className="muted mono" aria-live="polite">{syncing ? 'sending…' : 'the outbox also retries on its own'}</span>
      {error && <span className="neg mono" role="alert">{error.message}</span>}
    </div>
  );
}

function LinkedChangeSet({ proposal }: { proposal: DecisionProposal }) {
  const linking = useDeskStore((s) => s.decision.linking);
  const selectId = useId();
  const { link, changeset, candidates } = proposal;
  if (link.changesetId) {
    return (
      <div className="linked" data-linked-changeset={link.changesetId}>
        <span className="control-label">Linked ChangeSet</span>
        <span className="mono linked-id">{displayName(link.changesetId)}</span>
        {changeset ? <ChangeSetStatusBadge status={changeset.execution.status} /> : <span className="muted">not in the local copy</span>}
        {changeset && <span className="mono muted">version {changeset.version}</span>}
        <span className="muted">{link.source === 'manual' ? 'chosen by hand' : `featureFlagKey = ${displayName(proposal.experimentId)}`}</span>
        <span className="linked-actions">
          <button type="button" className="quiet" onClick={() => void showChangeSets(link.changesetId!)}>Open ChangeSet</button>
          {link.source === 'manual' && (
            <button type="button" className="quiet" disabled={linking} onClick={() => void linkDecisionChangeSet(null)}>Remove manual link</button>
          )}
        </span>
        {changeset && <p className="linked-problem">{displayName(changeset.hypothesis.problem)}</p>}
      </div>
    );
  }
  return (
    <div className="linked">
      {candidates.length > 0 ? (
        <>
          <label htmlFor={selectId}>Linked ChangeSet</label>
          <select id={selectId} value="" disabled={linking} aria-describedby={`${selectId}-hint`}
            onChange={(e) => e.target.value && void linkDecisionChangeSet(e.target.value)}>
            <option value="">(none — choose a ChangeSet)</option>
            {candidates.map((c) => (
              <option key={c.id} value={c.id}>{displayName(c.id)} · {statusLabel(c.status)} · {displayName(c.problem)}</option>
            ))}
          </select>
          <span className="hint" id={`${selectId}-hint`}>No ChangeSet has featureFlagKey = {displayName(proposal.experimentId)}: choose the one this experiment measures.</span>
        </>
      ) : (
        <p className="muted">
          No ChangeSet is linked to <span className="mono">{displayName(proposal.experimentId)}</span>
          {proposal.offlineReason
            ? ': no ChangeSet in MEASURING is in the local copy, which is filled whenever the API is reachable.'
            : ' and no ChangeSet in MEASURING can be chosen.'}
        </p>
      )}
    </div>
  );
}

function Transition({ proposal }: { proposal: DecisionProposal }) {
  const { to, changeset, blockedReason, proofResult } = proposal;
  if (!to) {
    return (
      <div className="proposal none" data-proposed="none">
        <p><strong>Nothing to propose.</strong> {blockedReason ?? `the verdict is ${proofResult.verdict.status}`}.</p>
        <p className="muted">{displayName(proofResult.verdict.reason)}</p>
      </div>
    );
  }
  return (
    <div className="proposal" data-proposed={to}>
      <p className="proposal-line">
        <span className="control-label">Proposed</span>
        {changeset ? <ChangeSetStatusBadge status={changeset.execution.status} /> : <span className="mono muted">current state</span>}
        <span aria-hidden="true">→</span>
        <span className="visually-hidden">to</span>
        <ChangeSetStatusBadge status={to} />
        <span className="muted">{proofResult.verdict.status === 'winner' ? 'the verdict is a winner' : 'the verdict is a loser'}</span>
      </p>
      {blockedReason && (
        <div className="banner alert" role="status"><span className="code">blocked</span><p>{blockedReason}</p><span /></div>
      )}
    </div>
  );
}

function DecisionForm({ proposal, replacing }: { proposal: DecisionProposal; replacing: string | null }) {
  const { reason, submitting, submitError } = useDeskStore(useShallow((s) => ({
    reason: s.decision.reason, submitting: s.decision.submitting, submitError: s.decision.submitError,
  })));
  const failedCount = useDeskStore((s) => (s.outbox.items ?? []).filter((i) => i.changesetId === proposal.link.changesetId && i.state === 'failed').length);
  const reasonId = useId();
  return (
    <form className="decision-form" onSubmit={(e) => { e.preventDefault(); void submitProposedDecision(); }}>
      <div className="field">
        <label htmlFor={reasonId}>Reason</label>
        <textarea id={reasonId} value={reason} onChange={(e) => editDecisionReason(e.target.value)} rows={3} spellCheck
          aria-describedby={`${reasonId}-hint`} aria-invalid={reason.trim() === ''} />
        <span className="hint" id={`${reasonId}-hint`}>
          Written to the ChangeSet's audit trail with the proof above
          {proposal.expectedVersion !== null ? `; based on version ${proposal.expectedVersion}` : '; on the version current when it is sent'}
          {proposal.changeset && proposal.source === 'cache' ? ` (local copy)` : ''}.
        </span>
      </div>
      {(replacing || failedCount > 0) && (
        <p className="hint replace-note">
          {replacing ? 'Replaces the decision that conflicted. ' : ''}
          Failed decisions on {displayName(proposal.link.changesetId)} are discarded first: they would hold this one back.
        </p>
      )}
      {submitError && <div className="banner alert" role="alert"><span className="code">{submitError.code}</span><p>{submitError.message}</p><span /></div>}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={submitting || reason.trim() === ''}>Propose {proposal.to}</button>
        {submitting && <span className="muted mono" role="status">writing to the outbox and sending…</span>}
        {proposal.changeset?.updatedAt && <span className="muted mono">ChangeSet updated {formatDateTime(proposal.changeset.updatedAt)}</span>}
      </div>
    </form>
  );
}

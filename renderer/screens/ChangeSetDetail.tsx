/**
 * The selected ChangeSet (docs/changesets.md, docs/interface.md): status and version, the "AUTO-ROLLBACK: ARMED" banner
 * while armed, hypothesis, action plan, guardrails, rollback plan, proof plan, approval,
 * execution with its proofResult, the audit trail as a timeline, the legal next steps (only the
 * host's `allowedTransitions`; ROLLED_BACK → PERMANENT behind an explicit confirmation), and the
 * outbox items of this ChangeSet.
 */
import { useId, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AllowedTransitionView, ChangeSetDetailView } from '../../contract/changesets/decisions.ts';
import type { AuditEvent, ChangeSet } from '../../contract/changesets/schemas.ts';
import { ChangeSetStatusBadge } from '../components/ChangeSetBadges.tsx';
import { OutboxItemView } from '../components/OutboxItemView.tsx';
import { ProofSummary } from '../components/ProofSummary.tsx';
import {
  auditActionLabel, deviationText, formatDateTime, formatIsoDuration, formatMinorUnits, statusLabel, stepLabel,
} from '../format/changesets.ts';
import { displayName, displayNames } from '../format/names.ts';
import { formatCount, formatNumber, formatPercent } from '../../contract/number-format.ts';
import { clearChangeSetStep, takeChangeSetStep } from '../store/actions/changesets.ts';
import { openExperiment } from '../store/actions/experiment.ts';
import { useDeskStore } from '../store/store.ts';

export function ChangeSetDetail() {
  const { selectedId, detail, loading, error } = useDeskStore(useShallow((s) => ({
    selectedId: s.changesets.selectedId,
    detail: s.changesets.detail,
    loading: s.changesets.detailLoading,
    error: s.changesets.detailError,
  })));
  return (
    <section className="cs-detail" aria-label="ChangeSet detail" aria-busy={loading}>
      {error && <div className="banner alert" role="alert"><span className="code">{error.code}</span><p>{error.message}</p><span /></div>}
      {!selectedId && <p className="empty">Select a ChangeSet to see its plan, its timeline and the steps it can take.</p>}
      {selectedId && !detail && loading && <p className="loading-state">Loading {displayName(selectedId)}…</p>}
      {detail && detail.changeset.id === selectedId && <Detail detail={detail} />}
    </section>
  );
}

function Detail({ detail }: { detail: ChangeSetDetailView }) {
  const { changeset } = detail;
  const { hypothesis, actionPlan, guardrails, rollbackPlan, proofPlan, approval, execution } = changeset;
  return (
    <>
      <div className="cs-head">
        <h2 className="mono">{displayName(changeset.id)}</h2>
        <ChangeSetStatusBadge status={execution.status} />
        <span className="mono muted">version {changeset.version} · store {displayName(changeset.storeId)}</span>
        <span className={`source ${detail.source}`} data-source={detail.source}>
          <span className="source-mark">{detail.source === 'api' ? 'LIVE API' : 'OFFLINE CACHE'}</span>
          <span className="mono">{detail.fetchedAt ? `fetched ${formatDateTime(detail.fetchedAt)}` : ''}{detail.offlineReason ? ` · ${detail.offlineReason}` : ''}</span>
        </span>
      </div>
      {detail.autoRollbackArmed && (
        <div className="armed-banner" role="note" aria-label="Auto-rollback">
          <strong>AUTO-ROLLBACK: ARMED • DEVIATION &gt; {deviationText(rollbackPlan.autoRollbackTriggers.map((t) => t.maxRelativeDrop))} = AUTO-KILL</strong>
          <span className="mono">{rollbackPlan.autoRollbackTriggers.map((t) => `${displayName(t.metric)} drop > ${formatPercent(t.maxRelativeDrop, 1)}`).join(' · ')}</span>
        </div>
      )}
      <div className="cs-blocks">
        <Block title="Hypothesis">
          <p className="cs-problem">{displayName(hypothesis.problem)}</p>
          <Facts items={[
            ['Expected outcome', displayName(hypothesis.expectedOutcome)],
            ['Confidence', hypothesis.confidenceLevel],
          ]} />
          {hypothesis.dataEvidence.length > 0 && <ul className="plain">{hypothesis.dataEvidence.map((e) => <li key={e}>{displayName(e)}</li>)}</ul>}
        </Block>
        <Block title="Action plan">
          <Facts items={[
            ['Type', actionPlan.type.replace(/_/g, ' ')],
            ['Target segment', displayName(actionPlan.targetSegment)],
            ['Feature flag', displayName(actionPlan.implementation.featureFlagKey) || '—'],
            ['Rollout', `${actionPlan.rolloutStrategy}${actionPlan.rolloutPercentage !== undefined ? ` · ${actionPlan.rolloutPercentage}%` : ''}`],
          ]} />
          {actionPlan.implementation.changes.length > 0 && (
            <ul className="plain">{actionPlan.implementation.changes.map((c) => <li key={c.target}><span className="mono">{displayName(c.target)}</span>: {displayName(c.description)}</li>)}</ul>
          )}
        </Block>
        <Block title="Guardrails">
          <Facts items={[
            ['Profit floor / day', formatMinorUnits(guardrails.profitFloor)],
            ['Stock threshold', guardrails.stockThreshold === undefined ? '—' : formatCount(guardrails.stockThreshold)],
            ['Risk', guardrails.riskLevel],
          ]} />
          <List title="SLOs" items={guardrails.sloRequirements} />
          <List title="Blocked when" items={guardrails.blockedConditions} />
        </Block>
        <Block title="Rollback plan">
          <Facts items={[
            ['Manual rollback', rollbackPlan.manualRollbackEnabled ? 'enabled' : 'disabled'],
            ['Estimated time', formatIsoDuration(rollbackPlan.estimatedRollbackTime)],
          ]} />
          <p>{displayName(rollbackPlan.rollbackProcedure)}</p>
          <List title="Auto-rollback triggers" items={rollbackPlan.autoRollbackTriggers.map((t) => `${displayName(t.metric)}: drop > ${formatPercent(t.maxRelativeDrop, 1)}${t.description ? ` (${displayName(t.description)})` : ''}`)} />
        </Block>
        <Block title="Proof plan">
          <Facts items={[
            ['Primary', displayNames(proofPlan.primaryMetrics) || '—'],
            ['Secondary', displayNames(proofPlan.secondaryMetrics) || '—'],
            ['Method', proofPlan.statisticalMethod],
            ['Holdout', `${formatNumber(proofPlan.holdoutPercentage)}%`],
            ['Minimum sample', formatCount(proofPlan.minimumSampleSize)],
            ['Window', formatIsoDuration(proofPlan.measurementWindow)],
            ['Alpha', formatNumber(proofPlan.significanceThreshold)],
          ]} />
        </Block>
        <Block title="Approval">
          <Facts items={[
            ['Status', approval.status],
            ['By', displayName(approval.approvedBy) || '—'],
            ['At', formatDateTime(approval.approvedAt)],
            ['Expires', formatDateTime(approval.expiresAt)],
          ]} />
        </Block>
        <Block title="Execution" wide>
          <Facts items={[
            ['Status', statusLabel(execution.status)],
            ['Started', formatDateTime(execution.startedAt)],
            ['Ended', formatDateTime(execution.endedAt)],
            ...Object.entries(execution.currentMetrics ?? {}).map(([k, v]): [string, string] => [displayName(k), formatNumber(v)]),
          ]} />
          {execution.proofResult ? (
            <>
              <h4>Proof result · {displayName(execution.proofResult.experimentId)} · {execution.proofResult.verdict.status}</h4>
              <ProofSummary proof={execution.proofResult} />
            </>
          ) : <p className="muted">No proof result yet.</p>}
        </Block>
      </div>
      <Steps detail={detail} />
      <Timeline events={detail.audit} />
      <ChangeSetOutbox changesetId={changeset.id} />
    </>
  );
}

function Block({ title, children, wide = false }: { title: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={`cs-block${wide ? ' wide' : ''}`}>
      <h3>{title}</h3>
      {children}
    </div>
  );
}

function Facts({ items }: { items: readonly (readonly [string, ReactNode])[] }) {
  return (
    <dl className="facts">
      {items.map(([label, value]) => <div key={label}><dt>{label}</dt><dd>{value}</dd></div>)}
    </dl>
  );
}

function List({ title, items }: { title: string; items: readonly string[] }) {
  if (items.length === 0) return null;
  return (
    <>
      <h4>{title}</h4>
      <ul className="plain">{items.map((item) => <li key={item}>{displayName(item)}</li>)}</ul>
    </>
  );
}

/** The legal next steps, from the host's `allowedTransitions` (never computed here). */
function Steps({ detail }: { detail: ChangeSetDetailView }) {
  const { changeset, allowedTransitions, linkedExperiments } = detail;
  return (
    <section className="cs-steps" aria-label="Next steps">
      <h3>Next steps</h3>
      {allowedTransitions.length === 0 ? (
        <p className="muted">
          {changeset.execution.status === 'PERMANENT'
            ? 'PERMANENT is final: no step is possible.'
            : `No step is possible now${changeset.approval.expiresAt && changeset.execution.status === 'PENDING_APPROVAL' ? ' (the approval expired; the API moves it back to DRAFT)' : ''}.`}
        </p>
      ) : (
        <StepForm key={`${changeset.id}:${changeset.version}`} changeset={changeset} steps={allowedTransitions} linkedExperiments={linkedExperiments} />
      )}
    </section>
  );
}

function StepForm({ changeset, steps, linkedExperiments }: { changeset: ChangeSet; steps: readonly AllowedTransitionView[]; linkedExperiments: readonly string[] }) {
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const action = useDeskStore((s) => (s.changesets.action.changesetId === changeset.id ? s.changesets.action : null));
  const live = useDeskStore((s) => (action?.item ? s.outbox.items?.find((i) => i.id === action.item!.id) ?? action.item : null));
  const failedCount = useDeskStore((s) => (s.outbox.items ?? []).filter((i) => i.changesetId === changeset.id && i.state === 'failed').length);
  const reasonId = useId();
  const confirmId = useId();
  const from = changeset.execution.status;
  const direct = steps.filter((s) => s.proof !== 'required');
  const needsProof = steps.filter((s) => s.proof === 'required');
  const needsConfirmation = direct.some((s) => s.requiresConfirmation);
  const sending = action?.status === 'sending';
  const empty = reason.trim() === '';

  return (
    <div className="step-form">
      {direct.length > 0 && (
        <>
          <div className="field">
            <label htmlFor={reasonId}>Reason for this step</label>
            <textarea id={reasonId} rows={2} value={reason} aria-describedby={`${reasonId}-hint`}
              onChange={(e) => { setReason(e.target.value); clearChangeSetStep(); }} />
            <span className="hint" id={`${reasonId}-hint`}>
              Written to the audit trail; the step goes through the outbox against version {changeset.version}.
              {failedCount > 0 ? ` The ${failedCount} failed decision(s) below are discarded first: they would hold it back.` : ''}
            </span>
          </div>
          {needsConfirmation && (
            <label className="check confirm" htmlFor={confirmId}>
              <input id={confirmId} type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
              I confirm: make the rollback of {displayName(changeset.id)} permanent (it cannot be undone)
            </label>
          )}
          <div className="form-actions">
            {direct.map((step) => {
              const blockedByConfirmation = step.requiresConfirmation && !confirmed;
              const danger = step.to === 'ROLLED_BACK' || (from === 'PENDING_APPROVAL' && step.to === 'DRAFT');
              return (
                <button key={step.to} type="button" className={danger ? 'danger' : 'primary'} disabled={sending || empty || blockedByConfirmation}
                  data-step={step.to}
                  onClick={() => void takeChangeSetStep(step.to, reason, step.requiresConfirmation ? { confirm: confirmed } : {})}>
                  {stepLabel(from, step.to)}
                </button>
              );
            })}
            {sending && <span className="muted mono" role="status">writing to the outbox and sending…</span>}
          </div>
        </>
      )}
      {needsProof.map((step) => (
        <div key={step.to} className="proof-step">
          <p>
            <strong>{statusLabel(from)} → {statusLabel(step.to)}</strong> needs a proofResult: take it from the linked experiment’s Decision section.
          </p>
          {linkedExperiments.length > 0
            ? linkedExperiments.map((e) => (
              <button key={e} type="button" className="quiet" onClick={() => void openExperiment(e)}>Open experiment {displayName(e)}</button>
            ))
            : <span className="muted">No experiment is linked (featureFlagKey or a link made on an experiment).</span>}
        </div>
      ))}
      {action?.status === 'error' && action.error && (
        <div className="banner alert" role="alert"><span className="code">{action.error.code}</span><p>{action.error.message}</p><span /></div>
      )}
      {live && <OutboxItemView item={live} />}
    </div>
  );
}

function Timeline({ events }: { events: readonly AuditEvent[] }) {
  return (
    <section className="cs-timeline" aria-label="Timeline">
      <h3>Audit trail</h3>
      {events.length === 0 ? <p className="muted">No audit event.</p> : (
        <ol aria-label="Audit trail" className="timeline">
          {events.map((event) => (
            <li key={event.id} data-action={event.action} data-version={event.version}>
              <span className="tl-time mono">{formatDateTime(event.timestamp)}</span>
              <span className="tl-action">{auditActionLabel(event.action)}</span>
              <span className="tl-states">
                {event.previousState ? <ChangeSetStatusBadge status={event.previousState} /> : <span className="muted mono">new</span>}
                <span aria-hidden="true">→</span>
                <span className="visually-hidden">to</span>
                <ChangeSetStatusBadge status={event.newState} />
              </span>
              <span className="tl-actor mono">{event.actor.type}:{displayName(event.actor.id)} · v{event.version}</span>
              <p className="tl-reason">{displayName(event.reason)}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function ChangeSetOutbox({ changesetId }: { changesetId: string }) {
  const items = useDeskStore(useShallow((s) => (s.outbox.items ?? []).filter((i) => i.changesetId === changesetId)));
  if (items.length === 0) return null;
  return (
    <div className="cs-outbox">
      <h3>Decisions in the outbox</h3>
      <ul className="outbox-list">
        {[...items].reverse().map((item) => <li key={item.id}><OutboxItemView item={item} showTarget={false} /></li>)}
      </ul>
    </div>
  );
}

/**
 * The ChangeSet lifecycle of docs/changesets.md in one pure place: which transitions exist, what each one
 * writes (state, approval, execution, version, one audit event), and the error for anything else.
 * The reference server applies it; the app uses it to offer only legal actions and to refuse an
 * illegal decision before it reaches the outbox.
 *
 * ```
 *   (create) ──created──▶ DRAFT ──submitted──▶ PENDING_APPROVAL ──approved──▶ ACTIVE ──measured──▶ MEASURING
 *                          ▲                        │                                        │         │
 *                          └──rejected (rejected or expired approval)                  proven│         │rolled_back
 *                                                                                            ▼         ▼
 *                                                   PERMANENT ◀──made_permanent── PROVEN   ROLLED_BACK
 *                                                       ▲                                      │
 *                                                       └──────made_permanent (confirm: true)──┘
 * ```
 *
 * Choices where docs/changesets.md is silent:
 * - Audit actions: SPEC lists no action for DRAFT → PENDING_APPROVAL; it writes `submitted` (an
 *   addition). PENDING_APPROVAL → ACTIVE is the approval and writes `approved` (approval.status
 *   `approved`, `approvedBy`, `approvedAt`; `execution.startedAt`). `activated` stays in the
 *   vocabulary (the Profit Engine may write it) but no transition here writes it.
 * - Reject: PENDING_APPROVAL → DRAFT with approval.status `rejected`, action `rejected`.
 * - Expiry: a PENDING_APPROVAL whose `approval.expiresAt` (submission + timeout, default 7 days)
 *   has passed is moved PENDING_APPROVAL → DRAFT by the system (`expireApproval`), with
 *   approval.status `expired`, action `rejected` and `metadata.expired = true`. Until that
 *   happens, an expired ChangeSet offers no transition (`allowedTransitions` is empty).
 * - Proof: → PROVEN requires a `proofResult`; → ROLLED_BACK accepts one (an auto-rollback may
 *   have none); other transitions refuse one (`validation_failed`).
 * - ROLLED_BACK → PERMANENT requires `confirm: true` in the transition request.
 * - Versions: a ChangeSet is created at version 1; every transition adds exactly 1.
 */
import type {
  Actor, AuditAction, AuditEvent, ChangeSet, ChangeSetStatus, CreateChangeSetRequest, ProofResult,
} from './schemas.ts';

/** Default time a ChangeSet may stay PENDING_APPROVAL: 7 days, in milliseconds. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 7 * 86_400_000;

/** Whether a transition takes a `proofResult`. */
export type ProofRule = 'required' | 'optional' | 'refused';

/** One legal edge of the state machine. */
export interface TransitionRule {
  readonly from: ChangeSetStatus;
  readonly to: ChangeSetStatus;
  readonly action: AuditAction;
  /** Needs `confirm: true` in the request. */
  readonly requiresConfirmation: boolean;
  readonly proof: ProofRule;
}

/** Every legal transition (docs/changesets.md); anything else is `invalid_transition`. */
export const TRANSITIONS: readonly TransitionRule[] = [
  { from: 'DRAFT', to: 'PENDING_APPROVAL', action: 'submitted', requiresConfirmation: false, proof: 'refused' },
  { from: 'PENDING_APPROVAL', to: 'ACTIVE', action: 'approved', requiresConfirmation: false, proof: 'refused' },
  { from: 'PENDING_APPROVAL', to: 'DRAFT', action: 'rejected', requiresConfirmation: false, proof: 'refused' },
  { from: 'ACTIVE', to: 'MEASURING', action: 'measured', requiresConfirmation: false, proof: 'refused' },
  { from: 'MEASURING', to: 'PROVEN', action: 'proven', requiresConfirmation: false, proof: 'required' },
  { from: 'MEASURING', to: 'ROLLED_BACK', action: 'rolled_back', requiresConfirmation: false, proof: 'optional' },
  { from: 'PROVEN', to: 'PERMANENT', action: 'made_permanent', requiresConfirmation: false, proof: 'refused' },
  { from: 'ROLLED_BACK', to: 'PERMANENT', action: 'made_permanent', requiresConfirmation: true, proof: 'refused' },
];

/** The rule for `from → to`, or undefined when that transition does not exist. */
export function transitionRule(from: ChangeSetStatus, to: ChangeSetStatus): TransitionRule | undefined {
  return TRANSITIONS.find((rule) => rule.from === from && rule.to === to);
}

/** Lifecycle errors, with the API's codes: 409 `version_conflict`, 422 for the others. */
export interface LifecycleError {
  readonly code: 'invalid_transition' | 'validation_failed' | 'version_conflict';
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export type CheckResult = { readonly ok: true; readonly rule: TransitionRule } | { readonly ok: false; readonly error: LifecycleError };

/**
 * Whether a PENDING_APPROVAL ChangeSet's approval has expired at `now` (its `expiresAt` is at
 * or before `now`). Always false in any other state or without `expiresAt`.
 */
export function isExpired(changeset: Pick<ChangeSet, 'execution' | 'approval'>, now: Date): boolean {
  if (changeset.execution.status !== 'PENDING_APPROVAL' || !changeset.approval.expiresAt) return false;
  return Date.parse(changeset.approval.expiresAt) <= now.getTime();
}

/**
 * The transitions the ChangeSet can take at `now`, in table order: what the UI offers. Empty for
 * PERMANENT and for an expired PENDING_APPROVAL (the server expires it to DRAFT).
 */
export function allowedTransitions(changeset: Pick<ChangeSet, 'execution' | 'approval'>, now: Date): readonly TransitionRule[] {
  if (isExpired(changeset, now)) return [];
  return TRANSITIONS.filter((rule) => rule.from === changeset.execution.status);
}

/** Options of `checkTransition`. */
export interface CheckOptions {
  /** The explicit confirmation ROLLED_BACK → PERMANENT needs. */
  readonly confirm?: boolean;
  /** Whether the request carries a `proofResult`. */
  readonly hasProof?: boolean;
  /** Evaluation time, for approval expiry (default: never expired). */
  readonly now?: Date;
}

function invalid(message: string, details: Record<string, unknown>): CheckResult {
  return { ok: false, error: { code: 'invalid_transition', message, details } };
}

/**
 * Checks `changeset → to` against the lifecycle (not the version: see `applyTransition`).
 * Errors: `invalid_transition` for a transition that does not exist, a missing confirmation or an
 * expired approval; `validation_failed` for a missing or refused `proofResult`. Messages name the
 * states and what is allowed instead.
 */
export function checkTransition(changeset: Pick<ChangeSet, 'id' | 'execution' | 'approval'>, to: ChangeSetStatus, options: CheckOptions = {}): CheckResult {
  const from = changeset.execution.status;
  const details = { from, to };
  const rule = transitionRule(from, to);
  if (!rule) {
    const allowed = TRANSITIONS.filter((r) => r.from === from).map((r) => r.to);
    const instead = allowed.length > 0 ? `allowed from ${from}: ${allowed.join(', ')}` : `${from} is final`;
    return invalid(`ChangeSet ${changeset.id} is ${from}: ${from} → ${to} is not a ChangeSet transition (${instead})`, { ...details, allowed });
  }
  if (options.now && isExpired(changeset, options.now)) {
    return invalid(`ChangeSet ${changeset.id}'s approval expired at ${changeset.approval.expiresAt}: submit it again`, { ...details, expiresAt: changeset.approval.expiresAt });
  }
  if (rule.requiresConfirmation && options.confirm !== true) {
    return invalid(`${from} → ${to} makes the rollback of ${changeset.id} permanent and needs explicit confirmation (confirm: true)`, { ...details, confirmationRequired: true });
  }
  if (rule.proof === 'required' && !options.hasProof) {
    return { ok: false, error: { code: 'validation_failed', message: `${from} → ${to} needs a proofResult`, details: { ...details, field: 'proofResult' } } };
  }
  if (rule.proof === 'refused' && options.hasProof) {
    return { ok: false, error: { code: 'validation_failed', message: `${from} → ${to} takes no proofResult (only PROVEN and ROLLED_BACK do)`, details: { ...details, field: 'proofResult' } } };
  }
  return { ok: true, rule };
}

/** What a caller asks for: the transition request body (the version is checked separately). */
export interface TransitionInput {
  readonly to: ChangeSetStatus;
  readonly expectedVersion: number;
  readonly reason: string;
  readonly actor: Actor;
  readonly proofResult?: ProofResult;
  readonly confirm?: boolean;
}

/** Context a transition needs that the request does not carry. */
export interface ApplyContext {
  readonly now: Date;
  /** Id of the audit event to write (the caller makes ids: this module stays pure). */
  readonly eventId: string;
  /** PENDING_APPROVAL timeout in ms (default 7 days). */
  readonly approvalTimeoutMs?: number;
  /** Extra audit metadata (request id, idempotency key, …). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** A ChangeSet after one step, and the one audit event that step appended. */
export interface Applied {
  readonly changeset: ChangeSet;
  readonly event: AuditEvent;
}

export type ApplyResult = ({ readonly ok: true } & Applied) | { readonly ok: false; readonly error: LifecycleError };

function appendEvent(changeset: ChangeSet, next: Omit<ChangeSet, 'version' | 'auditTrail' | 'updatedAt'>, event: Omit<AuditEvent, 'version' | 'changesetId' | 'storeId' | 'timestamp'>, now: Date): Applied {
  const version = changeset.version + 1;
  const full: AuditEvent = {
    ...event, changesetId: changeset.id, storeId: changeset.storeId, version, timestamp: now.toISOString(),
  };
  return { changeset: { ...next, version, updatedAt: now.toISOString(), auditTrail: [...changeset.auditTrail, full] }, event: full };
}

/**
 * Applies one transition: returns the new ChangeSet (version + 1, the event appended to its
 * `auditTrail`) and the event, or the error (the ChangeSet is unchanged).
 *
 * Checks in order: `expectedVersion` equals the current version, else `version_conflict` with
 * `details.expectedVersion` and `details.currentVersion`; then `checkTransition` at `context.now`.
 */
export function applyTransition(changeset: ChangeSet, input: TransitionInput, context: ApplyContext): ApplyResult {
  if (input.expectedVersion !== changeset.version) {
    return {
      ok: false,
      error: {
        code: 'version_conflict',
        message: `ChangeSet ${changeset.id} changed since version ${input.expectedVersion}: it is now version ${changeset.version} (${changeset.execution.status})`,
        details: { expectedVersion: input.expectedVersion, currentVersion: changeset.version, currentState: changeset.execution.status },
      },
    };
  }
  const check = checkTransition(changeset, input.to, { confirm: input.confirm ?? false, hasProof: input.proofResult !== undefined, now: context.now });
  if (!check.ok) return check;
  const { rule } = check;
  const nowIso = context.now.toISOString();
  let approval = changeset.approval;
  let execution = { ...changeset.execution, status: rule.to };
  switch (rule.action) {
    case 'submitted':
      approval = { status: 'pending', expiresAt: new Date(context.now.getTime() + (context.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS)).toISOString() };
      break;
    case 'approved':
      approval = { ...approval, status: 'approved', approvedBy: input.actor.id, approvedAt: nowIso };
      execution = { ...execution, startedAt: nowIso };
      break;
    case 'rejected':
      approval = { status: 'rejected', ...(approval.expiresAt && { expiresAt: approval.expiresAt }) };
      break;
    case 'proven':
    case 'rolled_back':
      execution = { ...execution, endedAt: nowIso, ...(input.proofResult && { proofResult: input.proofResult }) };
      break;
    default:
      break;
  }
  const metadata = { ...(context.metadata ?? {}), ...(rule.requiresConfirmation && { confirmed: true }) };
  const applied = appendEvent(changeset, { ...changeset, approval, execution }, {
    id: context.eventId, actor: input.actor, action: rule.action, previousState: rule.from, newState: rule.to, reason: input.reason, metadata,
  }, context.now);
  return { ok: true, ...applied };
}

/** The system actor that expires approvals. */
export const EXPIRY_ACTOR: Actor = { type: 'system', id: 'approval-expiry' };

/**
 * Expires a PENDING_APPROVAL whose approval has run out: → DRAFT, approval.status `expired`,
 * action `rejected` with `metadata.expired = true`, by `EXPIRY_ACTOR`. Null when not expired.
 */
export function expireApproval(changeset: ChangeSet, context: ApplyContext): Applied | null {
  if (!isExpired(changeset, context.now)) return null;
  const approval = { status: 'expired' as const, ...(changeset.approval.expiresAt && { expiresAt: changeset.approval.expiresAt }) };
  return appendEvent(changeset, { ...changeset, approval, execution: { ...changeset.execution, status: 'DRAFT' } }, {
    id: context.eventId,
    actor: EXPIRY_ACTOR,
    action: 'rejected',
    previousState: 'PENDING_APPROVAL',
    newState: 'DRAFT',
    reason: `approval expired at ${changeset.approval.expiresAt} without a decision`,
    metadata: { ...(context.metadata ?? {}), expired: true },
  }, context.now);
}

/**
 * A new DRAFT from a create request: version 1, approval `pending` (no expiry until submitted),
 * and one `created` event (previousState null).
 */
export function createDraft(request: CreateChangeSetRequest, context: ApplyContext & { readonly id: string }): Applied {
  const nowIso = context.now.toISOString();
  const event: AuditEvent = {
    id: context.eventId,
    changesetId: context.id,
    storeId: request.storeId,
    version: 1,
    timestamp: nowIso,
    actor: request.actor,
    action: 'created',
    previousState: null,
    newState: 'DRAFT',
    reason: request.reason ?? 'created',
    metadata: { ...(context.metadata ?? {}) },
  };
  const changeset: ChangeSet = {
    id: context.id,
    version: 1,
    storeId: request.storeId,
    createdAt: nowIso,
    updatedAt: nowIso,
    hypothesis: request.hypothesis,
    actionPlan: request.actionPlan,
    guardrails: request.guardrails,
    rollbackPlan: request.rollbackPlan,
    proofPlan: request.proofPlan,
    approval: { status: 'pending' },
    execution: { status: 'DRAFT' },
    auditTrail: [event],
  };
  return { changeset, event };
}

/**
 * Whether the auto-rollback is armed (docs/interface.md banner "AUTO-ROLLBACK: ARMED"): the change is live
 * (ACTIVE or MEASURING) and has at least one auto-rollback trigger. The one rule for the app, the
 * CLI and the report; takes the report's looser shape too (a ChangeSet read back from a file may
 * lack its rollback plan).
 */
export function isAutoRollbackArmed(changeset: {
  readonly execution: { readonly status: string };
  readonly rollbackPlan?: { readonly autoRollbackTriggers?: readonly unknown[] };
}): boolean {
  return (changeset.execution.status === 'ACTIVE' || changeset.execution.status === 'MEASURING')
    && (changeset.rollbackPlan?.autoRollbackTriggers?.length ?? 0) > 0;
}

/** The only state a decision `to` can be taken from, when there is exactly one (e.g. PROVEN ← MEASURING). */
export function uniqueSourceState(to: ChangeSetStatus): ChangeSetStatus | null {
  const sources = [...new Set(TRANSITIONS.filter((rule) => rule.to === to).map((rule) => rule.from))];
  return sources.length === 1 ? sources[0]! : null;
}

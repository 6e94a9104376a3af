/**
 * The ChangeSet part of a report from what the desk knows about the experiment's link (docs/changesets.md):
 * the ChangeSet, its audit trail, and the decision taken — a decision still in the offline
 * outbox (queued, sending or failed) counts, with its sync state; otherwise the latest audit
 * event into PROVEN, ROLLED_BACK or PERMANENT.
 */
import type { ReportAuditEvent, ReportChangeSet, ReportDecision } from './report-model.ts';
import { decisionFromAudit } from './build-report-model.ts';

/** The parts of a ChangeSet detail view (contract/changesets/decisions.ts) a report reads. */
export interface ChangeSetDetailLike {
  readonly changeset: ReportChangeSet;
  readonly audit: readonly ReportAuditEvent[];
  readonly outbox: readonly {
    readonly experimentId: string | null;
    readonly state: string;
    readonly createdAt: string;
    readonly request: { readonly to: string; readonly reason: string; readonly actor: { readonly type: string; readonly id: string } };
  }[];
}

export interface LinkedChangeSet {
  readonly changeSet: ReportChangeSet | null;
  readonly auditTrail: readonly ReportAuditEvent[];
  readonly decision: ReportDecision | null;
}

const DECISIONS = new Set(['PROVEN', 'ROLLED_BACK', 'PERMANENT']);
const UNSENT = new Set(['queued', 'sending', 'failed']);

/** Report data from a ChangeSet detail view; outbox items of other experiments are ignored. */
export function linkedFromDetail(detail: ChangeSetDetailLike, experimentId: string): LinkedChangeSet {
  const auditTrail = detail.audit.length > 0 ? detail.audit : (detail.changeset.auditTrail ?? []);
  const pending = [...detail.outbox]
    .filter((item) => UNSENT.has(item.state) && DECISIONS.has(item.request.to) && (item.experimentId === null || item.experimentId === experimentId))
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  const decision: ReportDecision | null = pending
    ? { to: pending.request.to, at: pending.createdAt, actor: pending.request.actor, reason: pending.request.reason, sync: pending.state }
    : decisionFromAudit(auditTrail);
  return { changeSet: detail.changeset, auditTrail, decision };
}

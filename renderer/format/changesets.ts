/**
 * Text for ChangeSets and their outbox items (docs/changesets.md, docs/interface.md): status and state labels, the
 * outbox state line the UI shows for each decision, the button text of each lifecycle step,
 * timestamps, money in minor units and ISO-8601 durations. Pure; "—" for missing values.
 */
import type { OutboxItem, OutboxState } from '../../contract/changesets/decisions.ts';
import type { AuditAction, ChangeSetStatus } from '../../contract/changesets/schemas.ts';
import { DASH } from '../../contract/number-format.ts';

/** Every lifecycle state in order (docs/changesets.md); listed here so the page does not bundle zod. */
export const CHANGESET_STATUS_ORDER = [
  'DRAFT', 'PENDING_APPROVAL', 'ACTIVE', 'MEASURING', 'PROVEN', 'ROLLED_BACK', 'PERMANENT',
] as const satisfies readonly ChangeSetStatus[];

/** A status as words: `PENDING_APPROVAL` → "PENDING APPROVAL". */
export function statusLabel(status: string): string {
  return status.replace(/_/g, ' ');
}

/** The message of a 409 conflict: the decision was based on an older version. */
export const CONFLICT_MESSAGE = 'This ChangeSet changed since your analysis';

/** The one-line state of a decision in the outbox. */
export function outboxStateText(item: Pick<OutboxItem, 'state' | 'lastError' | 'conflict'>): string {
  switch (item.state) {
    case 'queued': return 'Queued — will be sent when the API is reachable';
    case 'sending': return 'Sending…';
    case 'synced': return 'Synced';
    case 'discarded': return 'Discarded';
    case 'failed': return `Failed: ${item.conflict ? CONFLICT_MESSAGE : item.lastError?.message ?? 'the API refused it'}`;
  }
}

export const OUTBOX_STATE_LABEL: Record<OutboxState, string> = {
  queued: 'queued', sending: 'sending', synced: 'synced', failed: 'failed', discarded: 'discarded',
};

/** The button text of a lifecycle step from `from` to `to`. */
export function stepLabel(from: ChangeSetStatus, to: ChangeSetStatus): string {
  if (from === 'PENDING_APPROVAL' && to === 'ACTIVE') return 'Approve';
  if (from === 'PENDING_APPROVAL' && to === 'DRAFT') return 'Reject';
  switch (to) {
    case 'PENDING_APPROVAL': return 'Submit for approval';
    case 'MEASURING': return 'Start measuring';
    case 'PROVEN': return 'Mark PROVEN';
    case 'ROLLED_BACK': return 'Roll back';
    case 'PERMANENT': return from === 'ROLLED_BACK' ? 'Make the rollback permanent' : 'Make permanent';
    default: return `Move to ${statusLabel(to)}`;
  }
}

const ACTION_LABEL: Record<AuditAction, string> = {
  created: 'Created', submitted: 'Submitted for approval', approved: 'Approved', rejected: 'Rejected', activated: 'Activated',
  measured: 'Measuring', proven: 'Proven', rolled_back: 'Rolled back', made_permanent: 'Made permanent',
};

export function auditActionLabel(action: string): string {
  return ACTION_LABEL[action as AuditAction] ?? action;
}

/** A UTC timestamp to the second: "2026-03-24 10:00:12 UTC". */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC` : DASH;
}

const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** An amount in minor currency units (cents) in major units: 250000 → "2,500.00". */
export function formatMinorUnits(minor: number | null | undefined): string {
  return typeof minor === 'number' && Number.isFinite(minor) ? MONEY.format(minor / 100) : DASH;
}

const DURATION_UNITS: ReadonlyArray<readonly [RegExp, string, string]> = [
  [/(\d+(?:\.\d+)?)Y/, 'year', 'years'], [/(\d+(?:\.\d+)?)W/, 'week', 'weeks'], [/(\d+(?:\.\d+)?)D/, 'day', 'days'],
];
const TIME_UNITS: ReadonlyArray<readonly [RegExp, string, string]> = [
  [/(\d+(?:\.\d+)?)H/, 'h', 'h'], [/(\d+(?:\.\d+)?)M/, 'min', 'min'], [/(\d+(?:\.\d+)?)S/, 's', 's'],
];

/** An ISO-8601 duration in words: `PT5M` → "5 min", `P14D` → "14 days"; anything else as it is. */
export function formatIsoDuration(duration: string | null | undefined): string {
  if (!duration) return DASH;
  const match = /^P(?!$)([^T]*)(?:T(?=.)(.*))?$/.exec(duration);
  if (!match) return duration;
  const [, datePart = '', timePart = ''] = match;
  if (/M/.test(datePart)) return duration; // months are ambiguous in days: leave them as written
  const parts: string[] = [];
  for (const [re, one, many] of DURATION_UNITS) {
    const m = re.exec(datePart);
    if (m) parts.push(`${m[1]} ${Number(m[1]) === 1 ? one : many}`);
  }
  for (const [re, one, many] of TIME_UNITS) {
    const m = re.exec(timePart);
    if (m) parts.push(`${m[1]} ${Number(m[1]) === 1 ? one : many}`);
  }
  return parts.length > 0 ? parts.join(' ') : duration;
}

/** The deviation of the docs/interface.md banner: the smallest trigger drop as a percentage (0.05 → "5%"). */
export function deviationText(maxRelativeDrops: readonly number[]): string {
  if (maxRelativeDrops.length === 0) return DASH;
  const smallest = Math.min(...maxRelativeDrops);
  return `${Math.round(smallest * 1000) / 10}%`;
}

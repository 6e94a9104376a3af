import type { VerdictStatus, WarningCode } from '../../stats/types.ts';

/** Warning codes that make the verdict `not_ready` (docs/changesets.md): shown as alerts. */
export const BLOCKING_WARNINGS: ReadonlySet<string> = new Set<WarningCode>([
  'sample_ratio_mismatch', 'min_runtime_not_reached', 'low_sample_size',
]);

const VERDICT_TEXT: Record<VerdictStatus, string> = {
  winner: 'Winner', loser: 'Loser', inconclusive: 'Inconclusive', not_ready: 'Not ready',
};

export function VerdictBadge({ status }: { status: VerdictStatus }) {
  return <span className={`badge ${status}`} data-verdict={status}>{VERDICT_TEXT[status] ?? status}</span>;
}

export function WarningBadge({ code }: { code: string }) {
  return <span className={`badge ${BLOCKING_WARNINGS.has(code) ? 'block' : 'warn'}`} data-warning={code}>{code}</span>;
}

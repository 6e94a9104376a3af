import { isBlockingWarningCode, verdictLabel } from '../../contract/verdict-display.ts';
import type { VerdictStatus } from '../../stats/types.ts';

export function VerdictBadge({ status }: { status: VerdictStatus }) {
  return <span className={`badge ${status}`} data-verdict={status}>{verdictLabel(status)}</span>;
}

export function WarningBadge({ code }: { code: string }) {
  return <span className={`badge ${isBlockingWarningCode(code) ? 'block' : 'warn'}`} data-warning={code}>{code}</span>;
}

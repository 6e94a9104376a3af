/**
 * How a verdict and its warnings read for people, one set for the app's screens and the decision
 * reports (docs/interface.md badges; docs/changesets.md, "From a verdict to a proposal"). Which
 * warnings block a decision is the statistics' rule (`BLOCKING_WARNING_CODES`,
 * `stats/warnings.ts`); this module only lets display code ask it by code.
 */
import type { VerdictStatus, WarningCode } from '../stats/types.ts';
import { BLOCKING_WARNING_CODES } from '../stats/warnings.ts';

/** The verdict's label: "Winner", "Loser", "Inconclusive", "Not ready". */
export const VERDICT_LABELS: Readonly<Record<VerdictStatus, string>> = Object.freeze({
  winner: 'Winner', loser: 'Loser', inconclusive: 'Inconclusive', not_ready: 'Not ready',
});

/** The label of a verdict status; an unknown status (an older report file) reads as itself. */
export function verdictLabel(status: string): string {
  return (VERDICT_LABELS as Record<string, string>)[status] ?? status;
}

/**
 * True for a warning code that makes the verdict `not_ready` (shown as an alert, not a notice).
 * Takes any string because reports and list items carry codes as plain text.
 */
export function isBlockingWarningCode(code: string): boolean {
  return (BLOCKING_WARNING_CODES as readonly string[]).includes(code as WarningCode);
}

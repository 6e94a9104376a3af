/**
 * The terminal rendering of an analysis report (`--format table`): per experiment its units,
 * SRM, metric table (unadjusted and CUPED side by side), power, warnings and verdict.
 */
import type { AnalysisReport, ExperimentReport, MetricReport } from '../contract/report.ts';
import type { ImportSummary } from '../data/import/import-file.ts';
import { count, number, percent, pValue, relativeWithInterval, signedNumber, table, MISSING } from './format.ts';

/** The import summary lines (docs/analysis-definitions.md: accepted + rejected = rows read). */
export function renderImportSummary(summaries: readonly ImportSummary[]): string {
  const lines: string[] = [];
  for (const s of summaries) {
    if (s.duplicateOf !== null) {
      lines.push(`${s.path}: already imported (same sha256 as file #${s.duplicateOf}); skipped — use --force to import again`);
      continue;
    }
    const reasons = Object.entries(s.rejectsByReason).map(([reason, n]) => `${reason} ${count(n)}`).join(', ');
    lines.push(
      `${s.path}: ${count(s.rowsRead)} rows read = ${count(s.rowsAccepted)} accepted + ${count(s.rowsRejected)} rejected` +
        (reasons ? ` (${reasons})` : '') + ` · ${s.shape?.replace('_', ' ')} · ${s.seconds.toFixed(1)} s`,
    );
    if (s.zonelessTimestamps > 0) lines.push(`  ${count(s.zonelessTimestamps)} timestamps had no time zone and were read as UTC`);
    if (s.repeatedUnits) {
      lines.push(`  ${count(s.repeatedUnits.units)} units have more than one row: their ${count(s.repeatedUnits.rows)} rows are combined per unit ` +
        `(${s.repeatedUnits.combine.join(', ')}; change with experiment-desk define EXPERIMENT --combine sum|mean|max|first|last|refuse)`);
    }
  }
  return lines.join('\n');
}

function metricRows(metric: MetricReport, experiment: ExperimentReport): string[][] {
  const isRate = metric.type === 'binomial';
  const value = (v: number | null): string => (isRate ? percent(v, 2) : number(v, 5));
  const delta = (v: number | null): string => (isRate ? percent(v, 2, true).replace('%', ' pp') : signedNumber(v, 4));
  return metric.variants.map((variant) => {
    const comparison = metric.comparisons.find((c) => c.variant === variant.variant);
    const isControl = variant.variant === experiment.control;
    const cuped = comparison?.cuped ?? null;
    return [
      variant === metric.variants[0] ? metric.name : '',
      `${variant.variant}${isControl ? ' (control)' : ''}`,
      count(variant.n),
      value(variant.mean),
      comparison ? delta(comparison.absolute.estimate) : '',
      comparison ? relativeWithInterval(comparison.relative.estimate, comparison.relative.ciLower, comparison.relative.ciUpper) : '',
      comparison ? pValue(comparison.pValue) : '',
      cuped ? relativeWithInterval(cuped.relative.estimate, cuped.relative.ciLower, cuped.relative.ciUpper) : comparison ? MISSING : '',
      cuped ? pValue(cuped.pValue) : comparison ? MISSING : '',
      cuped ? percent(cuped.varianceReduction, 2) : comparison ? MISSING : '',
      comparison ? pValue(comparison.corrected?.pValue ?? null) : '',
      comparison?.errorCode ?? (comparison?.cuped?.errorCode ?? ''),
    ];
  });
}

const CORRECTION_LABEL: Record<string, string> = {
  none: 'no correction', bonferroni: 'Bonferroni', holm: 'Holm', 'benjamini-hochberg': 'Benjamini-Hochberg',
};

/**
 * "correction Holm over 2 decision tests (conversion, revenue_per_user); Benjamini-Hochberg over 6
 * secondary tests" — which correction the `p (adj.)` column and the verdict carry.
 */
function renderCorrections(experiment: ExperimentReport): string | null {
  const families = experiment.corrections ?? [];
  if (families.length === 0) return null;
  const parts = families.map((f) =>
    `${CORRECTION_LABEL[f.method] ?? f.method} over ${count(f.familySize)} ${f.family} test${f.familySize === 1 ? '' : 's'} (${f.metrics.join(', ')})`);
  return `correction ${parts.join('; ')}; the verdict uses the decision family's adjusted p-values and intervals at the adjusted level`;
}

/** One experiment as text. */
export function renderExperiment(experiment: ExperimentReport, alpha: number): string {
  const out: string[] = [];
  const title = `EXPERIMENT ${experiment.experimentId}`;
  out.push(title, '═'.repeat(title.length));
  const split = experiment.variants.map((v) => `${v} ${count(experiment.units[v])}`).join(' · ');
  out.push(`units      ${split}  (excluded, multiple exposures: ${count(experiment.excludedUnits.multipleExposures)})`);
  if (experiment.firstExposure) {
    out.push(`period     ${experiment.firstExposure} → ${experiment.dataEnd ?? MISSING} (${number(experiment.runtimeDays, 3)} days, UTC)`);
  }
  const d = experiment.definition;
  const splitText = d?.split ? ` against the declared split ${Object.entries(d.split).map(([v, w]) => `${v} ${w}`).join(' / ')}` : '';
  out.push(`SRM        χ² = ${number(experiment.srm.chiSquare, 4)}, p = ${pValue(experiment.srm.pValue)}${splitText}${experiment.srm.flagged ? '  ⚠ MISMATCH' : '  ok'}`);
  if (d) {
    const version = d.version === null ? 'given for this run' : `version ${d.version}`;
    out.push(`definition ${version} (sha256 ${d.hash.slice(0, 12)}) · goal ${d.goalMetrics.join(', ') || 'none declared'}` +
      (d.combine ? ` · repeated rows: ${d.combine}` : '') + (d.missingMetrics.length > 0 ? ` · not in the data: ${d.missingMetrics.join(', ')}` : ''));
  }
  if (experiment.cuped?.note) out.push(`CUPED      ${experiment.cuped.note}`);
  out.push('');
  const rows = experiment.metrics.flatMap((metric) => metricRows(metric, experiment));
  const level = d?.alpha ?? alpha;
  out.push(table(
    ['metric', 'variant', 'n', 'mean', 'Δ abs', `uplift [${Math.round((1 - level) * 100)}% CI]`, 'p', 'CUPED uplift', 'p (CUPED)', 'var. red.', 'p (adj.)', 'note'],
    rows,
  ));
  const corrections = renderCorrections(experiment);
  if (corrections) out.push(corrections);
  if (experiment.power) {
    const p = experiment.power;
    out.push('');
    out.push(
      `power      ${p.metric}: ${count(p.requiredPerVariant)} units per variant needed for a ${percent(p.relativeMde, 1)} relative MDE ` +
        `at ${percent(p.power, 0)} power; achieved MDE ${percent(p.achievedMde, 2)}` +
        (p.daysStillNeeded === null ? '' : p.daysStillNeeded === 0 ? '; sample size reached' : `; about ${count(p.daysStillNeeded)} more days at the current rate`),
    );
  }
  if (experiment.warnings.length > 0) {
    out.push('');
    for (const warning of experiment.warnings) out.push(`⚠ ${warning.code}: ${warning.message}`);
  }
  out.push('');
  const transition = experiment.verdict.proposedTransition ? ` → propose ${experiment.verdict.proposedTransition}` : '';
  out.push(`VERDICT    ${experiment.verdict.status.toUpperCase().replace('_', ' ')}${transition}: ${experiment.verdict.reason}`);
  // With several treatment arms each has its own verdict; the proposal above follows from them.
  const arms = experiment.verdict.arms ?? [];
  if (arms.length > 1) {
    for (const arm of arms) out.push(`  ${arm.variant.padEnd(12)} ${arm.status.toUpperCase().replace('_', ' ')}: ${arm.reason}`);
  }
  return out.join('\n');
}

/** The whole report as text. */
export function renderReport(report: AnalysisReport): string {
  if (report.experiments.length === 0) return 'No experiments found: import an event log with exposure events, or a unit table with --variant.';
  return report.experiments.map((e) => renderExperiment(e, report.settings.alpha)).join('\n\n\n');
}

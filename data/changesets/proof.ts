/**
 * From an analysis to a ChangeSet decision (docs/changesets.md): the `proofResult` the decision
 * carries, built from the experiment's report and the provenance of its data, and the proposed
 * transition (winner → PROVEN, loser → ROLLED_BACK) with its reason.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { GUARDRAIL_MAX_RELATIVE_DROP, breachesGuardrail, effectiveComparison, type EffectiveComparison } from '../../stats/index.ts';
import { proofResultSchema, type ProofResult } from '../../contract/changesets/schemas.ts';
import type { ExperimentReport, ImportedFileReport, MetricReport } from '../../contract/report.ts';
import { APP_VERSION } from '../app-version.ts';

/** Where the analysed numbers come from and how they were computed. */
export interface ProofProvenance {
  /** The imported files (`files` table: `importedFiles(db)`); only path, hash and accepted rows are used. */
  readonly files: readonly Pick<ImportedFileReport, 'path' | 'sha256' | 'rowsAccepted'>[];
  /** Two-sided α of the analysis. */
  readonly alpha: number;
  /** Whether the analysis bases decisions on CUPED-adjusted results when available (settings.cuped). */
  readonly cuped: boolean;
  /** Default: this build's version (data/app-version.ts). */
  readonly appVersion?: string;
  /** Default: now. */
  readonly generatedAt?: Date;
}

/** A transition a decision can propose. */
export type DecisionTarget = 'PROVEN' | 'ROLLED_BACK';

/**
 * The content hash of the data analysed: `sha256:` + the file's SHA-256 for one file (so that
 * `sha256sum file` checks it), or the SHA-256 of the files' sorted hex digests joined by `\n`.
 * @throws Error when there is no file.
 */
export function dataHash(files: readonly { readonly sha256: string }[]): string {
  if (files.length === 0) throw new Error('no imported file: nothing to hash');
  if (files.length === 1) return `sha256:${files[0]!.sha256}`;
  const digests = files.map((f) => f.sha256).sort().join('\n');
  return `sha256:${createHash('sha256').update(digests).digest('hex')}`;
}

function significant(e: EffectiveComparison | undefined, alpha: number): boolean {
  return !!e && e.pValue !== null && e.pValue < alpha;
}

/**
 * The metric a decision rests on: for a ROLLED_BACK decision, the primary metric when it is
 * significantly down, else the first guardrail the arm breaches (its per-arm verdict; significantly
 * down by more than the guardrail's threshold, 5 % relative by default: the auto-rollback rule of
 * docs/statistics.md); otherwise the primary metric.
 */
function decisiveMetric(report: ExperimentReport, variant: string | null, to: DecisionTarget | null, provenance: ProofProvenance): MetricReport {
  const byName = (name: string | null): MetricReport | undefined => report.metrics.find((m) => m.name === name);
  const primary = byName(report.primaryMetric) ?? report.metrics[0];
  if (!primary) throw new Error(`experiment ${report.experimentId} has no metric to base a decision on`);
  if (to !== 'ROLLED_BACK' || variant === null) return primary;
  const effect = (metric: MetricReport): EffectiveComparison | undefined => {
    const comparison = metric.comparisons.find((c) => c.variant === variant);
    return comparison ? effectiveComparison(comparison, provenance.cuped) : undefined;
  };
  const primaryEffect = effect(primary);
  if (significant(primaryEffect, provenance.alpha) && (primaryEffect!.absolute.estimate ?? 0) < 0) return primary;
  // The arm's own verdict knows its breaches (and their thresholds); a forced decision without one
  // falls back to the default threshold.
  const armBreach = report.verdict.arms?.find((a) => a.variant === variant)?.breachedGuardrails[0];
  const breached = byName(armBreach ?? null) ?? report.guardrailMetrics.map(byName).find((metric) =>
    breachesGuardrail(metric && effect(metric), provenance.alpha, GUARDRAIL_MAX_RELATIVE_DROP));
  return breached ?? primary;
}

/**
 * The arm a decision is about: the verdict's; else, for a forced decision, the treatment with the
 * largest (PROVEN) or smallest (ROLLED_BACK) relative uplift on the primary metric; else the
 * first treatment; null when there is none.
 */
function decisiveVariant(report: ExperimentReport, to: DecisionTarget | null, provenance: ProofProvenance): string | null {
  if (report.verdict.variant) return report.verdict.variant;
  const treatments = report.variants.filter((v) => v !== report.control);
  if (treatments.length <= 1) return treatments[0] ?? null;
  const primary = report.metrics.find((m) => m.name === report.primaryMetric) ?? report.metrics[0];
  const uplift = (variant: string): number => {
    const comparison = primary?.comparisons.find((c) => c.variant === variant);
    return (comparison && effectiveComparison(comparison, provenance.cuped).relative.estimate) ?? 0;
  };
  const sorted = [...treatments].sort((a, b) => uplift(b) - uplift(a));
  return to === 'ROLLED_BACK' ? sorted[sorted.length - 1]! : sorted[0]!;
}

/**
 * The docs/changesets.md `proofResult` of a decision on `report`: the decisive metric (primary, or the
 * breached guardrail of a rollback), the method (cuped when the decisive comparison is
 * CUPED-adjusted), per-variant n, mean and variance, absolute and relative uplift with CIs and the
 * p-value of the decided arm (and of every arm in `comparisons`), CUPED θ and variance reduction,
 * warnings, verdict, analysis window (first exposure → data end), data hash and app version.
 *
 * @param given the provenance; its α gives way to the α the report's definition was analysed at.
 * @param to the transition the proof is for (default: the verdict's proposal).
 * @throws Error when the report has no metric or `provenance.files` is empty.
 */
export function buildProofResult(report: ExperimentReport, given: ProofProvenance, to: DecisionTarget | null = report.verdict.proposedTransition): ProofResult {
  // An experiment analysed by its definition was tested at the definition's α (docs/experiment-definition.md).
  const provenance: ProofProvenance = { ...given, alpha: report.definition?.alpha ?? given.alpha };
  const variant = decisiveVariant(report, to, provenance);
  const metric = decisiveMetric(report, variant, to, provenance);
  const comparisons = metric.comparisons.map((c) => ({ raw: c, effective: effectiveComparison(c, provenance.cuped) }));
  const decided = comparisons.find((c) => c.raw.variant === variant);
  const empty = { estimate: null, ciLower: null, ciUpper: null };
  const adjusted = decided?.effective.adjusted ?? false;
  const proof: ProofResult = {
    experimentId: report.experimentId,
    metric: metric.name,
    metricType: metric.type,
    method: adjusted ? 'cuped' : 'frequentist',
    alpha: provenance.alpha,
    control: report.control,
    variant,
    variants: metric.variants.map((v) => ({ variant: v.variant, isControl: v.variant === report.control, n: v.n, mean: v.mean, variance: v.variance })),
    absoluteUplift: decided ? { ...decided.effective.absolute } : empty,
    relativeUplift: decided ? { ...decided.effective.relative } : empty,
    pValue: decided?.effective.pValue ?? null,
    cuped: adjusted && decided?.raw.cuped ? { theta: decided.raw.cuped.theta, varianceReduction: decided.raw.cuped.varianceReduction } : null,
    comparisons: comparisons.map((c) => ({
      variant: c.raw.variant,
      absoluteUplift: { ...c.effective.absolute },
      relativeUplift: { ...c.effective.relative },
      pValue: c.effective.pValue,
      adjusted: c.effective.adjusted,
    })),
    warnings: report.warnings.map((w) => ({
      code: w.code, message: w.message, ...(w.metric !== undefined && { metric: w.metric }), ...(w.variant !== undefined && { variant: w.variant }),
    })),
    verdict: { status: report.verdict.status, reason: report.verdict.reason },
    analysisWindow: { start: report.firstExposure, end: report.dataEnd },
    dataHash: dataHash(provenance.files),
    dataFiles: provenance.files.map((f) => ({ name: basename(f.path), sha256: f.sha256, rowsAccepted: f.rowsAccepted })),
    appVersion: provenance.appVersion ?? APP_VERSION,
    generatedAt: (provenance.generatedAt ?? new Date()).toISOString(),
  };
  // Validate: a proof that does not match the contract would be refused by the API much later.
  return proofResultSchema.parse(proof);
}

/** A proposed decision: the transition (null when the verdict proposes none), its arm and reason. */
export interface ProposedDecision {
  readonly to: DecisionTarget | null;
  readonly variant: string | null;
  /** One or two sentences for the audit trail. */
  readonly reason: string;
}

/**
 * The decision the verdict proposes (docs/changesets.md): winner → PROVEN, loser → ROLLED_BACK, otherwise
 * none. The reason restates the verdict and, with a proof, names the data hash and app version.
 */
export function proposeDecision(report: ExperimentReport, proof?: Pick<ProofResult, 'dataHash' | 'appVersion'>): ProposedDecision {
  const to = report.verdict.proposedTransition;
  const provenance = proof ? ` Analysed with Experiment Desk ${proof.appVersion} on data ${proof.dataHash.slice(0, 19)}….` : '';
  const lead = to === 'PROVEN' ? 'Proven' : to === 'ROLLED_BACK' ? 'Rolled back' : 'No decision proposed';
  return {
    to,
    variant: report.verdict.variant ?? null,
    reason: `${lead} (${report.experimentId}, ${report.verdict.status}): ${report.verdict.reason}${provenance}`,
  };
}

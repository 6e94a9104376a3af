/**
 * The experiment verdict of docs/changesets.md, from the primary metric, the guardrail metrics and the
 * warnings:
 *
 * 1. `not_ready` — any blocking warning (`sample_ratio_mismatch`, `min_runtime_not_reached`,
 *    `low_sample_size`).
 * 2. `loser` — a treatment significantly negative on the primary metric (p < α, Δ < 0), or
 *    significantly down on a guardrail by more than 5 % relative (p < α and relative estimate
 *    < −5 %: the auto-rollback rule). Checked before `winner`: one losing arm rolls the
 *    experiment back even if another arm wins. Guardrails are read as "higher is better".
 * 3. `winner` — a treatment significantly positive on the primary metric (p < α, Δ > 0) with no
 *    guardrail breached; with several, the largest relative uplift.
 * 4. `inconclusive` — otherwise.
 *
 * With `useCuped`, a comparison's CUPED result is used when it has a p-value; otherwise the
 * unadjusted one. Proposed ChangeSet transition: winner → PROVEN, loser → ROLLED_BACK.
 */
import type { AnalysisWarning, Comparison, Interval, MetricResult, TestSettings, Verdict } from './types.ts';
import { isBlockingWarning } from './warnings.ts';
import { formatPValue, formatSigned, formatSignedPercent } from './format.ts';
import { isValidAlpha } from './finite.ts';

/** A guardrail is breached when it is significantly down by more than this fraction (5 %). */
export const GUARDRAIL_MAX_RELATIVE_DROP = 0.05;

/** Inputs of `decideVerdict`. */
export interface VerdictInput {
  readonly primary: MetricResult;
  readonly guardrails: readonly MetricResult[];
  readonly warnings: readonly AnalysisWarning[];
  readonly useCuped: boolean;
}

/** The numbers a decision is taken on: CUPED-adjusted or unadjusted. */
export interface EffectiveComparison {
  readonly variant: string;
  readonly absolute: Interval;
  readonly relative: Interval;
  readonly pValue: number | null;
  readonly adjusted: boolean;
}

/** The CUPED result when requested and it has a p-value, else the unadjusted comparison. */
export function effectiveComparison(c: Comparison, useCuped: boolean): EffectiveComparison {
  if (useCuped && c.cuped && c.cuped.pValue !== null) {
    return { variant: c.variant, absolute: c.cuped.absolute, relative: c.cuped.relative, pValue: c.cuped.pValue, adjusted: true };
  }
  return { variant: c.variant, absolute: c.absolute, relative: c.relative, pValue: c.pValue, adjusted: false };
}

function significant(e: EffectiveComparison, alpha: number): boolean {
  return e.pValue !== null && e.pValue < alpha;
}

/** "+4.3% [+1.7%, +6.9%], p = 0.001" (relative), or the absolute interval when no relative exists. */
function describeEffect(e: EffectiveComparison): string {
  const cuped = e.adjusted ? ', CUPED-adjusted' : '';
  if (e.relative.estimate !== null) {
    const ci = e.relative.ciLower !== null && e.relative.ciUpper !== null
      ? ` [${formatSignedPercent(e.relative.ciLower)}, ${formatSignedPercent(e.relative.ciUpper)}]`
      : '';
    return `${formatSignedPercent(e.relative.estimate)}${ci}, ${formatPValue(e.pValue)}${cuped}`;
  }
  const ci = e.absolute.ciLower !== null && e.absolute.ciUpper !== null
    ? ` [${formatSigned(e.absolute.ciLower)}, ${formatSigned(e.absolute.ciUpper)}]`
    : '';
  return `${formatSigned(e.absolute.estimate)} (absolute)${ci}, ${formatPValue(e.pValue)}${cuped}`;
}

/** Sorts by relative estimate (nulls last), then absolute estimate. */
function byUplift(a: EffectiveComparison, b: EffectiveComparison): number {
  const ra = a.relative.estimate;
  const rb = b.relative.estimate;
  if (ra !== null && rb !== null && ra !== rb) return rb - ra;
  if (ra === null && rb !== null) return 1;
  if (ra !== null && rb === null) return -1;
  return (b.absolute.estimate ?? 0) - (a.absolute.estimate ?? 0);
}

const BLOCKING_LABEL: Record<string, string> = {
  sample_ratio_mismatch: 'sample ratio mismatch',
  min_runtime_not_reached: 'minimum runtime not reached',
  low_sample_size: 'sample size below the minimum',
};

/**
 * Decides the verdict (see the file comment for the rules).
 *
 * @param settings α, the two-sided significance level (0 < α < 1; otherwise `inconclusive`).
 * @returns status, one readable sentence with the numbers (e.g. "treatment lifts conversion by
 *   +4.3% [+1.7%, +6.9%], p = 0.001."), the variant concerned and the proposed transition.
 */
export function decideVerdict(input: VerdictInput, settings: TestSettings): Verdict {
  const { primary, guardrails, warnings, useCuped } = input;

  const blocking = (warnings ?? []).filter(isBlockingWarning);
  if (blocking.length > 0) {
    const first = blocking[0] as AnalysisWarning;
    const others = [...new Set(blocking.slice(1).map((w) => BLOCKING_LABEL[w.code] ?? w.code))]
      .filter((label) => label !== BLOCKING_LABEL[first.code]);
    const also = others.length > 0 ? ` Also: ${others.join(', ')}.` : '';
    return { status: 'not_ready', reason: `Not ready to decide. ${first.message}${also}`, proposedTransition: null };
  }

  if (!isValidAlpha(settings?.alpha)) {
    return { status: 'inconclusive', reason: `No decision: the significance level α = ${String(settings?.alpha)} is not in (0, 1).`, proposedTransition: null };
  }
  const alpha = settings.alpha;
  const metric = primary.name;
  const primaryEffects = primary.comparisons.map((c) => effectiveComparison(c, useCuped));

  const losers = primaryEffects.filter((e) => significant(e, alpha) && (e.absolute.estimate ?? 0) < 0).sort((a, b) => byUplift(b, a));
  const breaches = (guardrails ?? []).flatMap((g) =>
    g.comparisons
      .map((c) => effectiveComparison(c, useCuped))
      .filter((e) => significant(e, alpha) && e.relative.estimate !== null && e.relative.estimate < -GUARDRAIL_MAX_RELATIVE_DROP)
      .map((e) => ({ metric: g.name, effect: e })),
  );

  const worst = losers[0];
  if (worst) {
    return {
      status: 'loser',
      variant: worst.variant,
      reason: `${worst.variant} lowers ${metric} by ${describeEffect(worst)}.`,
      proposedTransition: 'ROLLED_BACK',
    };
  }
  const breach = breaches.sort((a, b) => byUplift(b.effect, a.effect))[0];
  if (breach) {
    return {
      status: 'loser',
      variant: breach.effect.variant,
      reason: `${breach.effect.variant} breaches guardrail ${breach.metric}: ${describeEffect(breach.effect)}, a drop beyond the ${GUARDRAIL_MAX_RELATIVE_DROP * 100}% auto-rollback limit.`,
      proposedTransition: 'ROLLED_BACK',
    };
  }

  const breachedVariants = new Set(breaches.map((b) => b.effect.variant));
  const winners = primaryEffects
    .filter((e) => significant(e, alpha) && (e.absolute.estimate ?? 0) > 0 && !breachedVariants.has(e.variant))
    .sort(byUplift);
  const best = winners[0];
  if (best) {
    return {
      status: 'winner',
      variant: best.variant,
      reason: `${best.variant} lifts ${metric} by ${describeEffect(best)}.`,
      proposedTransition: 'PROVEN',
    };
  }

  if (primaryEffects.length === 0) {
    const why = primary.errorCode ? ` (${primary.errorCode})` : '';
    return { status: 'inconclusive', reason: `No treatment could be compared with control on ${metric}${why}.`, proposedTransition: null };
  }
  const tested = primaryEffects.filter((e) => e.pValue !== null).sort((a, b) => (a.pValue as number) - (b.pValue as number));
  const closest = tested[0];
  if (!closest) {
    const codes = [...new Set(primary.comparisons.map((c) => c.errorCode).filter((c) => c !== null))];
    const why = codes.length > 0 ? ` (${codes.join(', ')})` : '';
    return { status: 'inconclusive', reason: `No test was possible on ${metric}${why}.`, proposedTransition: null };
  }
  return {
    status: 'inconclusive',
    reason: `No significant difference on ${metric} at alpha = ${alpha}: ${closest.variant} ${describeEffect(closest)}.`,
    proposedTransition: null,
  };
}

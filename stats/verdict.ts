/**
 * The experiment verdict (docs/statistics.md, "Verdict"; docs/changesets.md for the transitions),
 * from the goal (primary) metric, the guardrail metrics and the warnings, decided arm by arm.
 *
 * Per treatment arm against control:
 * - `not_ready` — any blocking warning (`sample_ratio_mismatch`, `min_runtime_not_reached`,
 *   `low_sample_size`): every arm, since these concern the whole experiment.
 * - `loser` — significantly negative on the goal metric (p < α, Δ < 0), or a guardrail breached:
 *   significantly down (p < α) with a relative estimate below −threshold (default 5 %, the
 *   auto-rollback rule). Guardrails are read as "higher is better".
 * - `winner` — significantly positive on the goal metric (p < α, Δ > 0) and no guardrail breached.
 * - `inconclusive` — otherwise.
 *
 * The experiment's proposal:
 * 1. some arm wins → ship the best winner (largest relative uplift): `winner`, PROVEN, that arm;
 * 2. no arm wins and some arm loses → `loser`, ROLLED_BACK, the worst arm (the largest significant
 *    drop on the goal metric, else the largest guardrail drop);
 * 3. otherwise `inconclusive` (or `not_ready`), no transition.
 * A losing arm therefore no longer blocks a winning one: the winner is shipped, which retires the
 * losing arm with it.
 *
 * With `useCuped`, a comparison's CUPED result is used when it has a p-value; otherwise the
 * unadjusted one. When a multiple-comparison correction was applied (`Comparison.corrected`,
 * `corrections.ts`), the corrected p-value and intervals are the ones decided on
 * (`effectiveComparison`), and the sentence says so ("Holm-adjusted over 2 tests").
 */
import type { AnalysisWarning, ArmVerdict, Comparison, Interval, MetricResult, TestSettings, Verdict } from './types.ts';
import { isBlockingWarning } from './warnings.ts';
import { formatPValue, formatSigned, formatSignedPercent } from './format.ts';
import { isFiniteNumber, isValidAlpha } from './finite.ts';
import type { MultipleComparisonMethod } from './multiple-comparisons.ts';

/** Default guardrail threshold: breached when significantly down by more than this fraction (5 %). */
export const GUARDRAIL_MAX_RELATIVE_DROP = 0.05;

/** Inputs of `decideVerdict`. */
export interface VerdictInput {
  readonly primary: MetricResult;
  readonly guardrails: readonly MetricResult[];
  readonly warnings: readonly AnalysisWarning[];
  readonly useCuped: boolean;
  /**
   * Relative drop (fraction > 0) beyond which a guardrail is breached, by metric name; metrics not
   * listed use `GUARDRAIL_MAX_RELATIVE_DROP`.
   */
  readonly guardrailThresholds?: Readonly<Record<string, number>>;
}

/** The numbers a decision is taken on: CUPED-adjusted or unadjusted. */
export interface EffectiveComparison {
  readonly variant: string;
  readonly absolute: Interval;
  readonly relative: Interval;
  readonly pValue: number | null;
  /** Whether these are the CUPED-adjusted numbers. */
  readonly adjusted: boolean;
  /** The multiple-comparison correction these figures carry, or null for unadjusted p-values. */
  readonly correction: { readonly method: MultipleComparisonMethod; readonly familySize: number } | null;
}

/**
 * The CUPED result when requested and it has a p-value, else the unadjusted comparison — before
 * any multiple-comparison correction (what a correction is computed from).
 */
export function uncorrectedComparison(c: Comparison, useCuped: boolean): EffectiveComparison {
  if (useCuped && c.cuped && c.cuped.pValue !== null) {
    return { variant: c.variant, absolute: c.cuped.absolute, relative: c.cuped.relative, pValue: c.cuped.pValue, adjusted: true, correction: null };
  }
  return { variant: c.variant, absolute: c.absolute, relative: c.relative, pValue: c.pValue, adjusted: false, correction: null };
}

/**
 * The figures a decision is taken on: `uncorrectedComparison`, replaced by the corrected p-value
 * and intervals when a correction was applied to the same (CUPED or unadjusted) figures.
 */
export function effectiveComparison(c: Comparison, useCuped: boolean): EffectiveComparison {
  const raw = uncorrectedComparison(c, useCuped);
  const k = c.corrected;
  if (!k || k.cuped !== raw.adjusted) return raw;
  return { ...raw, absolute: k.absolute, relative: k.relative, pValue: k.pValue, correction: { method: k.method, familySize: k.familySize } };
}

const METHOD_LABEL: Record<MultipleComparisonMethod, string> = {
  none: 'uncorrected', bonferroni: 'Bonferroni', holm: 'Holm', 'benjamini-hochberg': 'Benjamini-Hochberg',
};

/** ", Holm-adjusted over 3 tests" — empty for no correction or a family of one. */
export function describeCorrection(e: Pick<EffectiveComparison, 'correction'>): string {
  const k = e.correction;
  return k && k.method !== 'none' && k.familySize > 1 ? `, ${METHOD_LABEL[k.method]}-adjusted over ${k.familySize} tests` : '';
}

function significant(e: EffectiveComparison | undefined, alpha: number): e is EffectiveComparison {
  return !!e && e.pValue !== null && e.pValue < alpha;
}

/** The threshold of guardrail `metric`: the configured one when it is a positive finite number. */
export function guardrailThreshold(metric: string, thresholds: Readonly<Record<string, number>> | undefined): number {
  const t = thresholds?.[metric];
  return isFiniteNumber(t) && t > 0 ? t : GUARDRAIL_MAX_RELATIVE_DROP;
}

/**
 * Whether `e` breaches a guardrail: significant at α and a relative estimate below −threshold.
 * Shared with the ChangeSet proof so both read a breach the same way.
 */
export function breachesGuardrail(e: EffectiveComparison | undefined, alpha: number, threshold: number): boolean {
  return significant(e, alpha) && e.relative.estimate !== null && e.relative.estimate < -threshold;
}

/** "+4.3% [+1.7%, +6.9%], p = 0.001" (relative), or the absolute interval when no relative exists. */
function describeEffect(e: EffectiveComparison): string {
  const cuped = `${e.adjusted ? ', CUPED-adjusted' : ''}${describeCorrection(e)}`;
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

interface Breach {
  readonly metric: string;
  readonly threshold: number;
  readonly effect: EffectiveComparison;
}

/** One arm's verdict with what it rests on (internal: the sentence-building needs the effects). */
interface ArmDecision {
  readonly verdict: ArmVerdict;
  readonly primary: EffectiveComparison | undefined;
  /** Breaches, the largest drop first. */
  readonly breaches: readonly Breach[];
}

function breachSentence(variant: string, b: Breach): string {
  return `${variant} breaches guardrail ${b.metric}: ${describeEffect(b.effect)}, a drop beyond the ${formatThreshold(b.threshold)} auto-rollback limit.`;
}

function formatThreshold(t: number): string {
  return `${String(Number((t * 100).toPrecision(3)))}%`;
}

/** The verdict of one arm (rules in the file comment); `alpha` already validated. */
function decideArm(variant: string, input: VerdictInput, alpha: number): ArmDecision {
  const { primary, guardrails, useCuped, guardrailThresholds } = input;
  const comparison = primary.comparisons.find((c) => c.variant === variant);
  const effect = comparison ? effectiveComparison(comparison, useCuped) : undefined;
  const breaches: Breach[] = (guardrails ?? []).flatMap((g) => {
    const c = g.comparisons.find((x) => x.variant === variant);
    const e = c ? effectiveComparison(c, useCuped) : undefined;
    const threshold = guardrailThreshold(g.name, guardrailThresholds);
    return e && breachesGuardrail(e, alpha, threshold) ? [{ metric: g.name, threshold, effect: e }] : [];
  }).sort((a, b) => byUplift(b.effect, a.effect));
  const breachedGuardrails = breaches.map((b) => b.metric);
  const metric = primary.name;
  const base = { variant, breachedGuardrails };

  if (significant(effect, alpha) && (effect.absolute.estimate ?? 0) < 0) {
    return { primary: effect, breaches, verdict: { ...base, status: 'loser', reason: `${variant} lowers ${metric} by ${describeEffect(effect)}.` } };
  }
  if (breaches.length > 0) {
    return { primary: effect, breaches, verdict: { ...base, status: 'loser', reason: breachSentence(variant, breaches[0]!) } };
  }
  if (significant(effect, alpha) && (effect.absolute.estimate ?? 0) > 0) {
    return { primary: effect, breaches, verdict: { ...base, status: 'winner', reason: `${variant} lifts ${metric} by ${describeEffect(effect)}.` } };
  }
  const why = !effect || effect.pValue === null
    ? `no test was possible on ${metric}${comparison?.errorCode ? ` (${comparison.errorCode})` : ''}`
    : `no significant difference on ${metric} at alpha = ${alpha}: ${describeEffect(effect)}`;
  return { primary: effect, breaches, verdict: { ...base, status: 'inconclusive', reason: `${variant}: ${why}.` } };
}

/** "Also: monthly-10off breaches guardrail …" — the other arms that lose, for a shipped winner. */
function otherLosers(decisions: readonly ArmDecision[], chosen: string): string {
  const losers = decisions.filter((d) => d.verdict.status === 'loser' && d.verdict.variant !== chosen);
  return losers.length > 0 ? ` Not shipped: ${losers.map((d) => d.verdict.reason.replace(/\.$/, '')).join('; ')}.` : '';
}

/**
 * Decides the verdict of every arm and the experiment's proposal (rules in the file comment).
 *
 * @param settings α, the two-sided significance level (0 < α < 1; otherwise `inconclusive`).
 * @returns status, one readable sentence naming the arm with the numbers (e.g. "treatment lifts
 *   conversion by +4.3% [+1.7%, +6.9%], p = 0.001."), the arm concerned, the proposed transition,
 *   and `arms`: one `ArmVerdict` per treatment arm of the primary metric, in its order.
 */
export function decideVerdict(input: VerdictInput, settings: TestSettings): Verdict {
  const { primary, warnings } = input;
  const variants = primary.comparisons.map((c) => c.variant);

  const blocking = (warnings ?? []).filter(isBlockingWarning);
  if (blocking.length > 0) {
    const first = blocking[0] as AnalysisWarning;
    const others = [...new Set(blocking.slice(1).map((w) => BLOCKING_LABEL[w.code] ?? w.code))]
      .filter((label) => label !== BLOCKING_LABEL[first.code]);
    const also = others.length > 0 ? ` Also: ${others.join(', ')}.` : '';
    const reason = `Not ready to decide. ${first.message}${also}`;
    const arms = variants.map((variant): ArmVerdict => ({ variant, status: 'not_ready', reason, breachedGuardrails: [] }));
    return { status: 'not_ready', reason, proposedTransition: null, arms };
  }

  if (!isValidAlpha(settings?.alpha)) {
    return { status: 'inconclusive', reason: `No decision: the significance level α = ${String(settings?.alpha)} is not in (0, 1).`, proposedTransition: null };
  }
  const alpha = settings.alpha;
  const metric = primary.name;
  const decisions = variants.map((variant) => decideArm(variant, input, alpha));
  const arms = decisions.map((d) => d.verdict);

  const best = decisions
    .filter((d) => d.verdict.status === 'winner' && d.primary)
    .sort((a, b) => byUplift(a.primary!, b.primary!))[0];
  if (best) {
    const variant = best.verdict.variant;
    return { status: 'winner', variant, reason: `${best.verdict.reason}${otherLosers(decisions, variant)}`, proposedTransition: 'PROVEN', arms };
  }

  const primaryLoser = decisions
    .filter((d) => d.verdict.status === 'loser' && significant(d.primary, alpha) && (d.primary.absolute.estimate ?? 0) < 0)
    .sort((a, b) => byUplift(b.primary!, a.primary!))[0];
  const guardrailLoser = decisions
    .filter((d) => d.verdict.status === 'loser' && d.breaches.length > 0)
    .sort((a, b) => byUplift(b.breaches[0]!.effect, a.breaches[0]!.effect))[0];
  const worst = primaryLoser ?? guardrailLoser;
  if (worst) {
    const variant = worst.verdict.variant;
    const reason = primaryLoser ? worst.verdict.reason : breachSentence(variant, worst.breaches[0]!);
    return { status: 'loser', variant, reason, proposedTransition: 'ROLLED_BACK', arms };
  }

  if (decisions.length === 0) {
    const why = primary.errorCode ? ` (${primary.errorCode})` : '';
    return { status: 'inconclusive', reason: `No treatment could be compared with control on ${metric}${why}.`, proposedTransition: null, arms };
  }
  const tested = decisions
    .map((d) => d.primary)
    .filter((e): e is EffectiveComparison => !!e && e.pValue !== null)
    .sort((a, b) => (a.pValue as number) - (b.pValue as number));
  const closest = tested[0];
  if (!closest) {
    const codes = [...new Set(primary.comparisons.map((c) => c.errorCode).filter((c) => c !== null))];
    const why = codes.length > 0 ? ` (${codes.join(', ')})` : '';
    return { status: 'inconclusive', reason: `No test was possible on ${metric}${why}.`, proposedTransition: null, arms };
  }
  return {
    status: 'inconclusive',
    reason: `No significant difference on ${metric} at alpha = ${alpha}: ${closest.variant} ${describeEffect(closest)}.`,
    proposedTransition: null,
    arms,
  };
}

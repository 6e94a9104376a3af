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
 * Method `bayesian` (docs/statistics.md, "Bayesian"): "significantly up" becomes a chance to beat
 * control ≥ 95 % with the risk of shipping (expected relative loss) below the risk threshold
 * (default 0.25 %); "significantly down" a chance to beat control ≤ 5 % with the risk of keeping
 * control below it; a guardrail is breached when down with a posterior mean below −threshold.
 *
 * With `useCuped`, a comparison's CUPED result is used when it has a p-value; otherwise the
 * unadjusted one. When a multiple-comparison correction was applied (`Comparison.corrected`,
 * `corrections.ts`), the corrected p-value and intervals are the ones decided on
 * (`effectiveComparison`), and the sentence says so ("Holm-adjusted over 2 tests").
 */
import type { AnalysisWarning, ArmVerdict, Comparison, InferenceMethod, Interval, MetricResult, TestSettings, Verdict } from './types.ts';
import type { BayesianComparison } from './bayesian.ts';
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
  /** `bayesian` decides on the posterior (see the file comment); otherwise on p-values. Default `fixed`. */
  readonly method?: InferenceMethod;
  /** Bayesian: the largest expected relative loss a decision may carry; default `DEFAULT_RISK_THRESHOLD`. */
  readonly riskThreshold?: number;
}

/** Bayesian: a treatment wins when its chance to beat control is at least this (95 %). */
export const BAYESIAN_CHANCE_TO_WIN = 0.95;

/**
 * Bayesian: default risk threshold, 0.25 % of the control mean — the expected relative loss of
 * shipping a winner (or of keeping control against a loser) must stay below it.
 */
export const DEFAULT_RISK_THRESHOLD = 0.0025;

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
  /** The posterior of the relative effect (method `bayesian`), else null. */
  readonly bayesian: BayesianComparison | null;
}

/**
 * The CUPED result when requested and it has a p-value, else the unadjusted comparison — before
 * any multiple-comparison correction (what a correction is computed from).
 */
export function uncorrectedComparison(c: Comparison, useCuped: boolean): EffectiveComparison {
  if (useCuped && c.cuped && c.cuped.pValue !== null) {
    return {
      variant: c.variant, absolute: c.cuped.absolute, relative: c.cuped.relative, pValue: c.cuped.pValue, adjusted: true, correction: null,
      bayesian: c.cuped.bayesian ?? null,
    };
  }
  return { variant: c.variant, absolute: c.absolute, relative: c.relative, pValue: c.pValue, adjusted: false, correction: null, bayesian: c.bayesian ?? null };
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

/** How an arm's effect is judged: by p-values at α, or by the posterior (method `bayesian`). */
interface Rule {
  readonly alpha: number;
  readonly bayesian: boolean;
  readonly riskThreshold: number;
}

/** Posterior with the numbers a Bayesian decision needs, or null. */
function posterior(e: EffectiveComparison): (BayesianComparison & { chanceToBeatControl: number; riskTreatment: number; riskControl: number }) | null {
  const b = e.bayesian;
  return b && b.chanceToBeatControl !== null && b.riskTreatment !== null && b.riskControl !== null
    ? (b as BayesianComparison & { chanceToBeatControl: number; riskTreatment: number; riskControl: number })
    : null;
}

/** Significantly up: p < α and Δ > 0; Bayesian: P(δ > 0) ≥ 95 % and the risk of shipping below the threshold. */
function isUp(e: EffectiveComparison | undefined, rule: Rule): boolean {
  if (!e) return false;
  if (rule.bayesian) {
    const b = posterior(e);
    return !!b && b.chanceToBeatControl >= BAYESIAN_CHANCE_TO_WIN && b.riskTreatment < rule.riskThreshold;
  }
  return significant(e, rule.alpha) && (e.absolute.estimate ?? 0) > 0;
}

/** Significantly down: p < α and Δ < 0; Bayesian: P(δ < 0) ≥ 95 % and the risk of keeping control below the threshold. */
function isDown(e: EffectiveComparison | undefined, rule: Rule): boolean {
  if (!e) return false;
  if (rule.bayesian) {
    const b = posterior(e);
    return !!b && 1 - b.chanceToBeatControl >= BAYESIAN_CHANCE_TO_WIN && b.riskControl < rule.riskThreshold;
  }
  return significant(e, rule.alpha) && (e.absolute.estimate ?? 0) < 0;
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
function describeEffect(e: EffectiveComparison, rule?: Rule): string {
  const b = rule?.bayesian ? posterior(e) : null;
  if (b && b.relative.estimate !== null) {
    const ci = b.relative.ciLower !== null && b.relative.ciUpper !== null
      ? ` [${formatSignedPercent(b.relative.ciLower)}, ${formatSignedPercent(b.relative.ciUpper)}]`
      : '';
    const risk = (b.relative.estimate >= 0 ? b.riskTreatment : b.riskControl) * 100;
    return `${formatSignedPercent(b.relative.estimate)}${ci}, chance to beat control ${(b.chanceToBeatControl * 100).toFixed(1)}%, ` +
      `risk ${risk.toPrecision(2)}%${e.adjusted ? ', CUPED-adjusted' : ''}`;
  }
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

function breachSentence(variant: string, b: Breach, rule: Rule): string {
  return `${variant} breaches guardrail ${b.metric}: ${describeEffect(b.effect, rule)}, a drop beyond the ${formatThreshold(b.threshold)} auto-rollback limit.`;
}

function formatThreshold(t: number): string {
  return `${String(Number((t * 100).toPrecision(3)))}%`;
}

/** A guardrail breach under `rule`: down, and the relative estimate (posterior mean) below −threshold. */
function isBreach(e: EffectiveComparison | undefined, rule: Rule, threshold: number): e is EffectiveComparison {
  if (!rule.bayesian) return breachesGuardrail(e, rule.alpha, threshold);
  const mean = e ? posterior(e)?.relative.estimate ?? null : null;
  return !!e && isDown(e, rule) && mean !== null && mean < -threshold;
}

/** The verdict of one arm (rules in the file comment); `rule.alpha` already validated. */
function decideArm(variant: string, input: VerdictInput, rule: Rule): ArmDecision {
  const alpha = rule.alpha;
  const { primary, guardrails, useCuped, guardrailThresholds } = input;
  const comparison = primary.comparisons.find((c) => c.variant === variant);
  const effect = comparison ? effectiveComparison(comparison, useCuped) : undefined;
  const breaches: Breach[] = (guardrails ?? []).flatMap((g) => {
    const c = g.comparisons.find((x) => x.variant === variant);
    const e = c ? effectiveComparison(c, useCuped) : undefined;
    const threshold = guardrailThreshold(g.name, guardrailThresholds);
    return isBreach(e, rule, threshold) ? [{ metric: g.name, threshold, effect: e }] : [];
  }).sort((a, b) => byUplift(b.effect, a.effect));
  const breachedGuardrails = breaches.map((b) => b.metric);
  const metric = primary.name;
  const base = { variant, breachedGuardrails };

  if (effect && isDown(effect, rule)) {
    return { primary: effect, breaches, verdict: { ...base, status: 'loser', reason: `${variant} lowers ${metric} by ${describeEffect(effect, rule)}.` } };
  }
  if (breaches.length > 0) {
    return { primary: effect, breaches, verdict: { ...base, status: 'loser', reason: breachSentence(variant, breaches[0]!, rule) } };
  }
  if (effect && isUp(effect, rule)) {
    return { primary: effect, breaches, verdict: { ...base, status: 'winner', reason: `${variant} lifts ${metric} by ${describeEffect(effect, rule)}.` } };
  }
  const why = !effect || effect.pValue === null
    ? `no test was possible on ${metric}${comparison?.errorCode ? ` (${comparison.errorCode})` : ''}`
    : rule.bayesian
      ? `no decision on ${metric} (chance to beat control ≥ ${BAYESIAN_CHANCE_TO_WIN * 100}% and risk < ${formatThreshold(rule.riskThreshold)} needed): ${describeEffect(effect, rule)}`
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
  const risk = input.riskThreshold;
  const rule: Rule = {
    alpha, bayesian: input.method === 'bayesian', riskThreshold: isFiniteNumber(risk) && risk > 0 ? risk : DEFAULT_RISK_THRESHOLD,
  };
  const decisions = variants.map((variant) => decideArm(variant, input, rule));
  const arms = decisions.map((d) => d.verdict);

  const best = decisions
    .filter((d) => d.verdict.status === 'winner' && d.primary)
    .sort((a, b) => byUplift(a.primary!, b.primary!))[0];
  if (best) {
    const variant = best.verdict.variant;
    return { status: 'winner', variant, reason: `${best.verdict.reason}${otherLosers(decisions, variant)}`, proposedTransition: 'PROVEN', arms };
  }

  const primaryLoser = decisions
    .filter((d) => d.verdict.status === 'loser' && !!d.primary && isDown(d.primary, rule))
    .sort((a, b) => byUplift(b.primary!, a.primary!))[0];
  const guardrailLoser = decisions
    .filter((d) => d.verdict.status === 'loser' && d.breaches.length > 0)
    .sort((a, b) => byUplift(b.breaches[0]!.effect, a.breaches[0]!.effect))[0];
  const worst = primaryLoser ?? guardrailLoser;
  if (worst) {
    const variant = worst.verdict.variant;
    const reason = primaryLoser ? worst.verdict.reason : breachSentence(variant, worst.breaches[0]!, rule);
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
    reason: rule.bayesian
      ? `No decision on ${metric}: ${closest.variant} ${describeEffect(closest, rule)}.`
      : `No significant difference on ${metric} at alpha = ${alpha}: ${closest.variant} ${describeEffect(closest)}.`,
    proposedTransition: null,
    arms,
  };
}

/**
 * The report's verdict in one sentence, with the numbers it rests on:
 *
 * - winner: "v2 lifts conversion by +4.3% [+1.7%, +6.9%], p = 0.001, CUPED on"
 * - loser: "v2 lowers conversion by -3.0% [-5.1%, -0.9%], p = 0.004, CUPED off", or for a
 *   breached guardrail "v2 lowers revenue_per_user (guardrail) by -6.2% […], p = 0.002, CUPED on"
 * - inconclusive: "No significant difference on conversion: v2 +0.4% [-1.2%, +2.0%], p = 0.62, CUPED on"
 * - not_ready: the analysis' own reason ("Not ready to decide. …").
 *
 * The numbers are those the verdict used (`effectiveComparison` of `stats/verdict.ts`): the
 * CUPED-adjusted comparison when CUPED is on and available, the unadjusted one otherwise —
 * "CUPED on" says the sentence's numbers are adjusted, "CUPED off" that CUPED was switched off,
 * "no CUPED covariate" that it was on but the metric has no covariate (no pre-period data). Relative uplifts (fractions) print as
 * signed percentages with one decimal; p-values with three significant digits (`stats/format.ts`).
 */
import { effectiveComparison, formatPValue, formatSigned, formatSignedPercent, type EffectiveComparison } from '../../stats/index.ts';
import type { ExperimentReport, MetricReport } from '../../contract/report.ts';
import type { Headline } from './report-model.ts';

function effect(e: EffectiveComparison, useCuped: boolean): string {
  const cuped = e.adjusted ? 'CUPED on' : useCuped ? 'no CUPED covariate' : 'CUPED off';
  if (e.relative.estimate !== null) {
    const ci = e.relative.ciLower !== null && e.relative.ciUpper !== null
      ? ` [${formatSignedPercent(e.relative.ciLower)}, ${formatSignedPercent(e.relative.ciUpper)}]`
      : '';
    return `${formatSignedPercent(e.relative.estimate)}${ci}, ${formatPValue(e.pValue)}, ${cuped}`;
  }
  const ci = e.absolute.ciLower !== null && e.absolute.ciUpper !== null
    ? ` [${formatSigned(e.absolute.ciLower)}, ${formatSigned(e.absolute.ciUpper)}]`
    : '';
  return `${formatSigned(e.absolute.estimate)} (absolute)${ci}, ${formatPValue(e.pValue)}, ${cuped}`;
}

function comparisonOf(metric: MetricReport | undefined, variant: string, useCuped: boolean): EffectiveComparison | null {
  const c = metric?.comparisons.find((x) => x.variant === variant);
  return c ? effectiveComparison(c, useCuped) : null;
}

/**
 * The headline of `experiment` analysed with `useCuped` (the `cuped` setting) at `alpha`.
 * Never throws: when the numbers are missing it falls back to the verdict's reason.
 */
export function buildHeadline(experiment: ExperimentReport, useCuped: boolean, alpha: number): Headline {
  const { verdict } = experiment;
  const base = {
    status: verdict.status,
    reason: verdict.reason,
    variant: verdict.variant ?? null,
    proposedTransition: verdict.proposedTransition,
  };
  const fallback: Headline = { ...base, sentence: verdict.reason.replace(/\.$/, ''), metric: experiment.primaryMetric, cuped: false };
  const primary = experiment.metrics.find((m) => m.name === experiment.primaryMetric);
  if (!primary) return fallback;

  if ((verdict.status === 'winner' || verdict.status === 'loser') && verdict.variant) {
    const variant = verdict.variant;
    const onPrimary = comparisonOf(primary, variant, useCuped);
    const significant = (e: EffectiveComparison | null): e is EffectiveComparison => !!e && e.pValue !== null && e.pValue < alpha;
    if (verdict.status === 'winner' && significant(onPrimary)) {
      return { ...base, metric: primary.name, cuped: onPrimary.adjusted, sentence: `${variant} lifts ${primary.name} by ${effect(onPrimary, useCuped)}` };
    }
    if (verdict.status === 'loser') {
      if (significant(onPrimary) && (onPrimary.absolute.estimate ?? 0) < 0) {
        return { ...base, metric: primary.name, cuped: onPrimary.adjusted, sentence: `${variant} lowers ${primary.name} by ${effect(onPrimary, useCuped)}` };
      }
      for (const name of experiment.guardrailMetrics) {
        const e = comparisonOf(experiment.metrics.find((m) => m.name === name), variant, useCuped);
        if (significant(e) && (e.relative.estimate ?? 0) < 0) {
          return { ...base, metric: name, cuped: e.adjusted, sentence: `${variant} lowers ${name} (guardrail) by ${effect(e, useCuped)}` };
        }
      }
    }
    return fallback;
  }

  if (verdict.status === 'inconclusive') {
    const tested = primary.comparisons
      .map((c) => effectiveComparison(c, useCuped))
      .filter((e) => e.pValue !== null)
      .sort((a, b) => (a.pValue as number) - (b.pValue as number));
    const closest = tested[0];
    if (!closest) return fallback;
    return {
      ...base, metric: primary.name, variant: closest.variant, cuped: closest.adjusted,
      sentence: `No significant difference on ${primary.name}: ${closest.variant} ${effect(closest, useCuped)}`,
    };
  }
  return fallback;
}

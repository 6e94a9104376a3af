/**
 * Analysis warnings (docs/analysis-definitions.md): stable codes, a message an analyst can read, and the numbers
 * behind it in `values`. Pure: the caller hands in everything already measured.
 */
import type { AnalysisWarning, WarningCode } from './types.ts';
import type { SrmResult } from './srm.ts';
import { formatCount, formatPercent, formatPValue } from './format.ts';
import { isFiniteNumber } from './finite.ts';

/** Thresholds of the warnings. */
export interface WarningSettings {
  /** `low_sample_size` below this many units in any variant (default 1000). */
  readonly minSamplePerArm: number;
  /** `min_runtime_not_reached` below this many days from first exposure to data end (default 7). */
  readonly minRuntimeDays: number;
  /** `low_conversions` below this many conversions in any variant of a binomial metric (default 30). */
  readonly minConversions: number;
  /** `multiple_exposures` when excluded/total is above this share (default 0.01 = 1 %). */
  readonly multipleExposureShare: number;
}

/** docs/analysis-definitions.md defaults. */
export const DEFAULT_WARNING_SETTINGS: WarningSettings = Object.freeze({
  minSamplePerArm: 1000,
  minRuntimeDays: 7,
  minConversions: 30,
  multipleExposureShare: 0.01,
});

/** Warnings that make the verdict `not_ready` (docs/changesets.md). */
export const BLOCKING_WARNING_CODES: readonly WarningCode[] = Object.freeze([
  'sample_ratio_mismatch',
  'min_runtime_not_reached',
  'low_sample_size',
] as const);

/** True for a warning that blocks a decision (`BLOCKING_WARNING_CODES`). */
export function isBlockingWarning(w: AnalysisWarning): boolean {
  return BLOCKING_WARNING_CODES.includes(w.code);
}

/** Everything the warnings look at. Omitted (or null) parts are simply not checked. */
export interface WarningInput {
  /** Analysed units per variant, in display order. */
  readonly unitsPerVariant: ReadonlyArray<{ readonly variant: string; readonly n: number }>;
  /** The SRM test of the unit counts (`sampleRatioMismatch`); flagged → `sample_ratio_mismatch`. */
  readonly srm?: SrmResult | null;
  /** Conversions per variant of each binomial metric (Σy). */
  readonly binomialConversions?: ReadonlyArray<{ readonly metric: string; readonly variant: string; readonly conversions: number }>;
  /** Units per arm the power analysis requires (`requiredSampleSizePerArm`), compared with the smallest arm. */
  readonly requiredPerArm?: number | null;
  /** The metric the power analysis is about (usually the primary metric), for the message. */
  readonly powerMetric?: string;
  /** Days from the first exposure to the end of the data; null = unknown (no warning). */
  readonly runtimeDays?: number | null;
  /** Units excluded for seeing several variants, out of all exposed units (excluded included). */
  readonly multipleExposures?: { readonly excluded: number; readonly total: number } | null;
  /** Metrics with CUPED requested but no pre-period data. */
  readonly cupedUnavailable?: readonly string[];
  /** Retention metrics without a single mature unit yet. */
  readonly immatureRetention?: readonly string[];
  /**
   * Events far after the exposure period, left out of the metrics (docs/analysis-definitions.md):
   * how many, the limit they are later than and the latest of them (ISO-8601 UTC).
   */
  readonly eventsOutsidePeriod?: { readonly count: number; readonly after: string; readonly latest: string } | null;
}

/**
 * Collects the warnings of one experiment, in the order of docs/analysis-definitions.md (SRM, sample size,
 * conversions, power, runtime, multiple exposures, CUPED, retention), then late events.
 *
 * - `sample_ratio_mismatch`: `srm.flagged`.
 * - `low_sample_size`: one per variant with n < minSamplePerArm.
 * - `low_conversions`: one per (binomial metric, variant) with conversions < minConversions.
 * - `underpowered`: min n over variants < requiredPerArm.
 * - `min_runtime_not_reached`: runtimeDays < minRuntimeDays (never when runtimeDays is null).
 * - `multiple_exposures`: excluded / total > multipleExposureShare.
 * - `cuped_unavailable`, `immature_retention`: one per metric named.
 * - `events_outside_period`: eventsOutsidePeriod.count > 0 (a data-quality warning, not blocking).
 */
export function collectWarnings(input: WarningInput, settings: WarningSettings = DEFAULT_WARNING_SETTINGS): AnalysisWarning[] {
  const s = { ...DEFAULT_WARNING_SETTINGS, ...settings };
  const warnings: AnalysisWarning[] = [];
  const units = (input.unitsPerVariant ?? []).filter((u) => isFiniteNumber(u.n));

  const srm = input.srm;
  if (srm?.flagged) {
    const split = units.map((u) => `${u.variant} ${formatCount(u.n)}`).join(', ');
    const chi = srm.chiSquare === null ? 'unbounded' : srm.chiSquare.toFixed(2);
    warnings.push({
      code: 'sample_ratio_mismatch',
      message: `Sample ratio mismatch: the units per variant (${split}) do not match the configured split (chi-square = ${chi}, df = ${srm.df}, ${formatPValue(srm.pValue)}). Check assignment and logging before trusting any result.`,
      values: { chiSquare: srm.chiSquare, pValue: srm.pValue, df: srm.df },
    });
  }

  for (const u of units) {
    if (u.n < s.minSamplePerArm) {
      warnings.push({
        code: 'low_sample_size',
        variant: u.variant,
        message: `Variant ${u.variant} has ${formatCount(u.n)} units, below the minimum of ${formatCount(s.minSamplePerArm)} per variant.`,
        values: { n: u.n, minimum: s.minSamplePerArm },
      });
    }
  }

  for (const c of input.binomialConversions ?? []) {
    if (isFiniteNumber(c.conversions) && c.conversions < s.minConversions) {
      warnings.push({
        code: 'low_conversions',
        metric: c.metric,
        variant: c.variant,
        message: `${c.metric}: variant ${c.variant} has ${formatCount(c.conversions)} conversions, fewer than ${formatCount(s.minConversions)}; the normal approximation behind its interval is unreliable.`,
        values: { conversions: c.conversions, minimum: s.minConversions },
      });
    }
  }

  const required = input.requiredPerArm;
  if (isFiniteNumber(required) && units.length > 0) {
    const current = Math.min(...units.map((u) => u.n));
    if (current < required) {
      const about = input.powerMetric ? ` on ${input.powerMetric}` : '';
      warnings.push({
        code: 'underpowered',
        ...(input.powerMetric ? { metric: input.powerMetric } : {}),
        message: `Underpowered${about}: the smallest variant has ${formatCount(current)} units, but ${formatCount(required)} per variant are needed to detect the minimum detectable effect.`,
        values: { currentPerArm: current, requiredPerArm: required },
      });
    }
  }

  const runtime = input.runtimeDays;
  if (isFiniteNumber(runtime) && runtime < s.minRuntimeDays) {
    warnings.push({
      code: 'min_runtime_not_reached',
      message: `The experiment has run ${formatCount(runtime)} days, fewer than the minimum of ${formatCount(s.minRuntimeDays)} days (weekly cycles are not yet covered).`,
      values: { runtimeDays: runtime, minimum: s.minRuntimeDays },
    });
  }

  const multi = input.multipleExposures;
  if (multi && isFiniteNumber(multi.excluded) && isFiniteNumber(multi.total) && multi.total > 0) {
    const share = multi.excluded / multi.total;
    if (share > s.multipleExposureShare) {
      warnings.push({
        code: 'multiple_exposures',
        message: `${formatCount(multi.excluded)} of ${formatCount(multi.total)} units (${formatPercent(share)}) saw more than one variant and were excluded, above the ${formatPercent(s.multipleExposureShare)} tolerance.`,
        values: { excluded: multi.excluded, total: multi.total, share, maximumShare: s.multipleExposureShare },
      });
    }
  }

  for (const metric of input.cupedUnavailable ?? []) {
    warnings.push({
      code: 'cuped_unavailable',
      metric,
      message: `CUPED is unavailable for ${metric}: no pre-period data; unadjusted results are shown.`,
    });
  }

  for (const metric of input.immatureRetention ?? []) {
    warnings.push({
      code: 'immature_retention',
      metric,
      message: `${metric} has no mature unit yet: no unit's retention day has ended before the end of the data.`,
      values: { matureUnits: 0 },
    });
  }

  const late = input.eventsOutsidePeriod;
  if (late && isFiniteNumber(late.count) && late.count > 0) {
    const one = late.count === 1;
    warnings.push({
      code: 'events_outside_period',
      message: `${formatCount(late.count)} ${one ? 'event' : 'events'} dated after ${late.after}, far after the exposure period (the latest: ${late.latest}), ${one ? 'is' : 'are'} left out of every metric and ${one ? 'does' : 'do'} not set the end of the data. Check ${one ? 'its timestamp' : 'their timestamps'} (a mistyped year, or epoch seconds or microseconds read as milliseconds).`,
      values: { events: late.count, after: late.after, latest: late.latest },
    });
  }

  return warnings;
}

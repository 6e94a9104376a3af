/**
 * One treatment arm against control for a binomial or continuous metric, without CUPED.
 *
 * - binomial: Bernoulli variances p(1 − p); CIs with the normal quantile and unpooled SE
 *   (Wald); absolute p-value from the unpooled z-test (statsmodels
 *   `test_proportions_2indep(method='wald')`).
 * - continuous (and count): sample variances (n − 1); CIs with the Welch t quantile and
 *   Welch–Satterthwaite df; absolute p-value from Welch's t-test (scipy
 *   `ttest_ind(equal_var=False)`).
 * - relative uplift Δ/m_c with the delta-method CI and the same quantile as the absolute CI; its
 *   p-value from the delta-method statistic against the same reference. `pValue` is this one (the
 *   one shown beside the relative CI), or the absolute one when m_c = 0.
 *
 * Sources: see `difference.ts`, `relative-uplift.ts`, `welch.ts`, `estimate-comparison.ts`.
 */
import type { Comparison, SampleMoments, TestSettings } from './types.ts';
import type { EstimateComparison } from './estimate-comparison.ts';
import { compareEstimates, emptyComparison, pointComparison } from './estimate-comparison.ts';
import { summarizeArm, validateSampleMoments } from './moments.ts';
import { isValidAlpha } from './finite.ts';

/** An arm handed to a comparison: its variant key and its sufficient statistics. */
export interface ArmInput<M> {
  readonly variant: string;
  readonly moments: M;
}

/** Wraps an `EstimateComparison` into the public `Comparison` shape. */
export function toComparison(control: string, variant: string, result: EstimateComparison): Comparison {
  return {
    variant,
    control,
    absolute: result.absolute,
    relative: result.relative,
    pValue: result.pValue,
    absolutePValue: result.absolutePValue,
    cuped: null,
    errorCode: result.errorCode,
    ...(result.bayesian !== undefined && { bayesian: result.bayesian }),
  };
}

/**
 * Compares `treatment` with `control` on a binomial or continuous metric at two-sided level
 * `settings.alpha`. `cuped` is always null here (see `compareArmsCuped`).
 *
 * Units: absolute in the metric's unit (a rate difference for binomial), relative as a fraction.
 * Errors (never thrown): `INVALID_INPUT` (α ∉ (0, 1), impossible sums), `EMPTY_VARIANT` (n = 0),
 * `SINGLE_UNIT` (continuous with n = 1: point estimates only), `ZERO_VARIANCE` (both arms constant:
 * point estimates only), `ZERO_CONTROL_MEAN` (relative null, absolute kept).
 */
export function compareArms(
  type: 'binomial' | 'continuous',
  control: ArmInput<SampleMoments>,
  treatment: ArmInput<SampleMoments>,
  settings: TestSettings,
): Comparison {
  const wrap = (r: EstimateComparison) => toComparison(control.variant, treatment.variant, r);
  if (!isValidAlpha(settings?.alpha)) return wrap(emptyComparison('INVALID_INPUT'));
  if (validateSampleMoments(type, control.moments) !== null || validateSampleMoments(type, treatment.moments) !== null) {
    return wrap(emptyComparison('INVALID_INPUT'));
  }
  const c = summarizeArm(type, control.variant, control.moments);
  const t = summarizeArm(type, treatment.variant, treatment.moments);
  if (c.n === 0 || t.n === 0 || c.mean === null || t.mean === null) return wrap(emptyComparison('EMPTY_VARIANT'));
  if (c.variance === null || t.variance === null) return wrap(pointComparison(c.mean, t.mean, 'SINGLE_UNIT'));
  const controlEstimate = { n: c.n, mean: c.mean, variance: c.variance };
  const treatmentEstimate = { n: t.n, mean: t.mean, variance: t.variance };
  return wrap(compareEstimates(controlEstimate, treatmentEstimate, type === 'binomial' ? 'normal' : 'welch', settings.alpha, settings));
}

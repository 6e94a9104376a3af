/**
 * One metric of one experiment, end to end: a summary per arm, one comparison per treatment arm
 * against control, and CUPED when a covariate is present (θ pooled over all arms).
 *
 * The single entry point the data layer calls with the sufficient statistics its SQL returns.
 */
import type {
  Comparison,
  CovariateMoments,
  MetricInput,
  MetricResult,
  RatioMoments,
  SampleMoments,
  StatsErrorCode,
  TestSettings,
  VariantSummary,
} from './types.ts';
import { compareArms, toComparison } from './compare-arms.ts';
import { compareRatioArms, summarizeRatioArm, validateRatioMoments } from './ratio.ts';
import { compareArmsCuped, overallCovariateMean, pooledTheta, validateCovariateMoments } from './cuped.ts';
import { summarizeArm, validateSampleMoments } from './moments.ts';
import { emptyComparison } from './estimate-comparison.ts';
import { isFiniteNumber } from './finite.ts';

type Arm = MetricInput['arms'][number];

function armN(arm: Arm): number {
  const n = (arm?.moments as { n?: unknown } | undefined)?.n;
  return isFiniteNumber(n) ? n : 0;
}

function isValidArm(input: MetricInput, arm: Arm): boolean {
  if (!arm || typeof arm.variant !== 'string') return false;
  if (input.type === 'ratio') return validateRatioMoments(arm.moments as RatioMoments) === null;
  if (input.covariate) return validateCovariateMoments(input.type, arm.moments as CovariateMoments) === null;
  return validateSampleMoments(input.type, arm.moments as SampleMoments) === null;
}

function summarize(input: MetricInput, arm: Arm): VariantSummary {
  if (input.type === 'ratio') return summarizeRatioArm(arm.variant, arm.moments as RatioMoments);
  return summarizeArm(input.type, arm.variant, arm.moments as SampleMoments);
}

/**
 * Analyses one metric.
 *
 * - `variants`: `summarizeArm` / `summarizeRatioArm` of every arm, in input order.
 * - `comparisons`: one per non-control arm, in input order: `compareArms` (binomial, continuous)
 *   or `compareRatioArms` (ratio); `cuped` filled by `compareArmsCuped` when `covariate` is true,
 *   the metric is not a ratio, and θ is computable.
 * - `theta`: `pooledTheta` over all arms (null without covariate, for ratio metrics, or when
 *   var(x) = 0).
 * - `errorCode`: `INVALID_INPUT` when the control is not among the arms or an arm's moments do not
 *   fit the metric type (then every comparison is empty); `NO_COVARIATE_VARIANCE` when CUPED was
 *   requested but θ cannot be computed; else null. Comparison-level problems stay on the
 *   comparisons.
 *
 * @param settings α for every interval and test.
 */
export function analyzeMetric(input: MetricInput, settings: TestSettings): MetricResult {
  const arms = Array.isArray(input?.arms) ? input.arms : [];
  const type = input?.type;
  const base = { name: input?.name ?? '', type };
  const control = arms.find((a) => a?.variant === input?.control);
  const invalid = control === undefined || !['binomial', 'continuous', 'ratio'].includes(type) || !arms.every((a) => isValidArm(input, a));

  if (invalid) {
    const variants = arms.map((a) => ({ variant: String(a?.variant ?? ''), n: armN(a), mean: null, variance: null }));
    const comparisons = arms
      .filter((a) => a !== control)
      .map((a) => toComparison(String(input?.control ?? ''), String(a?.variant ?? ''), emptyComparison('INVALID_INPUT')));
    return { ...base, variants, comparisons, theta: null, errorCode: 'INVALID_INPUT' };
  }

  const variants = arms.map((a) => summarize(input, a));
  const treatments = arms.filter((a) => a !== control);

  if (type === 'ratio') {
    const comparisons = treatments.map((t) =>
      compareRatioArms(
        { variant: control.variant, moments: control.moments as RatioMoments },
        { variant: t.variant, moments: t.moments as RatioMoments },
        settings,
      ),
    );
    return { ...base, variants, comparisons, theta: null, errorCode: null };
  }

  let theta: number | null = null;
  let overallMeanX: number | null = null;
  let errorCode: StatsErrorCode | null = null;
  if (input.covariate) {
    const covariateArms = arms.map((a) => a.moments as CovariateMoments);
    theta = pooledTheta(covariateArms);
    overallMeanX = overallCovariateMean(covariateArms);
    if (theta === null || overallMeanX === null) {
      theta = null;
      errorCode = 'NO_COVARIATE_VARIANCE';
    }
  }

  const comparisons: Comparison[] = treatments.map((t) => {
    const unadjusted = compareArms(
      type,
      { variant: control.variant, moments: control.moments as SampleMoments },
      { variant: t.variant, moments: t.moments as SampleMoments },
      settings,
    );
    if (theta === null || overallMeanX === null) return unadjusted;
    const cuped = compareArmsCuped(
      type,
      { variant: control.variant, moments: control.moments as CovariateMoments },
      { variant: t.variant, moments: t.moments as CovariateMoments },
      theta,
      overallMeanX,
      settings,
    );
    return { ...unadjusted, cuped };
  });

  return { ...base, variants, comparisons, theta, errorCode };
}

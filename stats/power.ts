/**
 * Power and sample size for a two-sided two-sample z-test of means (docs/analysis-definitions.md,
 * "Statistics").
 *
 * Model: the standardized difference k = δ / SE(Δ̂) with SE² = V_c/n_c + V_t/n_t has power
 *   P(k) = Φ(k − z) + Φ(−k − z),  z = Φ⁻¹(1 − α/2),
 * counting rejections in both tails — exactly statsmodels `normal_power`, the function behind
 * `NormalIndPower().power` / `.solve_power`. With n units in each arm and each arm's own per-unit
 * variance, SE² = (V_c + V_t)/n, so the required n solves δ √n / √(V_c + V_t) = k*, i.e.
 *   n = k*² (V_c + V_t) / δ²,
 * where k* solves P(k*) = 1 − β (found by bisection to full double precision; statsmodels finds
 * the same root with brentq at a looser tolerance). With V_c = V_t = σ² this is the textbook
 * n = 2 k*² σ² / δ², statsmodels `NormalIndPower().solve_power(effect_size=δ/σ, alpha=α,
 * power=1−β, ratio=1)`; with unequal variances it is the same call with the pooled
 * σ̄ = √((V_c + V_t)/2) (the z-test only sees V_c/n + V_t/n = 2σ̄²/n).
 *
 * CUPED: the adjusted estimator's variance is the unadjusted one times (1 − r), r the variance
 * reduction of the difference (`CupedComparison.varianceReduction`; for a single covariate and
 * equal arms r = ρ², Deng, Xu, Kohavi & Walker 2013, "Improving the Sensitivity of Online
 * Controlled Experiments by Utilizing Pre-Experiment Data", WSDM, §3.2). So the required n is
 * k*² (1 − r)(V_c + V_t)/δ², and the achievable MDE shrinks by √(1 − r). (GrowthBook's power
 * documentation assumes equal variances and no CUPED, noting that CUPED only raises power.)
 * Textbook: J. Cohen (1988), "Statistical Power Analysis for the Behavioral Sciences", ch. 2;
 * dropping the far tail gives the familiar n = (V_c + V_t)(z_{1−α/2} + z_{1−β})² / δ², a hair larger.
 */
import type { Days, MetricType, PowerSettings } from './types.ts';
import { normalCdf, normalQuantile } from './distributions.ts';
import { finiteOrNull, isFiniteNumber, isValidAlpha } from './finite.ts';

/**
 * Power of the two-sided z-test at level α when the true difference is `noncentrality` standard
 * errors away from 0: Φ(k − z) + Φ(−k − z). Source: statsmodels `normal_power`.
 */
export function twoSidedZPower(noncentrality: number, alpha: number): number {
  const z = normalQuantile(1 - alpha / 2);
  return normalCdf(noncentrality - z) + normalCdf(-noncentrality - z);
}

/**
 * The standardized difference k* ≥ 0 with `twoSidedZPower(k*, α) = power`.
 *
 * @returns k*, or null unless 0 < α < 1 and α < power < 1.
 */
export function noncentralityForPower(alpha: number, power: number): number | null {
  if (!isValidAlpha(alpha) || !isFiniteNumber(power) || power <= alpha || power >= 1) return null;
  // At k = z + Φ⁻¹(power) the near tail alone reaches `power`, so the root lies in [0, hi].
  let lo = 0;
  let hi = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  if (!(hi > 0)) return null;
  for (let i = 0; i < 200; i += 1) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (twoSidedZPower(mid, alpha) < power) lo = mid;
    else hi = mid;
  }
  return finiteOrNull((lo + hi) / 2);
}

function validPowerSettings(s: Pick<PowerSettings, 'alpha' | 'power'> | undefined): boolean {
  return !!s && isValidAlpha(s.alpha) && isFiniteNumber(s.power) && s.power > s.alpha && s.power < 1;
}

/** Arguments of `requiredSampleSizePerArm`. */
export interface SampleSizeArgs {
  readonly type: MetricType;
  /** Control mean (a rate for binomial metrics); the MDE is relative to it. */
  readonly mean: number;
  /** Per-unit variance of the control arm (binomial: p(1 − p); continuous: n − 1 sample variance). */
  readonly variance: number;
  /** Per-unit variance of the treatment arm; omitted → the control's (equal variances). */
  readonly varianceTreatment?: number;
  /**
   * CUPED variance reduction r of the difference (a fraction < 1, `CupedComparison.varianceReduction`);
   * both variances are scaled by (1 − r). Omitted or null → no CUPED (r = 0). Negative r (the
   * adjustment added variance) is honoured.
   */
  readonly varianceReduction?: number | null;
  /** α, power 1 − β and the relative MDE (fraction, 0.05 = 5 %). */
  readonly settings: PowerSettings;
}

/**
 * (1 − r)(V_c + V_t): the variance of the difference times n for equal arms of n units.
 * @returns > 0, or null for a negative or non-finite variance, r ≥ 1 or non-finite r, or a zero sum.
 */
function varianceOfDifferenceTimesN(varianceControl: number, varianceTreatment: number, varianceReduction: number | null | undefined): number | null {
  const r = varianceReduction ?? 0;
  if (!isFiniteNumber(varianceControl) || !isFiniteNumber(varianceTreatment) || !isFiniteNumber(r)) return null;
  if (varianceControl < 0 || varianceTreatment < 0 || r >= 1) return null;
  const v = (1 - r) * (varianceControl + varianceTreatment);
  return v > 0 && Number.isFinite(v) ? v : null;
}

/**
 * Units per arm (equal arms), not rounded: k*² (1 − r)(V_c + V_t) / δ², δ = relativeMde · |mean|
 * (V_t defaults to V_c, r to 0: then 2 k*² σ² / δ²). Equals statsmodels
 * `NormalIndPower().solve_power(effect_size=δ/σ̄, alpha, power, ratio=1)` with
 * σ̄² = (1 − r)(V_c + V_t)/2.
 *
 * @returns null for a zero or non-finite mean, a control variance ≤ 0, a negative or non-finite
 *   treatment variance, r ≥ 1, a relative MDE ≤ 0, a binomial mean outside (0, 1), or invalid
 *   α/power.
 */
export function requiredSampleSizeUnrounded(args: SampleSizeArgs): number | null {
  const { type, mean, variance, settings } = args ?? ({} as SampleSizeArgs);
  if (!validPowerSettings(settings) || !isFiniteNumber(settings.relativeMde) || settings.relativeMde <= 0) return null;
  if (!isFiniteNumber(mean) || mean === 0 || !isFiniteNumber(variance) || variance <= 0) return null;
  if (type === 'binomial' && (mean <= 0 || mean >= 1)) return null;
  const v = varianceOfDifferenceTimesN(variance, args.varianceTreatment ?? variance, args.varianceReduction);
  if (v === null) return null;
  const k = noncentralityForPower(settings.alpha, settings.power);
  if (k === null) return null;
  const delta = settings.relativeMde * Math.abs(mean);
  return finiteOrNull((k * k * v) / (delta * delta));
}

/**
 * Units per arm needed to detect a relative change of `settings.relativeMde` of the control mean
 * with a two-sided test at α and power 1 − β: `requiredSampleSizeUnrounded` rounded up to an
 * integer (statsmodels `NormalIndPower().solve_power(effect_size=δ/σ, …)`, then `ceil`).
 *
 * @returns a positive integer, or null on invalid input (see `requiredSampleSizeUnrounded`).
 */
export function requiredSampleSizePerArm(args: SampleSizeArgs): number | null {
  const n = requiredSampleSizeUnrounded(args);
  return n === null ? null : Math.ceil(n);
}

/** Arguments of `achievedRelativeMde`. */
export interface AchievedMdeArgs {
  /** Control mean; the MDE is relative to it. */
  readonly mean: number;
  /** Per-unit variances (binomial: p(1 − p); continuous: n − 1 sample variance). */
  readonly varianceControl: number;
  readonly varianceTreatment: number;
  readonly nControl: number;
  readonly nTreatment: number;
  /** CUPED variance reduction r of the difference (fraction < 1); omitted or null → 0. */
  readonly varianceReduction?: number | null;
  /** α and power 1 − β (relativeMde is not used). */
  readonly settings: Pick<PowerSettings, 'alpha' | 'power'>;
}

/**
 * The smallest relative effect (fraction of |mean|) detectable with power 1 − β at two-sided α
 * with the current arms: k* · √((1 − r)(V_c/n_c + V_t/n_t)) / |mean|. With equal variances and
 * r = 0 this is statsmodels `NormalIndPower().solve_power(nobs1=n_c, ratio=n_t/n_c, alpha, power)`
 * · σ / |mean|.
 *
 * @returns a fraction > 0, or null for n ≤ 0, negative or non-finite variances, r ≥ 1 or
 *   non-finite, a standard error of 0, a zero mean, or invalid α/power.
 */
export function achievedRelativeMde(args: AchievedMdeArgs): number | null {
  const { mean, varianceControl, varianceTreatment, nControl, nTreatment, settings } = args ?? ({} as AchievedMdeArgs);
  if (!validPowerSettings(settings)) return null;
  const numbers = [mean, varianceControl, varianceTreatment, nControl, nTreatment];
  if (!numbers.every(isFiniteNumber) || mean === 0 || nControl <= 0 || nTreatment <= 0) return null;
  if (varianceControl < 0 || varianceTreatment < 0) return null;
  const r = args.varianceReduction ?? 0;
  if (!isFiniteNumber(r) || r >= 1) return null;
  const se = Math.sqrt((1 - r) * (varianceControl / nControl + varianceTreatment / nTreatment));
  if (!(se > 0)) return null;
  const k = noncentralityForPower(settings.alpha, settings.power);
  return k === null ? null : finiteOrNull((k * se) / Math.abs(mean));
}

/** Arguments of `daysStillNeeded`. */
export interface DaysNeededArgs {
  /** Units per arm required (`requiredSampleSizePerArm`), null when unknown. */
  readonly requiredPerArm: number | null;
  /** Units in the smallest arm so far. */
  readonly currentPerArm: number;
  /** Observed new units per arm per day (smallest arm), null when unknown. */
  readonly unitsPerArmPerDay: number | null;
}

/**
 * Whole days still needed at the observed exposure rate: ⌈(required − current) / rate⌉, 0 when
 * the requirement is already met.
 *
 * @returns days ≥ 0 (integer), or null when the requirement or the rate is unknown, the rate is
 *   ≤ 0, or an input is not finite.
 */
export function daysStillNeeded(args: DaysNeededArgs): Days | null {
  const { requiredPerArm, currentPerArm, unitsPerArmPerDay } = args ?? ({} as DaysNeededArgs);
  if (!isFiniteNumber(requiredPerArm) || !isFiniteNumber(currentPerArm)) return null;
  if (currentPerArm >= requiredPerArm) return 0 as Days;
  if (!isFiniteNumber(unitsPerArmPerDay) || unitsPerArmPerDay <= 0) return null;
  const days = finiteOrNull(Math.ceil((requiredPerArm - currentPerArm) / unitsPerArmPerDay));
  return days === null ? null : (days as Days);
}

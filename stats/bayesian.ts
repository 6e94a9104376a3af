/**
 * A Bayesian engine for one treatment arm against control: a Gaussian model on the relative effect
 * δ = m_t/m_c − 1, as gbstats' `EffectBayesianABTest` (GrowthBook) does. Pure functions;
 * `compareEstimates` calls them with method `bayesian` (docs/statistics.md).
 *
 * Model. Likelihood: the observed relative uplift d = Δ/m_c is N(δ, v) with v the delta-method
 * variance V_t/(n_t m_c²) + m_t² V_c/(n_c m_c⁴) (`relativeUpliftVariance`). Prior: δ ~ N(μ₀, σ₀²),
 * by default the weakly informative N(0, 0.3²) — a relative effect within ±60 % with 95 % prior
 * probability; GrowthBook's default prior mean and standard deviation (it applies them when its
 * "proper prior" setting is on; off, it uses the flat prior, here `proper: false`). Posterior by
 * normal–normal conjugacy (Gelman et al., "Bayesian Data Analysis", 3rd ed., §2.5):
 *   precision τ = 1/v + 1/σ₀²,  mean μ = (d/v + μ₀/σ₀²)/τ,  variance s² = 1/τ
 * (flat prior: μ = d, s² = v). From N(μ, s²):
 * - credible interval: μ ± Φ⁻¹(1 − α/2) s (equal-tailed, level 1 − α);
 * - chance to beat control: P(δ > 0) = Φ(μ/s);
 * - expected loss (risk), in relative units: of shipping the treatment E[max(−δ, 0)] =
 *   s φ(μ/s) − μ Φ(−μ/s); of keeping control E[max(δ, 0)] = s φ(μ/s) + μ Φ(μ/s) — the means of
 *   the truncated normal times their probabilities, gbstats `get_risk` (risk_trt, risk_ctrl).
 */
import type { ArmInput } from './compare-arms.ts';
import type { Interval, SampleMoments, StatsErrorCode } from './types.ts';
import type { ArmEstimate } from './welch.ts';
import { normalCdf, normalPdf, normalQuantile } from './distributions.ts';
import { relativeUpliftVariance } from './relative-uplift.ts';
import { summarizeArm, validateSampleMoments } from './moments.ts';
import { EMPTY_INTERVAL } from './difference.ts';
import { finiteOrNull, isFiniteNumber, isValidAlpha } from './finite.ts';

/** A Gaussian prior on the relative effect (fractions: mean 0.05 = +5 %, variance in fraction²). */
export interface GaussianPrior {
  readonly mean: number;
  readonly variance: number;
  /** false → flat (improper) prior: the posterior is the likelihood; mean and variance unused. */
  readonly proper: boolean;
}

/** The stated weakly informative prior N(0, 0.3²) on the relative effect (see the file comment). */
export const DEFAULT_RELATIVE_EFFECT_PRIOR: GaussianPrior = { mean: 0, variance: 0.09, proper: true };

/** Settings of the Bayesian comparison: credible level 1 − α and the prior. */
export interface BayesianSettings {
  /** 0 < α < 1; the credible interval has probability 1 − α. */
  readonly alpha: number;
  /** Default `DEFAULT_RELATIVE_EFFECT_PRIOR`. */
  readonly prior?: GaussianPrior;
}

/** Posterior summary of the relative effect δ (fractions). */
export interface BayesianComparison {
  /** `estimate` = posterior mean, bounds = equal-tailed credible interval at level 1 − α. */
  readonly relative: Interval;
  readonly posteriorMean: number | null;
  readonly posteriorVariance: number | null;
  /** P(δ > 0 | data), in [0, 1]. */
  readonly chanceToBeatControl: number | null;
  /** E[max(−δ, 0)]: expected relative loss if the treatment is shipped (≥ 0). */
  readonly riskTreatment: number | null;
  /** E[max(δ, 0)]: expected relative loss if control is kept (≥ 0). */
  readonly riskControl: number | null;
  readonly errorCode: StatsErrorCode | null;
}

const EMPTY: Omit<BayesianComparison, 'errorCode'> = {
  relative: EMPTY_INTERVAL,
  posteriorMean: null,
  posteriorVariance: null,
  chanceToBeatControl: null,
  riskTreatment: null,
  riskControl: null,
};

function validPrior(p: GaussianPrior | undefined): p is GaussianPrior {
  if (!p || typeof p.proper !== 'boolean') return false;
  return !p.proper || (isFiniteNumber(p.mean) && isFiniteNumber(p.variance) && p.variance > 0);
}

/**
 * Normal–normal posterior of δ from an observation d ~ N(δ, v) and the prior.
 *
 * @returns { mean, variance } (fractions, fraction²), or null when v ≤ 0 or not finite, d is not
 *   finite, or the prior is invalid (proper with variance ≤ 0).
 */
export function gaussianPosterior(dataMean: number, dataVariance: number, prior: GaussianPrior): { mean: number; variance: number } | null {
  if (!isFiniteNumber(dataMean) || !isFiniteNumber(dataVariance) || dataVariance <= 0 || !validPrior(prior)) return null;
  if (!prior.proper) return { mean: dataMean, variance: dataVariance };
  const precision = 1 / dataVariance + 1 / prior.variance;
  const mean = (dataMean / dataVariance + prior.mean / prior.variance) / precision;
  const variance = 1 / precision;
  return isFiniteNumber(mean) && isFiniteNumber(variance) && variance > 0 ? { mean, variance } : null;
}

/** P(δ > 0) = Φ(μ/s) for δ ~ N(μ, s²), s > 0. */
export function chanceToBeatControl(mean: number, sd: number): number {
  return normalCdf(mean / sd);
}

/**
 * Expected losses for δ ~ N(μ, s²), s > 0: treatment E[max(−δ, 0)] = s φ(μ/s) − μ Φ(−μ/s),
 * control E[max(δ, 0)] = s φ(μ/s) + μ Φ(μ/s) (gbstats `get_risk`). Both ≥ 0; control − treatment = μ.
 */
export function expectedLoss(mean: number, sd: number): { treatment: number; control: number } {
  const z = mean / sd;
  const density = sd * normalPdf(z);
  return {
    treatment: Math.max(0, density - mean * normalCdf(-z)),
    control: Math.max(0, density + mean * normalCdf(z)),
  };
}

/**
 * The Bayesian comparison of two arms given as (n, mean, per-unit variance): d = m_t/m_c − 1,
 * v = delta-method variance, posterior, credible interval, chance to beat control, risks.
 *
 * Errors (never thrown): `INVALID_INPUT` (α ∉ (0, 1), invalid prior, n ≤ 0, non-finite numbers),
 * `ZERO_CONTROL_MEAN` (m_c = 0: no relative effect), `ZERO_VARIANCE` (v = 0: the delta-method
 * variance vanishes, e.g. both arms constant).
 */
export function bayesianRelativeEffect(control: ArmEstimate, treatment: ArmEstimate, settings: BayesianSettings): BayesianComparison {
  const prior = settings?.prior ?? DEFAULT_RELATIVE_EFFECT_PRIOR;
  if (!isValidAlpha(settings?.alpha) || !validPrior(prior)) return { ...EMPTY, errorCode: 'INVALID_INPUT' };
  const numbers = [control?.n, control?.mean, control?.variance, treatment?.n, treatment?.mean, treatment?.variance];
  if (!numbers.every(isFiniteNumber) || control.n <= 0 || treatment.n <= 0 || control.variance < 0 || treatment.variance < 0) {
    return { ...EMPTY, errorCode: 'INVALID_INPUT' };
  }
  if (control.mean === 0) return { ...EMPTY, errorCode: 'ZERO_CONTROL_MEAN' };
  const v = relativeUpliftVariance(control, treatment);
  const d = (treatment.mean - control.mean) / control.mean;
  if (v === null || !(v > 0)) return { ...EMPTY, errorCode: 'ZERO_VARIANCE' };
  const post = gaussianPosterior(d, v, prior);
  if (post === null) return { ...EMPTY, errorCode: 'ZERO_VARIANCE' };
  const sd = Math.sqrt(post.variance);
  const half = normalQuantile(1 - settings.alpha / 2) * sd;
  const loss = expectedLoss(post.mean, sd);
  return {
    relative: { estimate: post.mean, ciLower: finiteOrNull(post.mean - half), ciUpper: finiteOrNull(post.mean + half) },
    posteriorMean: post.mean,
    posteriorVariance: post.variance,
    chanceToBeatControl: finiteOrNull(chanceToBeatControl(post.mean, sd)),
    riskTreatment: finiteOrNull(loss.treatment),
    riskControl: finiteOrNull(loss.control),
    errorCode: null,
  };
}

/**
 * `bayesianRelativeEffect` from the sufficient statistics of a binomial or continuous metric
 * (variances as `summarizeArm` reports them: p(1 − p), or n − 1 sample variance).
 *
 * Errors: as `bayesianRelativeEffect`, plus `INVALID_INPUT` for impossible sums, `EMPTY_VARIANT`
 * (n = 0), `SINGLE_UNIT` (continuous n = 1: no sample variance).
 */
export function compareArmsBayesian(
  type: 'binomial' | 'continuous',
  control: ArmInput<SampleMoments>,
  treatment: ArmInput<SampleMoments>,
  settings: BayesianSettings,
): BayesianComparison {
  if (validateSampleMoments(type, control?.moments) !== null || validateSampleMoments(type, treatment?.moments) !== null) {
    return { ...EMPTY, errorCode: 'INVALID_INPUT' };
  }
  const c = summarizeArm(type, control.variant, control.moments);
  const t = summarizeArm(type, treatment.variant, treatment.moments);
  if (c.n === 0 || t.n === 0 || c.mean === null || t.mean === null) return { ...EMPTY, errorCode: 'EMPTY_VARIANT' };
  if (c.variance === null || t.variance === null) return { ...EMPTY, errorCode: 'SINGLE_UNIT' };
  return bayesianRelativeEffect({ n: c.n, mean: c.mean, variance: c.variance }, { n: t.n, mean: t.mean, variance: t.variance }, settings);
}

/**
 * The probability distributions `stats/` needs, as thin wrappers over @stdlib (never hand-written):
 * standard normal, Student t and χ² tail functions, plus the two-sided critical value and p-value
 * helpers every test in this folder shares.
 *
 * Source of the numerics: @stdlib/stats-base-dists-* (Cephes / Boost algorithms), checked against
 * SciPy in `test/stats/distributions.test.ts`.
 */
import normalCdfStdlib from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileStdlib from '@stdlib/stats-base-dists-normal-quantile';
import tCdfStdlib from '@stdlib/stats-base-dists-t-cdf';
import tQuantileStdlib from '@stdlib/stats-base-dists-t-quantile';
import chiSquareCdfStdlib from '@stdlib/stats-base-dists-chisquare-cdf';

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return normalCdfStdlib(x, 0, 1);
}

/**
 * Standard normal density φ(x) = exp(−x²/2)/√(2π) (the closed form; scipy `norm.pdf`). Underflows
 * to 0 for |x| > ~38.6.
 */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Standard normal quantile Φ⁻¹(p), p ∈ (0, 1). */
export function normalQuantile(p: number): number {
  return normalQuantileStdlib(p, 0, 1);
}

/**
 * Upper-tail standard normal quantile z with 1 − Φ(z) = q (scipy `norm.isf`), accurate for tiny q:
 * @stdlib's quantile goes through 2p − 1, which loses digits in the tail and rounds to −1 below
 * p ≈ 1e-17 (returning −∞). Below 1e-3 it starts from @stdlib's value (or, below 1e-15, from the
 * asymptotic z² ≈ L − ln L, L = −2 ln(q √(2π)): the leading terms of the Mills-ratio expansion,
 * Abramowitz & Stegun 26.2.12), then takes Newton steps on ln(1 − Φ(z)) = ln q, whose derivative is
 * −φ(z)/(1 − Φ(z)); Φ(−z) comes from erfc, exact in the tail.
 *
 * @param q upper-tail probability in (0, 1); 0 → +∞, 1 → −∞.
 */
export function normalUpperQuantile(q: number): number {
  if (q >= 1e-3) return -normalQuantile(q);
  if (q <= 0) return Infinity;
  const l = -2 * Math.log(q * Math.sqrt(2 * Math.PI));
  let z = q >= 1e-15 ? -normalQuantile(q) : Math.sqrt(l - Math.log(l));
  for (let i = 0; i < 6; i += 1) {
    const tail = normalCdf(-z);
    if (!(tail > 0)) break;
    const step = (Math.log(tail) - Math.log(q)) / (normalPdf(z) / tail);
    z += step;
    if (Math.abs(step) < 1e-15 * z) break;
  }
  return z;
}

/**
 * Student t CDF with `df` degrees of freedom (df > 0, fractional allowed, as Welch–Satterthwaite
 * produces). `df = Infinity` is the standard normal.
 */
export function studentTCdf(x: number, df: number): number {
  return df === Infinity ? normalCdf(x) : tCdfStdlib(x, df);
}

/** Student t quantile with `df` degrees of freedom; `df = Infinity` is the standard normal. */
export function studentTQuantile(p: number, df: number): number {
  return df === Infinity ? normalQuantile(p) : tQuantileStdlib(p, df);
}

/**
 * Upper tail P(χ²_k ≥ x) of the χ² distribution with k degrees of freedom (scipy `chi2.sf`).
 * Computed as 1 − CDF, so it is exact to about 1e-16 absolute (tiny p-values lose relative
 * precision, which no decision here depends on).
 */
export function chiSquareSurvival(x: number, k: number): number {
  return Math.min(1, Math.max(0, 1 - chiSquareCdfStdlib(x, k)));
}

/**
 * Two-sided critical value q with P(|T| > q) = α: the normal quantile Φ⁻¹(1 − α/2) when `df` is
 * null (normal approximation), else the Student t quantile with `df` degrees of freedom.
 */
export function twoSidedCriticalValue(alpha: number, df: number | null): number {
  const p = 1 - alpha / 2;
  return df === null ? normalQuantile(p) : studentTQuantile(p, df);
}

/**
 * Two-sided p-value of a z or t statistic: 2 Φ(−|stat|) when `df` is null, else 2 F_t(−|stat|; df).
 * The lower tail is used so small p-values keep their relative precision. Result in [0, 1].
 */
export function twoSidedPValue(stat: number, df: number | null): number {
  const lower = df === null ? normalCdf(-Math.abs(stat)) : studentTCdf(-Math.abs(stat), df);
  return Math.min(1, Math.max(0, 2 * lower));
}

/**
 * Relative uplift Δ / mean_c (a fraction: 0.05 = +5 %) with a delta-method confidence interval.
 *
 * Var(m_t / m_c) ≈ V_t/(n_t m_c²) + m_t² V_c/(n_c m_c⁴) (first-order Taylor expansion of the ratio
 * of two independent means; Casella & Berger §5.5.4, the formula gbstats uses for relative
 * uplift). CI: Δ/m_c ± q · √Var with the same critical value q as the absolute CI.
 */
import type { Interval } from './types.ts';
import type { ArmEstimate } from './welch.ts';
import { EMPTY_INTERVAL, symmetricInterval } from './difference.ts';
import { finiteOrNull } from './finite.ts';

/**
 * Delta-method variance of m_t/m_c: V_t/(n_t m_c²) + m_t² V_c/(n_c m_c⁴).
 *
 * @returns ≥ 0, or null when m_c = 0 or an arm is empty.
 */
export function relativeUpliftVariance(control: ArmEstimate, treatment: ArmEstimate): number | null {
  const mc = control.mean;
  if (mc === 0 || control.n <= 0 || treatment.n <= 0) return null;
  const mc2 = mc * mc;
  return finiteOrNull(
    treatment.variance / (treatment.n * mc2) + (treatment.mean * treatment.mean * control.variance) / (control.n * mc2 * mc2),
  );
}

/**
 * Relative uplift (m_t − m_c)/m_c with CI ± critical · √(delta-method variance).
 *
 * @param critical two-sided critical value; null → point estimate only.
 * @returns all-null interval when m_c = 0 (the caller reports `ZERO_CONTROL_MEAN`).
 */
export function relativeUplift(control: ArmEstimate, treatment: ArmEstimate, critical: number | null): Interval {
  if (control.mean === 0) return EMPTY_INTERVAL;
  const estimate = (treatment.mean - control.mean) / control.mean;
  const variance = relativeUpliftVariance(control, treatment);
  const halfWidth = critical === null || variance === null ? null : critical * Math.sqrt(variance);
  return symmetricInterval(estimate, halfWidth);
}

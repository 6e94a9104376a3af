/**
 * Measured error rates of the statistics (docs/statistics.md, "Measured error rates"): seeded Monte
 * Carlo over simulated per-unit data, analysed with `stats/` directly (no database). Each rate comes
 * with a 95 % Monte Carlo interval (Wilson score interval, Wilson 1927), so a target can be checked
 * against it. Used by `npm run simulate:errors` (full run) and test/simulate/errors/error-rates.test.ts
 * (a small share of it in CI).
 */
import normal from '@stdlib/random-base-normal';
import uniform from '@stdlib/random-base-uniform';
import {
  analyzeMetric, correctFamily, decideVerdict,
  type CovariateMoments, type InferenceMethod, type MetricResult, type MultipleComparisonMethod, type RatioMoments, type SampleMoments,
} from '../../../stats/index.ts';

/** A rate with its 95 % Wilson interval. */
export interface Rate {
  readonly hits: number;
  readonly runs: number;
  readonly rate: number;
  readonly lower: number;
  readonly upper: number;
}

/** Wilson score interval at 95 % (z = 1.959964) for `hits` out of `runs`. */
export function rate(hits: number, runs: number): Rate {
  const z = 1.959964;
  const p = hits / runs;
  const d = 1 + (z * z) / runs;
  const centre = (p + (z * z) / (2 * runs)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / runs + (z * z) / (4 * runs * runs))) / d;
  return { hits, runs, rate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/** One seeded stream of uniforms and normals. */
export interface Rng {
  readonly u: () => number;
  readonly z: () => number;
}

export function rng(seed: number): Rng {
  const u = uniform.factory(0, 1, { seed });
  const z = normal.factory(0, 1, { seed: seed + 1 });
  return { u: () => u(), z: () => z() };
}

/** Per-unit values of one simulated user: converted (0/1), revenue, a pre-period covariate, orders. */
interface Unit { readonly converted: number; readonly revenue: number; readonly pre: number; readonly orders: number }

/**
 * One unit: pre-period activity x ~ N(0, 1) drives conversion (logistic, base rate ≈ 10 %) and the
 * revenue of a converter is lognormal (median 50, σ = 0.8) — a skewed, zero-inflated guardrail.
 * `lift` multiplies the conversion probability (1 = no effect).
 */
function unit(r: Rng, lift: number): Unit {
  const pre = r.z();
  const p = Math.min(1, lift / (1 + Math.exp(-(-2.3 + 0.8 * pre))));
  const converted = r.u() < p ? 1 : 0;
  const orders = converted ? 1 + Math.floor(-Math.log(1 - r.u()) * 0.7) : 0;
  const revenue = converted ? orders * Math.exp(Math.log(50) + 0.8 * r.z()) : 0;
  return { converted, revenue, pre, orders };
}

/** Running sums of one arm. */
class ArmSums {
  n = 0; conv = 0; rev = 0; rev2 = 0; pre = 0; pre2 = 0; convPre = 0; ord = 0; ord2 = 0; ordRev = 0;
  add(x: Unit): void {
    this.n += 1; this.conv += x.converted; this.rev += x.revenue; this.rev2 += x.revenue * x.revenue;
    this.pre += x.pre; this.pre2 += x.pre * x.pre; this.convPre += x.converted * x.pre;
    this.ord += x.orders; this.ord2 += x.orders * x.orders; this.ordRev += x.orders * x.revenue;
  }
  conversion(): SampleMoments { return { n: this.n, sum: this.conv, sumSquares: this.conv }; }
  conversionCuped(): CovariateMoments { return { ...this.conversion(), sumX: this.pre, sumX2: this.pre2, sumXY: this.convPre }; }
  revenue(): SampleMoments { return { n: this.n, sum: this.rev, sumSquares: this.rev2 }; }
  /** Average order value: Σrevenue / Σorders. */
  aov(): RatioMoments { return { n: this.n, sumNum: this.rev, sumNum2: this.rev2, sumDen: this.ord, sumDen2: this.ord2, sumNumDen: this.ordRev }; }
}

const armNames = (k: number): string[] => ['control', ...Array.from({ length: k - 1 }, (_, i) => `t${i + 1}`)];

function simulateArms(r: Rng, arms: number, perArm: number, lift = 1): ArmSums[] {
  return Array.from({ length: arms }, (_, i) => {
    const s = new ArmSums();
    for (let j = 0; j < perArm; j += 1) s.add(unit(r, i === 0 ? 1 : lift));
    return s;
  });
}

export type CoverageKind = 'binomial' | 'continuous' | 'cuped' | 'ratio';

function metric(kind: CoverageKind, sums: ArmSums[], settings: { alpha: number; method?: InferenceMethod }): MetricResult {
  const names = armNames(sums.length);
  const arms = sums.map((s, i) => ({
    variant: names[i]!,
    moments: kind === 'binomial' ? s.conversion() : kind === 'cuped' ? s.conversionCuped() : kind === 'continuous' ? s.revenue() : s.aov(),
  }));
  const type = kind === 'continuous' ? 'continuous' : kind === 'ratio' ? 'ratio' : 'binomial';
  return analyzeMetric({ name: kind, type, control: 'control', covariate: kind === 'cuped', arms }, settings);
}

/**
 * Coverage of the relative CI (the CUPED one for `cuped`) in A/A runs, where the true relative
 * effect is 0: the share of runs whose interval contains 0.
 */
export function coverage(kind: CoverageKind, runs: number, perArm: number, seed: number, alpha = 0.05): Rate {
  const r = rng(seed);
  let hits = 0;
  for (let i = 0; i < runs; i += 1) {
    const c = metric(kind, simulateArms(r, 2, perArm), { alpha }).comparisons[0]!;
    const rel = kind === 'cuped' ? c.cuped!.relative : c.relative;
    if (rel.ciLower !== null && rel.ciUpper !== null && rel.ciLower <= 0 && rel.ciUpper >= 0) hits += 1;
  }
  return rate(hits, runs);
}

/** Verdict of one simulated experiment with the default metrics: conversion (goal, CUPED) and revenue (guardrail). */
function verdictOf(sums: ArmSums[], alpha: number, correction: MultipleComparisonMethod, method: InferenceMethod = 'fixed'): string {
  const settings = { alpha, method };
  const goal = metric('cuped', sums, settings);
  const guardrail = metric('continuous', sums, settings);
  const { metrics } = correctFamily([goal, { ...guardrail, name: 'revenue_per_user' }], 'decision', correction, alpha, true);
  return decideVerdict({ primary: metrics[0]!, guardrails: [metrics[1]!], warnings: [], useCuped: true, method }, settings).status;
}

/** A/A false-positive rate of the verdict (winner or loser) with `arms` arms. */
export function aaVerdictFalsePositives(arms: number, runs: number, perArm: number, seed: number, correction: MultipleComparisonMethod = 'holm', alpha = 0.05): Rate {
  const r = rng(seed);
  let hits = 0;
  for (let i = 0; i < runs; i += 1) {
    const status = verdictOf(simulateArms(r, arms, perArm), alpha, correction);
    if (status === 'winner' || status === 'loser') hits += 1;
  }
  return rate(hits, runs);
}

/**
 * A/A with a look every day for `days` days (`perArmPerDay` new units per arm a day): the share of
 * runs in which the goal metric is significant on at least one day (unadjusted conversion, the
 * p-value of the method).
 */
export function peekingFalsePositives(method: 'fixed' | 'sequential', runs: number, perArmPerDay: number, days: number, seed: number, alpha = 0.05): Rate {
  const r = rng(seed);
  let hits = 0;
  for (let i = 0; i < runs; i += 1) {
    const sums = [new ArmSums(), new ArmSums()];
    let rejected = false;
    for (let d = 0; d < days && !rejected; d += 1) {
      for (const s of sums) for (let j = 0; j < perArmPerDay; j += 1) s.add(unit(r, 1));
      const c = metric('binomial', sums, { alpha, method }).comparisons[0]!;
      rejected = c.pValue !== null && c.pValue < alpha;
    }
    if (rejected) hits += 1;
  }
  return rate(hits, runs);
}

/** Power: the share of runs whose verdict ships the treatment when conversion is lifted by `lift` (e.g. 1.1 = +10 %). */
export function power(lift: number, runs: number, perArm: number, seed: number, method: InferenceMethod = 'fixed', alpha = 0.05): Rate {
  const r = rng(seed);
  let hits = 0;
  for (let i = 0; i < runs; i += 1) {
    if (verdictOf(simulateArms(r, 2, perArm, lift), alpha, 'holm', method) === 'winner') hits += 1;
  }
  return rate(hits, runs);
}


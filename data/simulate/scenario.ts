/**
 * The default simulated scenario used by `experiment-desk demo` and by tests, with its true
 * effects, and the validation of simulation options.
 */
import type { SimulatedExperiment, SimulationOptions } from './types.ts';

/** Default seed of the demo scenario. */
export const DEFAULT_SEED = 20261121;

/** Default probability that a unit also joins each non-primary experiment. */
export const DEFAULT_OVERLAP_SHARE = 0.15;

/**
 * `checkout-redesign`: a real conversion lift, 10 % → 12.5 % (+25 % relative), the same order
 * value, retention D1 +1 point. With the default 30,000 units (≈ 21,000 in this experiment, about
 * 10,500 per arm) the effect is clearly significant: expected z ≈ 5 before CUPED (the realised
 * lift is a little smaller than nominal, see `SimulatedExperimentTruth.expected`).
 */
function checkoutRedesign(): SimulatedExperiment {
  return {
    experimentId: 'checkout-redesign',
    trafficShare: 0.65,
    variants: [
      { variantId: 'control', isControl: true, weight: 1, conversionRate: 0.1, meanOrderValueCents: 5200, retentionD1: 0.4, retentionD7: 0.22 },
      { variantId: 'treatment', isControl: false, weight: 1, conversionRate: 0.125, meanOrderValueCents: 5200, retentionD1: 0.41, retentionD7: 0.22 },
    ],
  };
}

/**
 * `spring-offer`: three arms.
 * - `annual-20off` is better: more conversions (6 % → 7.5 %) and larger orders (annual plans are
 *   paid up front: €59 → €79), so revenue per user rises by about two thirds; retention slightly up.
 * - `monthly-10off` is worse on revenue: a few more conversions (6.6 %) but much smaller orders
 *   (€39), so revenue per user falls by about a quarter; retention slightly down.
 */
function springOffer(): SimulatedExperiment {
  return {
    experimentId: 'spring-offer',
    trafficShare: 0.35,
    variants: [
      { variantId: 'control', isControl: true, weight: 1, conversionRate: 0.06, meanOrderValueCents: 5900, retentionD1: 0.35, retentionD7: 0.18 },
      { variantId: 'annual-20off', isControl: false, weight: 1, conversionRate: 0.075, meanOrderValueCents: 7900, retentionD1: 0.36, retentionD7: 0.2 },
      { variantId: 'monthly-10off', isControl: false, weight: 1, conversionRate: 0.066, meanOrderValueCents: 3900, retentionD1: 0.34, retentionD7: 0.17 },
    ],
  };
}

/**
 * The default scenario: seed 20261121, 30,000 units, a 21-day run starting 2026-03-02 (UTC,
 * exposures until 2026-03-22; the pre-period reaches back to 2026-02-16), the two experiments
 * `checkout-redesign` and `spring-offer` (units enter one as primary — 65 % / 35 % — and the other
 * with probability 0.15), broken rows on, 0.5 % of each experiment's units exposed to two variants.
 * About 290k rows, 28 MB of CSV. `overrides` replace whole top-level fields
 * (e.g. `{ units: 2000, seed: 1 }`).
 */
export function defaultScenario(overrides: Partial<SimulationOptions> = {}): SimulationOptions {
  return {
    seed: DEFAULT_SEED,
    units: 30_000,
    startDate: '2026-03-02',
    days: 21,
    experiments: [checkoutRedesign(), springOffer()],
    brokenRows: true,
    multipleExposureShare: 0.005,
    overlapShare: DEFAULT_OVERLAP_SHARE,
    ...overrides,
  };
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds since the epoch of 00:00:00Z of ISO day `day` (`YYYY-MM-DD`); throws if invalid. */
export function parseIsoDay(day: string): number {
  const m = ISO_DAY.exec(day);
  if (!m) throw new RangeError(`startDate must be an ISO day YYYY-MM-DD, got ${JSON.stringify(day)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== day) throw new RangeError(`startDate is not a calendar day: ${day}`);
  return ms;
}

function isProbability(x: number): boolean {
  return Number.isFinite(x) && x >= 0 && x <= 1;
}

/**
 * Checks `options` and throws a `RangeError` naming the first problem: units and days positive
 * integers, a valid start day, ≥ 1 experiment with unique ids, each with ≥ 2 uniquely named
 * variants, exactly one control, positive weights, probabilities in [0, 1], a control with
 * conversion and retention rates > 0 (effects are relative to it), order values ≥ 1 cent.
 */
export function validateSimulationOptions(options: SimulationOptions): void {
  const fail = (msg: string): never => {
    throw new RangeError(`invalid simulation options: ${msg}`);
  };
  if (!Number.isSafeInteger(options.seed)) fail(`seed must be a safe integer`);
  if (!Number.isSafeInteger(options.units) || options.units < 1) fail(`units must be a positive integer`);
  if (!Number.isSafeInteger(options.days) || options.days < 1) fail(`days must be a positive integer`);
  parseIsoDay(options.startDate);
  if (!isProbability(options.multipleExposureShare)) fail(`multipleExposureShare must be in [0, 1]`);
  if (options.overlapShare !== undefined && !isProbability(options.overlapShare)) fail(`overlapShare must be in [0, 1]`);
  if (options.experiments.length === 0) fail(`at least one experiment is needed`);
  const ids = new Set<string>();
  for (const e of options.experiments) {
    if (!e.experimentId || /[\r\n]/.test(e.experimentId)) fail(`experimentId must be a non-empty single line`);
    if (ids.has(e.experimentId)) fail(`duplicate experimentId ${e.experimentId}`);
    ids.add(e.experimentId);
    if (e.trafficShare !== undefined && !(Number.isFinite(e.trafficShare) && e.trafficShare > 0)) fail(`${e.experimentId}: trafficShare must be > 0`);
    if (e.variants.length < 2) fail(`${e.experimentId}: at least two variants are needed`);
    const vids = new Set<string>();
    let controls = 0;
    for (const v of e.variants) {
      const where = `${e.experimentId}/${v.variantId}`;
      if (!v.variantId || /[\r\n]/.test(v.variantId)) fail(`${e.experimentId}: variantId must be a non-empty single line`);
      if (vids.has(v.variantId)) fail(`${e.experimentId}: duplicate variantId ${v.variantId}`);
      vids.add(v.variantId);
      if (v.isControl) controls += 1;
      if (!(Number.isFinite(v.weight) && v.weight > 0)) fail(`${where}: weight must be > 0`);
      for (const key of ['conversionRate', 'retentionD1', 'retentionD7'] as const) {
        if (!isProbability(v[key])) fail(`${where}: ${key} must be in [0, 1]`);
        if (v.isControl && v[key] === 0) fail(`${where}: the control's ${key} must be > 0`);
      }
      if (!(Number.isFinite(v.meanOrderValueCents) && v.meanOrderValueCents >= 1)) fail(`${where}: meanOrderValueCents must be ≥ 1`);
    }
    if (controls !== 1) fail(`${e.experimentId}: exactly one variant must have isControl`);
  }
}

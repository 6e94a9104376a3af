/**
 * The seeded event-log generator (docs/analysis-definitions.md canonical columns, §2.3 assignment, §3 metrics).
 *
 * Model, per unit (`user_id`):
 * - a `user_segment` (`new` 50 %, `returning` 40 %, `b2b` 10 %) and a `store_id`;
 * - latent traits shared by the pre- and the post-period, so pre-period behaviour predicts
 *   post-period behaviour and CUPED reduces variance (≈ 15 % for conversion, ≈ 10 % for revenue,
 *   ≈ 5 % for retention in the default scenario): an intent class (20 % high intent with 4× the
 *   conversion propensity and 1.2× the activity, the rest scaled so the mean is 1), times a
 *   log-normal factor (log-sd 0.3 for propensity, 0.6 for activity, from the same normal draw),
 *   and a personal order-value level (log-normal, log-sd 0.5, segment means 0.85 : 1 : 1.8);
 * - a primary experiment (by `trafficShare`) and, with probability `overlapShare`, each other
 *   experiment; the variant of each by the variants' weights;
 * - a first exposure `t0` spread over the run (uniform day, diurnal hour, never in the last 2 h);
 *   exposures to further experiments follow 1 s – 30 min later in the same session;
 * - pre-period, the 14 days before exposure: each day active (1 + Poisson(0.3) `page_view`s) with
 *   probability (2 % / 8 % / 12 % by segment) × activity; ≥ 1 order (`page_view` →
 *   `checkout.started` → `checkout.completed`) with probability primary control conversion rate ×
 *   (2 / 3.5 / 5 by segment) × propensity, capped at 0.9, at the control's order value;
 * - post-period, day k = [t0 + k days, t0 + (k+1) days) in UTC, cut at the end of the run:
 *   day 0 is active; day 1 is active with probability `retentionD1` × activity × segment factor
 *   (0.6 : 1.25 : 1.6), day 7 with `retentionD7` × …, days 2–6 interpolate geometrically, later
 *   days decay 3 % a day (capped at 0.98); every active day has 1 + Poisson(0.3) `page_view`s and,
 *   with probability 6 %, an abandoned checkout;
 * - conversion: with probability `conversionRate` × propensity × segment factor (0.8 : 1.1 : 1.5),
 *   capped at 0.95, the unit places 1 + Poisson(0.25) orders on its active post days, each
 *   `page_view` → `checkout.started` → `checkout.completed` (`revenue_cents` log-normal, log-sd
 *   0.35, around `meanOrderValueCents` × the unit's value level; `currency` EUR; an `order_id`);
 * - units in several experiments combine effects multiplicatively: primary variant's value ×
 *   Π (other variant's value / that experiment's control value);
 * - 25 % of (unit, experiment) pairs get 1–2 extra exposures to the same variant, and
 *   `multipleExposureShare` of them one exposure to a different variant, always on an already
 *   active post day, so retention is unchanged;
 * - ids: `user_000001…`, `req_…` (unique per row, so no two rows are identical), `sess_…` per
 *   unit-day, `ord_…` per order; `plan_code` on checkouts: `team-annual` for b2b, else
 *   `pro-annual` when one of the unit's variant ids contains `annual`, else `pro-monthly`.
 * Segment factors are normalised to mean 1 over the segment mix. Because of overlapping
 * experiments and capping, arm means differ a little from the nominal parameters; the truth
 * reports the exact expectations over the generated units (`SimulatedExperimentTruth.expected`).
 *
 * The whole log is built in memory as compact records, sorted by timestamp, then yielded as rows;
 * 30,000 units give ≈ 290k rows (28 MB of CSV) in under two seconds.
 */
import { createRandomStream, type RandomStream } from './random.ts';
import { DEFAULT_OVERLAP_SHARE, parseIsoDay, validateSimulationOptions } from './scenario.ts';
import {
  BROKEN_ROW_REASONS,
  SIMULATED_EVENT_NAMES,
  type BrokenRowReason,
  type CanonicalEventRow,
  type SimulatedExperimentTruth,
  type SimulatedRow,
  type SimulatedVariantExpectation,
  type SimulationOptions,
  type SimulationTruth,
} from './types.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Pre-period length in days (analysis-definitions: CUPED covariate over [t0 − 14 days, t0)). */
export const PRE_PERIOD_DAYS = 14;
/** Valid rows with an epoch-milliseconds timestamp, and with a zone-less one. */
export const EPOCH_MILLIS_ROWS = 5;
export const ZONELESS_ROWS = 5;
/** Broken rows per reason code when `brokenRows` is on. */
export const BROKEN_ROWS_PER_REASON = 3;

const SEGMENTS = ['new', 'returning', 'b2b'] as const;
const SEGMENT_SHARE = [0.5, 0.4, 0.1];
const normalised = (factors: readonly number[]): number[] => {
  const mean = factors.reduce((s, f, i) => s + f * SEGMENT_SHARE[i]!, 0);
  return factors.map((f) => f / mean);
};
const SEGMENT_CONVERSION = normalised([0.8, 1.1, 1.5]);
const SEGMENT_ORDER_VALUE = normalised([0.85, 1.0, 1.8]);
const SEGMENT_RETENTION = normalised([0.6, 1.25, 1.6]);
/** Daily probability of pre-period activity for an average-activity unit. */
const SEGMENT_PRE_ACTIVITY = [0.02, 0.08, 0.12];
/** Pre-period (14-day) conversion probability relative to the primary control's conversion rate. */
const SEGMENT_PRE_CONVERSION = [2, 3.5, 5];

/** Share of high-intent units and their conversion-propensity factor (others get the factor that makes the mean 1). */
const HIGH_INTENT_SHARE = 0.2;
const HIGH_INTENT_FACTOR = 4;
const LOW_INTENT_FACTOR = (1 - HIGH_INTENT_SHARE * HIGH_INTENT_FACTOR) / (1 - HIGH_INTENT_SHARE);
/** High-intent units are also more active. */
const HIGH_INTENT_ACTIVITY = 1.2;
const LOW_INTENT_ACTIVITY = (1 - HIGH_INTENT_SHARE * HIGH_INTENT_ACTIVITY) / (1 - HIGH_INTENT_SHARE);
const PROPENSITY_SIGMA = 0.3;
const ACTIVITY_SIGMA = 0.6;
const UNIT_ORDER_VALUE_SIGMA = 0.5;
const ORDER_VALUE_SIGMA = 0.35;
const MAX_CONVERSION_P = 0.95;
const MAX_DAILY_ACTIVITY_P = 0.98;
const EXTRA_ORDERS_MEAN = 0.25;
const PRE_EXTRA_ORDERS_MEAN = 0.2;
const EXTRA_PAGE_VIEWS_MEAN = 0.3;
const ABANDONED_CHECKOUT_P = 0.06;
const REPEATED_EXPOSURE_P = 0.25;
const LATE_DECAY_PER_DAY = 0.97;
/** No first exposure in the last 2 h of the run, so day 0 always has room for a checkout. */
const EXPOSURE_END_MARGIN = 2 * HOUR;
const MAX_SECOND_EXPOSURE_DELAY = 30 * MINUTE;
/** Post days narrower than this (cut by the end of the run) get page views only. */
const MIN_FUNNEL_WINDOW = HOUR;

const STORES = ['store-de', 'store-fr', 'store-nl', 'store-at'];
const STORE_SHARE = [0.5, 0.25, 0.15, 0.1];
const PLAN_CODES = ['pro-monthly', 'pro-annual', 'team-annual'];
/** Relative exposure traffic per UTC hour (European shop). */
const HOUR_WEIGHTS = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 4, 4.5, 5, 5, 4.8, 4.6, 4.5, 4.6, 5, 5.5, 6, 6, 5, 3.5, 2];
const EVENT_VERSION = '1.0';
const CURRENCY = 'EUR';

const enum Kind {
  PageView = 0,
  Exposure = 1,
  CheckoutStarted = 2,
  CheckoutCompleted = 3,
}
const KIND_NAMES = [
  SIMULATED_EVENT_NAMES.pageView,
  SIMULATED_EVENT_NAMES.exposure,
  SIMULATED_EVENT_NAMES.checkoutStarted,
  SIMULATED_EVENT_NAMES.conversion,
];

const enum TimestampFormat {
  Iso = 0,
  EpochMillis = 1,
  Zoneless = 2,
}

/** One event before formatting. `lo` is the start of the unit-day window it was placed in. */
interface RawEvent {
  t: number;
  lo: number;
  kind: Kind;
  unit: number;
  exp: number;
  variant: number;
  revenue: number;
  order: number;
  session: number;
  plan: number;
  seq: number;
  format: TimestampFormat;
}

/** A post- or pre-period unit-day: [lo, hi) in epoch ms, and its session number. */
interface DayWindow {
  lo: number;
  hi: number;
  session: number;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const clamp = (x: number, max: number): number => (x < 0 ? 0 : x > max ? max : x);

/** Probability multiplier shape of post day k ≥ 1 between the D1 and D7 rates. */
function dayRate(k: number, d1: number, d7: number): number {
  if (k <= 1) return d1;
  if (k === 7) return d7;
  if (k < 7) {
    const f = (k - 1) / 6;
    return d1 > 0 && d7 > 0 ? d1 * Math.pow(d7 / d1, f) : d1 + (d7 - d1) * f;
  }
  return d7 * Math.pow(LATE_DECAY_PER_DAY, k - 7);
}

interface Builder {
  events: RawEvent[];
  seq: number;
  sessions: number;
  orders: number;
}

function push(b: Builder, e: Omit<RawEvent, 'seq' | 'format' | 'lo'>, lo: number): void {
  b.events.push({ ...e, lo, seq: b.seq++, format: TimestampFormat.Iso });
}

/** Draws a first-exposure time: uniform day, diurnal hour, at least 2 h before the end. */
function drawExposureTime(rng: RandomStream, start: number, days: number): number {
  const end = start + days * DAY;
  for (;;) {
    const t = start + rng.integer(days) * DAY + rng.weighted(HOUR_WEIGHTS) * HOUR + Math.floor(rng.uniform() * HOUR);
    if (t <= end - EXPOSURE_END_MARGIN) return t;
  }
}

/** A time in [lo, hi), integer ms. */
function timeIn(rng: RandomStream, lo: number, hi: number): number {
  return lo + Math.floor(rng.uniform() * (hi - lo));
}

/**
 * Places a checkout funnel in `w` (width ≥ 1 h): a `page_view`, `checkout.started` within 5 min,
 * and, when `revenueCents` ≥ 0, `checkout.completed` within 15 min after that.
 */
function placeFunnel(b: Builder, rng: RandomStream, unit: number, w: DayWindow, plan: number, revenueCents: number): void {
  const tp = timeIn(rng, w.lo, w.hi - 21 * MINUTE);
  const ts = tp + SECOND + Math.floor(rng.uniform() * 5 * MINUTE);
  const base = { unit, exp: -1, variant: -1, session: w.session, plan: -1, revenue: -1, order: -1 };
  push(b, { ...base, t: tp, kind: Kind.PageView }, w.lo);
  push(b, { ...base, t: ts, kind: Kind.CheckoutStarted, plan }, w.lo);
  if (revenueCents >= 0) {
    const tc = ts + SECOND + Math.floor(rng.uniform() * 15 * MINUTE);
    push(b, { ...base, t: tc, kind: Kind.CheckoutCompleted, plan, revenue: revenueCents, order: b.orders++ }, w.lo);
  }
}

function orderValueCents(rng: RandomStream, mean: number): number {
  return Math.max(1, Math.round(rng.lognormalWithMean(mean, ORDER_VALUE_SIGMA)));
}

/** Mutable per-experiment truth counters. */
interface ExperimentCounters {
  byVariant: number[];
  multiByVariant: number[];
  repeated: number;
}

/** One (unit, experiment) assignment with the unit's true post-exposure probabilities and expectations. */
interface Assignment {
  exp: number;
  variant: number;
  t0: number;
  multiple: boolean;
  /** P(≥ 1 order after t0). */
  conversionP: number;
  /** E[orders after t0]. */
  expectedOrders: number;
  /** E[revenue after t0], cents. */
  expectedRevenue: number;
  /** P(any event on day 1) and P(any event on day 7), when those days lie inside the run. */
  d1P: number;
  d7P: number;
}

/** The generated, sorted log before formatting, with its truth counters. */
interface GeneratedLog {
  assignments: Assignment[];
  events: RawEvent[];
  unitIds: string[];
  unitSegment: Uint8Array;
  unitStore: Uint8Array;
  counters: ExperimentCounters[];
  unitsInSeveral: number;
  nextSeq: number;
}

function generate(options: SimulationOptions): GeneratedLog {
  const rng = createRandomStream(options.seed, 'units');
  const start = parseIsoDay(options.startDate);
  const end = start + options.days * DAY;
  const exps = options.experiments;
  const overlap = options.overlapShare ?? DEFAULT_OVERLAP_SHARE;
  const trafficShares = exps.map((e) => e.trafficShare ?? 1);
  const controlIndex = exps.map((e) => e.variants.findIndex((v) => v.isControl));
  const counters: ExperimentCounters[] = exps.map((e) => ({
    byVariant: e.variants.map(() => 0),
    multiByVariant: e.variants.map(() => 0),
    repeated: 0,
  }));
  const b: Builder = { events: [], seq: 0, sessions: 0, orders: 0 };
  const unitIds: string[] = [];
  const unitSegment = new Uint8Array(options.units);
  const unitStore = new Uint8Array(options.units);
  let unitsInSeveral = 0;
  const assignments: Assignment[] = [];
  const idWidth = Math.max(6, String(options.units).length);

  for (let u = 0; u < options.units; u += 1) {
    unitIds.push(`user_${pad(u + 1, idWidth)}`);
    const seg = rng.weighted(SEGMENT_SHARE);
    unitSegment[u] = seg;
    unitStore[u] = rng.weighted(STORE_SHARE);
    const highIntent = rng.bernoulli(HIGH_INTENT_SHARE);
    const z = rng.normal();
    const propensity = (highIntent ? HIGH_INTENT_FACTOR : LOW_INTENT_FACTOR) * Math.exp(PROPENSITY_SIGMA * z - (PROPENSITY_SIGMA * PROPENSITY_SIGMA) / 2);
    const activity = (highIntent ? HIGH_INTENT_ACTIVITY : LOW_INTENT_ACTIVITY) * Math.exp(ACTIVITY_SIGMA * z - (ACTIVITY_SIGMA * ACTIVITY_SIGMA) / 2);
    const valueLevel = rng.lognormalWithMean(SEGMENT_ORDER_VALUE[seg]!, UNIT_ORDER_VALUE_SIGMA);

    // Experiments and variants.
    const primary = rng.weighted(trafficShares);
    const unitExps = [primary];
    for (let e = 0; e < exps.length; e += 1) if (e !== primary && rng.bernoulli(overlap)) unitExps.push(e);
    if (unitExps.length > 1) unitsInSeveral += 1;
    const unitVariants = unitExps.map((e) => rng.weighted(exps[e]!.variants.map((v) => v.weight)));
    const tFirst = drawExposureTime(rng, start, options.days);
    const t0s = unitExps.map((_, i) => (i === 0 ? tFirst : tFirst + SECOND + Math.floor(rng.uniform() * MAX_SECOND_EXPOSURE_DELAY)));
    const tLast = Math.max(...t0s);

    // Combined true parameters.
    const primaryExp = exps[primary]!;
    const primaryVariant = primaryExp.variants[unitVariants[0]!]!;
    const primaryControl = primaryExp.variants[controlIndex[primary]!]!;
    let conversion = primaryVariant.conversionRate;
    let orderValue = primaryVariant.meanOrderValueCents;
    let d1 = primaryVariant.retentionD1;
    let d7 = primaryVariant.retentionD7;
    let annualPlan = primaryVariant.variantId.includes('annual');
    for (let i = 1; i < unitExps.length; i += 1) {
      const exp = exps[unitExps[i]!]!;
      const v = exp.variants[unitVariants[i]!]!;
      const c = exp.variants[controlIndex[unitExps[i]!]!]!;
      conversion *= v.conversionRate / c.conversionRate;
      orderValue *= v.meanOrderValueCents / c.meanOrderValueCents;
      d1 *= v.retentionD1 / c.retentionD1;
      d7 *= v.retentionD7 / c.retentionD7;
      annualPlan ||= v.variantId.includes('annual');
    }
    const plan = seg === 2 ? 2 : annualPlan ? 1 : 0;
    const pageViews = (w: DayWindow): void => {
      const n = 1 + rng.poisson(EXTRA_PAGE_VIEWS_MEAN);
      for (let i = 0; i < n; i += 1) {
        push(b, { t: timeIn(rng, w.lo, w.hi), kind: Kind.PageView, unit: u, exp: -1, variant: -1, revenue: -1, order: -1, session: w.session, plan: -1 }, w.lo);
      }
    };

    // Pre-period: day j = [tLast − j days, tFirst − (j−1) days), inside every experiment's pre-period.
    const preDays: DayWindow[] = [];
    const preActiveP = clamp(SEGMENT_PRE_ACTIVITY[seg]! * activity, 0.9);
    for (let j = PRE_PERIOD_DAYS; j >= 1; j -= 1) {
      const w = { lo: tLast - j * DAY, hi: tFirst - (j - 1) * DAY, session: -1 };
      if (rng.bernoulli(preActiveP)) {
        w.session = b.sessions++;
        preDays.push(w);
        pageViews(w);
      }
    }
    const preConversionP = clamp(primaryControl.conversionRate * propensity * SEGMENT_PRE_CONVERSION[seg]!, 0.9);
    if (rng.bernoulli(preConversionP)) {
      if (preDays.length === 0) {
        const j = 1 + rng.integer(PRE_PERIOD_DAYS);
        const w = { lo: tLast - j * DAY, hi: tFirst - (j - 1) * DAY, session: b.sessions++ };
        preDays.push(w);
      }
      const orders = 1 + rng.poisson(PRE_EXTRA_ORDERS_MEAN);
      for (let i = 0; i < orders; i += 1) {
        const w = preDays[rng.integer(preDays.length)]!;
        placeFunnel(b, rng, u, w, seg === 2 ? 2 : 0, orderValueCents(rng, primaryControl.meanOrderValueCents * valueLevel));
      }
    }

    // Post-period: day k = [tLast + k days, tFirst + (k+1) days) ∩ [.., end).
    const postDays: DayWindow[] = [];
    const retentionLevel = activity * SEGMENT_RETENTION[seg]!;
    for (let k = 0; tLast + k * DAY < end; k += 1) {
      const w = { lo: tLast + k * DAY, hi: Math.min(tFirst + (k + 1) * DAY, end), session: -1 };
      const active = k === 0 || rng.bernoulli(clamp(dayRate(k, d1, d7) * retentionLevel, MAX_DAILY_ACTIVITY_P));
      if (!active || w.hi <= w.lo) continue;
      w.session = b.sessions++;
      postDays.push(w);
      pageViews(w);
    }
    const funnelDays = postDays.filter((w) => w.hi - w.lo >= MIN_FUNNEL_WINDOW); // day 0 always qualifies
    for (const w of funnelDays) if (rng.bernoulli(ABANDONED_CHECKOUT_P)) placeFunnel(b, rng, u, w, plan, -1);
    const conversionP = clamp(conversion * propensity * SEGMENT_CONVERSION[seg]!, MAX_CONVERSION_P);
    const firstAssignment = assignments.length;
    for (let i = 0; i < unitExps.length; i += 1) {
      assignments.push({
        exp: unitExps[i]!,
        variant: unitVariants[i]!,
        t0: t0s[i]!,
        multiple: false,
        conversionP,
        expectedOrders: conversionP * (1 + EXTRA_ORDERS_MEAN),
        expectedRevenue: conversionP * (1 + EXTRA_ORDERS_MEAN) * orderValue * valueLevel,
        d1P: clamp(dayRate(1, d1, d7) * retentionLevel, MAX_DAILY_ACTIVITY_P),
        d7P: clamp(dayRate(7, d1, d7) * retentionLevel, MAX_DAILY_ACTIVITY_P),
      });
    }
    if (rng.bernoulli(conversionP)) {
      const orders = 1 + rng.poisson(EXTRA_ORDERS_MEAN);
      for (let i = 0; i < orders; i += 1) {
        placeFunnel(b, rng, u, funnelDays[rng.integer(funnelDays.length)]!, plan, orderValueCents(rng, orderValue * valueLevel));
      }
    }

    // Exposures: the assigning one, repeats of the same variant, and the odd second variant.
    const day0Session = postDays[0]!.session;
    for (let i = 0; i < unitExps.length; i += 1) {
      const e = unitExps[i]!;
      const exp = exps[e]!;
      const variant = unitVariants[i]!;
      const t0 = t0s[i]!;
      counters[e]!.byVariant[variant]! += 1;
      const exposure = (t: number, v: number, w: DayWindow): void =>
        push(b, { t, kind: Kind.Exposure, unit: u, exp: e, variant: v, revenue: -1, order: -1, session: w.session, plan: -1 }, w.lo);
      exposure(t0, variant, { lo: t0, hi: t0 + 1, session: day0Session });
      const later = (v: number): void => {
        const w = funnelDays[rng.integer(funnelDays.length)]!;
        exposure(Math.max(t0 + SECOND, timeIn(rng, w.lo, w.hi)), v, w);
      };
      if (rng.bernoulli(REPEATED_EXPOSURE_P)) {
        counters[e]!.repeated += 1;
        const repeats = rng.bernoulli(0.3) ? 2 : 1;
        for (let r = 0; r < repeats; r += 1) later(variant);
      }
      if (rng.bernoulli(options.multipleExposureShare)) {
        counters[e]!.multiByVariant[variant]! += 1;
        assignments[firstAssignment + i]!.multiple = true;
        const other = (variant + 1 + rng.integer(exp.variants.length - 1)) % exp.variants.length;
        later(other);
      }
    }
  }

  b.events.sort((x, y) => x.t - y.t || x.seq - y.seq);
  return { assignments, events: b.events, unitIds, unitSegment, unitStore, counters, unitsInSeveral, nextSeq: b.seq };
}

/**
 * Marks `EPOCH_MILLIS_ROWS` page views for epoch-ms timestamps and `ZONELESS_ROWS` for zone-less
 * ones, evenly spread over the log. Zone-less rows lose their milliseconds, so only page views
 * whose whole second still lies in their unit-day window are eligible.
 */
function markTimestampFormats(events: RawEvent[]): void {
  const total = EPOCH_MILLIS_ROWS + ZONELESS_ROWS;
  let from = 0;
  for (let k = 0; k < total; k += 1) {
    const format = k % 2 === 0 ? TimestampFormat.EpochMillis : TimestampFormat.Zoneless;
    let i = Math.max(from, Math.floor(((k + 0.5) / total) * events.length));
    for (; i < events.length; i += 1) {
      const e = events[i]!;
      const floored = Math.floor(e.t / SECOND) * SECOND;
      if (e.kind === Kind.PageView && e.format === TimestampFormat.Iso && (format === TimestampFormat.EpochMillis || floored >= e.lo)) break;
    }
    if (i >= events.length) return; // tiny logs: fewer special rows, counted in the truth anyway
    const e = events[i]!;
    e.format = format;
    if (format === TimestampFormat.Zoneless) e.t = Math.floor(e.t / SECOND) * SECOND;
    from = i + 1;
  }
}

/** Chooses the source row after which each broken row is inserted: evenly spread, ISO rows only. */
function planBrokenRows(events: RawEvent[]): Map<number, BrokenRowReason[]> {
  const plan = new Map<number, BrokenRowReason[]>();
  const total = BROKEN_ROW_REASONS.length * BROKEN_ROWS_PER_REASON;
  for (let k = 0; k < total; k += 1) {
    const reason = BROKEN_ROW_REASONS[k % BROKEN_ROW_REASONS.length]!;
    const wanted = reason === 'negative_revenue' ? Kind.CheckoutCompleted : Kind.PageView;
    const target = Math.floor(((k + 0.5) / total) * events.length);
    for (let step = 0; step < events.length; step += 1) {
      const i = (target + step) % events.length;
      const e = events[i]!;
      if (e.kind === wanted && e.format === TimestampFormat.Iso) {
        const list = plan.get(i) ?? [];
        list.push(reason);
        plan.set(i, list);
        break;
      }
    }
  }
  return plan;
}

/**
 * Per experiment and variant, the expected metric values over the analysable units actually
 * generated (docs/analysis-definitions.md definitions; retention over units mature at `dataEnd`).
 */
function expectations(options: SimulationOptions, assignments: readonly Assignment[], dataEnd: number): Record<string, SimulatedVariantExpectation>[] {
  const sums = options.experiments.map((exp) =>
    exp.variants.map(() => ({ units: 0, conversion: 0, orders: 0, revenue: 0, d1Units: 0, d1: 0, d7Units: 0, d7: 0 })),
  );
  for (const a of assignments) {
    if (a.multiple) continue;
    const s = sums[a.exp]![a.variant]!;
    s.units += 1;
    s.conversion += a.conversionP;
    s.orders += a.expectedOrders;
    s.revenue += a.expectedRevenue;
    if (a.t0 + 2 * DAY <= dataEnd) {
      s.d1Units += 1;
      s.d1 += a.d1P;
    }
    if (a.t0 + 8 * DAY <= dataEnd) {
      s.d7Units += 1;
      s.d7 += a.d7P;
    }
  }
  const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);
  return options.experiments.map((exp, e) => {
    const out: Record<string, SimulatedVariantExpectation> = {};
    exp.variants.forEach((v, i) => {
      const s = sums[e]![i]!;
      out[v.variantId] = {
        units: s.units,
        conversionRate: ratio(s.conversion, s.units),
        ordersPerUser: ratio(s.orders, s.units),
        revenuePerUserCents: ratio(s.revenue, s.units),
        averageOrderValueCents: ratio(s.revenue, s.orders),
        matureUnitsD1: s.d1Units,
        retentionD1: ratio(s.d1, s.d1Units),
        matureUnitsD7: s.d7Units,
        retentionD7: ratio(s.d7, s.d7Units),
      };
    });
    return out;
  });
}

function formatTimestamp(t: number, format: TimestampFormat): string {
  if (format === TimestampFormat.EpochMillis) return String(t);
  const iso = new Date(t).toISOString();
  return format === TimestampFormat.Zoneless ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso;
}

/**
 * Generates the event log of `options` (validated; throws `RangeError` on bad options) as a stream
 * of rows in timestamp order (broken rows follow the row they were derived from). The generator's
 * return value is the {@link SimulationTruth}; iterate by hand (`next()` until `done`) to get it,
 * or use {@link collectEventLog}. All timestamps are UTC; revenue is in cents (EUR).
 */
export function* simulateEventLog(options: SimulationOptions): Generator<SimulatedRow, SimulationTruth, undefined> {
  const opts: SimulationOptions = { ...options, overlapShare: options.overlapShare ?? DEFAULT_OVERLAP_SHARE };
  validateSimulationOptions(opts);
  const log = generate(opts);
  const { events, unitIds, unitSegment, unitStore } = log;
  markTimestampFormats(events);
  const brokenPlan = opts.brokenRows ? planBrokenRows(events) : new Map<number, BrokenRowReason[]>();
  const exps = opts.experiments;
  const reqWidth = Math.max(8, String(log.nextSeq + 100).length);

  const toRow = (e: RawEvent, seq: number): CanonicalEventRow => {
    const isExposure = e.kind === Kind.Exposure;
    const exp = isExposure ? exps[e.exp]! : undefined;
    const variant = exp ? exp.variants[e.variant]! : undefined;
    const isOrder = e.kind === Kind.CheckoutCompleted;
    return {
      event_name: KIND_NAMES[e.kind]!,
      event_version: EVENT_VERSION,
      timestamp: formatTimestamp(e.t, e.format),
      user_id: unitIds[e.unit]!,
      experiment_id: exp ? exp.experimentId : null,
      variant_id: variant ? variant.variantId : null,
      is_control: variant ? variant.isControl : null,
      user_segment: SEGMENTS[unitSegment[e.unit]!]!,
      plan_code: e.plan >= 0 ? PLAN_CODES[e.plan]! : null,
      revenue_cents: isOrder ? e.revenue : null,
      currency: isOrder ? CURRENCY : null,
      request_id: `req_${pad(seq + 1, reqWidth)}`,
      session_id: `sess_${pad(e.session + 1, 7)}`,
      store_id: STORES[unitStore[e.unit]!]!,
      order_id: isOrder ? `ord_${pad(e.order + 1, 7)}` : null,
    };
  };

  const eventCounts: Record<string, number> = {};
  const brokenRows: Record<BrokenRowReason, number> = { missing_user_id: 0, bad_timestamp: 0, wrong_column_count: 0, negative_revenue: 0 };
  const timestampFormats = { iso: 0, epochMillis: 0, zoneless: 0 };
  let dataStart = Infinity;
  let dataEnd = -Infinity;
  for (const e of events) {
    if (e.t < dataStart) dataStart = e.t;
    if (e.t > dataEnd) dataEnd = e.t;
  }
  let nextSeq = log.nextSeq;
  let rows = 0;
  for (let i = 0; i < events.length; i += 1) {
    const e = events[i]!;
    const row = toRow(e, e.seq);
    eventCounts[row.event_name] = (eventCounts[row.event_name] ?? 0) + 1;
    if (e.format === TimestampFormat.EpochMillis) timestampFormats.epochMillis += 1;
    else if (e.format === TimestampFormat.Zoneless) timestampFormats.zoneless += 1;
    else timestampFormats.iso += 1;
    rows += 1;
    yield row;
    for (const reason of brokenPlan.get(i) ?? []) {
      const broken = toRow(e, nextSeq++);
      if (reason === 'missing_user_id') broken.user_id = '';
      else if (reason === 'bad_timestamp') broken.timestamp = 'not-a-date';
      else if (reason === 'negative_revenue') broken.revenue_cents = -(broken.revenue_cents ?? 1);
      brokenRows[reason] += 1;
      rows += 1;
      yield { brokenReason: reason, row: broken };
    }
  }

  const expected = expectations(opts, log.assignments, dataEnd);
  const experiments: SimulatedExperimentTruth[] = exps.map((exp, e) => {
    const c = log.counters[e]!;
    const unitsByVariant: Record<string, number> = {};
    const analyzableUnitsByVariant: Record<string, number> = {};
    exp.variants.forEach((v, i) => {
      unitsByVariant[v.variantId] = c.byVariant[i]!;
      analyzableUnitsByVariant[v.variantId] = c.byVariant[i]! - c.multiByVariant[i]!;
    });
    return {
      experimentId: exp.experimentId,
      units: c.byVariant.reduce((s, n) => s + n, 0),
      unitsByVariant,
      multipleExposureUnits: c.multiByVariant.reduce((s, n) => s + n, 0),
      analyzableUnitsByVariant,
      repeatedExposureUnits: c.repeated,
      parameters: structuredClone(exp),
      expected: expected[e]!,
    };
  });
  return {
    options: structuredClone(opts),
    rowsWritten: rows,
    validRows: events.length,
    brokenRows,
    timestampFormats,
    eventCounts,
    units: opts.units,
    unitsInSeveralExperiments: log.unitsInSeveral,
    dataStart: new Date(dataStart).toISOString(),
    dataEnd: new Date(dataEnd).toISOString(),
    experiments,
  };
}

/** Runs {@link simulateEventLog} to the end, in memory: every row and the truth. For tests and small logs. */
export function collectEventLog(options: SimulationOptions): { rows: SimulatedRow[]; truth: SimulationTruth } {
  const rows: SimulatedRow[] = [];
  const gen = simulateEventLog(options);
  for (;;) {
    const step = gen.next();
    if (step.done) return { rows, truth: step.value };
    rows.push(step.value);
  }
}

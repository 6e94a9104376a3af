/**
 * Shapes of the seeded experiment simulator: its options, the rows it produces (docs/analysis-definitions.md
 * canonical event log) and the ground truth it reports for tests and the demo.
 */

/** One arm of a simulated experiment, with its true (generating) parameters. */
export interface SimulatedVariant {
  /** Stable variant key written to `variant_id`, e.g. `control`, `annual-20off`. */
  variantId: string;
  /** Written to `is_control` on exposures. Exactly one variant per experiment is the control. */
  isControl: boolean;
  /** Relative assignment weight (> 0); weights are normalised within the experiment. */
  weight: number;
  /**
   * Probability in [0, 1] that an exposed unit of average propensity places ≥ 1 order
   * (`checkout.completed`) in its post-exposure window (until the end of the data).
   */
  conversionRate: number;
  /** Mean value of one order in cents (EUR) for a unit of average value; ≥ 1. */
  meanOrderValueCents: number;
  /** Probability in [0, 1] of any event in [t0 + 1 day, t0 + 2 days) (docs/analysis-definitions.md retention D1). */
  retentionD1: number;
  /** Probability in [0, 1] of any event in [t0 + 7 days, t0 + 8 days) (retention D7). */
  retentionD7: number;
}

/** One simulated experiment (all units are randomised by `user_id`). */
export interface SimulatedExperiment {
  /** The experiment slug written to `experiment_id`, e.g. `checkout-redesign`. */
  experimentId: string;
  variants: SimulatedVariant[];
  /**
   * Optional relative share (> 0, default 1) of units whose first (primary) experiment this is.
   * Units also join every other experiment with probability `SimulationOptions.overlapShare`.
   */
  trafficShare?: number;
}

/** Everything that determines a simulated event log. Same options → byte-identical output. */
export interface SimulationOptions {
  /** PRNG seed, any safe integer. */
  seed: number;
  /** Number of distinct units (`user_id`s) to generate; each is in ≥ 1 experiment. */
  units: number;
  /** First day of the experiment run, an ISO UTC day `YYYY-MM-DD`; exposures start at 00:00Z. */
  startDate: string;
  /** Length of the run in days (≥ 1). Exposures and post-exposure events lie in [start, start + days). Pre-period events go back 14 days before each unit's first exposure. */
  days: number;
  experiments: SimulatedExperiment[];
  /** Whether to add a few deliberately invalid rows of each {@link BrokenRowReason}. */
  brokenRows: boolean;
  /** Share in [0, 1] of an experiment's units that are also exposed to a second, different variant of it (docs/analysis-definitions.md `multiple_exposures`). */
  multipleExposureShare: number;
  /** Probability in [0, 1] that a unit joins each experiment other than its primary one (default 0.15). */
  overlapShare?: number;
}

/** The canonical event-log columns, in the order the CSV writer emits them (docs/analysis-definitions.md, minus `properties`). */
export const EVENT_LOG_COLUMNS = [
  'event_name',
  'event_version',
  'timestamp',
  'user_id',
  'experiment_id',
  'variant_id',
  'is_control',
  'user_segment',
  'plan_code',
  'revenue_cents',
  'currency',
  'request_id',
  'session_id',
  'store_id',
  'order_id',
] as const;

export type EventLogColumn = (typeof EVENT_LOG_COLUMNS)[number];

/** The event names the simulator emits; exposure and conversion names are docs/analysis-definitions.md defaults. */
export const SIMULATED_EVENT_NAMES = {
  exposure: 'experiment.exposure',
  conversion: 'checkout.completed',
  checkoutStarted: 'checkout.started',
  pageView: 'page_view',
} as const;

/**
 * One row of the canonical event log. `null` is an empty field. Field types follow docs/analysis-definitions.md:
 * `timestamp` is text (normally ISO-8601 UTC with `Z` and milliseconds; a handful of rows use
 * epoch milliseconds or a zone-less `YYYY-MM-DD HH:MM:SS` meaning UTC), `revenue_cents` is an
 * integer number of cents, `is_control` is set on exposures only.
 */
export interface CanonicalEventRow {
  event_name: string;
  event_version: string | null;
  timestamp: string;
  user_id: string;
  experiment_id: string | null;
  variant_id: string | null;
  is_control: boolean | null;
  user_segment: string | null;
  plan_code: string | null;
  revenue_cents: number | null;
  currency: string | null;
  request_id: string | null;
  session_id: string | null;
  store_id: string | null;
  order_id: string | null;
}

/** Why a deliberately broken row must be rejected (codes of docs/analysis-definitions.md). */
export type BrokenRowReason = 'missing_user_id' | 'bad_timestamp' | 'wrong_column_count' | 'negative_revenue';

export const BROKEN_ROW_REASONS: readonly BrokenRowReason[] = [
  'missing_user_id',
  'bad_timestamp',
  'wrong_column_count',
  'negative_revenue',
];

/**
 * A deliberately invalid row. `row` holds the fields as written: `user_id` empty
 * (`missing_user_id`), `timestamp` = `not-a-date` (`bad_timestamp`), `revenue_cents` < 0
 * (`negative_revenue`). For `wrong_column_count` the writers drop the last column (`order_id`),
 * so the CSV record has 14 fields and the NDJSON line is a JSON array, not an object.
 * Every broken row is otherwise valid and unique (its own `request_id`).
 */
export interface BrokenRow {
  brokenReason: BrokenRowReason;
  row: CanonicalEventRow;
}

/** What {@link simulateEventLog} yields. */
export type SimulatedRow = CanonicalEventRow | BrokenRow;

/** Narrows a simulated row to a deliberately broken one. */
export function isBrokenRow(row: SimulatedRow): row is BrokenRow {
  return 'brokenReason' in row;
}

/** Ground truth of one simulated experiment. */
export interface SimulatedExperimentTruth {
  experimentId: string;
  /** Units with ≥ 1 exposure to this experiment. */
  units: number;
  /** Units by the variant of their first exposure (as assigned, multiple-exposure units included). */
  unitsByVariant: Record<string, number>;
  /** Units deliberately also exposed to a second, different variant (docs/analysis-definitions.md: excluded from analysis). */
  multipleExposureUnits: number;
  /** `unitsByVariant` minus the multiple-exposure units: what the analysis should count per arm. */
  analyzableUnitsByVariant: Record<string, number>;
  /** Units with extra exposures to their own variant (normal, harmless). */
  repeatedExposureUnits: number;
  /** The true generating parameters (a copy of the options' experiment). */
  parameters: SimulatedExperiment;
  /**
   * By variant id: the expected metric values over the units actually generated — what an
   * unbiased analysis estimates, up to sampling noise. They differ from `parameters` because
   * units also in another experiment carry that experiment's effect too and per-unit
   * probabilities are capped (conversion at 0.95, daily activity at 0.98).
   */
  expected: Record<string, SimulatedVariantExpectation>;
}

/**
 * Expected docs/analysis-definitions.md metric values of one arm, averaged over its analysable units (multiple-exposure
 * units excluded), conditional on the generated units' latent traits. `null` when no unit counts.
 */
export interface SimulatedVariantExpectation {
  /** Analysable units (= `analyzableUnitsByVariant`). */
  units: number;
  /** Mean P(≥ 1 `checkout.completed` at or after t0). */
  conversionRate: number | null;
  /** Mean expected number of orders after t0. */
  ordersPerUser: number | null;
  /** Mean expected revenue after t0, cents. */
  revenuePerUserCents: number | null;
  /** Σ expected revenue / Σ expected orders, cents. */
  averageOrderValueCents: number | null;
  /** Units with t0 + 2 days ≤ `dataEnd`, and their mean P(any event in [t0 + 1 day, t0 + 2 days)). */
  matureUnitsD1: number;
  retentionD1: number | null;
  /** Units with t0 + 8 days ≤ `dataEnd`, and their mean P(any event in [t0 + 7 days, t0 + 8 days)). */
  matureUnitsD7: number;
  retentionD7: number | null;
}

/** Ground truth of a simulated event log, for tests of the importer and the analysis. */
export interface SimulationTruth {
  /** The options the log was generated from (defaults filled in). */
  options: SimulationOptions;
  /** Data rows yielded / written, header excluded; = validRows + Σ brokenRows. */
  rowsWritten: number;
  /** Rows an importer must accept. */
  validRows: number;
  /** Deliberately invalid rows per reason code (all 0 when `brokenRows` is false). */
  brokenRows: Record<BrokenRowReason, number>;
  /** Valid rows by timestamp format: ISO-8601 with `Z`, epoch milliseconds, zone-less (UTC). */
  timestampFormats: { iso: number; epochMillis: number; zoneless: number };
  /** Valid rows by `event_name`. */
  eventCounts: Record<string, number>;
  /** Distinct units generated (= options.units). */
  units: number;
  /** Units exposed to more than one experiment. */
  unitsInSeveralExperiments: number;
  /** Earliest and latest valid event, ISO-8601 UTC with milliseconds (`dataEnd` is SPEC's `data_end`). */
  dataStart: string;
  dataEnd: string;
  experiments: SimulatedExperimentTruth[];
}

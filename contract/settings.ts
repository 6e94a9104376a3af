/**
 * Analysis settings and their defaults (docs/analysis-definitions.md). Validated with zod wherever
 * they enter from outside (command line, settings file, IPC).
 */
import { z } from 'zod';

/** Exposure event names (docs/analysis-definitions.md defaults). */
export const DEFAULT_EXPOSURE_EVENTS = [
  'exposure', 'experiment.exposure', 'experiment.variant.exposed', 'offer.exposed', 'pricing_experiment_segment',
] as const;

/** Conversion event names (docs/analysis-definitions.md defaults). */
export const DEFAULT_CONVERSION_EVENTS = [
  'conversion', 'checkout.completed', 'checkout_complete', 'order.completed', 'plan.changed', 'plan_change',
] as const;

/**
 * Default funnel (docs/analysis-definitions.md funnel steps): the canonical names of a checkout. Funnel metrics are
 * reported when every step occurs among the imported events.
 */
export const DEFAULT_FUNNEL_STEPS = ['page_view', 'checkout.started', 'checkout.completed'] as const;

/** Metrics that take a window (docs/analysis-definitions.md): `funnel` is one window for every step. */
export const WINDOWED_METRICS = ['conversion', 'revenue_per_user', 'orders_per_user', 'funnel'] as const;
export type WindowedMetric = (typeof WINDOWED_METRICS)[number];

/**
 * Text columns of the exposure event a filter can select on (docs/analysis-definitions.md), besides `user_segment`
 * (the `segment` setting); ids such as `request_id` are not filters.
 */
export const EXPOSURE_ATTRIBUTES = ['store_id', 'plan_code', 'currency', 'event_version'] as const;
export type ExposureAttribute = (typeof EXPOSURE_ATTRIBUTES)[number];

export const analysisSettingsSchema = z.object({
  /** Two-sided significance level. */
  alpha: z.number().gt(0).lt(1).default(0.05),
  /** Power 1 − β of the sample-size calculation. */
  power: z.number().gt(0).lt(1).default(0.8),
  /** Minimum detectable effect, relative to the control mean (0.05 = 5 %). */
  mde: z.number().gt(0).default(0.05),
  /** Units per variant below which `low_sample_size` is raised. */
  minSamplePerVariant: z.number().int().nonnegative().default(1000),
  /** Days from first exposure to the end of the data below which `min_runtime_not_reached` is raised. */
  minRuntimeDays: z.number().nonnegative().default(7),
  /** CUPED pre-period length P in days: the covariate is measured in [t0 − P, t0). */
  cupedPrePeriodDays: z.number().int().positive().default(14),
  /** Whether the verdict uses the CUPED-adjusted comparison when one is available. */
  cuped: z.boolean().default(true),
  /**
   * Multiple-comparison correction of the decision family (every arm on the goal metric and the
   * guardrails; docs/statistics.md). Secondary metrics are always corrected with Benjamini–Hochberg.
   */
  correction: z.enum(['none', 'bonferroni', 'holm', 'benjamini-hochberg']).default('holm'),
  /**
   * Inference (docs/statistics.md): `fixed` horizon, `sequential` (always-valid confidence
   * sequences, safe to look at every day), or `bayesian` (chance to beat control and risk decide).
   */
  method: z.enum(['fixed', 'sequential', 'bayesian']).default('fixed'),
  /** Sequential: the total units (all arms) the confidence sequence is tightest at. */
  sequentialTargetN: z.number().int().positive().default(5000),
  exposureEvents: z.array(z.string().min(1)).min(1).default([...DEFAULT_EXPOSURE_EVENTS]),
  conversionEvents: z.array(z.string().min(1)).min(1).default([...DEFAULT_CONVERSION_EVENTS]),
  /**
   * Per-metric window in days (docs/analysis-definitions.md): the metric counts events in [t0, t0 + days) instead of
   * until the end of the data. A metric without an entry has no window.
   */
  metricWindowDays: z.partialRecord(z.enum(WINDOWED_METRICS), z.number().positive().max(3650)).default({}),
  /** Ordered event names of the funnel: step s is reached after t0 in this order; empty = no funnel. */
  funnelSteps: z.array(z.string().min(1)).max(10)
    .refine((steps) => new Set(steps).size === steps.length, { message: 'funnel steps must be different events' })
    .default([...DEFAULT_FUNNEL_STEPS]),
  /** Control variant override (otherwise: mapping, is_control, "control", first). */
  control: z.string().min(1).optional(),
  /** Exposure date filter, UTC, half-open [from, to). ISO-8601 dates or timestamps. */
  exposureFrom: z.string().optional(),
  exposureTo: z.string().optional(),
  /** Only units whose first exposure carries this `user_segment`. */
  segment: z.string().optional(),
  /** Only units whose first exposure carries these values (event logs; docs/analysis-definitions.md text-column filters). */
  exposureFilters: z.partialRecord(z.enum(EXPOSURE_ATTRIBUTES), z.string().min(1)).default({}),
});

export type AnalysisSettings = z.infer<typeof analysisSettingsSchema>;

/** Settings with every default filled in. */
export function defaultSettings(overrides: Partial<z.input<typeof analysisSettingsSchema>> = {}): AnalysisSettings {
  return analysisSettingsSchema.parse(overrides);
}

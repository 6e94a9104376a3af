/**
 * The experiment definition (docs/experiment-definition.md): what an analysis of one experiment is
 * declared to be — its unit, how repeated unit-table rows combine, control and intended split,
 * goal, secondary and guardrail metrics, CUPED covariates, α, correction, minimums, windows,
 * filters and method. Every result and decision names the version it was computed with.
 *
 * Fields left `null` inherit the app's analysis settings (contract/settings.ts: α 0.05, holm,
 * fixed horizon, 1,000 units per arm, 7 days, …), so that a run's flags still apply to what the
 * definition does not declare; the others are the experiment's own. Shared by the hosts, the CLI and the UI, so it is pure zod + types.
 */
import { z } from 'zod';
import { EXPOSURE_ATTRIBUTES, WINDOWED_METRICS } from './settings.ts';

/** How the rows of one unit in a unit table become its one value per metric. */
export const COMBINE_RULES = ['sum', 'mean', 'max', 'first', 'last', 'refuse'] as const;
export type CombineRule = (typeof COMBINE_RULES)[number];

/** Multiple-comparison corrections a definition can name (`bh` = Benjamini–Hochberg). */
export const DEFINITION_CORRECTIONS = ['none', 'bonferroni', 'holm', 'bh'] as const;
export type DefinitionCorrection = (typeof DEFINITION_CORRECTIONS)[number];

/** Statistical methods a definition can name. */
export const DEFINITION_METHODS = ['fixed', 'sequential', 'bayesian'] as const;
export type DefinitionMethod = (typeof DEFINITION_METHODS)[number];

/** Default guardrail limit: a significant relative drop beyond 5 % (the auto-rollback rule). */
export const DEFAULT_GUARDRAIL_MAX_DROP = 0.05;

export const guardrailSchema = z.object({
  metric: z.string().min(1),
  /** Which way is good for the business; a breach is a significant move the bad way. */
  direction: z.enum(['higher_is_better', 'lower_is_better']).default('higher_is_better'),
  /** Relative change (fraction, 0.05 = 5 %) the bad way beyond which a significant result is a breach. */
  maxRelativeDrop: z.number().gt(0).lt(10).default(DEFAULT_GUARDRAIL_MAX_DROP),
}).strict();
export type Guardrail = z.infer<typeof guardrailSchema>;

/**
 * The CUPED covariate of one metric: event logs use the same metric over the pre-period before
 * each unit's first exposure; unit tables name a column, which must be measured before exposure.
 */
export const covariateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pre_period') }).strict(),
  z.object({
    kind: z.literal('column'),
    column: z.string().min(1),
    /** Declared as measured before exposure; an outcome column would bias the estimate. */
    preExposure: z.literal(true, { message: 'a CUPED covariate must be measured before exposure (preExposure: true)' }),
  }).strict(),
]);
export type Covariate = z.infer<typeof covariateSchema>;

/** Which units an experiment's analysis keeps, by their first exposure (UTC, [from, to)). */
export const definitionFiltersSchema = z.object({
  from: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  segment: z.string().min(1).optional(),
  attributes: z.partialRecord(z.enum(EXPOSURE_ATTRIBUTES), z.string().min(1)).default({}),
}).strict();

const metricList = z.array(z.string().min(1)).default([]);

const definitionObject = z.object({
  experimentId: z.string().min(1),
  source: z.enum(['events', 'unit_table']),
  /** The unit column the data was imported with (`user_id` for event logs; null: one row = one unit). */
  unit: z.string().min(1).nullable().default(null),
  /** Unit tables: how repeated rows of a unit combine (event logs: unused). */
  combine: z.enum(COMBINE_RULES).default('mean'),
  /** Control variant; null: the file's mapping, `is_control`, `control`, else the first variant. */
  control: z.string().min(1).nullable().default(null),
  /** Intended split as weights per variant (any scale: {A: 80, B: 20}); null: equal. */
  split: z.record(z.string().min(1), z.number().nonnegative().finite()).nullable().default(null),
  /** Goal metrics; the first decides the verdict. Empty: no goal declared, no verdict. */
  goalMetrics: metricList,
  secondaryMetrics: metricList,
  guardrails: z.array(guardrailSchema).default([]),
  /** metric → its CUPED covariate; a metric without an entry is not adjusted. */
  covariates: z.record(z.string().min(1), covariateSchema).default({}),
  alpha: z.number().gt(0).lt(1).nullable().default(null),
  /** Correction of the goal and guardrail family; null: the app's setting (default holm). */
  correction: z.enum(DEFINITION_CORRECTIONS).nullable().default(null),
  /** Units per arm below which the verdict waits; null: the settings' minimum. */
  minSamplePerArm: z.number().int().nonnegative().nullable().default(null),
  /** Days from first exposure to the end of the data below which the verdict waits; null: settings. */
  minRuntimeDays: z.number().nonnegative().nullable().default(null),
  /** Per-metric windows in days (event logs); null: the settings' windows. */
  metricWindowDays: z.partialRecord(z.enum(WINDOWED_METRICS), z.number().positive().max(3650)).nullable().default(null),
  /** Exposure filters (event logs; dates for unit tables too); null: the settings' filters. */
  filters: definitionFiltersSchema.nullable().default(null),
  /** Statistical method; null: the app's setting (default fixed horizon). */
  method: z.enum(DEFINITION_METHODS).nullable().default(null),
}).strict();

/**
 * A definition, validated. Cross-field rules: a metric has one role (goal, secondary or
 * guardrail); a covariate column is not one of the declared metrics; a declared control has a
 * positive weight when a split is declared; a split has at least two variants with weight.
 */
export const experimentDefinitionSchema = definitionObject.superRefine((d, ctx) => {
  const roles = new Map<string, string>();
  const claim = (metric: string, role: string, path: (string | number)[]): void => {
    const other = roles.get(metric);
    if (other && other !== role) ctx.addIssue({ code: 'custom', path, message: `${metric} is both ${other} and ${role}` });
    else if (other) ctx.addIssue({ code: 'custom', path, message: `${metric} is listed twice as ${role}` });
    roles.set(metric, role);
  };
  d.goalMetrics.forEach((m, i) => claim(m, 'goal', ['goalMetrics', i]));
  d.secondaryMetrics.forEach((m, i) => claim(m, 'secondary', ['secondaryMetrics', i]));
  d.guardrails.forEach((g, i) => claim(g.metric, 'guardrail', ['guardrails', i, 'metric']));
  for (const [metric, covariate] of Object.entries(d.covariates)) {
    if (covariate.kind === 'column' && roles.has(covariate.column)) {
      ctx.addIssue({ code: 'custom', path: ['covariates', metric], message: `covariate ${covariate.column} is a declared metric (an outcome), not a pre-exposure column` });
    }
    if (covariate.kind === 'column' && covariate.column === metric) {
      ctx.addIssue({ code: 'custom', path: ['covariates', metric], message: `${metric} cannot be its own covariate` });
    }
  }
  if (d.split) {
    if (Object.values(d.split).filter((w) => w > 0).length < 2) {
      ctx.addIssue({ code: 'custom', path: ['split'], message: 'a split needs at least two variants with a positive weight' });
    }
    if (d.control && !(d.split[d.control]! > 0)) {
      ctx.addIssue({ code: 'custom', path: ['split'], message: `the control ${d.control} has no weight in the split` });
    }
  }
});

/** A validated definition (every default filled in). */
export type ExperimentDefinition = z.infer<typeof experimentDefinitionSchema>;
/** What a caller may pass before defaults are filled in. */
export type ExperimentDefinitionInput = z.input<typeof experimentDefinitionSchema>;

/** One stored version of a definition (docs/experiment-definition.md, "Versions"). */
export interface DefinitionVersion {
  readonly experimentId: string;
  /** 1, 2, … per experiment; every save is a new version. */
  readonly version: number;
  /** Who saved it: `import` for proposed defaults, else the name the host gives (CLI: the OS user). */
  readonly author: string;
  /** UTC ISO-8601. */
  readonly savedAt: string;
  /** sha256 (hex) of the canonical JSON of `definition`. */
  readonly hash: string;
  /** A short "what changed" line: the fields that differ from the previous version. */
  readonly summary: string;
  readonly definition: ExperimentDefinition;
}

/** The definition an analysis result was computed with: version and hash (null: none stored, ad hoc). */
export interface DefinitionRef {
  readonly version: number | null;
  readonly hash: string;
  /** Where it came from: the database's latest version, or a file/flags given for this run only. */
  readonly origin: 'stored' | 'override';
}

/** The definition an experiment's result was computed with, as the result reports it. */
export interface ResultDefinition extends DefinitionRef {
  readonly goalMetrics: readonly string[];
  readonly secondaryMetrics: readonly string[];
  /** Declared metrics the data does not have (a typo, or a column not imported). */
  readonly missingMetrics: readonly string[];
  /** Unit tables: how repeated rows of a unit were combined. */
  readonly combine: CombineRule | null;
  /** The split SRM was tested against (weights per variant); null: equal. */
  readonly split: Readonly<Record<string, number>> | null;
  /** The α this experiment was analysed at (the definition's, else the app's). */
  readonly alpha: number;
}

/** What CUPED did for one experiment, in words when it adjusted nothing. */
export interface CupedStatus {
  /** The CUPED setting: whether adjusted results decide when they exist. */
  readonly enabled: boolean;
  /** Metrics with a CUPED-adjusted result. */
  readonly adjusted: readonly string[];
  /** Why nothing (or not everything asked for) is adjusted; null when there is nothing to say. */
  readonly note: string | null;
}

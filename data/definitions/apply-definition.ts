/**
 * How an experiment's definition shapes its analysis (docs/experiment-definition.md, "How the
 * analysis uses it"): the settings it overrides, the metrics it analyses and in which order
 * (goal, secondary, guardrails), the covariates kept, the split SRM is tested against, the
 * guardrail limits and what CUPED did. Pure, apart from `definitionsForAnalysis`.
 */
import type { CovariateMoments, SampleMoments } from '../../stats/index.ts';
import type { CupedStatus, DefinitionRef, ExperimentDefinition } from '../../contract/experiment-definition.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import type { Database } from '../database.ts';
import type { ExperimentFrame, MetricFrame } from '../metrics/experiment-frame.ts';
import type { UnitTablePlan } from '../metrics/unit-table-metrics.ts';
import { definitionHash, latestDefinitions, parseDefinition } from './store.ts';

/** A definition with the reference results carry. */
export interface DefinedExperiment {
  readonly definition: ExperimentDefinition;
  readonly ref: DefinitionRef;
}

/**
 * The definitions an analysis uses, by experiment id: the latest stored version of each, with
 * `overrides` (a `--definition` file: validated definitions for this run only, not stored) in
 * place of the stored ones.
 * @throws DefinitionError when an override does not validate.
 */
export async function definitionsForAnalysis(db: Database, overrides: readonly unknown[] = []): Promise<Map<string, DefinedExperiment>> {
  const out = new Map<string, DefinedExperiment>();
  for (const [id, stored] of await latestDefinitions(db)) {
    out.set(id, { definition: stored.definition, ref: { version: stored.version, hash: stored.hash, origin: 'stored' } });
  }
  for (const raw of overrides) {
    const definition = parseDefinition(raw);
    out.set(definition.experimentId, { definition, ref: { version: null, hash: definitionHash(definition), origin: 'override' } });
  }
  return out;
}

const CORRECTION_SETTING = { none: 'none', bonferroni: 'bonferroni', holm: 'holm', bh: 'benjamini-hochberg' } as const;

/**
 * The settings of one experiment: the definition's α, minimum sample, minimum runtime, control,
 * windows, filters, correction and method where it declares them, the app's `settings` elsewhere.
 * Correction and method are passed only to settings that have those fields.
 */
export function settingsForDefinition(settings: AnalysisSettings, definition: ExperimentDefinition): AnalysisSettings {
  const d = definition;
  const passThrough: Record<string, unknown> = {
    ...(d.correction !== null && { correction: CORRECTION_SETTING[d.correction] }),
    ...(d.method !== null && { method: d.method }),
  };
  return {
    ...settings,
    ...Object.fromEntries(Object.entries(passThrough).filter(([key]) => key in settings)),
    alpha: d.alpha ?? settings.alpha,
    minSamplePerVariant: d.minSamplePerArm ?? settings.minSamplePerVariant,
    minRuntimeDays: d.minRuntimeDays ?? settings.minRuntimeDays,
    control: d.control ?? settings.control,
    metricWindowDays: d.metricWindowDays ?? settings.metricWindowDays,
    ...(d.filters && {
      exposureFrom: d.filters.from, exposureTo: d.filters.to, segment: d.filters.segment, exposureFilters: d.filters.attributes,
    }),
  };
}

/** Whether the definition changes which units or events the metric SQL reads (windows, filters). */
export function changesFrames(definition: ExperimentDefinition): boolean {
  return definition.metricWindowDays !== null || definition.filters !== null;
}

/** Goal metrics, secondary metrics, guardrails: the declared names in that order. */
export function declaredMetrics(definition: ExperimentDefinition): string[] {
  return [...definition.goalMetrics, ...definition.secondaryMetrics, ...definition.guardrails.map((g) => g.metric)];
}

function withoutCovariate(metric: MetricFrame): MetricFrame {
  const arms = metric.input.arms.map((arm) => {
    const m = arm.moments as CovariateMoments;
    const plain: SampleMoments = { n: m.n, sum: m.sum, sumSquares: m.sumSquares };
    return { variant: arm.variant, moments: 'sumX' in m ? plain : arm.moments };
  });
  return { ...metric, covariateRequested: false, input: { ...metric.input, covariate: false, arms } };
}

/**
 * The frame's metrics as the definition declares them: the goal(s) first, then the other declared
 * metrics in the data's order. Unit tables analyse only declared columns (an identifier or pre-period column is never a
 * metric); event logs also keep their other standard metrics (funnel steps, …) after the declared
 * ones. A declared event-log metric without a covariate is not CUPED-adjusted.
 * @returns the frame, and the declared metrics the data does not have.
 */
export function frameForDefinition(frame: ExperimentFrame, definition: ExperimentDefinition): { frame: ExperimentFrame; missing: string[] } {
  const declared = declaredMetrics(definition);
  const byName = new Map(frame.metrics.map((m) => [m.input.name, m]));
  const shape = (metric: MetricFrame): MetricFrame => {
    const keep = frame.source === 'unit_table' || definition.covariates[metric.input.name] !== undefined || !metric.input.covariate;
    return keep ? metric : withoutCovariate(metric);
  };
  // Goals first; the rest keep the data's order (columns, the event log's standard order).
  const goals = definition.goalMetrics.flatMap((name) => (byName.has(name) ? [shape(byName.get(name)!)] : []));
  const rest = frame.metrics
    .filter((m) => !definition.goalMetrics.includes(m.input.name))
    .filter((m) => declared.includes(m.input.name) || frame.source === 'events')
    .map((m) => (declared.includes(m.input.name) ? shape(m) : m));
  return { frame: { ...frame, metrics: [...goals, ...rest] }, missing: declared.filter((name) => !byName.has(name)) };
}

/** The metrics SQL plan of the unit-table experiments: combine rules and declared covariate columns. */
export function unitTablePlan(definitions: ReadonlyMap<string, DefinedExperiment>): UnitTablePlan {
  const unitTables = [...definitions.values()].filter((d) => d.definition.source === 'unit_table');
  return {
    combine: new Map(unitTables.map((d) => [d.definition.experimentId, d.definition.combine])),
    covariates: new Map(unitTables.map((d) => [d.definition.experimentId, Object.fromEntries(
      Object.entries(d.definition.covariates).flatMap(([metric, c]) => (c.kind === 'column' ? [[metric, c.column]] : [])),
    )])),
  };
}

/** SRM weights in `variants` order from the declared split (a variant it does not name: 0); undefined: equal. */
export function splitWeights(definition: ExperimentDefinition | null, variants: readonly string[]): number[] | undefined {
  const split = definition?.split;
  return split ? variants.map((v) => split[v] ?? 0) : undefined;
}

/** Guardrail limits by metric (relative fraction), for the verdict. */
export function guardrailThresholds(definition: ExperimentDefinition): Record<string, number> {
  return Object.fromEntries(definition.guardrails.map((g) => [g.metric, g.maxRelativeDrop]));
}

/**
 * CUPED's status: on with no covariate declared says so, instead of a switch that reads "on"
 * while nothing is adjusted.
 */
export function cupedStatus(
  enabled: boolean,
  metrics: readonly { name: string; cupedRequested: boolean; theta?: number | null }[],
): CupedStatus {
  const requested = metrics.filter((m) => m.cupedRequested);
  const adjusted = requested.filter((m) => m.theta !== null && m.theta !== undefined).map((m) => m.name);
  if (!enabled) return { enabled, adjusted, note: 'CUPED is off: every result is unadjusted.' };
  if (requested.length === 0) {
    return { enabled, adjusted, note: 'CUPED is on but nothing is adjusted: no metric has a pre-exposure covariate declared.' };
  }
  if (adjusted.length === 0) {
    return { enabled, adjusted, note: 'CUPED is on but nothing is adjusted: the declared covariates have no pre-exposure data.' };
  }
  return { enabled, adjusted, note: null };
}

/**
 * The analysis service: metric SQL → sufficient statistics → `stats/` → the analysis report.
 * Shared by every host (command line, Electron, web host).
 */
import {
  achievedRelativeMde, analyzeMetric, collectWarnings, correctFamily, daysStillNeeded, decideVerdict, requiredSampleSizePerArm,
  sampleRatioMismatch, DEFAULT_WARNING_SETTINGS, type MetricInput, type MetricResult,
} from '../../stats/index.ts';
import { APP_VERSION } from '../app-version.ts';
import { toNumber, type Database } from '../database.ts';
import type { AnalysisContext } from '../metrics/analysis-context.ts';
import type { ExperimentFrame } from '../metrics/experiment-frame.ts';
import {
  cupedStatus, definitionsForAnalysis, frameForDefinition, guardrailThresholds, settingsForDefinition, splitWeights,
  type DefinedExperiment,
} from '../definitions/apply-definition.ts';
import { definedFrames } from '../definitions/defined-frames.ts';
import type { ExperimentDefinition } from '../../contract/experiment-definition.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import type { AnalysisReport, ExperimentReport, ImportedFileReport, MetricReport, PowerReport } from '../../contract/report.ts';

const DAY_MS = 86_400_000;

/** Options of `analyzeDatabase`. */
export interface AnalyzeOptions {
  /**
   * Experiment definitions for this run only (a `--definition` file), each in place of its
   * experiment's stored latest version; not stored. Validated like a saved one.
   */
  readonly definitions?: readonly unknown[];
  /**
   * The request's analysis context for `settings` (data/metrics/analysis-context.ts), when the
   * caller opened one to share with the series and filter choices; opened here when absent.
   */
  readonly context?: AnalysisContext;
}

/**
 * Analyses every experiment in the database (or only `experimentId`) with `settings`, each by
 * its latest stored definition (docs/experiment-definition.md) where it has one.
 * Never throws for bad data: problems appear as error codes and warnings in the report.
 * @throws DefinitionError when an override in `options.definitions` does not validate.
 * @throws RepeatedUnitsRefusedError when a definition says `refuse` and a unit has several rows.
 * @throws Error otherwise only for database failures.
 */
export async function analyzeDatabase(
  db: Database, settings: AnalysisSettings, experimentId: string | null = null, options: AnalyzeOptions = {},
): Promise<AnalysisReport> {
  const definitions = await definitionsForAnalysis(db, options.definitions);
  const frames = await definedFrames(db, settings, experimentId, definitions, options.context);
  const experiments = frames
    .filter((frame) => frame.arms.length > 0)
    .map((frame) => analyzeExperiment(frame, settings, definitions.get(frame.experimentId) ?? null));
  return {
    generatedAt: new Date().toISOString(),
    appVersion: APP_VERSION,
    settings,
    experiments,
    import: { files: await importedFiles(db) },
  };
}

/**
 * The control of an experiment: the `--control` setting when it names one of its variants; else
 * the unit table's mapped control; else the variant marked `is_control`; else `control`; else the
 * first variant in sort order.
 */
export function chooseControl(frame: ExperimentFrame, override: string | undefined): string {
  const variants = frame.arms.map((arm) => arm.variant).sort();
  const candidates = [override, frame.mappedControl, frame.arms.find((arm) => arm.markedControl)?.variant, 'control'];
  return candidates.find((c): c is string => !!c && variants.includes(c)) ?? variants[0]!;
}

/**
 * Analyses one experiment frame, by its definition when given (its settings, metrics and roles,
 * split, guardrail limits; docs/experiment-definition.md). Pure apart from the clock-free
 * inputs: exported for tests.
 */
export function analyzeExperiment(frameIn: ExperimentFrame, appSettings: AnalysisSettings, defined: DefinedExperiment | null = null): ExperimentReport {
  const definition = defined?.definition ?? null;
  const settings = definition ? settingsForDefinition(appSettings, definition) : appSettings;
  const shaped = definition ? frameForDefinition(frameIn, definition) : null;
  const frame = shaped?.frame ?? frameIn;
  const control = chooseControl(frame, settings.control);
  const variants = [control, ...frame.arms.map((arm) => arm.variant).filter((v) => v !== control).sort()];
  const order = (variant: string): number => variants.indexOf(variant);
  const arms = [...frame.arms].sort((a, b) => order(a.variant) - order(b.variant));
  const units = Object.fromEntries(arms.map((arm) => [arm.variant, arm.units]));
  const test = { alpha: settings.alpha, method: settings.method, sequentialTargetN: settings.sequentialTargetN };

  const analysed: MetricReport[] = frame.metrics.map((metric) => {
    const input: MetricInput = {
      ...metric.input,
      control,
      arms: [...metric.input.arms].sort((a, b) => order(a.variant) - order(b.variant)),
    };
    return {
      ...analyzeMetric(input, test), eligibleUnits: metric.eligibleUnits, cupedRequested: metric.covariateRequested,
      ...(metric.funnelStep && { funnelStep: metric.funnelStep }),
    };
  });

  // Without a definition the first metric is the primary one; with one, only a declared goal is.
  const hasGoal = definition ? analysed.length > 0 && analysed[0]!.name === definition.goalMetrics[0] : true;
  const { metrics, corrections } = correctMetrics(analysed, frame.source, settings, definition, hasGoal);

  const srm = sampleRatioMismatch(arms.map((arm) => arm.units), splitWeights(definition, arms.map((arm) => arm.variant)));
  const runtimeDays = frame.firstExposure && frame.dataEnd
    ? (Date.parse(frame.dataEnd) - Date.parse(frame.firstExposure)) / DAY_MS
    : null;
  const primary = hasGoal ? metrics[0] ?? null : null;
  const guardrails = metrics.filter((m) => isGuardrail(m, frame.source, definition));
  const power = primary ? powerReport(primary, arms.map((arm) => arm.units), runtimeDays, settings) : null;

  const warnings = collectWarnings(
    {
      unitsPerVariant: arms.map((arm) => ({ variant: arm.variant, n: arm.units })),
      srm,
      binomialConversions: metrics
        .filter((m) => m.type === 'binomial' && m.eligibleUnits > 0)
        .flatMap((m) => m.variants.map((v) => ({ metric: m.name, variant: v.variant, conversions: Math.round((v.mean ?? 0) * v.n) }))),
      requiredPerArm: power?.requiredPerVariant ?? null,
      powerMetric: power?.metric,
      runtimeDays,
      multipleExposures: { excluded: frame.multipleExposures, total: frame.totalUnits },
      cupedUnavailable: metrics.filter((m) => m.cupedRequested && m.eligibleUnits > 0 && m.theta === null).map((m) => m.name),
      immatureRetention: frame.metrics.filter((m) => m.retentionDay !== null && m.eligibleUnits === 0).map((m) => m.input.name),
      eventsOutsidePeriod: frame.lateEvents ?? null,
    },
    {
      ...DEFAULT_WARNING_SETTINGS,
      minSamplePerArm: settings.minSamplePerVariant,
      minRuntimeDays: settings.minRuntimeDays,
    },
  );
  const verdict = primary
    ? decideVerdict({
      primary, guardrails, warnings, useCuped: settings.cuped, method: settings.method, ...(definition && { guardrailThresholds: guardrailThresholds(definition) }),
    }, test)
    : { status: 'not_ready' as const, reason: definition ? noGoalReason(frame.experimentId, definition) : 'No metric to decide on.', proposedTransition: null };

  return {
    experimentId: frame.experimentId,
    source: frame.source,
    control,
    variants,
    units,
    excludedUnits: { multipleExposures: frame.multipleExposures },
    totalUnits: frame.totalUnits,
    firstExposure: frame.firstExposure,
    dataEnd: frame.dataEnd,
    runtimeDays,
    srm: { chiSquare: srm.chiSquare, pValue: srm.pValue, flagged: srm.flagged, df: srm.df },
    primaryMetric: primary?.name ?? null,
    guardrailMetrics: guardrails.map((m) => m.name),
    metrics,
    power,
    warnings,
    verdict,
    corrections,
    cuped: cupedStatus(settings.cuped, metrics),
    ...(defined && shaped && {
      definition: {
        ...defined.ref, goalMetrics: defined.definition.goalMetrics, secondaryMetrics: defined.definition.secondaryMetrics,
        missingMetrics: shaped.missing, combine: frame.source === 'unit_table' ? defined.definition.combine : null, split: defined.definition.split,
        alpha: settings.alpha,
      },
    }),
  };
}

/** The verdict's reason when the definition gives no goal metric the data has. */
function noGoalReason(experimentId: string, definition: ExperimentDefinition): string {
  const goal = definition.goalMetrics[0];
  return goal
    ? `Goal metric ${goal} is not in the data: declare one it has (experiment-desk define ${experimentId} --goal METRIC).`
    : `No goal metric declared: nothing to decide on (experiment-desk define ${experimentId} --goal METRIC).`;
}

/**
 * The guardrail metrics of an experiment: its definition's; without one, revenue per user for
 * event logs (higher is better).
 */
function isGuardrail(metric: MetricReport, source: ExperimentFrame['source'], definition: ExperimentDefinition | null): boolean {
  if (definition) return definition.guardrails.some((g) => g.metric === metric.name);
  return source === 'events' && metric.name === 'revenue_per_user';
}

/**
 * Multiple-comparison corrections (docs/statistics.md, "Multiple comparisons"): the decision family
 * (the primary metric — the first — and the guardrails, every arm) with `settings.correction`, the
 * secondary family (every other metric) with Benjamini–Hochberg. Metrics keep their order.
 */
function correctMetrics(
  metrics: readonly MetricReport[], source: ExperimentFrame['source'], settings: AnalysisSettings,
  definition: ExperimentDefinition | null, hasGoal: boolean,
): { metrics: MetricReport[]; corrections: ReturnType<typeof correctFamily>['summary'][] } {
  const inDecision = (m: MetricReport, i: number): boolean => (i === 0 && hasGoal) || isGuardrail(m, source, definition);
  const decision = correctFamily(metrics.filter(inDecision), 'decision', settings.correction, settings.alpha, settings.cuped);
  const secondary = correctFamily(metrics.filter((m, i) => !inDecision(m, i)), 'secondary', 'benjamini-hochberg', settings.alpha, settings.cuped);
  // correctFamily keeps each family's order and every field of a metric report.
  const decided = [...decision.metrics] as MetricReport[];
  const others = [...secondary.metrics] as MetricReport[];
  return {
    metrics: metrics.map((m, i) => (inDecision(m, i) ? decided.shift() : others.shift()) ?? m),
    corrections: [decision.summary, ...(secondary.summary.metrics.length > 0 ? [secondary.summary] : [])],
  };
}

/**
 * Power of the primary metric (docs/analysis-definitions.md, "Statistics"): the units per variant
 * needed use the control's and each treatment's own variance, scaled by (1 − r) with r the CUPED
 * variance reduction of that comparison when CUPED is in force (the verdict uses the CUPED result,
 * see `effectiveComparison`); the largest requirement over the treatments is reported. The achieved
 * MDE is that of the smallest treatment arm, on the same variances.
 */
function powerReport(primary: MetricResult, armUnits: readonly number[], runtimeDays: number | null, settings: AnalysisSettings): PowerReport {
  const control = primary.variants[0];
  const treatments = primary.variants.slice(1);
  const smallestTreatment = treatments.reduce<(typeof primary.variants)[number] | undefined>(
    (smallest, v) => (!smallest || v.n < smallest.n ? v : smallest), undefined);
  const powerSettings = { alpha: settings.alpha, power: settings.power, relativeMde: settings.mde };
  /** CUPED variance reduction of the comparison with `variant` when CUPED decides, else null. */
  const reductionFor = (variant: string): number | null => {
    const c = primary.comparisons.find((x) => x.variant === variant);
    return settings.cuped && c?.cuped && c.cuped.pValue !== null ? c.cuped.varianceReduction : null;
  };
  let requiredPerVariant: number | null = null;
  if (control && control.mean !== null && control.variance !== null) {
    const perTreatment = treatments
      .filter((t) => t.variance !== null)
      .map((t) => requiredSampleSizePerArm({
        type: primary.type, mean: control.mean as number, variance: control.variance as number,
        varianceTreatment: t.variance as number, varianceReduction: reductionFor(t.variant), settings: powerSettings,
      }));
    requiredPerVariant = perTreatment.length > 0
      ? (perTreatment.some((n) => n === null) ? null : Math.max(...(perTreatment as number[])))
      : requiredSampleSizePerArm({ type: primary.type, mean: control.mean, variance: control.variance, settings: powerSettings });
  }
  const achievedMde = control && smallestTreatment && control.mean !== null && control.variance !== null && smallestTreatment.variance !== null
    ? achievedRelativeMde({
      mean: control.mean, varianceControl: control.variance, varianceTreatment: smallestTreatment.variance,
      nControl: control.n, nTreatment: smallestTreatment.n, varianceReduction: reductionFor(smallestTreatment.variant), settings: powerSettings,
    })
    : null;
  const smallest = armUnits.length > 0 ? Math.min(...armUnits) : 0;
  const unitsPerVariantPerDay = runtimeDays !== null && runtimeDays > 0 ? smallest / runtimeDays : null;
  return {
    metric: primary.name,
    relativeMde: settings.mde,
    power: settings.power,
    requiredPerVariant,
    achievedMde,
    unitsPerVariantPerDay,
    daysStillNeeded: daysStillNeeded({ requiredPerArm: requiredPerVariant, currentPerArm: smallest, unitsPerArmPerDay: unitsPerVariantPerDay }),
  };
}

/** Every imported file with its row accounting (docs/analysis-definitions.md) and rejects per reason. */
export async function importedFiles(db: Database): Promise<ImportedFileReport[]> {
  const files = await db.query(`SELECT file_id, path, sha256, shape, rows_read, rows_accepted, rows_rejected, zoneless_timestamps,
                                       imported_at FROM files ORDER BY file_id`);
  const reasons = await db.query(`SELECT file_id, reason, count(*) AS n FROM rejects GROUP BY ALL ORDER BY ALL`);
  return files.map((file) => ({
    fileId: toNumber(file.file_id)!,
    importedAt: file.imported_at instanceof Date ? file.imported_at.toISOString() : String(file.imported_at),
    path: String(file.path),
    sha256: String(file.sha256),
    shape: String(file.shape),
    rowsRead: toNumber(file.rows_read)!,
    rowsAccepted: toNumber(file.rows_accepted)!,
    rowsRejected: toNumber(file.rows_rejected)!,
    zonelessTimestamps: toNumber(file.zoneless_timestamps)!,
    rejectsByReason: Object.fromEntries(
      reasons.filter((r) => r.file_id === file.file_id).map((r) => [String(r.reason), toNumber(r.n)!]),
    ),
  }));
}

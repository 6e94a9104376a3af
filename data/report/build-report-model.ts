/**
 * Builds the decision report of one experiment (docs/reports.md) from what the analysis already
 * produced — its `ExperimentReport`, the settings it ran with, the imported files and the
 * cumulative/retention series — plus, when known, the linked ChangeSet, its audit trail and the
 * decision taken. Pure: no database, no clock (the caller passes `generatedAt`).
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { ExperimentReport, ImportedFileReport } from '../../contract/report.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import type { CumulativeColumns, RetentionColumns } from '../../contract/series.ts';
import { buildHeadline } from './headline.ts';
import {
  REPORT_SCHEMA, type CumulativePoint, type DecisionReportModel, type Provenance, type ReportAuditEvent, type ReportChangeSet,
  type ReportDecision, type ResultRow, type RetentionPoint,
} from './report-model.ts';
import { cumulativePoints, retentionPoints } from './series.ts';

export interface ReportModelInput {
  /** The experiment's analysis (one entry of `AnalysisReport.experiments`). */
  readonly experiment: ExperimentReport;
  /** The settings the analysis ran with. */
  readonly settings: AnalysisSettings;
  /** The files this experiment's analysis read (`experimentFiles`), with their row accounting. */
  readonly files: readonly ImportedFileReport[];
  /** Experiment Desk version (data/app-version.ts). */
  readonly appVersion: string;
  /** When the analysis ran (its `AnalysisReport.generatedAt`), UTC ISO-8601. */
  readonly analysedAt: string;
  /** When the report is generated, UTC ISO-8601. */
  readonly generatedAt: string;
  /** Cumulative uplift: the columns of `cumulativeUplift`, or points. */
  readonly cumulative?: CumulativeColumns | readonly CumulativePoint[] | null;
  /** Retention curve: the columns of `retentionCurve`, or points. */
  readonly retention?: RetentionColumns | readonly RetentionPoint[] | null;
  /** The linked ChangeSet (docs/changesets.md), if any. */
  readonly changeSet?: ReportChangeSet | null;
  /** Its audit trail when it came apart from the ChangeSet (`GET /v1/changesets/{id}/audit`). */
  readonly auditTrail?: readonly ReportAuditEvent[] | null;
  /** The decision taken; derived from the audit trail when not given. */
  readonly decision?: ReportDecision | null;
}

/** States that are decisions (docs/changesets.md lifecycle: the end of a measurement and after). */
const DECISION_STATES = new Set(['PROVEN', 'ROLLED_BACK', 'PERMANENT']);

/** `sha256:<hex>` over the files' digests (see `Provenance.dataHash`); null without files. */
export function dataHashOf(files: readonly { readonly sha256: string }[]): string | null {
  if (files.length === 0) return null;
  if (files.length === 1) return `sha256:${files[0]!.sha256}`;
  const joined = files.map((f) => f.sha256).sort().join('\n');
  return `sha256:${createHash('sha256').update(joined).digest('hex')}`;
}

/** One row per metric × variant with every number of the analysis, unrounded. */
export function resultRows(experiment: ExperimentReport, alpha: number): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const metric of experiment.metrics) {
    const role = metric.name === experiment.primaryMetric ? 'primary' : experiment.guardrailMetrics.includes(metric.name) ? 'guardrail' : 'secondary';
    for (const summary of metric.variants) {
      const c = metric.comparisons.find((x) => x.variant === summary.variant) ?? null;
      const cuped = c?.cuped ?? null;
      rows.push({
        experimentId: experiment.experimentId,
        metric: metric.name,
        metricType: metric.type,
        role,
        variant: summary.variant,
        isControl: summary.variant === experiment.control,
        n: summary.n,
        mean: summary.mean,
        variance: summary.variance,
        absolute: c?.absolute.estimate ?? null,
        absoluteCiLower: c?.absolute.ciLower ?? null,
        absoluteCiUpper: c?.absolute.ciUpper ?? null,
        relative: c?.relative.estimate ?? null,
        relativeCiLower: c?.relative.ciLower ?? null,
        relativeCiUpper: c?.relative.ciUpper ?? null,
        pValue: c?.pValue ?? null,
        cupedTheta: metric.theta,
        cupedAbsolute: cuped?.absolute.estimate ?? null,
        cupedAbsoluteCiLower: cuped?.absolute.ciLower ?? null,
        cupedAbsoluteCiUpper: cuped?.absolute.ciUpper ?? null,
        cupedRelative: cuped?.relative.estimate ?? null,
        cupedRelativeCiLower: cuped?.relative.ciLower ?? null,
        cupedRelativeCiUpper: cuped?.relative.ciUpper ?? null,
        cupedPValue: cuped?.pValue ?? null,
        varianceReduction: cuped?.varianceReduction ?? null,
        alpha,
        errorCode: c?.errorCode ?? cuped?.errorCode ?? metric.errorCode ?? null,
      });
    }
  }
  return rows;
}

/** The latest audit event that moved the ChangeSet into a decision state, as a decision. */
export function decisionFromAudit(trail: readonly ReportAuditEvent[]): ReportDecision | null {
  const event = [...trail].reverse().find((e) => DECISION_STATES.has(e.newState));
  if (!event) return null;
  return { to: event.newState, at: event.timestamp, actor: event.actor, reason: event.reason, sync: 'recorded' };
}

function provenance(input: ReportModelInput): Provenance {
  const files = input.files.map((f) => ({ ...f, name: basename(f.path.replaceAll('\\', '/')) }));
  const rejectsByReason: Record<string, number> = {};
  for (const f of files) for (const [reason, n] of Object.entries(f.rejectsByReason)) rejectsByReason[reason] = (rejectsByReason[reason] ?? 0) + n;
  const sum = (key: 'rowsRead' | 'rowsAccepted' | 'rowsRejected') => files.reduce((total, f) => total + f[key], 0);
  const e = input.experiment;
  return {
    files,
    totals: { rowsRead: sum('rowsRead'), rowsAccepted: sum('rowsAccepted'), rowsRejected: sum('rowsRejected'), rejectsByReason },
    dataHash: dataHashOf(files),
    window: {
      firstExposure: e.firstExposure,
      dataEnd: e.dataEnd,
      runtimeDays: e.runtimeDays,
      exposureFrom: input.settings.exposureFrom ?? null,
      exposureTo: input.settings.exposureTo ?? null,
      segment: input.settings.segment ?? null,
    },
    appVersion: input.appVersion,
    analysedAt: input.analysedAt,
  };
}

/** Series columns (an object with a `variant` column) rather than an array of points. */
function isColumns<T extends object>(series: T | readonly unknown[] | null | undefined): series is T {
  return series !== null && series !== undefined && !Array.isArray(series);
}

/**
 * The report model of one experiment. The audit trail is `input.auditTrail` when given, else the
 * ChangeSet's own, sorted oldest first; the decision is `input.decision` when given, else the
 * latest audit event into PROVEN, ROLLED_BACK or PERMANENT, else none.
 */
export function buildReportModel(input: ReportModelInput): DecisionReportModel {
  const { experiment, settings } = input;
  const cumulative = isColumns(input.cumulative) ? cumulativePoints(input.cumulative) : [...(input.cumulative ?? [])];
  const retention = isColumns(input.retention) ? retentionPoints(input.retention) : [...(input.retention ?? [])];
  const changeSet = input.changeSet ?? null;
  const auditTrail = [...(input.auditTrail ?? changeSet?.auditTrail ?? [])]
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || (a.version ?? 0) - (b.version ?? 0));
  return {
    schema: REPORT_SCHEMA,
    experimentId: experiment.experimentId,
    title: `Decision report · ${experiment.experimentId}`,
    generatedAt: input.generatedAt,
    appVersion: input.appVersion,
    headline: buildHeadline(experiment, settings.cuped, settings.alpha),
    settings,
    analysis: experiment,
    results: resultRows(experiment, settings.alpha),
    warnings: experiment.warnings,
    power: experiment.power,
    series: { cumulative, retention },
    provenance: provenance(input),
    changeSet,
    auditTrail,
    decision: input.decision !== undefined ? input.decision : decisionFromAudit(auditTrail),
  };
}

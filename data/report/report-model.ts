/**
 * The decision report's data (docs/reports.md): everything the HTML, PDF, CSV and JSON renderings show,
 * built once by `buildReportModel` (build-report-model.ts). Plain JSON-safe data: numbers that
 * could not be computed are `null` (never NaN), timestamps are UTC ISO-8601 strings.
 *
 * ChangeSet and audit types are structural subsets of docs/changesets.md (`contract/changesets/schemas.ts`
 * `ChangeSet` and `AuditEvent` are assignable to them), so a report can be built from the REST
 * API's objects, from a JSON file (`experiment-desk report --audit`) or from a local store alike.
 */
import type { AnalysisWarning, MetricType, VerdictStatus } from '../../stats/index.ts';
import type { ExperimentReport, ImportedFileReport, PowerReport } from '../../contract/report.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';

/** Identifies the JSON export's layout; bumped when a field changes meaning. */
export const REPORT_SCHEMA = 'experiment-desk/decision-report@1';

// ── ChangeSet (docs/changesets.md), as far as a report reads it ─────────────────────────────────────────

export interface ReportActor {
  /** `system` | `user` | `autopilot`. */
  readonly type: string;
  readonly id: string;
}

/** An immutable audit event (docs/changesets.md fields; `id` and `version` where the API gives them). */
export interface ReportAuditEvent {
  readonly id?: string;
  readonly changesetId: string;
  readonly storeId: string;
  /** The ChangeSet version this event produced. */
  readonly version?: number;
  /** UTC ISO-8601. */
  readonly timestamp: string;
  readonly actor: ReportActor;
  /** created, submitted, approved, rejected, activated, measured, proven, rolled_back, made_permanent. */
  readonly action: string;
  /** `execution.status` before the event; null for `created`. */
  readonly previousState: string | null;
  readonly newState: string;
  readonly reason: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A ChangeSet as a report shows it (docs/changesets.md); every part but `id`, `version`, `execution` optional. */
export interface ReportChangeSet {
  readonly id: string;
  readonly version: number;
  readonly storeId?: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
  readonly hypothesis?: {
    readonly problem: string;
    readonly expectedOutcome: string;
    readonly confidenceLevel: string;
    readonly dataEvidence?: readonly string[];
  };
  readonly actionPlan?: {
    readonly type: string;
    readonly targetSegment?: string;
    readonly implementation?: {
      readonly featureFlagKey?: string;
      readonly changes?: readonly { readonly target?: string; readonly description?: string }[];
    };
    readonly rolloutStrategy?: string;
    /** Percent of traffic [0, 100]. */
    readonly rolloutPercentage?: number;
  };
  readonly guardrails?: {
    /** Minor currency units (cents) per day. */
    readonly profitFloor?: number;
    readonly stockThreshold?: number;
    readonly sloRequirements?: readonly string[];
    readonly riskLevel?: string;
    readonly blockedConditions?: readonly string[];
  };
  readonly rollbackPlan?: {
    readonly autoRollbackTriggers?: readonly { readonly metric?: string; readonly maxRelativeDrop?: number; readonly description?: string }[];
    readonly manualRollbackEnabled?: boolean;
    readonly rollbackProcedure?: string;
    /** ISO-8601 duration, e.g. `PT5M`. */
    readonly estimatedRollbackTime?: string;
  };
  readonly proofPlan?: {
    readonly primaryMetrics?: readonly string[];
    readonly secondaryMetrics?: readonly string[];
    readonly holdoutPercentage?: number;
    readonly statisticalMethod?: string;
    readonly minimumSampleSize?: number;
    readonly measurementWindow?: string;
    readonly significanceThreshold?: number;
  };
  readonly approval?: {
    readonly status: string;
    readonly approvedBy?: string;
    readonly approvedAt?: string;
    readonly expiresAt?: string;
  };
  readonly execution: {
    /** DRAFT, PENDING_APPROVAL, ACTIVE, MEASURING, PROVEN, ROLLED_BACK, PERMANENT. */
    readonly status: string;
    readonly startedAt?: string;
    readonly endedAt?: string;
  };
  readonly auditTrail?: readonly ReportAuditEvent[];
}

/**
 * The decision taken on the experiment, if any: the ChangeSet transition it made (or queued).
 * `sync` says where it stands when it came from the offline outbox (docs/changesets.md).
 */
export interface ReportDecision {
  /** The state decided: PROVEN, ROLLED_BACK, PERMANENT, … */
  readonly to: string;
  /** UTC ISO-8601; null when unknown. */
  readonly at: string | null;
  readonly actor: ReportActor | null;
  readonly reason: string;
  /** Where the decision stands: `recorded` (in the ChangeSet's audit trail), `pending` / `failed` (outbox). */
  readonly sync: string;
}

// ── the report ───────────────────────────────────────────────────────────────────────────────

/** One row of the results: one metric × variant, every number unrounded (null = not computable). */
export interface ResultRow {
  readonly experimentId: string;
  readonly metric: string;
  readonly metricType: MetricType;
  /** `primary`, `guardrail` or `secondary`. */
  readonly role: 'primary' | 'guardrail' | 'secondary';
  readonly variant: string;
  readonly isControl: boolean;
  /** Units counted for this metric in this variant. */
  readonly n: number;
  /** Mean per unit (a rate for binomial metrics). */
  readonly mean: number | null;
  /** p(1−p) for binomial metrics, sample variance (n−1) otherwise. */
  readonly variance: number | null;
  /** mean_v − mean_c (metric unit); null on the control row. */
  readonly absolute: number | null;
  readonly absoluteCiLower: number | null;
  readonly absoluteCiUpper: number | null;
  /** (mean_v − mean_c) / mean_c as a fraction (0.05 = +5 %). */
  readonly relative: number | null;
  readonly relativeCiLower: number | null;
  readonly relativeCiUpper: number | null;
  readonly pValue: number | null;
  /** Pooled CUPED θ of the metric (same on every row of a metric); null without covariate. */
  readonly cupedTheta: number | null;
  readonly cupedAbsolute: number | null;
  readonly cupedAbsoluteCiLower: number | null;
  readonly cupedAbsoluteCiUpper: number | null;
  readonly cupedRelative: number | null;
  readonly cupedRelativeCiLower: number | null;
  readonly cupedRelativeCiUpper: number | null;
  readonly cupedPValue: number | null;
  /** Variance reduction of the difference (fraction). */
  readonly varianceReduction: number | null;
  /** Two-sided significance level; CIs are at level 1 − alpha. */
  readonly alpha: number;
  /** `stats/` error code of the metric or comparison, if any. */
  readonly errorCode: string | null;
}

/** The cumulative uplift of the primary metric at the end of one exposure day. */
export interface CumulativePoint {
  /** Epoch ms of the end of the UTC exposure day (23:59:59.999). */
  readonly day: number;
  readonly variant: string;
  /** Treatment units exposed so far. */
  readonly n: number;
  /** Relative uplift and its CI bounds (fractions); null where not computable. */
  readonly relative: number | null;
  readonly ciLower: number | null;
  readonly ciUpper: number | null;
}

/** Retention on day k after exposure among mature units. */
export interface RetentionPoint {
  /** k in 0…30. */
  readonly day: number;
  readonly variant: string;
  readonly mature: number;
  /** Share of mature units active on day k (fraction); null when none is mature. */
  readonly rate: number | null;
}

/** An imported file as the report names it (base name first: a local path is a detail). */
export interface ProvenanceFile extends ImportedFileReport {
  /** The file's base name. */
  readonly name: string;
}

export interface Provenance {
  /** Files whose rows this experiment's analysis reads (see `experimentFiles`). */
  readonly files: readonly ProvenanceFile[];
  readonly totals: {
    readonly rowsRead: number;
    readonly rowsAccepted: number;
    readonly rowsRejected: number;
    readonly rejectsByReason: Readonly<Record<string, number>>;
  };
  /**
   * `sha256:<hex>` of the data analysed, as a ChangeSet proof records it (docs/changesets.md): the file's
   * own SHA-256 for one file; for several, the SHA-256 of their sorted hex digests joined by `\n`.
   * Null when no file is known.
   */
  readonly dataHash: string | null;
  /** The analysis window: first exposure → end of the data, and the filters applied. */
  readonly window: {
    readonly firstExposure: string | null;
    readonly dataEnd: string | null;
    readonly runtimeDays: number | null;
    /** Exposure filter [from, to), UTC; null when not set. */
    readonly exposureFrom: string | null;
    readonly exposureTo: string | null;
    readonly segment: string | null;
  };
  readonly appVersion: string;
  /** When the analysis ran (UTC ISO-8601). */
  readonly analysedAt: string;
}

/** The one-sentence verdict at the top of the report. */
export interface Headline {
  readonly status: VerdictStatus;
  /** e.g. "v2 lifts conversion by +4.3% [+1.7%, +6.9%], p = 0.001, CUPED on". */
  readonly sentence: string;
  /** The analysis' own verdict reason. */
  readonly reason: string;
  readonly variant: string | null;
  /** The metric the sentence is about. */
  readonly metric: string | null;
  readonly proposedTransition: 'PROVEN' | 'ROLLED_BACK' | null;
  /** Whether the sentence's numbers are CUPED-adjusted. */
  readonly cuped: boolean;
}

export interface DecisionReportModel {
  readonly schema: typeof REPORT_SCHEMA;
  readonly experimentId: string;
  readonly title: string;
  /** When the report was generated (UTC ISO-8601). */
  readonly generatedAt: string;
  readonly appVersion: string;
  readonly headline: Headline;
  /** The settings the analysis used (α, power, MDE, thresholds, CUPED, filters). */
  readonly settings: AnalysisSettings;
  /** The experiment's analysis, as `analyze --format json` writes it. */
  readonly analysis: ExperimentReport;
  readonly results: readonly ResultRow[];
  readonly warnings: readonly AnalysisWarning[];
  readonly power: PowerReport | null;
  readonly series: {
    readonly cumulative: readonly CumulativePoint[];
    readonly retention: readonly RetentionPoint[];
  };
  readonly provenance: Provenance;
  readonly changeSet: ReportChangeSet | null;
  /** Oldest first; the ChangeSet's own trail unless given apart. */
  readonly auditTrail: readonly ReportAuditEvent[];
  readonly decision: ReportDecision | null;
}

/**
 * The ChangeSet REST API's data, as zod schemas and the TypeScript types inferred from them
 * (docs/changesets.md). `openapi.yaml` beside this file is the written contract; `test/changesets/openapi.test.ts`
 * checks, property by property, that these schemas say the same thing (required fields, types,
 * enums) and that sample objects validate under both.
 *
 * Conventions:
 * - JSON, camelCase fields; timestamps are UTC ISO-8601 strings (`2026-03-22T10:00:00.000Z`).
 * - Numbers that could not be computed are `null` (JSON has no NaN), as in the analysis report.
 * - Responses are parsed leniently (unknown fields are dropped: the server may add fields);
 *   requests are strict (an unknown field is a `validation_failed`, which catches typos).
 *
 * Where docs/changesets.md names a field without its shape, the choice is written on the field.
 */
import { z } from 'zod';

// ── lifecycle vocabulary ─────────────────────────────────────────────────────────────────────

/** `execution.status`, the ChangeSet lifecycle state (docs/changesets.md). */
export const CHANGESET_STATUSES = ['DRAFT', 'PENDING_APPROVAL', 'ACTIVE', 'MEASURING', 'PROVEN', 'ROLLED_BACK', 'PERMANENT'] as const;
export const changeSetStatusSchema = z.enum(CHANGESET_STATUSES);
export type ChangeSetStatus = z.infer<typeof changeSetStatusSchema>;

/**
 * Audit actions. docs/changesets.md lists created, approved, rejected, activated, measured, proven,
 * rolled_back, made_permanent; it names no action for DRAFT → PENDING_APPROVAL, for which this
 * contract adds `submitted`. See `contract/changesets/lifecycle.ts` for which transition writes
 * which action (`activated` is part of the vocabulary but not written by this lifecycle).
 */
export const AUDIT_ACTIONS = [
  'created', 'submitted', 'approved', 'rejected', 'activated', 'measured', 'proven', 'rolled_back', 'made_permanent',
] as const;
export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof auditActionSchema>;

/** Who did something: a person, the Profit Engine itself, or its autopilot. */
export const actorSchema = z.object({
  type: z.enum(['system', 'user', 'autopilot']),
  id: z.string().min(1).max(200),
});
export type Actor = z.infer<typeof actorSchema>;

const isoDateTime = z.iso.datetime({ offset: true });
const nullableNumber = z.number().nullable();

// ── proofResult ──────────────────────────────────────────────────────────────────────────────

/** A point estimate with its two-sided CI at level 1 − α; nulls where not computable. */
export const intervalSchema = z.object({
  estimate: nullableNumber,
  ciLower: nullableNumber,
  ciUpper: nullableNumber,
});
export type ProofInterval = z.infer<typeof intervalSchema>;

/** One arm as analysed: units and the unadjusted estimate (mean or rate, and its variance). */
export const proofVariantSchema = z.object({
  variant: z.string().min(1),
  isControl: z.boolean(),
  n: z.number().int().nonnegative(),
  /** Mean per unit (rate for binomial metrics; cents for revenue). */
  mean: nullableNumber,
  /** Reported variance: p(1−p) for binomial metrics, sample variance (n−1) otherwise. */
  variance: nullableNumber,
});
export type ProofVariant = z.infer<typeof proofVariantSchema>;

/** One treatment arm against control, with the numbers the decision is taken on. */
export const proofComparisonSchema = z.object({
  variant: z.string().min(1),
  /** mean_v − mean_c, in the metric's unit. */
  absoluteUplift: intervalSchema,
  /** Δ / mean_c as a fraction (0.05 = +5 %). */
  relativeUplift: intervalSchema,
  pValue: nullableNumber,
  /** Whether these are CUPED-adjusted numbers. */
  adjusted: z.boolean(),
});
export type ProofComparison = z.infer<typeof proofComparisonSchema>;

export const proofWarningSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  metric: z.string().optional(),
  variant: z.string().optional(),
});

/**
 * The evidence a PROVEN / ROLLED_BACK decision is taken on (docs/changesets.md `proofResult`), built by
 * `data/changesets/proof.ts` from the analysis report. The top-level uplift, p-value and CUPED
 * fields are those of `variant` (the arm the decision is about); `comparisons` has every
 * treatment arm.
 */
export const proofResultSchema = z.object({
  experimentId: z.string().min(1),
  /** The metric the decision rests on: the primary metric, or the breached guardrail of a loser. */
  metric: z.string().min(1),
  metricType: z.enum(['binomial', 'continuous', 'ratio']),
  /** `cuped` when the decisive comparison is CUPED-adjusted, else `frequentist`. */
  method: z.enum(['cuped', 'frequentist']),
  /** Two-sided significance level of the analysis. */
  alpha: z.number().gt(0).lt(1),
  control: z.string().min(1),
  /** The treatment arm decided on; null when the experiment has no treatment arm. */
  variant: z.string().min(1).nullable(),
  variants: z.array(proofVariantSchema),
  absoluteUplift: intervalSchema,
  relativeUplift: intervalSchema,
  pValue: nullableNumber,
  /** CUPED θ and the variance reduction of the difference (fraction); null when not used. */
  cuped: z.object({ theta: nullableNumber, varianceReduction: nullableNumber }).nullable(),
  comparisons: z.array(proofComparisonSchema),
  warnings: z.array(proofWarningSchema),
  verdict: z.object({
    status: z.enum(['winner', 'loser', 'inconclusive', 'not_ready']),
    reason: z.string(),
  }),
  /** First exposure → end of the data (UTC); nulls for data without timestamps. */
  analysisWindow: z.object({ start: isoDateTime.nullable(), end: isoDateTime.nullable() }),
  /**
   * `sha256:<hex>` of the data analysed: the file's own SHA-256 for one file; for several, the
   * SHA-256 of their sorted hex digests joined by `\n`.
   */
  dataHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** The files behind `dataHash`: base name (never the local path), SHA-256, accepted rows. */
  dataFiles: z.array(z.object({ name: z.string(), sha256: z.string(), rowsAccepted: z.number().int().nonnegative() })),
  /** Experiment Desk version that computed the proof. */
  appVersion: z.string().min(1),
  generatedAt: isoDateTime,
});
export type ProofResult = z.infer<typeof proofResultSchema>;

// ── the ChangeSet ────────────────────────────────────────────────────────────────────────────

export const levelSchema = z.enum(['low', 'medium', 'high']);

export const hypothesisSchema = z.object({
  problem: z.string().min(1),
  expectedOutcome: z.string().min(1),
  confidenceLevel: levelSchema,
  /** Short statements of the evidence behind the hypothesis. */
  dataEvidence: z.array(z.string()),
});

/** One concrete change the plan makes (e.g. target `checkout.layout`, what changes). */
export const implementationChangeSchema = z.object({
  target: z.string().min(1),
  description: z.string().min(1),
});

export const actionPlanSchema = z.object({
  type: z.enum(['feature_flag', 'workflow', 'copy_change', 'timing_change', 'segment_target']),
  targetSegment: z.string().min(1),
  implementation: z.object({
    /** Equal to an experiment id, it links the experiment to this ChangeSet (docs/changesets.md). */
    featureFlagKey: z.string().min(1).optional(),
    changes: z.array(implementationChangeSchema),
  }),
  rolloutStrategy: z.enum(['immediate', 'gradual', 'holdout']),
  /** Share of traffic in percent [0, 100]. */
  rolloutPercentage: z.number().min(0).max(100).optional(),
});

export const guardrailsSchema = z.object({
  /** Profit floor in the store's minor currency units (cents) per day; below it the change is blocked. */
  profitFloor: z.number(),
  /** Units of stock below which the change is blocked. */
  stockThreshold: z.number().optional(),
  sloRequirements: z.array(z.string()),
  riskLevel: levelSchema,
  blockedConditions: z.array(z.string()),
});

/** A metric watched while the change runs: a relative drop beyond `maxRelativeDrop` rolls back. */
export const autoRollbackTriggerSchema = z.object({
  metric: z.string().min(1),
  /** Fraction: 0.05 = a drop of more than 5 % against control triggers the rollback. */
  maxRelativeDrop: z.number().gt(0),
  description: z.string(),
});

export const rollbackPlanSchema = z.object({
  autoRollbackTriggers: z.array(autoRollbackTriggerSchema),
  manualRollbackEnabled: z.boolean(),
  rollbackProcedure: z.string(),
  /** ISO-8601 duration, e.g. `PT5M`. */
  estimatedRollbackTime: z.string(),
});

export const proofPlanSchema = z.object({
  primaryMetrics: z.array(z.string()),
  secondaryMetrics: z.array(z.string()),
  /** Percent of traffic held out [0, 100]. */
  holdoutPercentage: z.number().min(0).max(100),
  statisticalMethod: z.enum(['cuped', 'bayesian', 'frequentist']),
  minimumSampleSize: z.number().int().nonnegative(),
  /** ISO-8601 duration, e.g. `P14D`. */
  measurementWindow: z.string(),
  /** α, e.g. 0.05. */
  significanceThreshold: z.number().gt(0).lt(1),
});

export const approvalSchema = z.object({
  status: z.enum(['pending', 'approved', 'rejected', 'expired']),
  approvedBy: z.string().optional(),
  approvedAt: isoDateTime.optional(),
  /** Set on submission: when PENDING_APPROVAL expires back to DRAFT. */
  expiresAt: isoDateTime.optional(),
});
export type Approval = z.infer<typeof approvalSchema>;

export const executionSchema = z.object({
  status: changeSetStatusSchema,
  /** When the change went live (→ ACTIVE). */
  startedAt: isoDateTime.optional(),
  /** When the measurement ended (→ PROVEN or ROLLED_BACK). */
  endedAt: isoDateTime.optional(),
  /** Latest observed metric values, by metric name. */
  currentMetrics: z.record(z.string(), z.number()).optional(),
  proofResult: proofResultSchema.optional(),
});
export type Execution = z.infer<typeof executionSchema>;

/** An immutable audit event; one per lifecycle step (docs/changesets.md). `id` and `version` are additions. */
export const auditEventSchema = z.object({
  id: z.string().min(1),
  changesetId: z.string().min(1),
  storeId: z.string().min(1),
  /** The ChangeSet version this event produced. */
  version: z.number().int().positive(),
  timestamp: isoDateTime,
  actor: actorSchema,
  action: auditActionSchema,
  /** null for `created`. */
  previousState: changeSetStatusSchema.nullable(),
  newState: changeSetStatusSchema,
  reason: z.string(),
  /** Anything else: request and idempotency ids, confirmation, expiry. */
  metadata: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const changeSetSchema = z.object({
  id: z.string().min(1),
  /** Starts at 1; increments on every change. */
  version: z.number().int().positive(),
  storeId: z.string().min(1),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  hypothesis: hypothesisSchema,
  actionPlan: actionPlanSchema,
  guardrails: guardrailsSchema,
  rollbackPlan: rollbackPlanSchema,
  proofPlan: proofPlanSchema,
  approval: approvalSchema,
  execution: executionSchema,
  /** Oldest first. */
  auditTrail: z.array(auditEventSchema),
});
export type ChangeSet = z.infer<typeof changeSetSchema>;

// ── requests ─────────────────────────────────────────────────────────────────────────────────

/** `POST /v1/changesets`: a new ChangeSet, created as DRAFT (version 1, one `created` event). */
export const createChangeSetRequestSchema = z.object({
  storeId: z.string().min(1),
  hypothesis: hypothesisSchema,
  actionPlan: actionPlanSchema,
  guardrails: guardrailsSchema,
  rollbackPlan: rollbackPlanSchema,
  proofPlan: proofPlanSchema,
  actor: actorSchema,
  reason: z.string().max(2000).optional(),
}).strict();
export type CreateChangeSetRequest = z.infer<typeof createChangeSetRequestSchema>;

/**
 * `POST /v1/changesets/{id}/transitions`. `expectedVersion` is the version the caller saw
 * (409 `version_conflict` when the ChangeSet has moved); `confirm: true` is the explicit
 * confirmation ROLLED_BACK → PERMANENT requires; `proofResult` is required for PROVEN and
 * accepted for ROLLED_BACK only.
 */
export const transitionRequestSchema = z.object({
  to: changeSetStatusSchema,
  expectedVersion: z.number().int().positive(),
  reason: z.string().min(1).max(2000),
  actor: actorSchema,
  proofResult: proofResultSchema.optional(),
  confirm: z.boolean().optional(),
}).strict();
export type TransitionRequest = z.infer<typeof transitionRequestSchema>;

// ── envelopes ────────────────────────────────────────────────────────────────────────────────

/**
 * Stable error codes (docs/changesets.md) and their HTTP statuses. `internal_error` (500) is an addition:
 * docs/changesets.md names no code for a server failure.
 */
export const API_ERROR_STATUS = {
  validation_failed: 422,
  invalid_transition: 422,
  idempotency_key_reused: 422,
  version_conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
  internal_error: 500,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;
export const API_ERROR_CODES = Object.keys(API_ERROR_STATUS) as ApiErrorCode[];
export const apiErrorCodeSchema = z.enum(API_ERROR_CODES as [ApiErrorCode, ...ApiErrorCode[]]);

/**
 * `{ error: { code, message, details, request_id } }`. The client reads `code` as any string so
 * that a code added by the server later still surfaces.
 */
export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
    request_id: z.string(),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

export const metaSchema = z.record(z.string(), z.unknown());

/** `{ data: ChangeSet, meta }` (get, create, transition). */
export const changeSetEnvelopeSchema = z.object({ data: changeSetSchema, meta: metaSchema });

/** `{ data: ChangeSet[], meta: { nextCursor, limit } }`; `nextCursor` null on the last page. */
export const changeSetListEnvelopeSchema = z.object({
  data: z.array(changeSetSchema),
  meta: z.object({ nextCursor: z.string().nullable(), limit: z.number().int().positive() }),
});

/** `{ data: AuditEvent[], meta }`, oldest first. */
export const auditListEnvelopeSchema = z.object({ data: z.array(auditEventSchema), meta: metaSchema });

/** Default and largest `limit` of `GET /v1/changesets`. */
export const LIST_LIMIT_DEFAULT = 50;
export const LIST_LIMIT_MAX = 200;

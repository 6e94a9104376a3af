/**
 * Demo content of the reference ChangeSet API: ChangeSets for the bundled demo experiments
 * (`checkout-redesign`, `spring-offer`: `actionPlan.implementation.featureFlagKey` equals the
 * experiment id, state MEASURING) and a few in every other state, each with an audit trail
 * produced by the lifecycle itself. Also the builders tests use to make their own ChangeSets.
 */
import {
  applyTransition, createDraft, type Applied, type ApplyContext,
} from '../../contract/changesets/lifecycle.ts';
import type {
  Actor, AuditEvent, ChangeSet, ChangeSetStatus, CreateChangeSetRequest, ProofResult,
} from '../../contract/changesets/schemas.ts';

const DAY_MS = 86_400_000;

/** The demo store every seeded ChangeSet belongs to. */
export const DEMO_STORE_ID = 'store-eu-1';

/** Options of `changeSetRequest`: the fields tests vary. */
export interface ChangeSetRequestOptions {
  readonly featureFlagKey?: string;
  readonly storeId?: string;
  readonly problem?: string;
  readonly expectedOutcome?: string;
  readonly type?: CreateChangeSetRequest['actionPlan']['type'];
  readonly targetSegment?: string;
  readonly primaryMetric?: string;
  readonly actor?: Actor;
}

/** A complete, valid create request (docs/changesets.md fields), with `options` applied. */
export function changeSetRequest(options: ChangeSetRequestOptions = {}): CreateChangeSetRequest {
  const primary = options.primaryMetric ?? 'conversion';
  return {
    storeId: options.storeId ?? DEMO_STORE_ID,
    hypothesis: {
      problem: options.problem ?? 'Checkout abandons at the shipping step',
      expectedOutcome: options.expectedOutcome ?? `+10 % ${primary}`,
      confidenceLevel: 'medium',
      dataEvidence: ['38 % of sessions that reach shipping leave', 'session recordings show the address form scrolled off-screen'],
    },
    actionPlan: {
      type: options.type ?? 'feature_flag',
      targetSegment: options.targetSegment ?? 'all visitors',
      implementation: {
        ...(options.featureFlagKey !== undefined && { featureFlagKey: options.featureFlagKey }),
        changes: [{ target: 'checkout.layout', description: 'single-page checkout with the address form first' }],
      },
      rolloutStrategy: 'holdout',
      rolloutPercentage: 50,
    },
    guardrails: {
      profitFloor: 250_000,
      sloRequirements: ['checkout p95 latency < 800 ms', 'payment error rate < 0.5 %'],
      riskLevel: 'medium',
      blockedConditions: ['stock of any promoted SKU below threshold'],
    },
    rollbackPlan: {
      autoRollbackTriggers: [{ metric: 'revenue_per_user', maxRelativeDrop: 0.05, description: 'DEVIATION > 5% = AUTO-KILL' }],
      manualRollbackEnabled: true,
      rollbackProcedure: 'switch the feature flag off; carts keep their items',
      estimatedRollbackTime: 'PT5M',
    },
    proofPlan: {
      primaryMetrics: [primary],
      secondaryMetrics: ['revenue_per_user', 'retention_d1'],
      holdoutPercentage: 50,
      statisticalMethod: 'cuped',
      minimumSampleSize: 1000,
      measurementWindow: 'P14D',
      significanceThreshold: 0.05,
    },
    actor: options.actor ?? { type: 'user', id: 'pm@example.com' },
  };
}

/** A valid proofResult for tests and seeds (numbers of a plausible conversion win). */
export function sampleProofResult(experimentId: string, overrides: Partial<ProofResult> = {}): ProofResult {
  return {
    experimentId,
    metric: 'conversion',
    metricType: 'binomial',
    method: 'cuped',
    alpha: 0.05,
    control: 'control',
    variant: 'treatment',
    variants: [
      { variant: 'control', isControl: true, n: 10_412, mean: 0.1003, variance: 0.1003 * 0.8997 },
      { variant: 'treatment', isControl: false, n: 10_388, mean: 0.1231, variance: 0.1231 * 0.8769 },
    ],
    absoluteUplift: { estimate: 0.0228, ciLower: 0.0141, ciUpper: 0.0315 },
    relativeUplift: { estimate: 0.2273, ciLower: 0.1366, ciUpper: 0.318 },
    pValue: 2.1e-7,
    cuped: { theta: 0.41, varianceReduction: 0.12 },
    comparisons: [{
      variant: 'treatment',
      absoluteUplift: { estimate: 0.0228, ciLower: 0.0141, ciUpper: 0.0315 },
      relativeUplift: { estimate: 0.2273, ciLower: 0.1366, ciUpper: 0.318 },
      pValue: 2.1e-7,
      adjusted: true,
    }],
    warnings: [],
    verdict: { status: 'winner', reason: 'treatment lifts conversion by +22.7% [+13.7%, +31.8%], p < 0.0001, CUPED-adjusted.' },
    analysisWindow: { start: '2026-03-02T00:00:00.000Z', end: '2026-03-22T23:59:59.000Z' },
    dataHash: `sha256:${'ab'.repeat(32)}`,
    dataFiles: [{ name: 'events.csv', sha256: 'ab'.repeat(32), rowsAccepted: 290_000 }],
    appVersion: '0.1.0',
    generatedAt: '2026-03-23T09:00:00.000Z',
    ...overrides,
  };
}

/** The canonical path from DRAFT to each state. */
const PATH_TO: Record<ChangeSetStatus, readonly ChangeSetStatus[]> = {
  DRAFT: [],
  PENDING_APPROVAL: ['PENDING_APPROVAL'],
  ACTIVE: ['PENDING_APPROVAL', 'ACTIVE'],
  MEASURING: ['PENDING_APPROVAL', 'ACTIVE', 'MEASURING'],
  PROVEN: ['PENDING_APPROVAL', 'ACTIVE', 'MEASURING', 'PROVEN'],
  ROLLED_BACK: ['PENDING_APPROVAL', 'ACTIVE', 'MEASURING', 'ROLLED_BACK'],
  PERMANENT: ['PENDING_APPROVAL', 'ACTIVE', 'MEASURING', 'PROVEN', 'PERMANENT'],
};

const STEP_REASON: Record<ChangeSetStatus, string> = {
  DRAFT: 'back to draft',
  PENDING_APPROVAL: 'ready for review',
  ACTIVE: 'approved: guardrails and rollback plan reviewed',
  MEASURING: 'rollout reached the planned holdout split; measuring',
  PROVEN: 'primary metric significantly up, no guardrail breached',
  ROLLED_BACK: 'revenue per user down beyond the guardrail',
  PERMANENT: 'made permanent',
};

/** Options of `walkTo`. */
export interface WalkOptions {
  readonly id: string;
  /** When the ChangeSet is created; each later step is `stepMs` later (default one day). */
  readonly start: Date;
  readonly stepMs?: number;
  /** Makes audit event ids (default `${id}-evt-${n}`). */
  readonly eventId?: (n: number) => string;
  readonly approvalTimeoutMs?: number;
  readonly experimentId?: string;
}

/**
 * A ChangeSet created from `request` and moved along the canonical path to `target`, with one
 * audit event per step (approvals by `lead@example.com`, measuring and verdicts by the system).
 * @throws Error if a step is refused (a bug in the path table).
 */
export function walkTo(request: CreateChangeSetRequest, target: ChangeSetStatus, options: WalkOptions): { changeset: ChangeSet; events: AuditEvent[] } {
  const stepMs = options.stepMs ?? DAY_MS;
  const eventId = options.eventId ?? ((n: number) => `${options.id}-evt-${n}`);
  const context = (n: number): ApplyContext => ({
    now: new Date(options.start.getTime() + n * stepMs),
    eventId: eventId(n),
    ...(options.approvalTimeoutMs !== undefined && { approvalTimeoutMs: options.approvalTimeoutMs }),
    metadata: { seeded: true },
  });
  let current: Applied = createDraft(request, { ...context(0), id: options.id });
  const events: AuditEvent[] = [current.event];
  for (const [index, to] of PATH_TO[target].entries()) {
    const actor: Actor = to === 'ACTIVE' ? { type: 'user', id: 'lead@example.com' } : to === 'PENDING_APPROVAL' ? request.actor : { type: 'system', id: 'profit-engine' };
    const needsProof = to === 'PROVEN' || to === 'ROLLED_BACK';
    const result = applyTransition(current.changeset, {
      to,
      expectedVersion: current.changeset.version,
      reason: STEP_REASON[to],
      actor,
      confirm: true,
      ...(needsProof && {
        proofResult: sampleProofResult(options.experimentId ?? options.id, to === 'ROLLED_BACK'
          ? { verdict: { status: 'loser', reason: 'revenue per user down 7.9% [−12.1%, −3.7%], p = 0.0003' } }
          : {}),
      }),
    }, context(index + 1));
    if (!result.ok) throw new Error(`seed ${options.id}: ${result.error.message}`);
    current = result;
    events.push(result.event);
  }
  return { changeset: current.changeset, events };
}

/**
 * The demo ChangeSets, as of `now`: the two demo experiments in MEASURING (linked by
 * featureFlagKey) and one ChangeSet in each other state. The PENDING_APPROVAL one was submitted
 * a day before `now` (it expires 6 days after `now` with the default timeout).
 */
export function demoChangeSets(now: Date, approvalTimeoutMs?: number): { changeset: ChangeSet; events: AuditEvent[] }[] {
  const daysAgo = (days: number): Date => new Date(now.getTime() - days * DAY_MS);
  const timeout = approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs };
  return [
    walkTo(changeSetRequest({
      featureFlagKey: 'checkout-redesign',
      problem: 'Checkout abandons at the shipping step',
      expectedOutcome: '+15 % checkout conversion',
    }), 'MEASURING', { id: 'chg_checkout_redesign', start: daysAgo(24), ...timeout }),
    walkTo(changeSetRequest({
      featureFlagKey: 'spring-offer',
      problem: 'Annual plans sell poorly outside the January sale',
      expectedOutcome: '+20 % revenue per user from plan discounts',
      type: 'segment_target',
      targetSegment: 'new and returning visitors on the pricing page',
      primaryMetric: 'revenue_per_user',
    }), 'MEASURING', { id: 'chg_spring_offer', start: daysAgo(23), ...timeout }),
    walkTo(changeSetRequest({
      featureFlagKey: 'free-shipping-threshold',
      problem: 'Average order value sits just below the free-shipping threshold',
      expectedOutcome: '+6 % average order value',
      primaryMetric: 'aov',
    }), 'DRAFT', { id: 'chg_free_shipping_threshold', start: daysAgo(2), ...timeout }),
    walkTo(changeSetRequest({
      featureFlagKey: 'loyalty-banner',
      problem: 'Few returning customers know their loyalty balance',
      expectedOutcome: '+3 points D7 retention',
      type: 'copy_change',
      primaryMetric: 'retention_d7',
    }), 'PENDING_APPROVAL', { id: 'chg_loyalty_banner', start: daysAgo(2), ...timeout }),
    walkTo(changeSetRequest({
      problem: 'Carts abandoned overnight are never recovered',
      expectedOutcome: '+8 % recovered carts',
      type: 'workflow',
      targetSegment: 'logged-in customers with an abandoned cart',
    }), 'ACTIVE', { id: 'chg_cart_reminder', start: daysAgo(6), ...timeout }),
    walkTo(changeSetRequest({
      featureFlagKey: 'pdp-copy-refresh',
      problem: 'Product pages describe features, not outcomes',
      expectedOutcome: '+5 % add-to-cart',
      type: 'copy_change',
    }), 'PROVEN', { id: 'chg_pdp_copy_refresh', start: daysAgo(40), stepMs: 5 * DAY_MS, experimentId: 'pdp-copy-refresh', ...timeout }),
    walkTo(changeSetRequest({
      featureFlagKey: 'night-discount',
      problem: 'Night-time traffic converts at half the daytime rate',
      expectedOutcome: '+10 % night conversion without margin loss',
      type: 'timing_change',
      targetSegment: 'visitors between 22:00 and 06:00 local time',
    }), 'ROLLED_BACK', { id: 'chg_night_discount', start: daysAgo(35), stepMs: 4 * DAY_MS, experimentId: 'night-discount', ...timeout }),
  ];
}

/**
 * ChangeSet fixtures for store tests (docs/changesets.md shapes, plausible values): a ChangeSet in any
 * state, a proofResult, an outbox item, a detail view and a decision proposal, each with
 * overrides.
 */
import type {
  AllowedTransitionView, ChangeSetDetailView, DecisionProposal, OutboxItem,
} from '../../../contract/changesets/decisions.ts';
import type { ChangeSet, ChangeSetStatus, ProofResult } from '../../../contract/changesets/schemas.ts';

export function changeSet(id: string, status: ChangeSetStatus = 'MEASURING', overrides: Partial<ChangeSet> = {}): ChangeSet {
  return {
    id,
    version: 4,
    storeId: 'store-eu-1',
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-04T00:00:00.000Z',
    hypothesis: { problem: 'Checkout abandons at the shipping step', expectedOutcome: '+15 % conversion', confidenceLevel: 'medium', dataEvidence: ['38 % leave at shipping'] },
    actionPlan: {
      type: 'feature_flag', targetSegment: 'all visitors', rolloutStrategy: 'holdout', rolloutPercentage: 50,
      implementation: { featureFlagKey: 'checkout-redesign', changes: [{ target: 'checkout.layout', description: 'single page' }] },
    },
    guardrails: { profitFloor: 250_000, sloRequirements: ['p95 < 800 ms'], riskLevel: 'medium', blockedConditions: [] },
    rollbackPlan: {
      autoRollbackTriggers: [{ metric: 'revenue_per_user', maxRelativeDrop: 0.05, description: 'DEVIATION > 5% = AUTO-KILL' }],
      manualRollbackEnabled: true, rollbackProcedure: 'flag off', estimatedRollbackTime: 'PT5M',
    },
    proofPlan: {
      primaryMetrics: ['conversion'], secondaryMetrics: [], holdoutPercentage: 50, statisticalMethod: 'cuped',
      minimumSampleSize: 1000, measurementWindow: 'P14D', significanceThreshold: 0.05,
    },
    approval: { status: 'approved', approvedBy: 'lead@example.com', approvedAt: '2026-03-02T00:00:00.000Z' },
    execution: { status },
    auditTrail: [],
    ...overrides,
  };
}

export function proofResult(overrides: Partial<ProofResult> = {}): ProofResult {
  return {
    experimentId: 'checkout-redesign', metric: 'conversion', metricType: 'binomial', method: 'cuped', alpha: 0.05,
    control: 'control', variant: 'treatment',
    variants: [
      { variant: 'control', isControl: true, n: 10_000, mean: 0.1, variance: 0.09 },
      { variant: 'treatment', isControl: false, n: 10_000, mean: 0.12, variance: 0.1056 },
    ],
    absoluteUplift: { estimate: 0.02, ciLower: 0.01, ciUpper: 0.03 },
    relativeUplift: { estimate: 0.2, ciLower: 0.1, ciUpper: 0.3 },
    pValue: 1e-6,
    cuped: { theta: 0.4, varianceReduction: 0.12 },
    comparisons: [],
    warnings: [],
    verdict: { status: 'winner', reason: 'treatment lifts conversion' },
    analysisWindow: { start: '2026-03-02T00:00:00.000Z', end: '2026-03-22T00:00:00.000Z' },
    dataHash: `sha256:${'ab'.repeat(32)}`,
    dataFiles: [],
    appVersion: '0.1.0',
    generatedAt: '2026-03-23T00:00:00.000Z',
    ...overrides,
  };
}

export function outboxItem(id: string, overrides: Partial<OutboxItem> = {}): OutboxItem {
  return {
    id,
    changesetId: 'chg_checkout_redesign',
    experimentId: 'checkout-redesign',
    idempotencyKey: `key-${id}`,
    request: { to: 'PROVEN', expectedVersion: 4, reason: 'winner', actor: { type: 'user', id: 'analyst' } },
    state: 'queued',
    attempts: 0,
    nextAttemptAt: null,
    lastError: null,
    conflict: null,
    result: null,
    createdAt: '2026-03-24T10:00:00.000Z',
    updatedAt: '2026-03-24T10:00:00.000Z',
    ...overrides,
  };
}

const STEPS: Record<ChangeSetStatus, AllowedTransitionView[]> = {
  DRAFT: [{ to: 'PENDING_APPROVAL', action: 'submitted', requiresConfirmation: false, proof: 'refused' }],
  PENDING_APPROVAL: [
    { to: 'ACTIVE', action: 'approved', requiresConfirmation: false, proof: 'refused' },
    { to: 'DRAFT', action: 'rejected', requiresConfirmation: false, proof: 'refused' },
  ],
  ACTIVE: [{ to: 'MEASURING', action: 'measured', requiresConfirmation: false, proof: 'refused' }],
  MEASURING: [
    { to: 'PROVEN', action: 'proven', requiresConfirmation: false, proof: 'required' },
    { to: 'ROLLED_BACK', action: 'rolled_back', requiresConfirmation: false, proof: 'optional' },
  ],
  PROVEN: [{ to: 'PERMANENT', action: 'made_permanent', requiresConfirmation: false, proof: 'refused' }],
  ROLLED_BACK: [{ to: 'PERMANENT', action: 'made_permanent', requiresConfirmation: true, proof: 'refused' }],
  PERMANENT: [],
};

export function detail(changeset: ChangeSet, overrides: Partial<ChangeSetDetailView> = {}): ChangeSetDetailView {
  return {
    changeset, audit: changeset.auditTrail, allowedTransitions: STEPS[changeset.execution.status], autoRollbackArmed: false,
    linkedExperiments: [], outbox: [], source: 'api', fetchedAt: '2026-03-24T10:00:00.000Z', offlineReason: null, ...overrides,
  };
}

export function proposal(overrides: Partial<DecisionProposal> = {}): DecisionProposal {
  const changeset = changeSet('chg_checkout_redesign');
  return {
    experimentId: 'checkout-redesign',
    link: { experimentId: 'checkout-redesign', changesetId: changeset.id, source: 'feature_flag' },
    changeset, source: 'api', offlineReason: null, to: 'PROVEN', reason: 'Proven (checkout-redesign, winner)',
    proofResult: proofResult(), expectedVersion: 4, blockedReason: null, candidates: [], ...overrides,
  };
}

/**
 * The ChangeSet lifecycle (contract/changesets/lifecycle.ts, docs/changesets.md) as a specification: the
 * legal path and its audit events, every illegal transition refused with a clear message, the
 * explicit confirmation, approval expiry; and, as properties over random walks, that no walk
 * reaches a state by an edge that does not exist, that versions only go up by one, and that every
 * accepted step appends exactly one audit event.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_APPROVAL_TIMEOUT_MS, TRANSITIONS, allowedTransitions, applyTransition, checkTransition, createDraft, expireApproval,
  isAutoRollbackArmed, isExpired, transitionRule, uniqueSourceState, type Applied,
} from '../../contract/changesets/lifecycle.ts';
import { CHANGESET_STATUSES, changeSetSchema, type ChangeSet, type ChangeSetStatus } from '../../contract/changesets/schemas.ts';
import { changeSetRequest, sampleProofResult, walkTo } from '../reference-api/seed.ts';

const T0 = new Date('2026-03-01T09:00:00Z');
const user = { type: 'user' as const, id: 'analyst@example.com' };
let eventCounter = 0;
const context = (now: Date = T0) => ({ now, eventId: `evt-${++eventCounter}` });

function draft(): ChangeSet {
  return createDraft(changeSetRequest({ featureFlagKey: 'checkout-redesign' }), { ...context(), id: 'chg_1' }).changeset;
}

function step(changeset: ChangeSet, to: ChangeSetStatus, extra: { confirm?: boolean; proof?: boolean; now?: Date } = {}): Applied {
  const result = applyTransition(changeset, {
    to, expectedVersion: changeset.version, reason: `to ${to}`, actor: user,
    ...(extra.proof && { proofResult: sampleProofResult('checkout-redesign') }),
    ...(extra.confirm !== undefined && { confirm: extra.confirm }),
  }, context(extra.now));
  if (!result.ok) throw new Error(result.error.message);
  return result;
}

describe('ChangeSet lifecycle', () => {
  it('walks DRAFT → PENDING_APPROVAL → ACTIVE → MEASURING → PROVEN → PERMANENT with one audit event per step', () => {
    let changeset = draft();
    expect(changeset.version).toBe(1);
    expect(changeset.auditTrail.map((e) => e.action)).toEqual(['created']);
    for (const [to, proof] of [['PENDING_APPROVAL', false], ['ACTIVE', false], ['MEASURING', false], ['PROVEN', true], ['PERMANENT', false]] as const) {
      changeset = step(changeset, to, { proof }).changeset;
    }
    expect(changeset.version).toBe(6);
    expect(changeset.auditTrail.map((e) => [e.action, e.previousState, e.newState, e.version])).toEqual([
      ['created', null, 'DRAFT', 1],
      ['submitted', 'DRAFT', 'PENDING_APPROVAL', 2],
      ['approved', 'PENDING_APPROVAL', 'ACTIVE', 3],
      ['measured', 'ACTIVE', 'MEASURING', 4],
      ['proven', 'MEASURING', 'PROVEN', 5],
      ['made_permanent', 'PROVEN', 'PERMANENT', 6],
    ]);
    expect(changeset.approval).toMatchObject({ status: 'approved', approvedBy: user.id });
    expect(changeset.execution.proofResult?.experimentId).toBe('checkout-redesign');
    expect(changeset.execution.startedAt).toBeDefined();
    expect(changeset.execution.endedAt).toBeDefined();
    expect(changeSetSchema.safeParse(changeset).success).toBe(true);
    expect(allowedTransitions(changeset, T0)).toEqual([]);
  });

  it('refuses every transition that is not in the table, naming what is allowed', () => {
    const changeset = walkTo(changeSetRequest(), 'MEASURING', { id: 'chg_m', start: T0 }).changeset;
    const refused = checkTransition(changeset, 'ACTIVE');
    expect(refused).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'invalid_transition', message: 'ChangeSet chg_m is MEASURING: MEASURING → ACTIVE is not a ChangeSet transition (allowed from MEASURING: PROVEN, ROLLED_BACK)' }),
    });
    const permanent = walkTo(changeSetRequest(), 'PERMANENT', { id: 'chg_p', start: T0 }).changeset;
    const final = checkTransition(permanent, 'DRAFT');
    expect(!final.ok && final.error.message).toContain('PERMANENT is final');
    for (const from of CHANGESET_STATUSES) {
      for (const to of CHANGESET_STATUSES) {
        const legal = TRANSITIONS.some((r) => r.from === from && r.to === to);
        const result = checkTransition({ id: 'x', execution: { status: from }, approval: { status: 'pending' } }, to, { confirm: true, hasProof: to === 'PROVEN' || to === 'ROLLED_BACK' });
        expect(result.ok, `${from} → ${to}`).toBe(legal);
      }
    }
  });

  it('makes a rollback permanent only with explicit confirmation', () => {
    const rolledBack = walkTo(changeSetRequest(), 'ROLLED_BACK', { id: 'chg_rb', start: T0 }).changeset;
    const without = applyTransition(rolledBack, { to: 'PERMANENT', expectedVersion: rolledBack.version, reason: 'done', actor: user }, context());
    expect(without.ok).toBe(false);
    expect(!without.ok && without.error).toMatchObject({ code: 'invalid_transition', details: { confirmationRequired: true } });
    expect(!without.ok && without.error.message).toContain('confirm: true');
    const confirmed = step(rolledBack, 'PERMANENT', { confirm: true });
    expect(confirmed.event).toMatchObject({ action: 'made_permanent', previousState: 'ROLLED_BACK', metadata: { confirmed: true } });
    expect(allowedTransitions(rolledBack, T0).map((r) => [r.to, r.requiresConfirmation])).toEqual([['PERMANENT', true]]);
  });

  it('requires a proof for PROVEN, accepts one for ROLLED_BACK, refuses one elsewhere', () => {
    const measuring = walkTo(changeSetRequest(), 'MEASURING', { id: 'chg_m', start: T0 }).changeset;
    expect(checkTransition(measuring, 'PROVEN', { hasProof: false })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(checkTransition(measuring, 'ROLLED_BACK', { hasProof: false }).ok).toBe(true);
    expect(checkTransition(measuring, 'ROLLED_BACK', { hasProof: true }).ok).toBe(true);
    const active = walkTo(changeSetRequest(), 'ACTIVE', { id: 'chg_a', start: T0 }).changeset;
    expect(checkTransition(active, 'MEASURING', { hasProof: true })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('refuses a stale expectedVersion with both versions', () => {
    const changeset = draft();
    const result = applyTransition(changeset, { to: 'PENDING_APPROVAL', expectedVersion: 7, reason: 'x', actor: user }, context());
    expect(result).toMatchObject({ ok: false, error: { code: 'version_conflict', details: { expectedVersion: 7, currentVersion: 1, currentState: 'DRAFT' } } });
  });

  it('rejects back to DRAFT, and expires an approval after the timeout (default 7 days)', () => {
    const pending = step(draft(), 'PENDING_APPROVAL').changeset;
    expect(pending.approval.expiresAt).toBe(new Date(T0.getTime() + DEFAULT_APPROVAL_TIMEOUT_MS).toISOString());
    const rejected = step(pending, 'DRAFT').changeset;
    expect(rejected.approval.status).toBe('rejected');
    expect(rejected.auditTrail.at(-1)).toMatchObject({ action: 'rejected', previousState: 'PENDING_APPROVAL', newState: 'DRAFT' });

    const justBefore = new Date(T0.getTime() + DEFAULT_APPROVAL_TIMEOUT_MS - 1);
    const atExpiry = new Date(T0.getTime() + DEFAULT_APPROVAL_TIMEOUT_MS);
    expect(isExpired(pending, justBefore)).toBe(false);
    expect(isExpired(pending, atExpiry)).toBe(true);
    expect(expireApproval(pending, context(justBefore))).toBeNull();
    expect(allowedTransitions(pending, atExpiry)).toEqual([]);
    expect(checkTransition(pending, 'ACTIVE', { now: atExpiry })).toMatchObject({ ok: false, error: { code: 'invalid_transition' } });
    const expired = expireApproval(pending, context(atExpiry))!;
    expect(expired.changeset).toMatchObject({ version: pending.version + 1, approval: { status: 'expired' }, execution: { status: 'DRAFT' } });
    expect(expired.event).toMatchObject({ action: 'rejected', actor: { type: 'system' }, metadata: { expired: true } });
    // A custom timeout.
    const short = applyTransition(draft(), { to: 'PENDING_APPROVAL', expectedVersion: 1, reason: 'x', actor: user }, { ...context(), approvalTimeoutMs: 60_000 });
    expect(short.ok && short.changeset.approval.expiresAt).toBe(new Date(T0.getTime() + 60_000).toISOString());
  });

  it('arms the auto-rollback while live with triggers, and knows where a decision comes from', () => {
    expect(isAutoRollbackArmed(walkTo(changeSetRequest(), 'MEASURING', { id: 'a', start: T0 }).changeset)).toBe(true);
    expect(isAutoRollbackArmed(walkTo(changeSetRequest(), 'PROVEN', { id: 'b', start: T0 }).changeset)).toBe(false);
    expect(uniqueSourceState('PROVEN')).toBe('MEASURING');
    expect(uniqueSourceState('PERMANENT')).toBeNull();
    expect(transitionRule('MEASURING', 'ROLLED_BACK')?.action).toBe('rolled_back');
  });
});

describe('lifecycle properties (random walks)', () => {
  const attempt = fc.record({
    to: fc.constantFrom(...CHANGESET_STATUSES),
    confirm: fc.boolean(),
    proof: fc.boolean(),
    staleVersion: fc.boolean(),
    advanceMs: fc.integer({ min: 0, max: 3 * 86_400_000 }),
    expire: fc.boolean(),
    // Half the attempts pick a legal next state, so that walks get deep into the lifecycle.
    legal: fc.boolean(),
    pick: fc.nat(),
  });

  it('never takes an edge outside the table; versions rise by exactly one; one audit event per accepted step', () => {
    const reached = new Set<ChangeSetStatus>();
    fc.assert(fc.property(fc.array(attempt, { maxLength: 40 }), (attempts) => {
      let now = T0.getTime();
      let changeset = draft();
      for (const a of attempts) {
        now += a.advanceMs;
        const before = changeset;
        if (a.expire) {
          const expired = expireApproval(changeset, context(new Date(now)));
          if (expired) {
            expect(before.execution.status).toBe('PENDING_APPROVAL');
            expect(expired.changeset.execution.status).toBe('DRAFT');
            changeset = expired.changeset;
          }
        }
        const beforeStep = changeset;
        const legalMoves = allowedTransitions(changeset, new Date(now));
        const to = a.legal && legalMoves.length > 0 ? legalMoves[a.pick % legalMoves.length]!.to : a.to;
        const result = applyTransition(changeset, {
          to,
          expectedVersion: a.staleVersion ? changeset.version + 1 : changeset.version,
          reason: 'random walk',
          actor: user,
          confirm: a.confirm,
          ...(a.proof && { proofResult: sampleProofResult('x') }),
        }, context(new Date(now)));
        if (result.ok) {
          const rule = transitionRule(beforeStep.execution.status, to);
          expect(rule).toBeDefined();
          expect(a.staleVersion).toBe(false);
          if (rule!.requiresConfirmation) expect(a.confirm).toBe(true);
          expect(result.changeset.version).toBe(beforeStep.version + 1);
          expect(result.changeset.auditTrail).toHaveLength(beforeStep.auditTrail.length + 1);
          expect(result.changeset.auditTrail.at(-1)).toEqual(result.event);
          expect(result.event).toMatchObject({ previousState: beforeStep.execution.status, newState: to, version: result.changeset.version });
          // Earlier events are never changed.
          expect(result.changeset.auditTrail.slice(0, -1)).toEqual(beforeStep.auditTrail);
          changeset = result.changeset;
          reached.add(to);
        } else {
          expect(['invalid_transition', 'validation_failed', 'version_conflict']).toContain(result.error.code);
          expect(result.error.message.length).toBeGreaterThan(10);
        }
      }
      // The trail replays: each event starts where the previous one ended, versions 1, 2, 3, …
      changeset.auditTrail.forEach((event, i) => {
        expect(event.version).toBe(i + 1);
        if (i > 0) expect(event.previousState).toBe(changeset.auditTrail[i - 1]!.newState);
      });
      expect(changeset.auditTrail.at(-1)!.newState).toBe(changeset.execution.status);
      expect(changeSetSchema.safeParse(changeset).success).toBe(true);
    }), { numRuns: 300, seed: 20261121 });
    expect([...reached].sort()).toEqual([...CHANGESET_STATUSES].sort());
  });

  it('offers exactly the transitions that checkTransition accepts', () => {
    fc.assert(fc.property(fc.constantFrom(...CHANGESET_STATUSES), fc.boolean(), (status, expired) => {
      const changeset = { id: 'x', execution: { status }, approval: { status: 'pending' as const, ...(expired && { expiresAt: '2026-01-01T00:00:00.000Z' }) } };
      const offered = allowedTransitions(changeset, T0).map((r) => r.to);
      for (const to of CHANGESET_STATUSES) {
        const accepted = checkTransition(changeset, to, { confirm: true, hasProof: to === 'PROVEN' || to === 'ROLLED_BACK', now: T0 }).ok;
        expect(offered.includes(to)).toBe(accepted);
      }
    }), { numRuns: 100, seed: 7 });
  });
});

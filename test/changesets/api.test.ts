/**
 * The ChangeSet client (data/changesets/client.ts) against the reference server
 * (test/reference-api/) on 127.0.0.1: the whole lifecycle with its audit trail, illegal
 * transitions, version conflicts between two clients, idempotency keys, auth, pagination,
 * request ids, rate limits with Retry-After, retries on 5xx and timeouts, approval expiry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeSetApiError, backoffDelay, parseRetryAfter, type AttemptInfo } from '../../data/changesets/client.ts';
import type { ChangeSet } from '../../contract/changesets/schemas.ts';
import { changeSetRequest, sampleProofResult } from '../reference-api/seed.ts';
import { startReferenceServer, type ReferenceServer } from '../reference-api/server.ts';
import { analyst, lead, testClient } from './support.ts';

let server: ReferenceServer;
beforeAll(async () => {
  server = await startReferenceServer({ readTokens: ['read-only-token'] });
});
afterAll(() => server.stop());

async function apiError(promise: Promise<unknown>): Promise<ChangeSetApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ChangeSetApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('ChangeSet API: client and reference server', () => {
  it('serves the demo ChangeSets, linked to the demo experiments by featureFlagKey', async () => {
    const all = await testClient(server).listAll();
    const byFlag = (key: string): ChangeSet | undefined => all.find((c) => c.actionPlan.implementation.featureFlagKey === key);
    expect(byFlag('checkout-redesign')?.execution.status).toBe('MEASURING');
    expect(byFlag('spring-offer')?.execution.status).toBe('MEASURING');
    expect(new Set(all.map((c) => c.execution.status))).toEqual(new Set(['DRAFT', 'PENDING_APPROVAL', 'ACTIVE', 'MEASURING', 'PROVEN', 'ROLLED_BACK']));
  });

  it('runs a full lifecycle DRAFT → … → PROVEN → PERMANENT with its audit trail', async () => {
    const client = testClient(server);
    const created = await client.create(changeSetRequest({ featureFlagKey: 'lifecycle-test' }));
    expect(created).toMatchObject({ version: 1, execution: { status: 'DRAFT' }, approval: { status: 'pending' } });
    let current = created;
    const steps = [
      { to: 'PENDING_APPROVAL', actor: analyst },
      { to: 'ACTIVE', actor: lead },
      { to: 'MEASURING', actor: { type: 'system', id: 'profit-engine' } },
      { to: 'PROVEN', actor: analyst, proofResult: sampleProofResult('lifecycle-test') },
      { to: 'PERMANENT', actor: lead },
    ] as const;
    for (const s of steps) {
      current = await client.transition(current.id, { ...s, expectedVersion: current.version, reason: `move to ${s.to}` });
      expect(current.execution.status).toBe(s.to);
    }
    expect(current.version).toBe(6);
    expect(current.approval).toMatchObject({ status: 'approved', approvedBy: lead.id });
    expect(current.execution.proofResult?.experimentId).toBe('lifecycle-test');

    const audit = await client.audit(current.id);
    expect(audit.map((e) => [e.action, e.previousState, e.newState, e.actor.id, e.version])).toEqual([
      ['created', null, 'DRAFT', 'pm@example.com', 1],
      ['submitted', 'DRAFT', 'PENDING_APPROVAL', analyst.id, 2],
      ['approved', 'PENDING_APPROVAL', 'ACTIVE', lead.id, 3],
      ['measured', 'ACTIVE', 'MEASURING', 'profit-engine', 4],
      ['proven', 'MEASURING', 'PROVEN', analyst.id, 5],
      ['made_permanent', 'PROVEN', 'PERMANENT', lead.id, 6],
    ]);
    expect(audit.every((e) => e.changesetId === current.id && e.storeId === current.storeId && typeof e.metadata.idempotencyKey === 'string')).toBe(true);
    expect((await client.get(current.id)).auditTrail).toEqual(audit);
  });

  it('refuses an illegal transition with invalid_transition and writes nothing', async () => {
    const client = testClient(server);
    const measuring = await server.createInState(changeSetRequest(), 'MEASURING');
    const error = await apiError(client.transition(measuring.id, { to: 'ACTIVE', expectedVersion: measuring.version, reason: 'back', actor: analyst }));
    expect(error).toMatchObject({ status: 422, code: 'invalid_transition', attempts: 1 });
    expect(error.message).toContain('MEASURING → ACTIVE is not a ChangeSet transition (allowed from MEASURING: PROVEN, ROLLED_BACK)');
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const rolledBack = await client.transition(measuring.id, { to: 'ROLLED_BACK', expectedVersion: measuring.version, reason: 'loser', actor: analyst });
    const unconfirmed = await apiError(client.transition(measuring.id, { to: 'PERMANENT', expectedVersion: rolledBack.version, reason: 'close', actor: analyst }));
    expect(unconfirmed).toMatchObject({ status: 422, code: 'invalid_transition', details: { confirmationRequired: true } });
    const noProof = await apiError(client.transition((await server.createInState(changeSetRequest(), 'MEASURING')).id, { to: 'PROVEN', expectedVersion: 4, reason: 'x', actor: analyst }));
    expect(noProof).toMatchObject({ status: 422, code: 'validation_failed' });
    expect((await client.audit(measuring.id)).map((e) => e.action)).toEqual(['created', 'submitted', 'approved', 'measured', 'rolled_back']);
    const confirmed = await client.transition(measuring.id, { to: 'PERMANENT', expectedVersion: rolledBack.version, reason: 'close', actor: analyst, confirm: true });
    expect(confirmed.execution.status).toBe('PERMANENT');
  });

  it('surfaces a version conflict between two clients, with both versions, without retrying it', async () => {
    const attempts: AttemptInfo[] = [];
    const alice = testClient(server);
    const bob = testClient(server, { onAttempt: (info) => attempts.push(info) });
    const measuring = await server.createInState(changeSetRequest(), 'MEASURING');
    const seenByAlice = await alice.get(measuring.id);
    const seenByBob = await bob.get(measuring.id);
    await alice.transition(measuring.id, { to: 'PROVEN', expectedVersion: seenByAlice.version, reason: 'winner', actor: analyst, proofResult: sampleProofResult('x') });
    const conflict = await apiError(bob.transition(measuring.id, { to: 'ROLLED_BACK', expectedVersion: seenByBob.version, reason: 'loser', actor: lead }));
    expect(conflict).toMatchObject({ status: 409, code: 'version_conflict', attempts: 1, details: { expectedVersion: 4, currentVersion: 5, currentState: 'PROVEN' } });
    expect(attempts.filter((a) => a.method === 'POST')).toHaveLength(1);
    expect((await alice.get(measuring.id)).execution.status).toBe('PROVEN');
  });

  it('applies a write once per idempotency key and refuses the key for another body', async () => {
    const client = testClient(server);
    const draft = await server.createInState(changeSetRequest(), 'DRAFT');
    const body = { to: 'PENDING_APPROVAL' as const, expectedVersion: 1, reason: 'ready', actor: analyst };
    const first = await client.transition(draft.id, body, { idempotencyKey: 'key-1' });
    const again = await client.transition(draft.id, body, { idempotencyKey: 'key-1' });
    expect(again).toEqual(first);
    expect((await client.audit(draft.id)).map((e) => e.action)).toEqual(['created', 'submitted']);
    const reused = await apiError(client.transition(draft.id, { ...body, reason: 'other' }, { idempotencyKey: 'key-1' }));
    expect(reused).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    // An error outcome is stored too: the same conflicting request gets the same 409.
    const stale = { ...body, expectedVersion: 1 };
    const conflict1 = await apiError(client.transition(draft.id, { ...stale, to: 'ACTIVE' }, { idempotencyKey: 'key-2' }));
    const conflict2 = await apiError(client.transition(draft.id, { ...stale, to: 'ACTIVE' }, { idempotencyKey: 'key-2' }));
    expect([conflict1.status, conflict2.status]).toEqual([409, 409]);
    expect(conflict2.requestId).toBe(conflict1.requestId);
  });

  it('authenticates with a bearer token: 401 unknown, 403 read-only writes, and never echoes the token', async () => {
    const wrong = testClient(server, { token: () => 'not-the-token-0123456789' });
    const unauthorized = await apiError(wrong.list());
    expect(unauthorized).toMatchObject({ status: 401, code: 'unauthorized', attempts: 1 });
    expect(JSON.stringify({ ...unauthorized, message: unauthorized.message })).not.toContain('not-the-token');
    const reader = testClient(server, { token: () => 'read-only-token' });
    expect((await reader.list({ limit: 1 })).items).toHaveLength(1);
    const forbidden = await apiError(reader.create(changeSetRequest()));
    expect(forbidden).toMatchObject({ status: 403, code: 'forbidden' });
    const none = await apiError(testClient(server, { token: () => null }).list());
    expect(none).toMatchObject({ status: 0, code: 'not_configured' });
    const good = testClient(server);
    const missing = await apiError(good.get('chg_does_not_exist'));
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    for (const error of [unauthorized, forbidden, missing]) expect(error.message).not.toContain(server.token);
  });

  it('echoes X-Request-Id and answers with the error envelope', async () => {
    const response = await fetch(`${server.url}/v1/changesets/chg_nope`, { headers: { Authorization: `Bearer ${server.token}`, 'X-Request-Id': 'req-123' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('req-123');
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'no ChangeSet chg_nope', details: {}, request_id: 'req-123' } });
    const noKey = await fetch(`${server.url}/v1/changesets`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(noKey.status).toBe(422);
    expect(((await noKey.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    const badBody = await testClient(server).create({ ...changeSetRequest(), storeId: '' }).catch((e: unknown) => e);
    expect(badBody).toMatchObject({ status: 422, code: 'validation_failed' });
    expect((badBody as Error).message).toContain('storeId');
  });

  it('paginates with a cursor and filters by status', async () => {
    const client = testClient(server);
    const everything = await client.listAll();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const result = await client.list({ limit: 3, ...(cursor && { cursor }) });
      expect(result.items.length).toBeLessThanOrEqual(3);
      seen.push(...result.items.map((c) => c.id));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(everything.map((c) => c.id));
    expect(new Set(seen).size).toBe(seen.length);
    const measuring = await client.listAll({ status: 'MEASURING' });
    expect(measuring.length).toBeGreaterThanOrEqual(2);
    expect(measuring.every((c) => c.execution.status === 'MEASURING')).toBe(true);
    expect(await apiError(client.list({ limit: 0 }))).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(await apiError(client.list({ cursor: '!!!' }))).toMatchObject({ status: 422, code: 'validation_failed' });
  });
});

describe('retries, timeouts and rate limits', () => {
  it('waits for Retry-After on 429 and then succeeds; gives up when attempts run out', async () => {
    const limited = await startReferenceServer({ rateLimit: { capacity: 2, refillPerSecond: 20 }, seed: false });
    try {
      const attempts: AttemptInfo[] = [];
      const client = testClient(limited, { onAttempt: (a) => attempts.push(a), maxAttempts: 6 });
      for (let i = 0; i < 5; i++) await client.list();
      const limitedAttempts = attempts.filter((a) => a.status === 429);
      expect(limitedAttempts.length).toBeGreaterThan(0);
      // Retry-After is at most 50 ms (1 token at 20/s); the client waited at least that long.
      expect(limitedAttempts.every((a) => a.retryAfterMs !== undefined && a.retryAfterMs <= 50 && a.retryInMs! >= a.retryAfterMs)).toBe(true);
      const once = testClient(limited, { maxAttempts: 1 });
      await Promise.allSettled([once.list(), once.list(), once.list()]);
      const error = await apiError(once.list());
      expect(error).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(error.retryAfterMs).toBeGreaterThan(0);
    } finally {
      await limited.stop();
    }
  });

  it('retries 5xx and dropped connections with backoff, and times out a slow answer', async () => {
    const flaky = await startReferenceServer({ seed: false, faults: { seed: 3, errorBeforeApply: 0.3, dropBeforeApply: 0.3 } });
    try {
      const attempts: AttemptInfo[] = [];
      const client = testClient(flaky, { maxAttempts: 12, onAttempt: (a) => attempts.push(a) });
      for (let i = 0; i < 10; i++) await client.list();
      expect(attempts.some((a) => a.status === 500)).toBe(true);
      expect(attempts.some((a) => a.error === 'network_error')).toBe(true);
      // Every retry of one call carries the same request id.
      const byCall = new Map<string, number>();
      for (const a of attempts) byCall.set(a.requestId, (byCall.get(a.requestId) ?? 0) + 1);
      expect(byCall.size).toBe(10);

      flaky.setFaults({ seed: 1, delay: 1, delayMs: 400 });
      const slow = await apiError(testClient(flaky, { timeoutMs: 60, maxAttempts: 2 }).list());
      expect(slow).toMatchObject({ status: 0, code: 'timeout', attempts: 2 });
    } finally {
      await flaky.stop();
    }
  });

  it('computes full-jitter backoff and reads Retry-After in seconds or as a date', () => {
    expect(backoffDelay(0, 100, 1000, () => 0.5)).toBe(50);
    expect(backoffDelay(3, 100, 1000, () => 0.999)).toBeCloseTo(799.2);
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000);
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.05')).toBe(50);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
  });
});

describe('approval expiry on the server', () => {
  it('moves an expired PENDING_APPROVAL back to DRAFT and refuses the stale approval', async () => {
    let clock = new Date('2026-03-01T00:00:00Z');
    const timed = await startReferenceServer({ seed: false, now: () => clock, approvalTimeoutMs: 60_000 });
    try {
      const client = testClient(timed);
      const draft = await client.create(changeSetRequest());
      const pending = await client.transition(draft.id, { to: 'PENDING_APPROVAL', expectedVersion: 1, reason: 'review please', actor: analyst });
      expect(pending.approval.expiresAt).toBe('2026-03-01T00:01:00.000Z');
      clock = new Date('2026-03-01T00:02:00Z');
      const late = await apiError(client.transition(draft.id, { to: 'ACTIVE', expectedVersion: pending.version, reason: 'ok', actor: lead }));
      expect(late).toMatchObject({ status: 409, code: 'version_conflict', details: { currentState: 'DRAFT' } });
      const after = await client.get(draft.id);
      expect(after).toMatchObject({ version: 3, execution: { status: 'DRAFT' }, approval: { status: 'expired' } });
      expect(after.auditTrail.at(-1)).toMatchObject({ action: 'rejected', actor: { type: 'system', id: 'approval-expiry' }, metadata: { expired: true } });
    } finally {
      await timed.stop();
    }
  });
});

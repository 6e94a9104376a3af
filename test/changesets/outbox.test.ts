/**
 * The durable outbox (data/changesets/outbox.ts) against the reference server on 127.0.0.1:
 * decisions are written first and sent later; a 409 fails with both versions and can be
 * re-queued or discarded; a refused transition fails for good; an item caught mid-send by a crash
 * is sent again with the same idempotency key; and a seeded fault-injection run of 500 decisions
 * (dropped connections, 500s and 429s before and after applying, answers slower than the
 * timeout), interrupted by a simulated crash and restart, applies every decision exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { changeSetCache } from '../../data/changesets/cache.ts';
import type { ChangeSetClient } from '../../data/changesets/client.ts';
import type { Exclusive } from '../../data/changesets/exclusive.ts';
import { OutboxStateError, createOutbox, type Outbox } from '../../data/changesets/outbox.ts';
import { openDatabase, type Database } from '../../data/database.ts';
import type { OutboxItem, OutboxRequest } from '../../contract/changesets/decisions.ts';
import type { ChangeSet } from '../../contract/changesets/schemas.ts';
import { changeSetRequest, sampleProofResult } from '../reference-api/seed.ts';
import { startReferenceServer, type ReferenceServer } from '../reference-api/server.ts';
import { tempDir } from '../helpers/temp-files.ts';
import { analyst, testClient } from './support.ts';

const files = tempDir();
const servers: ReferenceServer[] = [];
const databases: Database[] = [];
afterAll(async () => {
  for (const db of databases) await db.close().catch(() => undefined);
  for (const server of servers) await server.stop();
});

async function server(options: Parameters<typeof startReferenceServer>[0] = {}): Promise<ReferenceServer> {
  const started = await startReferenceServer({ seed: false, ...options });
  servers.push(started);
  return started;
}

async function database(name: string): Promise<Database> {
  const db = await openDatabase(files.path(name));
  databases.push(db);
  return db;
}

const proven = (changeset: ChangeSet, experimentId = 'exp'): OutboxRequest => ({
  to: 'PROVEN', expectedVersion: changeset.version, reason: 'winner', actor: analyst, proofResult: sampleProofResult(experimentId),
});

describe('outbox', () => {
  it('keeps a decision queued while the API is not configured or down, then syncs it', async () => {
    const api = await server();
    const measuring = await api.createInState(changeSetRequest(), 'MEASURING');
    const db = await database('down.duckdb');
    let client: ChangeSetClient | null = null;
    const changes: OutboxItem[] = [];
    const outbox = createOutbox({ db, client: () => client, cache: changeSetCache(db), onChange: (item) => changes.push(item), retryBaseMs: 1, retryMaxMs: 5 });

    const item = await outbox.enqueueDecision({ changesetId: measuring.id, experimentId: 'exp', request: proven(measuring) });
    expect(item).toMatchObject({ state: 'queued', attempts: 0, experimentId: 'exp', lastError: null, result: null });
    expect(item.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    const unconfigured = await outbox.flush();
    expect(unconfigured).toMatchObject({ attempted: 0, remaining: 1, stoppedBy: { code: 'not_configured' } });

    // An API that does not answer: a port nothing listens on.
    const gone = await server();
    const goneUrl = gone.url;
    await gone.stop();
    client = testClient({ url: goneUrl, token: api.token }, { maxAttempts: 2 });
    const down = await outbox.flush();
    expect(down).toMatchObject({ attempted: 1, requeued: 1, remaining: 1, stoppedBy: { code: 'network_error' } });
    const waiting = (await outbox.get(item.id))!;
    expect(waiting).toMatchObject({ state: 'queued', attempts: 1, lastError: { code: 'network_error', status: 0 } });
    expect(waiting.nextAttemptAt).not.toBeNull();

    client = testClient(api);
    const sent = await outbox.flush({ ignoreBackoff: true });
    expect(sent).toMatchObject({ attempted: 1, synced: 1, remaining: 0, stoppedBy: null });
    const synced = (await outbox.get(item.id))!;
    expect(synced).toMatchObject({ state: 'synced', attempts: 2, lastError: null, result: { id: measuring.id, version: 5, execution: { status: 'PROVEN' } } });
    expect((await changeSetCache(db).get(measuring.id))?.changeset.version).toBe(5);
    expect(changes.map((c) => c.state)).toEqual(['queued', 'sending', 'queued', 'sending', 'synced']);
    const audit = (await api.changeset(measuring.id))!.auditTrail;
    expect(audit.filter((e) => e.action === 'proven')).toHaveLength(1);
    expect(audit.at(-1)!.metadata.idempotencyKey).toBe(item.idempotencyKey);
  });

  it('fails a 409 with both versions; re-queues it against the new version, or discards it', async () => {
    const api = await server();
    const client = testClient(api);
    const db = await database('conflict.duckdb');
    const outbox = createOutbox({ db, client: () => client });
    const a = await api.createInState(changeSetRequest(), 'MEASURING');
    const b = await api.createInState(changeSetRequest(), 'MEASURING');
    const decisionA = await outbox.enqueueDecision({ changesetId: a.id, request: proven(a) });
    const decisionB = await outbox.enqueueDecision({ changesetId: b.id, request: proven(b) });
    // Someone else moves both ChangeSets first… no: only their versions, by a rollback of A and a decision on B.
    await client.transition(a.id, { to: 'ROLLED_BACK', expectedVersion: a.version, reason: 'guardrail', actor: { type: 'autopilot', id: 'auto-rollback' } });
    await client.transition(b.id, { to: 'ROLLED_BACK', expectedVersion: b.version, reason: 'guardrail', actor: { type: 'autopilot', id: 'auto-rollback' } });
    const result = await outbox.flush();
    expect(result).toMatchObject({ attempted: 2, failed: 2, synced: 0, remaining: 0 });
    const failedA = (await outbox.get(decisionA.id))!;
    expect(failedA).toMatchObject({ state: 'failed', conflict: { expectedVersion: 4, currentVersion: 5, currentState: 'ROLLED_BACK' }, lastError: { status: 409, code: 'version_conflict' } });

    // Re-analysed against version 5: ROLLED_BACK → PROVEN is not a transition, so it fails for good.
    const requeued = await outbox.requeueWithVersion(decisionA.id, 5);
    expect(requeued).toMatchObject({ state: 'queued', attempts: 0, request: { expectedVersion: 5 } });
    expect(requeued.idempotencyKey).not.toBe(decisionA.idempotencyKey);
    await outbox.flush();
    expect(await outbox.get(decisionA.id)).toMatchObject({ state: 'failed', lastError: { status: 422, code: 'invalid_transition' } });

    expect(await outbox.discard(decisionB.id)).toMatchObject({ state: 'discarded' });
    await expect(outbox.requeueWithVersion(decisionB.id, 5)).rejects.toBeInstanceOf(OutboxStateError);
  });

  it('keeps the order per ChangeSet: a later decision waits behind a failed one', async () => {
    const api = await server();
    const client = testClient(api);
    const db = await database('order.duckdb');
    const outbox = createOutbox({ db, client: () => client });
    const draft = await api.createInState(changeSetRequest(), 'DRAFT');
    const bad = await outbox.enqueueDecision({ changesetId: draft.id, request: { to: 'ACTIVE', expectedVersion: 1, reason: 'skip review', actor: analyst } });
    const next = await outbox.enqueueDecision({ changesetId: draft.id, request: { to: 'PENDING_APPROVAL', expectedVersion: 1, reason: 'review', actor: analyst } });
    await outbox.flush();
    expect((await outbox.get(bad.id))!.state).toBe('failed');
    expect((await outbox.get(next.id))!).toMatchObject({ state: 'queued', attempts: 0 });
    await outbox.discard(bad.id);
    await outbox.flush();
    expect((await outbox.get(next.id))!.state).toBe('synced');
  });

  it('refuses to discard an item that may have reached the API', async () => {
    const api = await server({ faults: { seed: 1, dropAfterApply: 1 } });
    const db = await database('discard.duckdb');
    const outbox = createOutbox({ db, client: () => testClient(api, { maxAttempts: 1 }), retryBaseMs: 1 });
    const measuring = await api.createInState(changeSetRequest(), 'MEASURING');
    const item = await outbox.enqueueDecision({ changesetId: measuring.id, request: proven(measuring) });
    await outbox.flush();
    expect((await outbox.get(item.id))!).toMatchObject({ state: 'queued', attempts: 1 });
    await expect(outbox.discard(item.id)).rejects.toThrow(/may already have reached the API/);
    // It did reach it: the retry with the same key is answered from the server's stored response.
    api.setFaults(null);
    await outbox.flush({ ignoreBackoff: true });
    expect((await outbox.get(item.id))!.state).toBe('synced');
    expect(api.stats.replayed).toBe(1);
    expect((await api.changeset(measuring.id))!.auditTrail.filter((e) => e.action === 'proven')).toHaveLength(1);
  });

  it('resolves an unknown expectedVersion once, before the first send', async () => {
    const api = await server();
    const db = await database('unknown-version.duckdb');
    const outbox = createOutbox({ db, client: () => testClient(api) });
    const measuring = await api.createInState(changeSetRequest(), 'MEASURING');
    const item = await outbox.enqueueDecision({ changesetId: measuring.id, request: { ...proven(measuring), expectedVersion: null } });
    await outbox.flush();
    expect((await outbox.get(item.id))!).toMatchObject({ state: 'synced', request: { expectedVersion: measuring.version } });
  });

  it('sends an item left in `sending` by a crash again with the same idempotency key', async () => {
    const api = await server({ faults: { seed: 2, dropAfterApply: 1 } });
    const path = files.path('crash.duckdb');
    let db = await openDatabase(path);
    const measuring = await api.createInState(changeSetRequest(), 'MEASURING');
    let outbox = createOutbox({ db, client: () => testClient(api, { maxAttempts: 1 }) });
    const item = await outbox.enqueueDecision({ changesetId: measuring.id, request: proven(measuring) });
    await outbox.flush();
    // The server applied it; the answer was lost; the app died before writing anything else.
    await db.run(`UPDATE changeset_outbox SET state = 'sending' WHERE id = $id`, { id: item.id });
    await db.close();
    api.setFaults(null);

    db = await openDatabase(path);
    databases.push(db);
    outbox = createOutbox({ db, client: () => testClient(api) });
    expect((await outbox.get(item.id))!.state).toBe('sending');
    await outbox.flush();
    expect((await outbox.get(item.id))!).toMatchObject({ state: 'synced', idempotencyKey: item.idempotencyKey, result: { version: 5 } });
    const events = (await api.changeset(measuring.id))!.auditTrail.filter((e) => e.action === 'proven');
    expect(events).toHaveLength(1);
    expect(events[0]!.metadata.idempotencyKey).toBe(item.idempotencyKey);
  });
});

describe('fault injection: 500 decisions, exactly once, across a crash and restart', () => {
  const DECISIONS = 500;

  it('applies each decision exactly once and loses none', async () => {
    const api = await server({
      faults: {
        seed: 20261121,
        dropBeforeApply: 0.05,
        dropAfterApply: 0.05,
        errorBeforeApply: 0.05,
        errorAfterApply: 0.05,
        rateLimited: 0.05,
        retryAfterMs: [0, 40],
        delay: 0.03,
        delayMs: 400,
      },
    });
    // Each decision has its own ChangeSet in MEASURING (created directly in the server's store).
    const changesets: ChangeSet[] = [];
    for (let i = 0; i < DECISIONS; i++) changesets.push(await api.createInState(changeSetRequest({ featureFlagKey: `exp-${i}` }), 'MEASURING'));
    const path = files.path('faults.duckdb');
    let db = await openDatabase(path);
    const client = (): ChangeSetClient => testClient(api, { timeoutMs: 150, maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 20, random: Math.random });

    // A database access that can "die": after the crash point no write reaches the database,
    // like a process killed between two statements.
    let dying = false;
    const mortal: Exclusive = (work) => (dying ? Promise.reject(new Error('the app died')) : work());
    let syncedBeforeCrash = 0;
    let outbox: Outbox = createOutbox({
      db, client, exclusive: mortal, retryBaseMs: 1, retryMaxMs: 5,
      onChange: (item) => {
        if (item.state === 'synced') syncedBeforeCrash++;
        // Die right after a send started, halfway through: that item stays `sending`.
        if (item.state === 'sending' && syncedBeforeCrash >= DECISIONS / 2) dying = true;
      },
    });
    // The analyst's 500 decisions, written in one transaction (one commit instead of 500).
    const enqueued: OutboxItem[] = [];
    await db.transaction(async () => {
      for (const [i, changeset] of changesets.entries()) {
        const request: OutboxRequest = i % 2 === 0
          ? proven(changeset, `exp-${i}`)
          : { to: 'ROLLED_BACK', expectedVersion: changeset.version, reason: 'loser', actor: analyst };
        enqueued.push(await outbox.enqueueDecision({ changesetId: changeset.id, experimentId: `exp-${i}`, request }));
      }
    });

    let crashed = false;
    for (let round = 0; round < 100 && !crashed; round++) {
      try {
        await outbox.flush({ ignoreBackoff: true });
      } catch (error) {
        expect((error as Error).message).toBe('the app died');
        crashed = true;
      }
    }
    expect(crashed).toBe(true);
    await db.close();

    // Restart: a new database handle and a new outbox over the same file.
    db = await openDatabase(path);
    databases.push(db);
    outbox = createOutbox({ db, client, retryBaseMs: 1, retryMaxMs: 5 });
    const afterRestart = await outbox.list();
    expect(afterRestart.filter((i) => i.state === 'sending')).toHaveLength(1);
    expect(afterRestart.filter((i) => i.state === 'queued').length).toBeGreaterThan(DECISIONS / 2 - 10);
    for (let round = 0; round < 200 && (await outbox.pendingCount()) > 0; round++) await outbox.flush({ ignoreBackoff: true });

    const items = await outbox.list();
    expect(items).toHaveLength(DECISIONS);
    expect(items.filter((i) => i.state !== 'synced')).toEqual([]);

    // The server's audit log: exactly one decision event per ChangeSet, carrying that decision's key.
    const decisionEvents = (await api.auditLog()).filter((e) => e.action === 'proven' || e.action === 'rolled_back');
    expect(decisionEvents).toHaveLength(DECISIONS);
    const byChangeSet = new Map(decisionEvents.map((e) => [e.changesetId, e]));
    expect(byChangeSet.size).toBe(DECISIONS);
    for (const [i, item] of enqueued.entries()) {
      const event = byChangeSet.get(item.changesetId)!;
      expect(event.action).toBe(i % 2 === 0 ? 'proven' : 'rolled_back');
      expect(event.metadata.idempotencyKey).toBe(item.idempotencyKey);
      expect(event.version).toBe(changesets[i]!.version + 1);
    }
    // The faults did happen.
    expect(api.stats).toMatchObject({
      dropBefore: expect.any(Number), dropAfter: expect.any(Number), errorAfter: expect.any(Number), rateLimited: expect.any(Number), delayed: expect.any(Number),
    });
    for (const fault of ['dropBefore', 'dropAfter', 'errorBefore', 'errorAfter', 'rateLimited', 'delayed', 'replayed'] as const) {
      expect(api.stats[fault], fault).toBeGreaterThan(0);
    }
    expect(api.stats.applied).toBe(DECISIONS);
  });
});

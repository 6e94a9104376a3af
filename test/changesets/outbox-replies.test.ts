/**
 * The outbox counts a decision as synced only when the API's answer shows it applied
 * (docs/security.md, "The ChangeSet API client"): against a fake API on 127.0.0.1, a 200 that
 * shows the ChangeSet unchanged fails the item with the reason, a 301 to another host leaves it
 * queued (and the other host sees nothing), and a proper answer syncs it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { changeSetCache } from '../../data/changesets/cache.ts';
import type { ChangeSetClient } from '../../data/changesets/client.ts';
import { createOutbox } from '../../data/changesets/outbox.ts';
import { openDatabase, type Database } from '../../data/database.ts';
import type { OutboxRequest } from '../../contract/changesets/decisions.ts';
import type { ChangeSet } from '../../contract/changesets/schemas.ts';
import { changeSetRequest, sampleProofResult, walkTo } from '../reference-api/seed.ts';
import { tempDir } from '../helpers/temp-files.ts';
import { sendJson, startFakeServer, type FakeHandler, type FakeServer } from './fake-http.ts';
import { analyst, testClient } from './support.ts';

const TOKEN = 'outbox-test-token';
const files = tempDir();
const servers: FakeServer[] = [];
const databases: Database[] = [];
afterAll(async () => {
  for (const db of databases) await db.close().catch(() => undefined);
  for (const server of servers) await server.stop();
});

async function fake(handler: FakeHandler): Promise<FakeServer> {
  const server = await startFakeServer(handler);
  servers.push(server);
  return server;
}

async function database(name: string): Promise<Database> {
  const db = await openDatabase(files.path(name));
  databases.push(db);
  return db;
}

const measuring: ChangeSet = walkTo(changeSetRequest(), 'MEASURING', { id: 'chg_outbox', start: new Date('2026-03-01T00:00:00Z') }).changeset;
const proven: ChangeSet = { ...measuring, version: measuring.version + 1, execution: { ...measuring.execution, status: 'PROVEN' } };

const decision: OutboxRequest = { to: 'PROVEN', expectedVersion: measuring.version, reason: 'winner', actor: analyst, proofResult: sampleProofResult('exp') };

/** An outbox over a fresh database whose client talks to `server`. */
async function outboxFor(name: string, client: ChangeSetClient) {
  const db = await database(name);
  const cache = changeSetCache(db);
  const outbox = createOutbox({ db, client: () => client, cache, retryBaseMs: 1, retryMaxMs: 5 });
  const item = await outbox.enqueueDecision({ changesetId: measuring.id, experimentId: 'exp', request: decision });
  return { outbox, cache, item };
}

describe('outbox: what counts as synced', () => {
  it('a 200 showing the ChangeSet unchanged is not synced: the item fails with the reason and both states', async () => {
    const api = await fake((_request, response) => sendJson(response, 200, { data: measuring, meta: {} }));
    const { outbox, cache, item } = await outboxFor('unchanged.duckdb', testClient({ url: api.url, token: TOKEN }));
    const result = await outbox.flush();
    expect(result).toMatchObject({ attempted: 1, synced: 0, failed: 1 });
    const failed = (await outbox.get(item.id))!;
    expect(failed).toMatchObject({
      state: 'failed', result: null,
      lastError: { status: 200, code: 'transition_not_applied', details: { expectedVersion: measuring.version, to: 'PROVEN', currentVersion: measuring.version, currentState: 'MEASURING' } },
    });
    expect(failed.lastError!.message).toMatch(/not applied/);
    expect(await cache.get(measuring.id)).toBeNull();
    // Once only: a refused-for-good answer is not retried with the same key.
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a 200 with the right state but no new version is not synced either', async () => {
    const api = await fake((_request, response) => sendJson(response, 200, { data: { ...proven, version: measuring.version }, meta: {} }));
    const { outbox, item } = await outboxFor('same-version.duckdb', testClient({ url: api.url, token: TOKEN }));
    await outbox.flush();
    expect(await outbox.get(item.id)).toMatchObject({ state: 'failed', lastError: { code: 'transition_not_applied' } });
  });

  it('a 301 to another host leaves the decision queued, and the other host never sees the token', async () => {
    const elsewhere = await fake((_request, response) => sendJson(response, 200, { data: proven, meta: {} }));
    const api = await fake((request, response) => {
      response.writeHead(301, { Location: `http://localhost:${elsewhere.port}${request.url}` });
      response.end();
    });
    const { outbox, item } = await outboxFor('redirect.duckdb', testClient({ url: api.url, token: TOKEN }));
    const result = await outbox.flush();
    expect(result).toMatchObject({ synced: 0, requeued: 1, remaining: 1, stoppedBy: { code: 'cross_origin_redirect', status: 301 } });
    expect(await outbox.get(item.id)).toMatchObject({ state: 'queued', result: null, lastError: { code: 'cross_origin_redirect' } });
    expect(elsewhere.requests).toEqual([]);
  });

  it('the outbox checks the answer itself, whatever client it is given', async () => {
    const lenient = { transition: async () => measuring, get: async () => measuring } as unknown as ChangeSetClient;
    const { outbox, item } = await outboxFor('lenient.duckdb', lenient);
    await outbox.flush();
    expect(await outbox.get(item.id)).toMatchObject({ state: 'failed', lastError: { code: 'transition_not_applied', details: { currentState: 'MEASURING' } } });
  });

  it('an answer showing the transition applied syncs the decision', async () => {
    const api = await fake((_request, response) => sendJson(response, 200, { data: proven, meta: {} }));
    const { outbox, cache, item } = await outboxFor('applied.duckdb', testClient({ url: api.url, token: TOKEN }));
    expect(await outbox.flush()).toMatchObject({ synced: 1, failed: 0 });
    expect(await outbox.get(item.id)).toMatchObject({ state: 'synced', result: { version: proven.version, execution: { status: 'PROVEN' } } });
    expect((await cache.get(measuring.id))?.changeset.version).toBe(proven.version);
  });
});

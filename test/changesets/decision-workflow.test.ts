/**
 * The decision workflow both hosts use (data/changesets/decision-workflow.ts): the one fallback
 * rule, and a report's link found without listing every ChangeSet when a manual link or the local
 * copy names one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../data/database.ts';
import { changeSetCache } from '../../data/changesets/cache.ts';
import { ChangeSetApiError, type ChangeSetClient } from '../../data/changesets/client.ts';
import { canUseLocalCopy, createDecisionWorkflow, type DecisionWorkflow } from '../../data/changesets/decision-workflow.ts';
import { experimentLinks } from '../../data/changesets/links.ts';
import { createOutbox } from '../../data/changesets/outbox.ts';
import { startReferenceServer, type ReferenceServer } from '../reference-api/server.ts';
import { testClient } from './support.ts';

const apiError = (status: number, code: string): ChangeSetApiError => new ChangeSetApiError(status, code, code, {}, 'req', 1);

let api: ReferenceServer;
let db: Database;
let listed = 0;
let workflow: DecisionWorkflow;

beforeAll(async () => {
  api = await startReferenceServer({ token: 'workflow-token' });
  db = await openDatabase();
  const real = testClient(api);
  // Counts the full listings: a report's link should need one only when nothing else names it.
  const client: ChangeSetClient = { ...real, baseUrl: real.baseUrl, listAll: (...args) => { listed++; return real.listAll(...args); } };
  const cache = changeSetCache(db);
  const outbox = createOutbox({ db, client: () => client, cache });
  workflow = createDecisionWorkflow({
    cache, links: experimentLinks(db), outbox, client: () => client, send: () => outbox.flush(),
    describeOffline: (error) => error.code, noApiReason: 'no API',
  });
});
afterAll(async () => {
  await db.close();
  await api.stop();
});

describe('decision workflow', () => {
  it('falls back to the local copy when the API is unreachable or may not be used, not when it refuses the request', () => {
    for (const [status, code] of [[0, 'network_error'], [0, 'timeout'], [503, 'unavailable'], [429, 'rate_limited'], [0, 'not_configured'],
      [401, 'unauthorized'], [403, 'forbidden'], [0, 'insecure_base_url'], [0, 'cross_origin_redirect']] as const) {
      expect(canUseLocalCopy(apiError(status, code)), code).toBe(true);
    }
    for (const [status, code] of [[404, 'not_found'], [409, 'version_conflict'], [422, 'invalid_transition'], [400, 'validation_failed']] as const) {
      expect(canUseLocalCopy(apiError(status, code)), code).toBe(false);
    }
  });

  it('finds a report\'s link by hand or in the local copy without listing the API, and lists it only when neither names one', async () => {
    // Empty local copy, no manual link: the API's list is the only way to find it.
    expect(await workflow.linkOnly('checkout-redesign')).toEqual({ experimentId: 'checkout-redesign', changesetId: 'chg_checkout_redesign', source: 'feature_flag' });
    expect(listed).toBe(1);
    // Now in the local copy: no list.
    expect((await workflow.linkOnly('spring-offer')).source).toBe('feature_flag');
    expect(listed).toBe(1);
    await experimentLinks(db).set('pricing-test', 'chg_manual');
    expect(await workflow.linkOnly('pricing-test')).toEqual({ experimentId: 'pricing-test', changesetId: 'chg_manual', source: 'manual' });
    expect(listed).toBe(1);
    // Nothing names it anywhere: one list, no link.
    expect((await workflow.linkOnly('no-such-experiment')).changesetId).toBeNull();
    expect(listed).toBe(2);
  });
});

/**
 * The `changesets` handlers of the desk service (what the renderer calls through its host)
 * against the reference server on 127.0.0.1: the experiment screen's proposal (linked by
 * featureFlagKey, proof pre-filled), a decision synced and visible in the ChangeSet's timeline
 * with `outbox-changed` events, offline reading from the local copy and a decision queued while
 * the API is down and synced when it is back, approve / reject, manual links, API settings whose
 * token never comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../contract/changesets/decisions.ts';
import { createDeskService, invokeHandler, type DeskService } from '../../data/service/desk-service.ts';
import { tempDir } from '../helpers/temp-files.ts';
import { startReferenceServer, type ReferenceServer } from '../reference-api/server.ts';
import { writeSmallDemo } from './demo-data.ts';

const files = tempDir();
const TOKEN = 'desk-service-token-91c2';
let api: ReferenceServer | null;
let port: number;
let service: DeskService;
const outboxEvents: (readonly OutboxItem[])[] = [];
const tuning = { timeoutMs: 1_000, maxAttempts: 2, baseDelayMs: 5, retryBaseMs: 1, syncIntervalMs: 0, submitWaitMs: 3_000 };

beforeAll(async () => {
  api = await startReferenceServer({ token: TOKEN });
  port = api.port;
  service = await createDeskService({
    databasePath: files.path('desk.duckdb'),
    settingsPath: files.path('settings.json'),
    uploadDir: files.path('work'),
    apiBaseUrl: api.url,
    apiToken: async () => TOKEN,
    changesetTuning: tuning,
  });
  service.onEvent('outbox-changed', ({ items }) => outboxEvents.push(items));
  const csv = await writeSmallDemo(files.path('demo.csv'));
  await service.handlers.importFiles({ importId: 'demo', files: [{ kind: 'path', path: csv }] });
  await service.handlers.setSettings({ minSamplePerVariant: 500 });
});
afterAll(async () => {
  await service.close();
  await api?.stop();
});

const waitFor = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('desk service: changesets', () => {
  it('lists ChangeSets from the API', async () => {
    const page = await service.handlers.listChangeSets({});
    expect(page).toMatchObject({ source: 'api', offlineReason: null, nextCursor: null });
    expect(page.items.map((c) => c.id)).toContain('chg_checkout_redesign');
    const measuring = await service.handlers.listChangeSets({ status: 'MEASURING', limit: 1 });
    expect(measuring.items).toHaveLength(1);
    expect(measuring.nextCursor).not.toBeNull();
  });

  it('proposes the decision of the verdict, pre-filled, and syncs it into the timeline', async () => {
    const proposal = await service.handlers.proposeDecision({ experimentId: 'checkout-redesign' });
    expect(proposal).toMatchObject({
      link: { changesetId: 'chg_checkout_redesign', source: 'feature_flag' },
      changeset: { id: 'chg_checkout_redesign', execution: { status: 'MEASURING' } },
      source: 'api', to: 'PROVEN', expectedVersion: 4, blockedReason: null, candidates: [],
      proofResult: { experimentId: 'checkout-redesign', metric: 'conversion', method: 'cuped', verdict: { status: 'winner' } },
    });
    expect(proposal.proofResult.dataHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(proposal.reason).toContain('Proven (checkout-redesign, winner)');

    const item = await service.handlers.submitDecision({
      changesetId: proposal.changeset!.id, experimentId: 'checkout-redesign', to: proposal.to!, reason: proposal.reason,
      expectedVersion: proposal.expectedVersion, proofResult: proposal.proofResult,
    });
    expect(item).toMatchObject({ state: 'synced', result: { version: 5, execution: { status: 'PROVEN' } } });
    await waitFor(() => outboxEvents.some((items) => items.some((i) => i.id === item.id && i.state === 'synced')));
    expect(outboxEvents.flat().filter((i) => i.id === item.id).map((i) => i.state)).toContain('synced');

    const detail = await service.handlers.getChangeSet({ id: 'chg_checkout_redesign' });
    expect(detail.audit.map((e) => e.action)).toEqual(['created', 'submitted', 'approved', 'measured', 'proven']);
    expect(detail).toMatchObject({ source: 'api', autoRollbackArmed: false, linkedExperiments: ['checkout-redesign'] });
    expect(detail.allowedTransitions).toEqual([{ to: 'PERMANENT', action: 'made_permanent', requiresConfirmation: false, proof: 'refused' }]);
    expect(detail.outbox.map((i) => i.id)).toEqual([item.id]);
  });

  it('refuses a decision the lifecycle forbids before it reaches the outbox', async () => {
    const result = await invokeHandler(service, 'submitDecision', {
      changesetId: 'chg_checkout_redesign', to: 'ACTIVE', reason: 'oops', expectedVersion: 5,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('PROVEN → ACTIVE is not a ChangeSet transition') } });
    expect((await service.handlers.listOutbox({})).filter((i) => i.request.to === 'ACTIVE')).toEqual([]);
    const invalid = await invokeHandler(service, 'submitDecision', { changesetId: 'x', to: 'PROVEN', reason: '', expectedVersion: 1 });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('approves and rejects PENDING_APPROVAL ChangeSets through the outbox', async () => {
    const approved = await service.handlers.approveChangeSet({ id: 'chg_loyalty_banner', expectedVersion: 2, reason: 'looks safe' });
    expect(approved).toMatchObject({ state: 'synced', request: { to: 'ACTIVE' }, result: { execution: { status: 'ACTIVE' }, approval: { status: 'approved' } } });
    const stale = await service.handlers.rejectChangeSet({ id: 'chg_loyalty_banner', expectedVersion: 2, reason: 'too late' });
    expect(stale).toMatchObject({ state: 'failed', conflict: { expectedVersion: 2, currentVersion: 3, currentState: 'ACTIVE' } });
    expect(await service.handlers.discardOutboxItem({ id: stale.id })).toMatchObject({ state: 'discarded' });
    const refused = await invokeHandler(service, 'discardOutboxItem', { id: approved.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('links an experiment by hand and says why a proposal cannot be taken', async () => {
    const link = await service.handlers.linkExperiment({ experimentId: 'spring-offer', changesetId: 'chg_free_shipping_threshold' });
    expect(link).toEqual({ experimentId: 'spring-offer', changesetId: 'chg_free_shipping_threshold', source: 'manual' });
    const proposal = await service.handlers.proposeDecision({ experimentId: 'spring-offer' });
    expect(proposal.link.source).toBe('manual');
    expect(proposal.to).toBeNull();
    expect(proposal.blockedReason).toMatch(/verdict is inconclusive/);
    const back = await service.handlers.linkExperiment({ experimentId: 'spring-offer', changesetId: null });
    expect(back).toEqual({ experimentId: 'spring-offer', changesetId: 'chg_spring_offer', source: 'feature_flag' });
  });

  it('reads the local copy offline and sends a decision taken offline when the API is back', async () => {
    await api!.stop();
    api = null;
    const offline = await service.handlers.listChangeSets({});
    expect(offline.source).toBe('cache');
    expect(offline.offlineReason).toMatch(/unreachable/);
    expect(offline.items.map((c) => c.id)).toContain('chg_spring_offer');
    const detail = await service.handlers.getChangeSet({ id: 'chg_spring_offer' });
    expect(detail).toMatchObject({ source: 'cache', autoRollbackArmed: true, changeset: { version: 4 } });

    const proposal = await service.handlers.proposeDecision({ experimentId: 'spring-offer' });
    expect(proposal).toMatchObject({ source: 'cache', expectedVersion: 4, link: { changesetId: 'chg_spring_offer' } });
    const queued = await service.handlers.submitDecision({
      changesetId: 'chg_spring_offer', experimentId: 'spring-offer', to: 'ROLLED_BACK', reason: 'decided offline', expectedVersion: 4,
    });
    expect(queued).toMatchObject({ state: 'queued', attempts: 1, lastError: { code: 'network_error' } });

    api = await startReferenceServer({ port, token: TOKEN });
    const after = await service.handlers.retryOutbox({});
    expect(after.find((i) => i.id === queued.id)).toMatchObject({ state: 'synced', result: { execution: { status: 'ROLLED_BACK' } } });
    expect((await api.changeset('chg_spring_offer'))!.auditTrail.at(-1)).toMatchObject({ action: 'rolled_back', reason: 'decided offline' });
  });

  it('sends, at startup, a decision a previous run left in the outbox', async () => {
    const path = files.path('restart.duckdb');
    const down = await startReferenceServer({ token: TOKEN, seed: false });
    const downUrl = down.url;
    await down.stop();
    const options = {
      databasePath: path, settingsPath: files.path('restart/settings.json'), uploadDir: files.path('restart-work'),
      apiBaseUrl: downUrl, apiToken: async () => TOKEN,
    };
    const first = await createDeskService({ ...options, changesetTuning: tuning });
    const queued = await first.handlers.submitDecision({ changesetId: 'chg_checkout_redesign', to: 'PROVEN', reason: 'offline', expectedVersion: null, proofResult: (await service.handlers.proposeDecision({ experimentId: 'checkout-redesign' })).proofResult });
    expect(queued.state).toBe('queued');
    await first.close();

    const back = await startReferenceServer({ token: TOKEN, port: down.port });
    try {
      const second = await createDeskService({ ...options, changesetTuning: { ...tuning, syncIntervalMs: 60_000 } });
      try {
        let state = '';
        for (let i = 0; i < 100 && state !== 'synced'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          state = (await second.handlers.listOutbox({}))[0]!.state;
        }
        expect(state).toBe('synced');
        expect((await back.changeset('chg_checkout_redesign'))!.execution.status).toBe('PROVEN');
      } finally {
        await second.close();
      }
    } finally {
      await back.stop();
    }
  });

  it('keeps the token on the host side: settings say only whether one is set', async () => {
    expect(await service.handlers.getApiSettings({})).toEqual({ baseUrl: api!.url, hasToken: true, canStoreToken: false });
    const refused = await invokeHandler(service, 'setApiSettings', { token: 'new-token' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request' } });

    let stored: string | null = null;
    const other = await createDeskService({
      databasePath: ':memory:',
      settingsPath: files.path('other/settings.json'),
      uploadDir: files.path('other-work'),
      apiToken: async () => stored,
      setApiToken: async (token) => {
        stored = token;
      },
      changesetTuning: tuning,
    });
    try {
      expect(await other.handlers.getApiSettings({})).toEqual({ baseUrl: null, hasToken: false, canStoreToken: true });
      const view = await invokeHandler(other, 'setApiSettings', { baseUrl: `${api!.url}/`, token: TOKEN });
      expect(view).toEqual({ ok: true, value: { baseUrl: api!.url, hasToken: true, canStoreToken: true } });
      expect(JSON.stringify(view)).not.toContain(TOKEN);
      expect(stored).toBe(TOKEN);
      expect((await other.handlers.listChangeSets({})).source).toBe('api');
      expect(await invokeHandler(other, 'setApiSettings', { baseUrl: 'ftp://example.com' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    } finally {
      await other.close();
    }
  });
});

/**
 * The ChangeSet decision workflow in the store: the experiment's Decision section
 * (proposal, reason, submit, manual link), the outbox (events, sync, discard, re-analyse a
 * conflict), the ChangeSets screen (filter, paging, detail, only legal steps, confirmation) and
 * the API settings (the token is write-only).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ExperimentAnalysis } from '../../contract/desk-api.ts';
import type { ExperimentReport } from '../../contract/report.ts';
import { loadApiSettings, saveApiSettings } from './actions/api-settings.ts';
import {
  filterChangeSets, loadMoreChangeSets, selectChangeSet, showChangeSets, takeChangeSetStep,
} from './actions/changesets.ts';
import { editDecisionReason, linkDecisionChangeSet, proposeDecisionForOpenExperiment, reanalyseConflict, submitProposedDecision } from './actions/decision.ts';
import { openExperiment, setOverrides } from './actions/experiment.ts';
import { connectHostEvents } from './actions/host-events.ts';
import { discardOutboxItem, loadOutbox, syncOutbox } from './actions/outbox.ts';
import { connectDesk } from './host-api.ts';
import { resetStore, useDeskStore } from './store.ts';
import { changeSet, detail, outboxItem, proposal } from './testing/changesets.ts';
import { createFakeDesk, deferred, err, ok, type FakeDesk } from './testing/fake-desk.ts';

const report: ExperimentReport = {
  experimentId: 'checkout-redesign', source: 'events', control: 'control', variants: ['control', 'treatment'], units: { control: 10, treatment: 10 },
  excludedUnits: { multipleExposures: 0 }, totalUnits: 20, firstExposure: null, dataEnd: null, runtimeDays: null,
  srm: { chiSquare: 0, pValue: 1, flagged: false, df: 1 }, primaryMetric: 'conversion', guardrailMetrics: [], metrics: [],
  power: null, warnings: [], verdict: { status: 'winner', reason: 'r', proposedTransition: 'PROVEN' },
};
const analysis = (experimentId: string): ExperimentAnalysis => ({
  report: { ...report, experimentId }, cumulative: new Uint8Array(), retention: new Uint8Array(), segments: [], exposureAttributes: {},
});

const state = () => useDeskStore.getState();

let desk: FakeDesk;
beforeEach(() => {
  resetStore();
  desk = createFakeDesk();
  connectDesk(desk);
  desk.handle('analyzeExperiment', (r) => ok(analysis(r.experimentId)));
  desk.handle('proposeDecision', (r) => ok(proposal({ experimentId: r.experimentId })));
});

describe('Decision section', () => {
  it('proposes with the overrides of the analysis on screen and pre-fills the reason', async () => {
    await openExperiment('checkout-redesign');
    await proposeDecisionForOpenExperiment();
    await setOverrides({ cuped: false });
    await proposeDecisionForOpenExperiment();
    expect(desk.calls.proposeDecision).toEqual([
      { experimentId: 'checkout-redesign' },
      { experimentId: 'checkout-redesign', overrides: { cuped: false } },
    ]);
    expect(state().decision).toMatchObject({ experimentId: 'checkout-redesign', status: 'ready', reason: 'Proven (checkout-redesign, winner)' });
  });

  it('keeps an edited reason for the same transition, not when the transition changes', async () => {
    await openExperiment('checkout-redesign');
    await proposeDecisionForOpenExperiment();
    editDecisionReason('my own words');
    await proposeDecisionForOpenExperiment();
    expect(state().decision.reason).toBe('my own words');
    desk.handle('proposeDecision', () => ok(proposal({ to: 'ROLLED_BACK', reason: 'Rolled back (loser)' })));
    await proposeDecisionForOpenExperiment();
    expect(state().decision).toMatchObject({ reason: 'Rolled back (loser)', reasonEdited: false });
  });

  it('shows only the answer to the latest proposal', async () => {
    await openExperiment('checkout-redesign');
    const slow = deferred<ReturnType<typeof ok<ReturnType<typeof proposal>>>>();
    desk.handle('proposeDecision', () => slow.promise);
    const first = proposeDecisionForOpenExperiment();
    desk.handle('proposeDecision', () => ok(proposal({ reason: 'latest' })));
    await proposeDecisionForOpenExperiment();
    slow.resolve(ok(proposal({ reason: 'stale' })));
    await first;
    expect(state().decision.proposal!.reason).toBe('latest');
  });

  it('submits the proposal with its version, proof and the edited reason; the item joins the outbox', async () => {
    desk.handle('submitDecision', () => ok(outboxItem('o1', { state: 'queued', attempts: 1 })));
    await openExperiment('checkout-redesign');
    await proposeDecisionForOpenExperiment();
    editDecisionReason('  winner, ship it  ');
    await submitProposedDecision();
    expect(desk.calls.submitDecision).toEqual([{
      changesetId: 'chg_checkout_redesign', experimentId: 'checkout-redesign', to: 'PROVEN', reason: 'winner, ship it',
      expectedVersion: 4, proofResult: state().decision.proposal!.proofResult,
    }]);
    expect(state().decision.submitted!.id).toBe('o1');
    expect(state().outbox.items!.map((i) => i.id)).toEqual(['o1']);
  });

  it('takes nothing when the proposal is blocked, proposes nothing, or the reason is empty', async () => {
    await openExperiment('checkout-redesign');
    desk.handle('proposeDecision', () => ok(proposal({ to: null, blockedReason: 'the verdict is inconclusive: no transition is proposed' })));
    await proposeDecisionForOpenExperiment();
    await submitProposedDecision();
    desk.handle('proposeDecision', () => ok(proposal({ blockedReason: 'ChangeSet chg is PROVEN' })));
    await proposeDecisionForOpenExperiment();
    await submitProposedDecision();
    expect(desk.calls.submitDecision).toBeUndefined();
    desk.handle('proposeDecision', () => ok(proposal()));
    await proposeDecisionForOpenExperiment();
    editDecisionReason('   ');
    await submitProposedDecision();
    expect(desk.calls.submitDecision).toBeUndefined();
    expect(state().decision.submitError?.code).toBe('invalid_request');
  });

  it('discards the ChangeSet\'s failed decisions first: the host would hold the new one back behind them', async () => {
    const refused = { status: 422, code: 'invalid_transition', message: 'no', requestId: 'r', details: {}, at: '2026-03-24T10:00:00.000Z' };
    desk.handle('listOutbox', () => ok([
      outboxItem('f1', { state: 'failed', lastError: refused }),
      outboxItem('other', { state: 'failed', changesetId: 'chg_other', lastError: refused }),
      outboxItem('s1', { state: 'synced' }),
    ]));
    desk.handle('discardOutboxItem', (r) => ok(outboxItem(r.id, { state: 'discarded', updatedAt: '2026-03-24T10:05:00.000Z' })));
    desk.handle('submitDecision', () => ok(outboxItem('new', { createdAt: '2026-03-24T10:06:00.000Z' })));
    await loadOutbox();
    await openExperiment('checkout-redesign');
    await proposeDecisionForOpenExperiment();
    await submitProposedDecision();
    expect(desk.calls.discardOutboxItem).toEqual([{ id: 'f1' }]);
    expect(state().outbox.items!.map((i) => [i.id, i.state])).toEqual([['f1', 'discarded'], ['other', 'failed'], ['s1', 'synced'], ['new', 'queued']]);
  });

  it('a host refusal is shown and nothing is remembered', async () => {
    desk.handle('submitDecision', () => err('conflict', 'ChangeSet chg is PROVEN: PROVEN → PROVEN is not a ChangeSet transition'));
    await openExperiment('checkout-redesign');
    await proposeDecisionForOpenExperiment();
    await submitProposedDecision();
    expect(state().decision).toMatchObject({ submitting: false, submitted: null, submitError: { code: 'conflict' } });
    expect(state().outbox.items).toBeNull();
  });

  it('links a ChangeSet by hand, then proposes again', async () => {
    await openExperiment('spring-offer');
    await proposeDecisionForOpenExperiment();
    await linkDecisionChangeSet('chg_free_shipping');
    expect(desk.calls.linkExperiment).toEqual([{ experimentId: 'spring-offer', changesetId: 'chg_free_shipping' }]);
    expect(desk.calls.proposeDecision).toHaveLength(2);
    await linkDecisionChangeSet(null);
    expect(desk.calls.linkExperiment!.at(-1)).toEqual({ experimentId: 'spring-offer', changesetId: null });
  });

  it('starts clean on another experiment', async () => {
    await openExperiment('checkout-redesign');
    await proposeDecisionForOpenExperiment();
    editDecisionReason('edited');
    await openExperiment('spring-offer');
    await proposeDecisionForOpenExperiment();
    expect(state().decision).toMatchObject({ experimentId: 'spring-offer', reasonEdited: false, submitted: null });
  });
});

describe('outbox', () => {
  it('loads at start and follows outbox-changed events, keeping the newest version of each item', async () => {
    desk.handle('listOutbox', () => ok([outboxItem('o1')]));
    await loadOutbox();
    const off = connectHostEvents();
    desk.emit('outbox-changed', { items: [outboxItem('o1', { state: 'sending', updatedAt: '2026-03-24T10:00:01.000Z' }), outboxItem('o2', { createdAt: '2026-03-24T10:00:02.000Z' })] });
    expect(state().outbox.items!.map((i) => [i.id, i.state])).toEqual([['o1', 'sending'], ['o2', 'queued']]);
    desk.emit('outbox-changed', { items: [outboxItem('o1', { state: 'queued', updatedAt: '2026-03-24T10:00:00.500Z' })] });
    expect(state().outbox.items![0]!.state).toBe('sending'); // an older event never wins
    off();
  });

  it('reloads the ChangeSet on screen when one of its decisions syncs', async () => {
    desk.handle('listChangeSets', () => ok({ items: [changeSet('chg_checkout_redesign')], nextCursor: null, source: 'api', fetchedAt: null, offlineReason: null }));
    desk.handle('getChangeSet', (r) => ok(detail(changeSet(r.id))));
    await showChangeSets('chg_checkout_redesign');
    const off = connectHostEvents();
    desk.emit('outbox-changed', { items: [outboxItem('o1', { state: 'queued' })] });
    expect(desk.calls.getChangeSet).toHaveLength(1);
    desk.emit('outbox-changed', { items: [outboxItem('o1', { state: 'synced', updatedAt: '2026-03-24T10:00:05.000Z' })] });
    await Promise.resolve();
    expect(desk.calls.getChangeSet).toHaveLength(2);
    expect(desk.calls.listChangeSets).toHaveLength(2);
    off();
  });

  it('"Sync now" flushes everything, "Retry now" one item; discard marks it discarded', async () => {
    desk.handle('retryOutbox', () => ok([outboxItem('o1', { state: 'synced' })]));
    await syncOutbox();
    await syncOutbox('o1');
    expect(desk.calls.retryOutbox).toEqual([{}, { id: 'o1' }]);
    expect(state().outbox).toMatchObject({ syncing: false, busyIds: [], items: [{ id: 'o1', state: 'synced' }] });
    desk.handle('discardOutboxItem', (r) => ok(outboxItem(r.id, { state: 'discarded', updatedAt: '2026-03-24T11:00:00.000Z' })));
    await discardOutboxItem('o1');
    expect(state().outbox.items![0]!.state).toBe('discarded');
    desk.handle('discardOutboxItem', () => err('conflict', 'outbox item o2 may already have reached the API'));
    await discardOutboxItem('o2');
    expect(state().outbox.error?.code).toBe('conflict');
  });

  it('Re-analyse of a 409 re-proposes on the experiment; the next decision replaces the failed item', async () => {
    const failed = outboxItem('old', {
      state: 'failed', conflict: { expectedVersion: 4, currentVersion: 5, currentState: 'MEASURING' },
      lastError: { status: 409, code: 'version_conflict', message: 'changed', requestId: 'r', details: {}, at: '2026-03-24T10:00:00.000Z' },
    });
    desk.handle('proposeDecision', () => ok(proposal({ expectedVersion: 5 })));
    desk.handle('discardOutboxItem', (r) => ok({ ...failed, id: r.id, state: 'discarded', updatedAt: '2026-03-24T10:01:00.000Z' }));
    desk.handle('submitDecision', () => ok(outboxItem('new', { request: { ...failed.request, expectedVersion: 5 }, createdAt: '2026-03-24T10:02:00.000Z' })));
    await reanalyseConflict(failed);
    expect(state().navigation.screen).toBe('experiment');
    expect(state().decision.replacing).toBe('old');
    await proposeDecisionForOpenExperiment(); // what the Decision section does once the analysis is on screen
    await submitProposedDecision();
    expect(desk.calls.discardOutboxItem).toEqual([{ id: 'old' }]);
    expect(desk.calls.submitDecision![0]!.expectedVersion).toBe(5);
    expect(state().decision.replacing).toBeNull();
    expect(state().outbox.items!.map((i) => [i.id, i.state])).toEqual([['old', 'discarded'], ['new', 'queued']]); // oldest first
  });
});

describe('ChangeSets screen', () => {
  const page = (ids: string[], nextCursor: string | null) => ok({ items: ids.map((id) => changeSet(id)), nextCursor, source: 'api' as const, fetchedAt: null, offlineReason: null });

  it('filters by status and pages with the cursor', async () => {
    desk.handle('listChangeSets', (r) => (r.cursor ? page(['b'], null) : page(['a'], 'c1')));
    await filterChangeSets('MEASURING');
    await loadMoreChangeSets();
    expect(desk.calls.listChangeSets).toEqual([{ status: 'MEASURING' }, { cursor: 'c1', status: 'MEASURING' }]);
    expect(state().changesets.list!.items.map((c) => c.id)).toEqual(['a', 'b']);
    expect(state().changesets.list!.nextCursor).toBeNull();
    await filterChangeSets(null);
    expect(desk.calls.listChangeSets!.at(-1)).toEqual({});
  });

  it('approves and rejects a PENDING_APPROVAL with its version and a reason, then reloads it', async () => {
    desk.handle('getChangeSet', (r) => ok(detail(changeSet(r.id, 'PENDING_APPROVAL', { version: 2 }))));
    desk.handle('approveChangeSet', (r) => ok(outboxItem('a1', { changesetId: r.id, experimentId: null, state: 'synced' })));
    desk.handle('rejectChangeSet', (r) => ok(outboxItem('r1', { changesetId: r.id, experimentId: null, state: 'queued' })));
    await selectChangeSet('chg_loyalty');
    await takeChangeSetStep('ACTIVE', ' looks safe ');
    expect(desk.calls.approveChangeSet).toEqual([{ id: 'chg_loyalty', expectedVersion: 2, reason: 'looks safe' }]);
    expect(state().changesets.action).toMatchObject({ status: 'done', item: { id: 'a1' } });
    await takeChangeSetStep('DRAFT', 'not now');
    expect(desk.calls.rejectChangeSet).toEqual([{ id: 'chg_loyalty', expectedVersion: 2, reason: 'not now' }]);
    expect(desk.calls.getChangeSet!.length).toBeGreaterThanOrEqual(3);
    expect(desk.calls.submitDecision).toBeUndefined();
  });

  it('offers only the legal steps: others, proof-requiring ones and empty reasons are refused before the host', async () => {
    desk.handle('getChangeSet', (r) => ok(detail(changeSet(r.id, 'MEASURING'))));
    await selectChangeSet('chg_x');
    await takeChangeSetStep('PERMANENT', 'skip ahead');
    expect(state().changesets.action.error!.message).toMatch(/not a step/);
    await takeChangeSetStep('PROVEN', 'no proof');
    expect(state().changesets.action.error!.message).toMatch(/needs a proofResult/);
    await takeChangeSetStep('ROLLED_BACK', '');
    expect(state().changesets.action.error!.message).toMatch(/reason/);
    expect(desk.calls.submitDecision).toBeUndefined();
    desk.handle('submitDecision', () => ok(outboxItem('rb', { experimentId: null })));
    await takeChangeSetStep('ROLLED_BACK', 'manual rollback');
    expect(desk.calls.submitDecision).toEqual([{ changesetId: 'chg_x', to: 'ROLLED_BACK', reason: 'manual rollback', expectedVersion: 4 }]);
  });

  it('ROLLED_BACK → PERMANENT needs the explicit confirmation, and sends confirm: true', async () => {
    desk.handle('getChangeSet', (r) => ok(detail(changeSet(r.id, 'ROLLED_BACK', { version: 5 }))));
    desk.handle('submitDecision', () => ok(outboxItem('p', { experimentId: null })));
    await selectChangeSet('chg_rb');
    await takeChangeSetStep('PERMANENT', 'keep it off');
    expect(state().changesets.action.error!.message).toMatch(/explicit confirmation/);
    expect(desk.calls.submitDecision).toBeUndefined();
    await takeChangeSetStep('PERMANENT', 'keep it off', { confirm: true });
    expect(desk.calls.submitDecision).toEqual([{ changesetId: 'chg_rb', to: 'PERMANENT', reason: 'keep it off', expectedVersion: 5, confirm: true }]);
  });

  it('keeps only the latest detail when selections cross', async () => {
    const slow = deferred<ReturnType<typeof ok<ReturnType<typeof detail>>>>();
    desk.handle('getChangeSet', () => slow.promise);
    const first = selectChangeSet('a');
    desk.handle('getChangeSet', (r) => ok(detail(changeSet(r.id))));
    await selectChangeSet('b');
    slow.resolve(ok(detail(changeSet('a'))));
    await first;
    expect(state().changesets.detail!.changeset.id).toBe('b');
  });
});

describe('API settings', () => {
  it('sends the token to the host and keeps only whether one is set', async () => {
    await loadApiSettings();
    expect(state().apiSettings.view).toEqual({ baseUrl: null, hasToken: false, canStoreToken: false });
    expect(await saveApiSettings({ baseUrl: 'https://api.example.com', token: 'secret-token' })).toBe(true);
    expect(desk.calls.setApiSettings).toEqual([{ baseUrl: 'https://api.example.com', token: 'secret-token' }]);
    expect(state().apiSettings).toMatchObject({ saved: true, view: { hasToken: true } });
    expect(JSON.stringify(state())).not.toContain('secret-token');
  });

  it('shows the host’s refusal (the web host cannot store a token)', async () => {
    desk.handle('setApiSettings', () => err('invalid_request', 'this host cannot store the API token: set EXPERIMENT_DESK_API_TOKEN in its environment'));
    expect(await saveApiSettings({ token: 'x' })).toBe(false);
    expect(state().apiSettings).toMatchObject({ saved: false, error: { code: 'invalid_request' } });
  });

  it('a refusal that needs the user\'s confirmation is kept for the form; the confirmed request carries its flags', async () => {
    desk.handle('setApiSettings', (r) => (r.confirmHostChange && r.confirmPlainTextTokenStorage
      ? ok({ baseUrl: r.baseUrl ?? null, hasToken: true, canStoreToken: true })
      : err('confirmation_required', 'confirm first')));
    expect(await saveApiSettings({ baseUrl: 'https://new.example.com', token: 'secret-token' })).toBe(false);
    expect(state().apiSettings).toMatchObject({ saved: false, error: { code: 'confirmation_required', message: 'confirm first' } });
    expect(await saveApiSettings({ baseUrl: 'https://new.example.com', token: 'secret-token', confirmHostChange: true, confirmPlainTextTokenStorage: true })).toBe(true);
    expect(desk.calls.setApiSettings!.at(-1)).toEqual({ baseUrl: 'https://new.example.com', token: 'secret-token', confirmHostChange: true, confirmPlainTextTokenStorage: true });
    expect(state().apiSettings).toMatchObject({ saved: true, error: null, view: { baseUrl: 'https://new.example.com' } });
  });
});

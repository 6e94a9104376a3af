/**
 * `experiment-desk changesets …` against the reference server on 127.0.0.1: a decision taken
 * while the API is down stays queued in the database's outbox (exit 0, and says so); once the API
 * is up, `changesets sync` sends it. Also: list and show, linking by featureFlagKey, refusals
 * (exit 2, one line), and the token never printed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, type CliRun } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-files.ts';
import { startReferenceServer, type ReferenceServer } from '../reference-api/server.ts';
import { writeSmallDemo } from './demo-data.ts';

const files = tempDir();
const TOKEN = 'cli-test-token-5f1d8a';
let csv: string;
let port: number;
let url: string;
let api: ReferenceServer | null = null;

beforeAll(async () => {
  csv = await writeSmallDemo(files.path('demo.csv'));
  // Find a free port, then leave it closed: the API is "down".
  const probe = await startReferenceServer({ seed: false });
  port = probe.port;
  url = probe.url;
  await probe.stop();
});
afterEach(() => vi.unstubAllEnvs());
afterAll(async () => {
  await api?.stop();
});

function cli(argv: string[]): Promise<CliRun> {
  vi.stubEnv('EXPERIMENT_DESK_API_TOKEN', TOKEN);
  vi.stubEnv('EXPERIMENT_DESK_API_URL', url);
  return runCli(argv);
}

function expectNoToken(run: CliRun): void {
  expect(run.stdout).not.toContain(TOKEN);
  expect(run.stderr).not.toContain(TOKEN);
}

describe('experiment-desk changesets', () => {
  it('queues a decision while the API is down, then syncs it when the API is up', async () => {
    const db = files.path('desk.duckdb');
    const offline = await cli(['changesets', 'decide', 'checkout-redesign', csv, '--db', db, '--changeset', 'chg_checkout_redesign']);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('checkout-redesign: winner');
    expect(offline.stdout).toContain('decision: chg_checkout_redesign → PROVEN (version unknown offline: resolved when sent)');
    expect(offline.stdout).toMatch(/outbox: {3}queued — .*unreachable.*experiment-desk changesets sync --db/);
    expectNoToken(offline);

    // Without a link and without a local copy, offline, the command cannot know the ChangeSet.
    const unlinked = await cli(['changesets', 'decide', 'spring-offer', '--db', files.path('other.duckdb'), csv, '--to', 'ROLLED_BACK']);
    expect(unlinked.code).toBe(2);
    expect(unlinked.stderr).toMatch(/no ChangeSet is linked to spring-offer .*pass --changeset ID/);

    api = await startReferenceServer({ port, token: TOKEN });
    const sync = await cli(['changesets', 'sync', '--db', db]);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain('1 synced');
    expect(sync.stdout).toMatch(/chg_checkout_redesign\s+PROVEN\s+synced/);
    expectNoToken(sync);
    const changeset = (await api.changeset('chg_checkout_redesign'))!;
    expect(changeset).toMatchObject({ version: 5, execution: { status: 'PROVEN', proofResult: { experimentId: 'checkout-redesign', metric: 'conversion' } } });
    expect(changeset.auditTrail.at(-1)).toMatchObject({ action: 'proven', reason: expect.stringContaining('Proven (checkout-redesign, winner)') });

    // Sending again changes nothing: the outbox is drained.
    const again = await cli(['changesets', 'sync', '--db', db]);
    expect(again.stdout).toContain('sent 0');
    expect((await api.changeset('chg_checkout_redesign'))!.version).toBe(5);
  });

  it('lists and shows ChangeSets with their audit trail', async () => {
    api ??= await startReferenceServer({ port, token: TOKEN });
    const list = await cli(['changesets', 'list', '--status', 'MEASURING']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('chg_spring_offer');
    expect(list.stdout).not.toContain('chg_free_shipping_threshold');
    const show = await cli(['changesets', 'show', 'chg_spring_offer']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('AUTO-ROLLBACK: ARMED');
    expect(show.stdout).toMatch(/approved\s+PENDING_APPROVAL\s+ACTIVE/);
    expect(show.stdout).toContain('next:         PROVEN, ROLLED_BACK');
    const json = JSON.parse((await cli(['changesets', 'show', 'chg_spring_offer', '--format', 'json'])).stdout) as { audit: unknown[] };
    expect(json.audit).toHaveLength(4);
    const missing = await cli(['changesets', 'show', 'chg_nope']);
    expect(missing).toMatchObject({ code: 2, stderr: 'experiment-desk: no ChangeSet chg_nope\n' });
    for (const run of [list, show, missing]) expectNoToken(run);
  });

  it('links by featureFlagKey online, refuses an illegal or unproposed decision, and needs --db', async () => {
    api ??= await startReferenceServer({ port, token: TOKEN });
    const db = files.path('online.duckdb');
    const notReady = await cli(['changesets', 'decide', 'spring-offer', csv, '--db', db]);
    expect(notReady.code).toBe(2);
    expect(notReady.stderr).toMatch(/verdict for spring-offer is not_ready .*pass --to PROVEN or --to ROLLED_BACK/);

    const forced = await cli(['changesets', 'decide', 'spring-offer', '--db', db, '--to', 'ROLLED_BACK', '--min-sample', '500', '--reason', 'monthly discount loses revenue']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('decision: chg_spring_offer MEASURING → ROLLED_BACK (based on version 4); linked by featureFlagKey');
    expect(forced.stdout).toMatch(/outbox: {3}synced — ChangeSet chg_spring_offer is now ROLLED_BACK \(version 5\)/);
    expect((await api.changeset('chg_spring_offer'))!.auditTrail.at(-1)).toMatchObject({ action: 'rolled_back', reason: 'monthly discount loses revenue' });

    const illegal = await cli(['changesets', 'decide', 'spring-offer', '--db', db, '--to', 'PROVEN', '--min-sample', '500']);
    expect(illegal.code).toBe(2);
    expect(illegal.stderr).toContain('ROLLED_BACK → PROVEN is not a ChangeSet transition');

    const noDb = await cli(['changesets', 'decide', 'checkout-redesign', csv]);
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toContain('needs --db PATH');
    const badTo = await cli(['changesets', 'decide', 'checkout-redesign', '--db', db, '--to', 'PERMANENT']);
    expect(badTo.code).toBe(2);
  });
});

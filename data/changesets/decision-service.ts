/**
 * The `changesets` handlers of the desk contract (contract/desk-api.ts `ChangeSetHandlers`) over
 * the local database, the ChangeSet API client and the outbox: what the desk service exposes to
 * every host. Reads go to the API and fall back to the local copy by the workflow's one rule
 * (`canUseLocalCopy`); proposals and decisions are the workflow's (`decision-workflow.ts`, shared
 * with the CLI); writes (decisions, approvals) always go through the outbox.
 *
 * The API token comes from the host (`apiToken`: Electron's safeStorage, the web host's
 * environment) and is never returned, logged or stored by this module; the base URL is kept in a
 * small JSON file beside the settings.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { requestSchemas, type AnalysisOverrides, type ChangeSetHandlers } from '../../contract/desk-api.ts';
import { allowedTransitions, isAutoRollbackArmed } from '../../contract/changesets/lifecycle.ts';
import { isApiHostChange, apiHostOf } from '../../contract/changesets/api-url.ts';
import {
  PLAIN_TEXT_TOKEN_STORAGE,
  type ApiSettingsView, type ChangeSetSource, type OutboxItem, type OutboxRequest, type TokenStoreOptions,
} from '../../contract/changesets/decisions.ts';
import type { Actor, ChangeSet, ChangeSetStatus, ProofResult } from '../../contract/changesets/schemas.ts';
import type { ExperimentReport, ImportedFileReport } from '../../contract/report.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import type { Database } from '../database.ts';
import { changeSetCache } from './cache.ts';
import { ChangeSetApiError, createChangeSetClient, type ChangeSetClient, type ChangeSetClientOptions } from './client.ts';
import { direct, type Exclusive } from './exclusive.ts';
import { canUseLocalCopy, ChangeSetServiceError, createDecisionWorkflow, defaultActor, type DecisionWorkflow } from './decision-workflow.ts';
import { experimentLinks, resolveLink } from './links.ts';
import { OutboxStateError, createOutbox, type Outbox } from './outbox.ts';
import { buildProofResult } from './proof.ts';

export { ChangeSetServiceError };

/** One experiment analysed with the host's settings, and the files behind it. */
export interface AnalysedExperiment {
  readonly report: ExperimentReport;
  readonly settings: AnalysisSettings;
  readonly files: readonly ImportedFileReport[];
}

/** Timeouts and cadences (tests shorten them). */
export interface ChangeSetTuning {
  /** Per-attempt API timeout, ms (default 8 000). */
  readonly timeoutMs: number;
  /** Attempts per API call (default 3). */
  readonly maxAttempts: number;
  /** Client backoff base, ms (default 200). */
  readonly baseDelayMs: number;
  /** Outbox backoff base after a failed flush, ms (default 2 000). */
  readonly retryBaseMs: number;
  /** Background sync of the outbox, ms (default 15 000; 0 = off). */
  readonly syncIntervalMs: number;
  /** How long `submitDecision` waits for the send before returning the item as it is (default 5 000 ms). */
  readonly submitWaitMs: number;
}

const DEFAULT_TUNING: ChangeSetTuning = { timeoutMs: 8_000, maxAttempts: 3, baseDelayMs: 200, retryBaseMs: 2_000, syncIntervalMs: 15_000, submitWaitMs: 5_000 };

export interface ChangeSetServiceOptions {
  readonly db: Database;
  /** The host's serial queue for the database. */
  readonly exclusive?: Exclusive;
  /** Analyses one experiment (null when there is no such experiment). */
  readonly analyze: (experimentId: string, overrides: AnalysisOverrides) => Promise<AnalysedExperiment | null>;
  /** JSON file keeping the API base URL. */
  readonly apiSettingsPath: string;
  /** Base URL used while the settings file names none (e.g. the environment's `EXPERIMENT_DESK_API_URL`). */
  readonly apiBaseUrl?: string;
  /** The API token provider (host: safeStorage or environment); absent → no token. */
  readonly apiToken?: () => Promise<string | null>;
  /**
   * Stores (null: removes) the token; absent → this host cannot store one. A store that could
   * keep it only in plain text throws an error whose `code` is `PLAIN_TEXT_TOKEN_STORAGE` unless
   * `allowPlainText` is set.
   */
  readonly setApiToken?: (token: string | null, options?: TokenStoreOptions) => Promise<void>;
  /** Who decisions are made by (default: the OS user). */
  readonly actor?: Actor;
  readonly tuning?: Partial<ChangeSetTuning>;
  /** Test seam: the HTTP client's fetch. */
  readonly fetch?: typeof fetch;
  /** Every change of the outbox, with every item. */
  readonly onOutboxChanged?: (items: readonly OutboxItem[]) => void;
}

export interface ChangeSetService {
  readonly handlers: ChangeSetHandlers;
  readonly outbox: Outbox;
  /** The decision workflow over this service's client, local copy, links and outbox. */
  readonly workflow: DecisionWorkflow;
  /** Stops the background sync and waits for a send in flight. */
  close(): Promise<void>;
}

/** Why the API could not be used, for the UI's "offline" notice (never contains the token). */
function offlineReason(error: ChangeSetApiError, baseUrl: string): string {
  switch (error.code) {
    case 'not_configured': return 'no API token is set';
    case 'unauthorized': return `the API at ${baseUrl} refused the token (unauthorized)`;
    case 'forbidden': return `the API at ${baseUrl} does not allow this token to write (forbidden)`;
    case 'timeout': return `the API at ${baseUrl} did not answer in time`;
    case 'network_error': return `the API at ${baseUrl} is unreachable`;
    case 'insecure_base_url': return `the API base URL ${baseUrl} is not https (plain http only to 127.0.0.1, ::1 or localhost): the token is not sent`;
    case 'cross_origin_redirect': return `the API at ${baseUrl} redirects to another origin; the token is not sent there (check the API base URL)`;
    case 'redirect_refused': return `the API at ${baseUrl} answered with a redirect the client does not follow (${error.message})`;
    default: return `the API at ${baseUrl} failed (${error.status} ${error.code})`;
  }
}

function apiError(error: ChangeSetApiError): ChangeSetServiceError {
  if (error.code === 'not_found') return new ChangeSetServiceError('not_found', error.message);
  return new ChangeSetServiceError('api_error', `${error.message} (${error.code}, HTTP ${error.status}, request ${error.requestId})`);
}

/** The handlers, the outbox and a background sync. */
export function createChangeSetService(options: ChangeSetServiceOptions): ChangeSetService {
  const { db } = options;
  const exclusive = options.exclusive ?? direct;
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const actor = options.actor ?? defaultActor();
  const cache = changeSetCache(db, exclusive);
  const links = experimentLinks(db, exclusive);

  // ── settings ─────────────────────────────────────────────────────────────────────────────
  const readBaseUrl = async (): Promise<string | null> => {
    try {
      const saved = JSON.parse(await readFile(options.apiSettingsPath, 'utf8')) as { baseUrl?: unknown };
      if (saved.baseUrl === null) return null;
      if (typeof saved.baseUrl === 'string' && saved.baseUrl !== '') return saved.baseUrl;
    } catch {
      // missing or unreadable: the default below
    }
    return options.apiBaseUrl ?? null;
  };
  const writeBaseUrl = async (baseUrl: string | null): Promise<void> => {
    await mkdir(dirname(options.apiSettingsPath), { recursive: true });
    const temporary = `${options.apiSettingsPath}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ baseUrl }, null, 2)}\n`);
    await rename(temporary, options.apiSettingsPath);
  };
  const apiSettings = async (): Promise<ApiSettingsView> => ({
    baseUrl: await readBaseUrl(),
    hasToken: !!(await options.apiToken?.()),
    canStoreToken: options.setApiToken !== undefined,
  });

  const client = async (): Promise<ChangeSetClient | null> => {
    const baseUrl = await readBaseUrl();
    if (!baseUrl) return null;
    const clientOptions: ChangeSetClientOptions = {
      baseUrl,
      token: options.apiToken ?? (() => null),
      timeoutMs: tuning.timeoutMs,
      maxAttempts: tuning.maxAttempts,
      baseDelayMs: tuning.baseDelayMs,
      ...(options.fetch && { fetch: options.fetch }),
    };
    return createChangeSetClient(clientOptions);
  };

  // ── outbox and its change events ──────────────────────────────────────────────────────────
  let closed = false;
  let emitScheduled = false;
  const outbox = createOutbox({
    db,
    exclusive,
    cache,
    client,
    retryBaseMs: tuning.retryBaseMs,
    onChange: () => {
      if (!options.onOutboxChanged || emitScheduled) return;
      emitScheduled = true;
      setTimeout(() => {
        emitScheduled = false;
        if (closed) return;
        outbox.list().then((items) => options.onOutboxChanged?.(items), () => undefined);
      }, 0);
    },
  });
  let lastFlush: Promise<unknown> = Promise.resolve();
  const flushQuietly = (): Promise<unknown> => {
    if (closed) return Promise.resolve();
    lastFlush = outbox.flush().catch(() => undefined);
    return lastFlush;
  };

  // Background sync: at startup (decisions left queued, or `sending` by a crash, by the last run)
  // and then every `syncIntervalMs`, whenever something is waiting.
  const syncIfPending = (): void => {
    if (closed) return;
    outbox.pendingCount().then((n) => (n > 0 && !closed ? flushQuietly() : undefined), () => undefined);
  };
  let timer: ReturnType<typeof setInterval> | null = null;
  if (tuning.syncIntervalMs > 0) {
    timer = setInterval(syncIfPending, tuning.syncIntervalMs);
    timer.unref?.();
    setTimeout(syncIfPending, 0).unref?.();
  }

  const workflow = createDecisionWorkflow({
    cache, links, outbox, client, send: flushQuietly, describeOffline: offlineReason, noApiReason: 'the API base URL is not set',
  });
  /** The API's error as the desk's; any other error as it is. */
  const asServiceError = (error: unknown): unknown => (error instanceof ChangeSetApiError ? apiError(error) : error);

  /** Writes a decision to the outbox and sends it, waiting at most `submitWaitMs` (decision-workflow.ts). */
  const submit = (input: { changesetId: string; experimentId?: string; request: OutboxRequest }): Promise<OutboxItem> =>
    workflow.submit(input, tuning.submitWaitMs);

  const review = (to: ChangeSetStatus) => async (raw: { id: string; expectedVersion: number; reason: string }): Promise<OutboxItem> => {
    const request = requestSchemas.approveChangeSet.parse(raw);
    return submit({ changesetId: request.id, request: { to, expectedVersion: request.expectedVersion, reason: request.reason, actor } });
  };

  const handlers: ChangeSetHandlers = {
    async listChangeSets(raw) {
      const request = requestSchemas.listChangeSets.parse(raw);
      const api = await client();
      const fromCache = async (reason: string): Promise<Awaited<ReturnType<ChangeSetHandlers['listChangeSets']>>> => {
        const cached = request.cursor ? [] : await cache.list(request.status);
        const fetchedAt = cached.map((c) => c.fetchedAt).sort().at(0) ?? null;
        return { items: cached.map((c) => c.changeset), nextCursor: null, source: 'cache', fetchedAt, offlineReason: reason };
      };
      if (!api) return fromCache('the API base URL is not set');
      try {
        const page = await api.list({
          ...(request.status && { status: request.status }), ...(request.cursor && { cursor: request.cursor }), ...(request.limit && { limit: request.limit }),
        });
        const fetchedAt = new Date();
        await cache.put(page.items, fetchedAt);
        return { items: page.items, nextCursor: page.nextCursor, source: 'api', fetchedAt: fetchedAt.toISOString(), offlineReason: null };
      } catch (error) {
        if (error instanceof ChangeSetApiError && canUseLocalCopy(error)) return fromCache(offlineReason(error, api.baseUrl));
        throw error instanceof ChangeSetApiError ? apiError(error) : error;
      }
    },

    async getChangeSet(raw) {
      const { id } = requestSchemas.getChangeSet.parse(raw);
      const api = await client();
      let changeset: ChangeSet | null = null;
      let audit: ChangeSet['auditTrail'] = [];
      let source: ChangeSetSource = 'api';
      let fetchedAt: string | null = null;
      let reason: string | null = api ? null : 'the API base URL is not set';
      if (api) {
        try {
          const [fetched, events] = await Promise.all([api.get(id), api.audit(id)]);
          changeset = fetched;
          audit = events;
          fetchedAt = new Date().toISOString();
          await cache.put([fetched]);
        } catch (error) {
          if (!(error instanceof ChangeSetApiError) || !canUseLocalCopy(error)) throw error instanceof ChangeSetApiError ? apiError(error) : error;
          reason = offlineReason(error, api.baseUrl);
        }
      }
      if (!changeset) {
        const cached = await cache.get(id);
        if (!cached) throw new ChangeSetServiceError(api ? 'api_unavailable' : 'not_found', `ChangeSet ${id} is not in the local copy and ${reason}`);
        changeset = cached.changeset;
        audit = cached.changeset.auditTrail;
        source = 'cache';
        fetchedAt = cached.fetchedAt;
      }
      const manual = await links.all();
      const linkedExperiments = [...new Set([
        ...[...manual].filter(([, changesetId]) => changesetId === id).map(([experimentId]) => experimentId),
        ...(changeset.actionPlan.implementation.featureFlagKey ? [changeset.actionPlan.implementation.featureFlagKey] : []),
      ])];
      const items = (await outbox.list()).filter((item) => item.changesetId === id).reverse();
      return {
        changeset,
        audit,
        allowedTransitions: allowedTransitions(changeset, new Date()).map(({ to, action, requiresConfirmation, proof }) => ({ to, action, requiresConfirmation, proof })),
        autoRollbackArmed: isAutoRollbackArmed(changeset),
        linkedExperiments,
        outbox: items,
        source,
        fetchedAt,
        offlineReason: reason,
      };
    },

    async proposeDecision(raw) {
      const { experimentId, overrides } = requestSchemas.proposeDecision.parse(raw);
      const analysed = await options.analyze(experimentId, overrides ?? {});
      if (!analysed) throw new ChangeSetServiceError('not_found', `no experiment ${experimentId} (or no unit matches the filters)`);
      const { report, settings, files } = analysed;
      if (files.length === 0) throw new ChangeSetServiceError('bad_input', 'no imported file: nothing to prove');
      const proofResult: ProofResult = buildProofResult(report, { files, alpha: settings.alpha, cuped: settings.cuped });
      try {
        return await workflow.propose(report, proofResult);
      } catch (error) {
        throw asServiceError(error);
      }
    },

    async submitDecision(raw) {
      const request = requestSchemas.submitDecision.parse(raw);
      return submit({
        changesetId: request.changesetId,
        ...(request.experimentId && { experimentId: request.experimentId }),
        request: {
          to: request.to,
          expectedVersion: request.expectedVersion,
          reason: request.reason,
          actor,
          ...(request.proofResult && { proofResult: request.proofResult }),
          ...(request.confirm !== undefined && { confirm: request.confirm }),
        },
      });
    },

    async listOutbox() {
      return outbox.list();
    },

    async retryOutbox(raw) {
      const { id, expectedVersion, proofResult } = requestSchemas.retryOutbox.parse(raw);
      if (id !== undefined) {
        const item = await outbox.get(id);
        if (!item) throw new ChangeSetServiceError('not_found', `no outbox item ${id}`);
        if (expectedVersion !== undefined) {
          try {
            await outbox.requeueWithVersion(id, expectedVersion, proofResult);
          } catch (error) {
            if (error instanceof OutboxStateError) throw new ChangeSetServiceError('conflict', error.message);
            throw error;
          }
        }
      }
      await outbox.flush({ ignoreBackoff: true });
      return outbox.list();
    },

    async discardOutboxItem(raw) {
      const { id } = requestSchemas.discardOutboxItem.parse(raw);
      try {
        return await outbox.discard(id);
      } catch (error) {
        if (error instanceof OutboxStateError) throw new ChangeSetServiceError((await outbox.get(id)) ? 'conflict' : 'not_found', error.message);
        throw error;
      }
    },

    async linkExperiment(raw) {
      const { experimentId, changesetId } = requestSchemas.linkExperiment.parse(raw);
      await links.set(experimentId, changesetId);
      const known = (await cache.list()).map((c) => c.changeset);
      return resolveLink(experimentId, changesetId, known);
    },

    approveChangeSet: review('ACTIVE'),
    rejectChangeSet: review('DRAFT'),

    async getApiSettings() {
      return apiSettings();
    },

    // Where the token may go (docs/security.md, "The ChangeSet API client"): the schema admits
    // only https (or loopback http) base URLs; a new host needs `confirmHostChange`, and a token
    // the host could keep only in plain text needs `confirmPlainTextTokenStorage`. Both are
    // checked before anything is written.
    async setApiSettings(raw) {
      const { baseUrl, token, confirmHostChange, confirmPlainTextTokenStorage } = requestSchemas.setApiSettings.parse(raw);
      if (token !== undefined && !options.setApiToken) {
        throw new ChangeSetServiceError('invalid_request', 'this host cannot store the API token: set EXPERIMENT_DESK_API_TOKEN in its environment');
      }
      const saved = await readBaseUrl();
      if (baseUrl && isApiHostChange(saved, baseUrl) && confirmHostChange !== true) {
        throw new ChangeSetServiceError('confirmation_required',
          `the API base URL moves from ${apiHostOf(saved)} to ${apiHostOf(baseUrl)}: the API token will be sent to the new host. `
          + 'Confirm the change (confirmHostChange) to save it');
      }
      if (token !== undefined && options.setApiToken) {
        try {
          await options.setApiToken(token, { allowPlainText: confirmPlainTextTokenStorage === true });
        } catch (error) {
          if ((error as { code?: unknown })?.code === PLAIN_TEXT_TOKEN_STORAGE) {
            throw new ChangeSetServiceError('confirmation_required', (error as Error).message);
          }
          throw error;
        }
      }
      if (baseUrl !== undefined) await writeBaseUrl(baseUrl === null ? null : baseUrl.replace(/\/+$/, ''));
      void flushQuietly();
      return apiSettings();
    },
  };

  return {
    handlers,
    outbox,
    workflow,
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      timer = null;
      await lastFlush;
    },
  };
}

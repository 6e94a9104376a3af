/**
 * The durable outbox of ChangeSet decisions (docs/changesets.md "Offline"), in the local DuckDB table
 * `changeset_outbox` (migration 2). A decision is written here first, with a fresh idempotency
 * key, and only then sent; it survives restarts and is retried until the API accepts or refuses
 * it for good. Exactly-once delivery rests on two rules: the key and the body of an item never
 * change once it may have been sent, and the API applies a key at most once.
 *
 * Item states (contract/changesets/decisions.ts `OutboxState`):
 *
 * ```
 *  enqueueDecision ─▶ queued ──flush──▶ sending ──2xx, transition applied────▶ synced
 *                       ▲                  │ ├──409 / 422 / 404, or a 2xx
 *                       │                  │ │  that shows it not applied─────▶ failed ──requeueWithVersion──▶ queued (new key)
 *                       │                  │ └──network, timeout, 5xx, 429,
 *                       │                  │    2xx unreadable or too large
 *                       └──────────────────┘    (attempts + 1, backoff); 401/403, insecure base URL, redirect (no backoff)
 *  queued (never sent) / failed ──discard──▶ discarded
 *  sending at startup (crash mid-send) ──flush──▶ sent again with the same key
 * ```
 *
 * An item is `synced` only when the API's answer shows the transition applied: the returned
 * ChangeSet's `execution.status` is the requested state and its `version` is above
 * `expectedVersion` (docs/security.md, "The ChangeSet API client"). A 2xx that shows the
 * ChangeSet unchanged fails the item with `transition_not_applied` and both states in its
 * details; a redirect is never followed to another origin (the client's `cross_origin_redirect`)
 * and leaves the item queued until the base URL is fixed.
 *
 * `flush()` sends due items in the order they were written. It keeps the order per ChangeSet: an
 * item waits while an earlier item of the same ChangeSet is unsent or failed. It stops at the
 * first transient failure or auth error (the API is down or refuses the token: the next items
 * would fail alike) and at nothing else.
 */
import { randomUUID } from 'node:crypto';
import {
  outboxRequestSchema, type OutboxConflict, type OutboxError, type OutboxItem, type OutboxRequest, type OutboxState,
} from '../../contract/changesets/decisions.ts';
import { changeSetSchema, type ChangeSet, type ProofResult, type TransitionRequest } from '../../contract/changesets/schemas.ts';
import type { Database } from '../database.ts';
import type { ChangeSetCache } from './cache.ts';
import { ChangeSetApiError, backoffDelay, transitionNotApplied, type ChangeSetClient } from './client.ts';
import { direct, isoValue, jsonValue, type Exclusive } from './exclusive.ts';

/** An operation the item's state does not allow (discard a sent item, requeue a synced one). */
export class OutboxStateError extends Error {
  override readonly name = 'OutboxStateError';
}

export interface OutboxOptions {
  readonly db: Database;
  /** The API client, or null while the API is not configured (items stay queued). */
  readonly client: () => ChangeSetClient | null | Promise<ChangeSetClient | null>;
  /** The host's serial queue for the database (default: direct access). */
  readonly exclusive?: Exclusive;
  /** Synced results are stored here too. */
  readonly cache?: ChangeSetCache;
  readonly now?: () => Date;
  /** Backoff after a transient failure, full jitter: base (default 2 000 ms) and cap (default 5 min). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly random?: () => number;
  /** Called after every change of an item. */
  readonly onChange?: (item: OutboxItem) => void;
}

/** A decision to enqueue. */
export interface DecisionInput {
  readonly changesetId: string;
  readonly experimentId?: string | null;
  readonly request: OutboxRequest;
}

/** What one `flush()` did. */
export interface FlushResult {
  /** Items whose send was started. */
  readonly attempted: number;
  readonly synced: number;
  readonly failed: number;
  /** Items put back to `queued` after a transient failure or an auth error. */
  readonly requeued: number;
  /** Why the flush stopped before the end (API unreachable, not configured, token refused), else null. */
  readonly stoppedBy: OutboxError | null;
  /** Items still queued or sending afterwards. */
  readonly remaining: number;
}

export interface FlushOptions {
  /** Send items whose backoff has not run out yet (a "retry now" button; tests). */
  readonly ignoreBackoff?: boolean;
}

export interface Outbox {
  /** Writes a decision as `queued` with a fresh idempotency key. @throws ZodError for an invalid request. */
  enqueueDecision(input: DecisionInput): Promise<OutboxItem>;
  /** Sends queued (and interrupted `sending`) items; calls are serialised. */
  flush(options?: FlushOptions): Promise<FlushResult>;
  /** Every item in send order (oldest first). */
  list(): Promise<OutboxItem[]>;
  get(id: string): Promise<OutboxItem | null>;
  /**
   * Marks a failed item, or a queued item never sent, as discarded.
   * @throws OutboxStateError for an item that may have reached the API (sending, or queued after an attempt) or is synced.
   */
  discard(id: string): Promise<OutboxItem>;
  /**
   * Queues a failed item again against `expectedVersion` (after a 409 and a re-analysis), with a
   * new idempotency key (the body changed) and optionally a new proofResult.
   * @throws OutboxStateError unless the item is failed.
   */
  requeueWithVersion(id: string, expectedVersion: number, proofResult?: ProofResult): Promise<OutboxItem>;
  /** Items queued or sending. */
  pendingCount(): Promise<number>;
}

interface Row {
  id: string;
  changeset_id: string;
  experiment_id: string | null;
  idempotency_key: string;
  request: unknown;
  state: string;
  attempts: number;
  next_attempt_at: unknown;
  last_error: unknown;
  server_response: unknown;
  created_at: unknown;
  updated_at: unknown;
}

/** The fields of an item that change after it is written, and their columns. */
interface ItemPatch {
  state?: OutboxState;
  attempts?: number;
  request?: OutboxRequest;
  idempotencyKey?: string;
  lastError?: OutboxError | null;
  nextAttemptAt?: string | null;
  result?: ChangeSet | null;
}

const COLUMN_OF: Record<keyof ItemPatch, string> = {
  state: 'state', attempts: 'attempts', request: 'request', idempotencyKey: 'idempotency_key', lastError: 'last_error',
  nextAttemptAt: 'next_attempt_at', result: 'server_response',
};

const COLUMNS = 'id, changeset_id, experiment_id, idempotency_key, request, state, attempts, next_attempt_at, last_error, server_response, created_at, updated_at';

/**
 * Codes that put an item back to `queued` without backoff and stop the flush: the settings must
 * change (token refused or missing, base URL not https, the API redirects elsewhere).
 */
const AUTH_CODES = new Set(['unauthorized', 'forbidden', 'not_configured', 'insecure_base_url', 'cross_origin_redirect', 'redirect_refused']);

/** The "changed since your analysis" view of a 409. */
function conflictOf(lastError: OutboxError | null, request: OutboxRequest): OutboxConflict | null {
  if (lastError?.code !== 'version_conflict') return null;
  const details = lastError.details;
  return {
    expectedVersion: typeof details.expectedVersion === 'number' ? details.expectedVersion : request.expectedVersion ?? 0,
    currentVersion: typeof details.currentVersion === 'number' ? details.currentVersion : null,
    currentState: typeof details.currentState === 'string' ? details.currentState : null,
  };
}

function toItem(row: Row): OutboxItem {
  const request = outboxRequestSchema.parse(jsonValue(row.request));
  const lastError = jsonValue<OutboxError>(row.last_error);
  const result = row.server_response === null ? null : changeSetSchema.safeParse(jsonValue(row.server_response));
  const conflict = conflictOf(lastError, request);
  return {
    id: row.id,
    changesetId: row.changeset_id,
    experimentId: row.experiment_id,
    idempotencyKey: row.idempotency_key,
    request,
    state: row.state as OutboxState,
    attempts: Number(row.attempts),
    nextAttemptAt: isoValue(row.next_attempt_at),
    lastError,
    conflict,
    result: result?.success ? result.data : null,
    createdAt: isoValue(row.created_at)!,
    updatedAt: isoValue(row.updated_at)!,
  };
}

function errorOf(error: unknown, at: Date): OutboxError {
  if (error instanceof ChangeSetApiError) {
    return { status: error.status, code: error.code, message: error.message, requestId: error.requestId, details: error.details, at: at.toISOString() };
  }
  return { status: 0, code: 'network_error', message: (error as Error)?.message ?? String(error), requestId: null, details: {}, at: at.toISOString() };
}

/** Whether an error leaves the item queued to try again (transient, or the settings must change). */
function isRetryLater(error: OutboxError, original: unknown): boolean {
  if (AUTH_CODES.has(error.code)) return true;
  return original instanceof ChangeSetApiError ? original.transient : true;
}

function transitionBody(request: OutboxRequest): TransitionRequest {
  if (request.expectedVersion === null) throw new Error('expectedVersion must be resolved before sending');
  return {
    to: request.to,
    expectedVersion: request.expectedVersion,
    reason: request.reason,
    actor: request.actor,
    ...(request.proofResult !== undefined && { proofResult: request.proofResult }),
    ...(request.confirm !== undefined && { confirm: request.confirm }),
  };
}

/** The outbox over `options.db`. */
export function createOutbox(options: OutboxOptions): Outbox {
  const { db } = options;
  const exclusive = options.exclusive ?? direct;
  const now = options.now ?? (() => new Date());
  const retryBaseMs = options.retryBaseMs ?? 2_000;
  const retryMaxMs = options.retryMaxMs ?? 300_000;
  const random = options.random ?? Math.random;
  let flushing: Promise<unknown> = Promise.resolve();

  const read = (id: string): Promise<OutboxItem | null> => exclusive(async () => {
    const rows = await db.query<Row & Record<string, unknown>>(`SELECT ${COLUMNS} FROM changeset_outbox WHERE id = $id`, { id });
    return rows[0] ? toItem(rows[0]) : null;
  });

  /** Writes `patch` to one item's row and reports the item as it now is. */
  const update = async (item: OutboxItem, patch: ItemPatch): Promise<OutboxItem> => {
    const updatedAt = now().toISOString();
    const values: Record<string, string | number | null> = {};
    for (const [field, value] of Object.entries(patch) as [keyof ItemPatch, ItemPatch[keyof ItemPatch]][]) {
      values[COLUMN_OF[field]] = value === null || value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : value;
    }
    await exclusive(() => db.run(
      `UPDATE changeset_outbox SET ${[...Object.keys(values).map((column) => `${column} = $${column}`), 'updated_at = $updated_at'].join(', ')} WHERE id = $id`,
      { ...values, updated_at: updatedAt, id: item.id }));
    const next = { ...item, ...patch, updatedAt };
    const updated: OutboxItem = { ...next, conflict: conflictOf(next.lastError, next.request) };
    options.onChange?.(updated);
    return updated;
  };

  const list = (): Promise<OutboxItem[]> => exclusive(async () => {
    const rows = await db.query<Row & Record<string, unknown>>(`SELECT ${COLUMNS} FROM changeset_outbox ORDER BY seq`);
    return rows.map(toItem);
  });

  const pendingCount = (): Promise<number> => exclusive(async () => {
    const rows = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM changeset_outbox WHERE state IN ('queued', 'sending')`);
    return Number(rows[0]!.n);
  });

  const retryLater = async (item: OutboxItem, error: OutboxError): Promise<void> => {
    const delay = AUTH_CODES.has(error.code) ? null : backoffDelay(Math.max(0, item.attempts - 1), retryBaseMs, retryMaxMs, random);
    await update(item, {
      state: 'queued',
      lastError: error,
      nextAttemptAt: delay === null ? null : new Date(now().getTime() + delay).toISOString(),
    });
  };

  const runFlush = async (flushOptions: FlushOptions): Promise<FlushResult> => {
    let attempted = 0;
    let synced = 0;
    let failed = 0;
    let requeued = 0;
    let stoppedBy: OutboxError | null = null;
    const client = await options.client();
    const items = await list();
    if (!client) {
      const pending = items.filter((i) => i.state === 'queued' || i.state === 'sending').length;
      stoppedBy = pending > 0 ? { status: 0, code: 'not_configured', message: 'the ChangeSet API is not configured (base URL and token)', requestId: null, details: {}, at: now().toISOString() } : null;
      return { attempted, synced, failed, requeued, stoppedBy, remaining: pending };
    }
    // An item waits while an earlier item of its ChangeSet is unsent or failed: order per ChangeSet.
    const blocked = new Set(items.filter((i) => i.state === 'failed').map((i) => i.changesetId));

    for (const item of items) {
      if (item.state !== 'queued' && item.state !== 'sending') continue;
      if (blocked.has(item.changesetId)) continue;
      if (!flushOptions.ignoreBackoff && item.state === 'queued' && item.nextAttemptAt && Date.parse(item.nextAttemptAt) > now().getTime()) {
        blocked.add(item.changesetId);
        continue;
      }
      let current = item;
      if (current.request.expectedVersion === null) {
        // Decided offline on a ChangeSet never fetched: send against its current version, written
        // down first so that every retry of this key carries the same body.
        try {
          const fetched = await client.get(current.changesetId);
          current = await update(current, { request: { ...current.request, expectedVersion: fetched.version } });
        } catch (error) {
          const outboxError = errorOf(error, now());
          if (isRetryLater(outboxError, error)) {
            await retryLater(current, outboxError);
            requeued++;
            stoppedBy = outboxError;
            break;
          }
          await update(current, { state: 'failed', lastError: outboxError, nextAttemptAt: null });
          failed++;
          blocked.add(current.changesetId);
          continue;
        }
      }

      attempted++;
      current = await update(current, { state: 'sending', attempts: current.attempts + 1 });
      let result: ChangeSet;
      try {
        result = await client.transition(current.changesetId, transitionBody(current.request), { idempotencyKey: current.idempotencyKey });
      } catch (error) {
        const outboxError = errorOf(error, now());
        if (isRetryLater(outboxError, error)) {
          await retryLater(current, outboxError);
          requeued++;
          stoppedBy = outboxError;
          break;
        }
        await update(current, { state: 'failed', lastError: outboxError, nextAttemptAt: null });
        failed++;
        blocked.add(current.changesetId);
        continue;
      }
      // The client checks this too; the outbox does not rely on any client to have done so.
      const notApplied = transitionNotApplied(current.changesetId, transitionBody(current.request), result);
      if (notApplied !== null) {
        await update(current, {
          state: 'failed',
          nextAttemptAt: null,
          lastError: {
            status: 200, code: 'transition_not_applied', message: notApplied, requestId: null, at: now().toISOString(),
            details: { expectedVersion: current.request.expectedVersion, to: current.request.to, currentVersion: result.version, currentState: result.execution.status },
          },
        });
        failed++;
        blocked.add(current.changesetId);
        continue;
      }
      await update(current, { state: 'synced', result, lastError: null, nextAttemptAt: null });
      await options.cache?.put([result], now());
      synced++;
    }
    return { attempted, synced, failed, requeued, stoppedBy, remaining: await pendingCount() };
  };

  return {
    async enqueueDecision(input) {
      const request = outboxRequestSchema.parse(input.request);
      const id = randomUUID();
      const at = now().toISOString();
      const item = await exclusive(async () => {
        await db.run(`INSERT INTO changeset_outbox (id, changeset_id, experiment_id, idempotency_key, request, state, attempts, created_at, updated_at)
                      VALUES ($id, $changeset, $experiment, $key, $request, 'queued', 0, $at, $at)`, {
          id, changeset: input.changesetId, experiment: input.experimentId ?? null, key: randomUUID(), request: JSON.stringify(request), at,
        });
        const rows = await db.query<Row & Record<string, unknown>>(`SELECT ${COLUMNS} FROM changeset_outbox WHERE id = $id`, { id });
        return toItem(rows[0]!);
      });
      options.onChange?.(item);
      return item;
    },

    flush(flushOptions = {}) {
      const run = flushing.then(() => runFlush(flushOptions), () => runFlush(flushOptions));
      flushing = run.catch(() => undefined);
      return run;
    },

    list,
    get: read,
    pendingCount,

    async discard(id) {
      const item = await read(id);
      if (!item) throw new OutboxStateError(`no outbox item ${id}`);
      const neverSent = item.state === 'queued' && item.attempts === 0;
      if (item.state !== 'failed' && !neverSent) {
        throw new OutboxStateError(item.state === 'synced' || item.state === 'discarded'
          ? `outbox item ${id} is ${item.state}`
          : `outbox item ${id} may already have reached the API (${item.state}, ${item.attempts} attempt(s)): sync it first`);
      }
      return update(item, { state: 'discarded', nextAttemptAt: null });
    },

    async requeueWithVersion(id, expectedVersion, proofResult) {
      const item = await read(id);
      if (!item) throw new OutboxStateError(`no outbox item ${id}`);
      if (item.state !== 'failed') throw new OutboxStateError(`outbox item ${id} is ${item.state}; only a failed item can be queued again`);
      const request = outboxRequestSchema.parse({ ...item.request, expectedVersion, ...(proofResult && { proofResult }) });
      return update(item, { request, idempotencyKey: randomUUID(), state: 'queued', attempts: 0, lastError: null, nextAttemptAt: null });
    },
  };
}

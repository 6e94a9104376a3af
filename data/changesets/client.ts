/**
 * Typed client of the ChangeSet REST API (contract/changesets/openapi.yaml, SPEC §5).
 *
 * - Every response body is validated with the contract's zod schemas; a body that does not match
 *   is an `invalid_response` error.
 * - Every call sends `X-Request-Id` (one UUID per logical call, repeated on its retries so the
 *   server's logs group the attempts) and `Authorization: Bearer …`; writes send
 *   `Idempotency-Key` (the caller's, or a fresh UUID), the same on every retry — which is what
 *   makes retrying a write safe.
 * - Retries, with exponential backoff and full jitter (delay = U(0, min(maxDelay, base·2^k))):
 *   network errors, per-attempt timeouts, 5xx, and 429 (waiting at least `Retry-After`). Never
 *   retried: other 4xx — in particular 409 `version_conflict`, which must reach the analyst
 *   ("this ChangeSet changed since your analysis") rather than be retried blindly, and 422.
 * - Errors are `ChangeSetApiError` with the server's status, code, message, details and request
 *   id. The token is never logged and never part of an error message.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  auditListEnvelopeSchema, changeSetEnvelopeSchema, changeSetListEnvelopeSchema, errorEnvelopeSchema,
  type AuditEvent, type ChangeSet, type ChangeSetStatus, type CreateChangeSetRequest, type TransitionRequest,
} from '../../contract/changesets/schemas.ts';

/** Client-side error codes, beside the server's (`version_conflict`, `invalid_transition`, …). */
export type ClientErrorCode = 'network_error' | 'timeout' | 'invalid_response' | 'not_configured' | 'aborted';

/**
 * An API call that failed for good (after retries where they apply).
 * `status` is the HTTP status, or 0 when no response arrived (network, timeout, not configured).
 */
export class ChangeSetApiError extends Error {
  override readonly name = 'ChangeSetApiError';
  constructor(
    readonly status: number,
    /** The server's `error.code`, or a `ClientErrorCode`. */
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>>,
    /** The request's `X-Request-Id` (the server's `request_id` when it answered). */
    readonly requestId: string,
    /** Attempts made. */
    readonly attempts: number,
    /** For 429: the server's `Retry-After`, in ms. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }

  /**
   * Whether the same request may succeed later: network errors, timeouts, 5xx and 429 (the
   * client retries these), and a 2xx whose body does not match the contract (not retried at
   * once, but a write it answered may have been applied: callers keep it to send again).
   */
  get transient(): boolean {
    return this.retryable || (this.code === 'invalid_response' && this.status >= 200 && this.status < 300);
  }

  /** Whether the client retries it within a call: network errors, timeouts, 5xx and 429. */
  get retryable(): boolean {
    return this.status === 0 ? this.code === 'network_error' || this.code === 'timeout' : this.status >= 500 || this.status === 429;
  }
}

/** What the client reports about each attempt (for logs: never the token). */
export interface AttemptInfo {
  readonly method: string;
  readonly path: string;
  readonly requestId: string;
  readonly attempt: number;
  /** HTTP status, or 0 with `error` for a network error or timeout. */
  readonly status: number;
  readonly error?: string;
  /** The wait before the next attempt, ms (absent on the last attempt). */
  readonly retryInMs?: number;
  /** The server's `Retry-After` (429), ms. */
  readonly retryAfterMs?: number;
}

export interface ChangeSetClientOptions {
  /** e.g. `https://profit-engine.example.com` (a trailing slash is ignored). */
  readonly baseUrl: string;
  /** Returns the bearer token; null → `not_configured`. A function so no object holds it visibly. */
  readonly token: () => string | null | Promise<string | null>;
  /** Per-attempt timeout, ms (default 10 000). */
  readonly timeoutMs?: number;
  /** Attempts per call including the first (default 4). */
  readonly maxAttempts?: number;
  /** Backoff base, ms (default 200). */
  readonly baseDelayMs?: number;
  /** Backoff cap, ms (default 5 000). */
  readonly maxDelayMs?: number;
  /** A `Retry-After` longer than this (ms, default 60 000) is not waited for: the call fails with 429. */
  readonly maxRetryAfterMs?: number;
  /** Uniform [0, 1) for the jitter (default Math.random). */
  readonly random?: () => number;
  readonly fetch?: typeof fetch;
  readonly onAttempt?: (info: AttemptInfo) => void;
}

/** Per-call options. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Writes: the idempotency key (default a fresh UUID: pass one to make retries across calls safe). */
  readonly idempotencyKey?: string;
  /** Default a fresh UUID. */
  readonly requestId?: string;
}

export interface ChangeSetPage {
  readonly items: readonly ChangeSet[];
  readonly nextCursor: string | null;
}

export interface ListQuery {
  readonly status?: ChangeSetStatus;
  readonly cursor?: string;
  readonly limit?: number;
}

export interface ChangeSetClient {
  readonly baseUrl: string;
  /** `GET /v1/changesets`: one page. */
  list(query?: ListQuery, options?: CallOptions): Promise<ChangeSetPage>;
  /** Every page of `list` (at most `maxPages`, default 100). */
  listAll(query?: Omit<ListQuery, 'cursor'>, options?: CallOptions & { readonly maxPages?: number }): Promise<ChangeSet[]>;
  /** `GET /v1/changesets/{id}`. */
  get(id: string, options?: CallOptions): Promise<ChangeSet>;
  /** `GET /v1/changesets/{id}/audit`, oldest first. */
  audit(id: string, options?: CallOptions): Promise<AuditEvent[]>;
  /** `POST /v1/changesets`: a new DRAFT. */
  create(request: CreateChangeSetRequest, options?: CallOptions): Promise<ChangeSet>;
  /** `POST /v1/changesets/{id}/transitions`. */
  transition(id: string, request: TransitionRequest, options?: CallOptions): Promise<ChangeSet>;
}

/**
 * Parses `Retry-After`: seconds (decimals accepted: the reference server uses them in tests) or
 * an HTTP date. Returns ms ≥ 0, or null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/** Full-jitter exponential backoff: U(0, min(cap, base · 2^retry)) ms, for retry = 0, 1, … */
export function backoffDelay(retry: number, baseMs: number, capMs: number, random: () => number): number {
  return random() * Math.min(capMs, baseMs * 2 ** retry);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}

/**
 * A client for the API at `options.baseUrl`.
 * @throws nothing itself; its methods reject with `ChangeSetApiError`.
 */
export function createChangeSetClient(options: ChangeSetClientOptions): ChangeSetClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? fetch;

  async function call<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, body: unknown, perCall: CallOptions = {}): Promise<T> {
    const requestId = perCall.requestId ?? randomUUID();
    const token = await options.token();
    if (!token) throw new ChangeSetApiError(0, 'not_configured', 'no API token is set', {}, requestId, 0);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${token}`,
      'X-Request-Id': requestId,
    };
    if (method === 'POST') {
      headers['Content-Type'] = 'application/json';
      headers['Idempotency-Key'] = perCall.idempotencyKey ?? randomUUID();
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let last: ChangeSetApiError | null = null;

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (perCall.signal?.aborted) throw new ChangeSetApiError(0, 'aborted', `${method} ${path} was cancelled`, {}, requestId, attempt - 1);
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
      const onAbort = (): void => controller.abort(perCall.signal?.reason);
      perCall.signal?.addEventListener('abort', onAbort, { once: true });
      let retryAfterMs: number | null = null;
      try {
        const response = await doFetch(`${baseUrl}${path}`, { method, headers, ...(payload !== undefined && { body: payload }), signal: controller.signal });
        const text = await response.text();
        const serverRequestId = response.headers.get('x-request-id') ?? requestId;
        let json: unknown = undefined;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        if (response.ok) {
          const parsed = schema.safeParse(json);
          if (parsed.success) {
            options.onAttempt?.({ method, path, requestId, attempt, status: response.status });
            return parsed.data;
          }
          const issue = parsed.error.issues[0];
          last = new ChangeSetApiError(response.status, 'invalid_response',
            `${method} ${path}: the response does not match the contract (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unreadable'})`,
            {}, serverRequestId, attempt);
        } else {
          const envelope = errorEnvelopeSchema.safeParse(json);
          retryAfterMs = response.status === 429 ? parseRetryAfter(response.headers.get('retry-after')) : null;
          last = envelope.success
            ? new ChangeSetApiError(response.status, envelope.data.error.code, envelope.data.error.message, envelope.data.error.details,
              envelope.data.error.request_id || serverRequestId, attempt, retryAfterMs)
            : new ChangeSetApiError(response.status, response.status >= 500 ? 'internal_error' : 'invalid_response',
              `${method} ${path}: HTTP ${response.status} without an error body`, {}, serverRequestId, attempt, retryAfterMs);
        }
      } catch (error) {
        if (perCall.signal?.aborted) throw new ChangeSetApiError(0, 'aborted', `${method} ${path} was cancelled`, {}, requestId, attempt);
        last = controller.signal.aborted
          ? new ChangeSetApiError(0, 'timeout', `${method} ${path}: no answer within ${timeoutMs} ms`, {}, requestId, attempt)
          : new ChangeSetApiError(0, 'network_error', `${method} ${path}: cannot reach ${baseUrl} (${describeNetworkError(error)})`, {}, requestId, attempt);
      } finally {
        clearTimeout(timer);
        perCall.signal?.removeEventListener('abort', onAbort);
      }

      const retryable = last.retryable && !(last.status === 429 && retryAfterMs !== null && retryAfterMs > maxRetryAfterMs);
      if (!retryable || attempt === maxAttempts) {
        options.onAttempt?.({ method, path, requestId, attempt, status: last.status, error: last.code });
        throw last;
      }
      const jitter = backoffDelay(attempt - 1, baseDelayMs, maxDelayMs, random);
      const wait = retryAfterMs !== null ? Math.max(retryAfterMs, jitter) : jitter;
      options.onAttempt?.({ method, path, requestId, attempt, status: last.status, error: last.code, retryInMs: wait, ...(retryAfterMs !== null && { retryAfterMs }) });
      try {
        await sleep(wait, perCall.signal);
      } catch {
        throw new ChangeSetApiError(0, 'aborted', `${method} ${path} was cancelled`, {}, requestId, attempt);
      }
    }
    throw last!;
  }

  const encode = encodeURIComponent;
  const client: ChangeSetClient = {
    baseUrl,
    async list(query = {}, callOptions) {
      const params = new URLSearchParams();
      if (query.status) params.set('status', query.status);
      if (query.cursor) params.set('cursor', query.cursor);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      const search = params.size > 0 ? `?${params.toString()}` : '';
      const envelope = await call('GET', `/v1/changesets${search}`, changeSetListEnvelopeSchema, undefined, callOptions);
      return { items: envelope.data, nextCursor: envelope.meta.nextCursor };
    },
    async listAll(query = {}, callOptions = {}) {
      const all: ChangeSet[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < (callOptions.maxPages ?? 100); page++) {
        const result = await client.list({ ...query, ...(cursor && { cursor }) }, callOptions);
        all.push(...result.items);
        if (!result.nextCursor) return all;
        cursor = result.nextCursor;
      }
      return all;
    },
    async get(id, callOptions) {
      return (await call('GET', `/v1/changesets/${encode(id)}`, changeSetEnvelopeSchema, undefined, callOptions)).data;
    },
    async audit(id, callOptions) {
      return (await call('GET', `/v1/changesets/${encode(id)}/audit`, auditListEnvelopeSchema, undefined, callOptions)).data;
    },
    async create(request, callOptions) {
      return (await call('POST', '/v1/changesets', changeSetEnvelopeSchema, request, callOptions)).data;
    },
    async transition(id, request, callOptions) {
      return (await call('POST', `/v1/changesets/${encode(id)}/transitions`, changeSetEnvelopeSchema, request, callOptions)).data;
    },
  };
  return client;
}

/**
 * Typed client of the ChangeSet REST API (contract/changesets/openapi.yaml, docs/changesets.md).
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
 *   id. The token is never logged and never part of an error message: every message and detail
 *   is scrubbed of it, whatever the server or the network layer wrote.
 *
 * Where the token may go (docs/security.md, "The ChangeSet API client"):
 * - only to an https base URL, or plain http on loopback (contract/changesets/api-url.ts);
 *   anything else fails every call with `insecure_base_url` before the token is read;
 * - redirects are not followed by fetch (`redirect: 'manual'`): the client follows at most
 *   `maxRedirects` redirects to the base URL's own origin (a write only with 307/308, which keep
 *   its body), and a redirect to another origin — another host, port or scheme — is the error
 *   `cross_origin_redirect`, without a request to that origin;
 * - response bodies are read as a stream and capped at `maxResponseBytes` (after
 *   Content-Encoding is undone, so a gzip bomb stops at the cap too): beyond it the request is
 *   aborted with `response_too_large`.
 *
 * A transition's 2xx counts only if its ChangeSet shows the transition applied (its
 * `execution.status` is the target and its `version` is above `expectedVersion`); otherwise the
 * call fails with `transition_not_applied` (never retried: the same key would get the same answer).
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { apiBaseUrlProblem } from '../../contract/changesets/api-url.ts';
import {
  auditListEnvelopeSchema, changeSetEnvelopeSchema, changeSetListEnvelopeSchema, errorEnvelopeSchema,
  type AuditEvent, type ChangeSet, type ChangeSetStatus, type CreateChangeSetRequest, type TransitionRequest,
} from '../../contract/changesets/schemas.ts';

/**
 * Client-side error codes, beside the server's (`version_conflict`, `invalid_transition`, …):
 * `insecure_base_url` (not https, and not loopback), `cross_origin_redirect` (the API redirected
 * to another origin), `redirect_refused` (too many redirects, no Location, or a write redirected
 * with 301/302/303, which would drop its body), `response_too_large` (beyond `maxResponseBytes`).
 */
export type ClientErrorCode =
  | 'network_error' | 'timeout' | 'invalid_response' | 'not_configured' | 'aborted'
  | 'insecure_base_url' | 'cross_origin_redirect' | 'redirect_refused' | 'response_too_large' | 'transition_not_applied';

/** Default cap of a response body, bytes (16 MiB: a page of ChangeSets is far smaller). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Default number of same-origin redirects followed per attempt. */
export const DEFAULT_MAX_REDIRECTS = 3;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What stands in for the token wherever it would appear in a message. */
const REDACTED = '[redacted]';

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
   * client retries these), and a 2xx whose body does not match the contract or is too large
   * (not retried at once, but a write it answered may have been applied: callers keep it to send
   * again).
   */
  get transient(): boolean {
    return this.retryable
      || ((this.code === 'invalid_response' || this.code === 'response_too_large') && this.status >= 200 && this.status < 300);
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
  /** Cap of a response body after decoding, bytes (default `DEFAULT_MAX_RESPONSE_BYTES`, 16 MiB). */
  readonly maxResponseBytes?: number;
  /** Same-origin redirects followed per attempt (default `DEFAULT_MAX_REDIRECTS`); 0 refuses every redirect. */
  readonly maxRedirects?: number;
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

/**
 * Why the ChangeSet `result` a transition of `changesetId` answered does not show `request`
 * applied, or null when it does: same id, `execution.status` equal to `request.to`, `version`
 * above `request.expectedVersion`.
 */
export function transitionNotApplied(changesetId: string, request: Pick<TransitionRequest, 'to' | 'expectedVersion'>, result: ChangeSet): string | null {
  if (result.id !== changesetId) return `the API answered with ChangeSet ${result.id} instead of ${changesetId}`;
  if (result.execution.status === request.to && result.version > request.expectedVersion) return null;
  return `the API answered success, but ChangeSet ${changesetId} is ${result.execution.status} at version ${result.version} `
    + `(expected ${request.to} at a version above ${request.expectedVersion}): the transition was not applied`;
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

/** `value` with every occurrence of `secret` replaced (strings inside objects and arrays too). */
function scrub<T>(value: T, secret: string): T {
  if (typeof value === 'string') return value.replaceAll(secret, REDACTED) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => scrub(v, secret)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k, secret), scrub(v, secret)])) as T;
  }
  return value;
}

/** Reads a response body up to `limit` bytes; null when it is larger (the stream is then cancelled). */
async function readCapped(response: Response, limit: number): Promise<string | null> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** An HTTP header value may carry visible ASCII only; a token with anything else is refused, never sent. */
const HEADER_SAFE_TOKEN = /^[\x21-\x7e]+$/;

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
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxRedirects = Math.max(0, options.maxRedirects ?? DEFAULT_MAX_REDIRECTS);
  const baseUrlProblem = apiBaseUrlProblem(baseUrl);
  const origin = baseUrlProblem === null ? new URL(baseUrl).origin : null;

  /** `check`: for a 2xx body that matches the schema, why it is still not a success (or null). */
  async function call<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, body: unknown, perCall: CallOptions = {},
    check?: (data: T) => { message: string; details: Record<string, unknown> } | null): Promise<T> {
    const requestId = perCall.requestId ?? randomUUID();
    if (baseUrlProblem !== null || origin === null) {
      throw new ChangeSetApiError(0, 'insecure_base_url', `${method} ${path}: not sent, ${baseUrlProblem ?? 'the API base URL is not usable'}`, {}, requestId, 0);
    }
    const token = await options.token();
    if (!token) throw new ChangeSetApiError(0, 'not_configured', 'no API token is set', {}, requestId, 0);
    if (!HEADER_SAFE_TOKEN.test(token)) {
      throw new ChangeSetApiError(0, 'not_configured', 'the API token contains characters an HTTP header cannot carry (spaces, control or non-ASCII characters): set it again', {}, requestId, 0);
    }
    /** Every error leaves through here: the token scrubbed from its message, code and details. */
    const fail = (status: number, code: string, message: string, details: Readonly<Record<string, unknown>>, id: string, attempt: number, retryAfterMs: number | null = null) =>
      new ChangeSetApiError(status, scrub(code, token), scrub(message, token), scrub(details, token), scrub(id, token), attempt, retryAfterMs);
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

    /**
     * One attempt's request, following same-origin redirects by hand: fetch never follows a
     * redirect itself, so the Authorization header never reaches another origin.
     */
    const send = async (signal: AbortSignal, attempt: number): Promise<Response> => {
      let url = `${baseUrl}${path}`;
      for (let hop = 0; ; hop++) {
        const response = await doFetch(url, { method, headers, ...(payload !== undefined && { body: payload }), signal, redirect: 'manual' });
        if (response.type === 'opaqueredirect') {
          throw fail(0, 'redirect_refused', `${method} ${path}: the API answered with a redirect the client cannot inspect`, {}, requestId, attempt);
        }
        if (!REDIRECT_STATUSES.has(response.status)) return response;
        await response.body?.cancel().catch(() => undefined);
        const status = response.status;
        const location = response.headers.get('location');
        let target: URL | null = null;
        try {
          target = location ? new URL(location, url) : null;
        } catch {
          target = null;
        }
        if (!target) {
          throw fail(status, 'redirect_refused', `${method} ${path}: HTTP ${status} without a usable Location`, {}, requestId, attempt);
        }
        if (target.origin !== origin) {
          throw fail(status, 'cross_origin_redirect',
            `${method} ${path}: the API at ${origin} redirected (HTTP ${status}) to another origin, ${target.origin}; not followed, so the token was not sent there. Check the API base URL`,
            { location: target.origin }, requestId, attempt);
        }
        if (method !== 'GET' && status !== 307 && status !== 308) {
          throw fail(status, 'redirect_refused', `${method} ${path}: HTTP ${status} would turn the write into a GET and drop its body; not followed`, {}, requestId, attempt);
        }
        if (hop >= maxRedirects) {
          throw fail(status, 'redirect_refused', `${method} ${path}: more than ${maxRedirects} redirects`, {}, requestId, attempt);
        }
        url = target.href;
      }
    };

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (perCall.signal?.aborted) throw new ChangeSetApiError(0, 'aborted', `${method} ${path} was cancelled`, {}, requestId, attempt - 1);
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
      const onAbort = (): void => controller.abort(perCall.signal?.reason);
      perCall.signal?.addEventListener('abort', onAbort, { once: true });
      let retryAfterMs: number | null = null;
      try {
        const response = await send(controller.signal, attempt);
        const serverRequestId = response.headers.get('x-request-id') ?? requestId;
        const text = await readCapped(response, maxResponseBytes);
        if (text === null) {
          controller.abort(new Error('response too large'));
          throw fail(response.status, 'response_too_large',
            `${method} ${path}: the response (HTTP ${response.status}) is larger than ${maxResponseBytes} bytes; not read further`, {}, serverRequestId, attempt);
        }
        let json: unknown = undefined;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        if (response.ok) {
          const parsed = schema.safeParse(json);
          const refused = parsed.success ? check?.(parsed.data) ?? null : null;
          if (parsed.success && refused === null) {
            options.onAttempt?.({ method, path, requestId, attempt, status: response.status });
            return parsed.data;
          }
          if (refused !== null) {
            last = fail(response.status, 'transition_not_applied', `${method} ${path}: ${refused.message}`, refused.details, serverRequestId, attempt);
          } else {
            const issue = parsed.error?.issues[0];
            last = fail(response.status, 'invalid_response',
              `${method} ${path}: the response does not match the contract (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unreadable'})`,
              {}, serverRequestId, attempt);
          }
        } else {
          const envelope = errorEnvelopeSchema.safeParse(json);
          retryAfterMs = response.status === 429 ? parseRetryAfter(response.headers.get('retry-after')) : null;
          last = envelope.success
            ? fail(response.status, envelope.data.error.code, envelope.data.error.message, envelope.data.error.details,
              envelope.data.error.request_id || serverRequestId, attempt, retryAfterMs)
            : fail(response.status, response.status >= 500 ? 'internal_error' : 'invalid_response',
              `${method} ${path}: HTTP ${response.status} without an error body`, {}, serverRequestId, attempt, retryAfterMs);
        }
      } catch (error) {
        if (perCall.signal?.aborted) throw new ChangeSetApiError(0, 'aborted', `${method} ${path} was cancelled`, {}, requestId, attempt);
        if (error instanceof ChangeSetApiError) {
          controller.abort(new Error(error.code));
          last = error;
        } else {
          last = controller.signal.aborted
            ? fail(0, 'timeout', `${method} ${path}: no answer within ${timeoutMs} ms`, {}, requestId, attempt)
            : fail(0, 'network_error', `${method} ${path}: cannot reach ${baseUrl} (${describeNetworkError(error)})`, {}, requestId, attempt);
        }
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
      const applied = (envelope: z.infer<typeof changeSetEnvelopeSchema>) => {
        const message = transitionNotApplied(id, request, envelope.data);
        return message === null ? null : {
          message,
          details: { expectedVersion: request.expectedVersion, to: request.to, currentVersion: envelope.data.version, currentState: envelope.data.execution.status },
        };
      };
      return (await call('POST', `/v1/changesets/${encode(id)}/transitions`, changeSetEnvelopeSchema, request, callOptions, applied)).data;
    },
  };
  return client;
}

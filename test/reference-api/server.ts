/**
 * The reference ChangeSet API: an implementation of contract/changesets/openapi.yaml that stands
 * in for the Profit Engine in tests and demos (`npm run api:dev`). The app never depends on it.
 *
 * - Binds 127.0.0.1 only. Bearer tokens: write tokens may do everything, read tokens get 403 on
 *   writes, anything else 401.
 * - Persistence in DuckDB (`test/reference-api/store.ts`), a file or `:memory:`; every request's
 *   database work runs through one queue, so requests are applied one at a time.
 * - Lifecycle from `contract/changesets/lifecycle.ts`; approvals that ran out are expired lazily,
 *   before any read or write of the ChangeSet.
 * - Writes need `Idempotency-Key`: the check, the change, its audit event and the stored response
 *   are one transaction, so a retried write is applied at most once.
 * - Rate limit (token bucket per token, optional) → 429 with `Retry-After` in seconds.
 * - Fault injection for tests, from a seeded RNG: drop the connection or answer 500 before or
 *   after applying, answer 429, or delay (past the client's timeout); see `FaultOptions`.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { ZodError, type z } from 'zod';
import {
  DEFAULT_APPROVAL_TIMEOUT_MS, applyTransition, createDraft, expireApproval, type LifecycleError,
} from '../../contract/changesets/lifecycle.ts';
import {
  API_ERROR_STATUS, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, changeSetStatusSchema, createChangeSetRequestSchema,
  transitionRequestSchema, type ApiErrorCode, type AuditEvent, type ChangeSet, type ChangeSetStatus, type CreateChangeSetRequest,
} from '../../contract/changesets/schemas.ts';
import { demoChangeSets, walkTo } from './seed.ts';
import { openApiStore, type ApiStore } from './store.ts';

/**
 * Random faults, each with a probability per request (they are exclusive: one draw per request
 * picks at most one). "After" faults apply the request first, then fail on the wire.
 */
export interface FaultOptions {
  /** Seed of the fault RNG (mulberry32). */
  readonly seed: number;
  /** Destroy the socket before doing anything. */
  readonly dropBeforeApply?: number;
  /** Apply, then destroy the socket without answering. */
  readonly dropAfterApply?: number;
  /** Answer 500 without doing anything. */
  readonly errorBeforeApply?: number;
  /** Apply, then answer 500 instead of the real response. */
  readonly errorAfterApply?: number;
  /** Answer 429 with `Retry-After` drawn from `retryAfterMs`. */
  readonly rateLimited?: number;
  /** [min, max] of the injected Retry-After, ms (default [0, 50]); sent as fractional seconds. */
  readonly retryAfterMs?: readonly [number, number];
  /** Wait `delayMs` before handling (the request is still applied afterwards if the socket lives). */
  readonly delay?: number;
  /** Default 1 000 ms. */
  readonly delayMs?: number;
  /** Methods faults apply to (default both). */
  readonly methods?: readonly ('GET' | 'POST')[];
}

export interface ReferenceServerOptions {
  /** DuckDB file, default `:memory:`. */
  readonly databasePath?: string;
  /** Port on 127.0.0.1, default 0 (any free port). */
  readonly port?: number;
  /** Write token, default 32 random bytes (hex). */
  readonly token?: string;
  /** Extra read-only tokens (403 on writes). */
  readonly readTokens?: readonly string[];
  /** Seed the demo ChangeSets when the database is empty (default true). */
  readonly seed?: boolean;
  readonly approvalTimeoutMs?: number;
  /** Token bucket per token: `capacity` requests, refilled at `refillPerSecond`; default none. */
  readonly rateLimit?: { readonly capacity: number; readonly refillPerSecond: number } | null;
  readonly faults?: FaultOptions | null;
  /** Clock (default the system clock). */
  readonly now?: () => Date;
  /** One line per request (method, path, status, request id; never the token). */
  readonly log?: (line: string) => void;
}

/** Counters of what the server did, for tests. */
export interface ServerStats {
  requests: number;
  applied: number;
  replayed: number;
  dropBefore: number;
  dropAfter: number;
  errorBefore: number;
  errorAfter: number;
  rateLimited: number;
  delayed: number;
}

export interface ReferenceServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The write token. */
  readonly token: string;
  readonly stats: ServerStats;
  /** Replaces the fault options (null: no faults); the RNG restarts from their seed. */
  setFaults(faults: FaultOptions | null): void;
  /** Test helper: a ChangeSet created and walked to `state` directly in the store (no HTTP, no faults). */
  createInState(request: CreateChangeSetRequest, state: ChangeSetStatus, id?: string): Promise<ChangeSet>;
  /** Test helper: the stored ChangeSet (with its trail), or null. */
  changeset(id: string): Promise<ChangeSet | null>;
  /** Test helper: every audit event in order. */
  auditLog(): Promise<AuditEvent[]>;
  /** Stops listening, drops open connections, closes the database. */
  stop(): Promise<void>;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Fault = 'dropBefore' | 'dropAfter' | 'errorBefore' | 'errorAfter' | 'rateLimited' | 'delayed' | null;

/** JSON with object keys sorted, so equal bodies have equal fingerprints. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

class HttpError extends Error {
  constructor(readonly code: ApiErrorCode, message: string, readonly details: Record<string, unknown> = {}, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

const MAX_BODY_BYTES = 1_000_000;
const REQUEST_ID = /^[\w.:-]{1,200}$/;
/** Outcomes whose response an idempotency key keeps (the request was processed). */
const STORED_STATUSES = new Set([200, 201, 404, 409, 422]);

function formatSeconds(ms: number): string {
  return String(Number((Math.max(0, ms) / 1000).toFixed(3)));
}

function zodMessage(error: ZodError): { message: string; details: Record<string, unknown> } {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || 'body';
  return { message: `${field}: ${issue?.message ?? 'invalid'}`, details: { field, issues: error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })) } };
}

/** Starts the server on 127.0.0.1. @throws Error when the port is taken or the database cannot be opened. */
export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const store: ApiStore = await openApiStore(options.databasePath ?? ':memory:');
  const now = options.now ?? (() => new Date());
  const approvalTimeoutMs = options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
  const writeToken = options.token ?? randomBytes(32).toString('hex');
  const tokens = new Map<string, 'write' | 'read'>([[writeToken, 'write'], ...(options.readTokens ?? []).map((t): [string, 'read'] => [t, 'read'])]);
  const stats: ServerStats = { requests: 0, applied: 0, replayed: 0, dropBefore: 0, dropAfter: 0, errorBefore: 0, errorAfter: 0, rateLimited: 0, delayed: 0 };
  const buckets = new Map<string, { tokens: number; at: number }>();
  let faults = options.faults ?? null;
  let faultRandom = faults ? mulberry32(faults.seed) : null;
  let stopping = false;
  const sockets = new Set<Socket>();
  const sleepers = new Set<() => void>();

  // One queue for all database work: requests are applied one at a time.
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const guarded = (): Promise<T> => (closed ? Promise.reject(new Error('the server is stopping')) : work());
    const run = tail.then(guarded, guarded);
    tail = run.catch(() => undefined);
    return run;
  };

  if ((options.seed ?? true) && (await store.count()) === 0) {
    await store.transaction(async () => {
      for (const { changeset, events } of demoChangeSets(now(), approvalTimeoutMs)) await store.insert(changeset, events);
    });
  }

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      sleepers.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    sleepers.add(done);
  });

  const pickFault = (method: string): Fault => {
    if (!faults || !faultRandom || !(faults.methods ?? ['GET', 'POST']).includes(method as 'GET' | 'POST')) return null;
    let u = faultRandom();
    const table: [Fault, number | undefined][] = [
      ['dropBefore', faults.dropBeforeApply], ['dropAfter', faults.dropAfterApply], ['errorBefore', faults.errorBeforeApply],
      ['errorAfter', faults.errorAfterApply], ['rateLimited', faults.rateLimited], ['delayed', faults.delay],
    ];
    for (const [fault, rate] of table) {
      if (u < (rate ?? 0)) return fault;
      u -= rate ?? 0;
    }
    return null;
  };

  const authenticate = (req: IncomingMessage, write: boolean): string => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new HttpError('unauthorized', 'missing bearer token (Authorization: Bearer …)');
    const given = Buffer.from(match[1]!);
    let role: 'write' | 'read' | null = null;
    let which = '';
    for (const [token, tokenRole] of tokens) {
      const expected = Buffer.from(token);
      if (expected.length === given.length && timingSafeEqual(expected, given)) {
        role = tokenRole;
        which = token;
      }
    }
    if (!role) throw new HttpError('unauthorized', 'unknown token');
    if (write && role !== 'write') throw new HttpError('forbidden', 'this token may not write');
    return which;
  };

  const rateLimit = (token: string): void => {
    const limit = options.rateLimit;
    if (!limit) return;
    const t = Date.now();
    const bucket = buckets.get(token) ?? { tokens: limit.capacity, at: t };
    bucket.tokens = Math.min(limit.capacity, bucket.tokens + ((t - bucket.at) / 1000) * limit.refillPerSecond);
    bucket.at = t;
    buckets.set(token, bucket);
    if (bucket.tokens < 1) {
      const waitMs = ((1 - bucket.tokens) / limit.refillPerSecond) * 1000;
      throw new HttpError('rate_limited', `rate limit of ${limit.capacity} requests exceeded`, { retryAfterSeconds: Number(formatSeconds(waitMs)) }, { 'Retry-After': formatSeconds(waitMs) });
    }
    bucket.tokens -= 1;
  };

  const readBody = (req: IncomingMessage): Promise<string> => new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new HttpError('validation_failed', `body larger than ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

  const parseJson = <T>(text: string, schema: z.ZodType<T>): T => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new HttpError('validation_failed', 'body is not JSON');
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const { message, details } = zodMessage(parsed.error);
      throw new HttpError('validation_failed', message, details);
    }
    return parsed.data;
  };

  const lifecycleError = (error: LifecycleError): HttpError => new HttpError(error.code, error.message, { ...error.details });

  /** Loads a ChangeSet, expiring its approval first when it ran out. */
  const load = async (id: string): Promise<ChangeSet> => {
    const found = await store.get(id);
    if (!found) throw new HttpError('not_found', `no ChangeSet ${id}`);
    const expired = expireApproval(found, { now: now(), eventId: `evt_${randomUUID()}` });
    if (!expired) return found;
    await store.update(expired.changeset, expired.event);
    return expired.changeset;
  };

  const expireDue = async (): Promise<void> => {
    for (const changeset of await store.pending()) {
      const expired = expireApproval(changeset, { now: now(), eventId: `evt_${randomUUID()}` });
      if (expired) await store.update(expired.changeset, expired.event);
    }
  };

  // ── routes ───────────────────────────────────────────────────────────────────────────────

  const listChangeSets = async (url: URL): Promise<Reply> => {
    const statusParam = url.searchParams.get('status');
    const status = statusParam === null || statusParam === '' ? undefined : changeSetStatusSchema.safeParse(statusParam);
    if (status && !status.success) throw new HttpError('validation_failed', `status: unknown state ${statusParam}`, { field: 'status' });
    const limitParam = url.searchParams.get('limit');
    const limit = limitParam === null ? LIST_LIMIT_DEFAULT : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) {
      throw new HttpError('validation_failed', `limit: an integer from 1 to ${LIST_LIMIT_MAX}`, { field: 'limit' });
    }
    const cursor = url.searchParams.get('cursor');
    let afterSeq = 0;
    if (cursor !== null) {
      const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
      const decoded = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(decoded)) throw new HttpError('validation_failed', 'cursor: not a cursor of this API', { field: 'cursor' });
      afterSeq = decoded;
    }
    return serial(async () => {
      await expireDue();
      const rows = await store.page({ ...(status?.success && { status: status.data }), afterSeq, limit });
      const page = rows.slice(0, limit);
      const nextCursor = rows.length > limit ? Buffer.from(String(page[page.length - 1]!.seq)).toString('base64url') : null;
      return { status: 200, body: { data: page.map((r) => r.changeset), meta: { nextCursor, limit } } };
    });
  };

  const getChangeSet = (id: string): Promise<Reply> => serial(async () => ({ status: 200, body: { data: await load(id), meta: {} } }));

  const getAudit = (id: string): Promise<Reply> => serial(async () => {
    await load(id);
    const events = await store.audit(id);
    return { status: 200, body: { data: events, meta: { count: events.length } } };
  });

  const create = async (body: string, metadata: Record<string, unknown>): Promise<Reply> => {
    const request = parseJson(body, createChangeSetRequestSchema);
    const created = createDraft(request, { id: `chg_${randomUUID()}`, now: now(), eventId: `evt_${randomUUID()}`, metadata });
    await store.insert(created.changeset, [created.event]);
    stats.applied++;
    return { status: 201, body: { data: created.changeset, meta: { auditEventId: created.event.id } } };
  };

  const transition = async (id: string, body: string, metadata: Record<string, unknown>): Promise<Reply> => {
    const request = parseJson(body, transitionRequestSchema);
    const current = await load(id);
    const result = applyTransition(current, request, { now: now(), eventId: `evt_${randomUUID()}`, approvalTimeoutMs, metadata });
    if (!result.ok) throw lifecycleError(result.error);
    await store.update(result.changeset, result.event);
    stats.applied++;
    return { status: 200, body: { data: result.changeset, meta: { auditEventId: result.event.id } } };
  };

  /**
   * Runs a write under its idempotency key: replays the stored response for the same request,
   * refuses the key for another request, and otherwise applies the write and stores its response
   * in the same transaction.
   */
  const idempotentWrite = async (req: IncomingMessage, path: string, requestId: string, work: (body: string, metadata: Record<string, unknown>) => Promise<Reply>): Promise<Reply> => {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
      throw new HttpError('validation_failed', 'writes need an Idempotency-Key header (1–200 characters)', { field: 'Idempotency-Key' });
    }
    const body = await readBody(req);
    let parsedBody: unknown = body;
    try {
      parsedBody = JSON.parse(body);
    } catch {
      // fingerprint the raw text; parseJson reports it below
    }
    const fingerprint = createHash('sha256').update(`${req.method} ${path}\n${canonicalJson(parsedBody)}`).digest('hex');
    return serial(() => store.transaction(async () => {
      const stored = await store.idempotent(key);
      if (stored) {
        if (stored.fingerprint !== fingerprint) {
          throw new HttpError('idempotency_key_reused', 'this Idempotency-Key was used for a different request', { idempotencyKey: key });
        }
        stats.replayed++;
        return { status: stored.status, body: stored.body, headers: { 'Idempotent-Replayed': 'true' } };
      }
      let reply: Reply;
      try {
        reply = await work(body, { requestId, idempotencyKey: key });
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        reply = { status: API_ERROR_STATUS[error.code], body: errorBody(error, requestId), headers: error.headers };
      }
      if (STORED_STATUSES.has(reply.status)) await store.remember(key, { fingerprint, status: reply.status, body: reply.body });
      return reply;
    }));
  };

  const errorBody = (error: HttpError, requestId: string): unknown => ({
    error: { code: error.code, message: error.message, details: error.details, request_id: requestId },
  });

  const route = async (req: IncomingMessage, url: URL, requestId: string): Promise<Reply> => {
    const method = req.method ?? 'GET';
    const write = method === 'POST';
    const token = authenticate(req, write);
    rateLimit(token);
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'v1' || parts[1] !== 'changesets') throw new HttpError('not_found', `no route ${method} ${url.pathname}`);
    const id = parts[2];
    if (parts.length === 2 && method === 'GET') return listChangeSets(url);
    if (parts.length === 2 && method === 'POST') return idempotentWrite(req, url.pathname, requestId, create);
    if (parts.length === 3 && method === 'GET') return getChangeSet(id!);
    if (parts.length === 4 && parts[3] === 'transitions' && method === 'POST') {
      return idempotentWrite(req, url.pathname, requestId, (body, metadata) => transition(id!, body, metadata));
    }
    if (parts.length === 4 && parts[3] === 'audit' && method === 'GET') return getAudit(id!);
    throw new HttpError('not_found', `no route ${method} ${url.pathname}`);
  };

  const send = (res: ServerResponse, requestId: string, reply: Reply): void => {
    if (res.destroyed || res.headersSent) return;
    const body = Buffer.from(JSON.stringify(reply.body));
    res.writeHead(reply.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(body.length),
      'Cache-Control': 'no-store',
      'X-Request-Id': requestId,
      ...(reply.headers ?? {}),
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.requests++;
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const fault = pickFault(method);
    const log = (status: number | string): void => options.log?.(`${method} ${url.pathname}${url.search} ${status} ${requestId}${fault ? ` fault=${fault}` : ''}`);

    if (fault) stats[fault]++;
    if (fault === 'dropBefore') {
      log('dropped');
      req.socket.destroy();
      return;
    }
    if (fault === 'errorBefore') {
      log(500);
      send(res, requestId, { status: 500, body: errorBody(new HttpError('internal_error', 'injected failure before applying'), requestId) });
      return;
    }
    if (fault === 'rateLimited') {
      const [min, max] = faults?.retryAfterMs ?? [0, 50];
      const waitMs = min + (faultRandom?.() ?? 0) * (max - min);
      log(429);
      send(res, requestId, {
        status: 429,
        body: errorBody(new HttpError('rate_limited', 'injected rate limit', { retryAfterSeconds: Number(formatSeconds(waitMs)) }), requestId),
        headers: { 'Retry-After': formatSeconds(waitMs) },
      });
      return;
    }
    if (fault === 'delayed') await sleep(faults?.delayMs ?? 1000);
    if (stopping) {
      req.socket.destroy();
      return;
    }

    let reply: Reply;
    try {
      reply = await route(req, url, requestId);
    } catch (error) {
      if (error instanceof HttpError) {
        reply = { status: API_ERROR_STATUS[error.code], body: errorBody(error, requestId), headers: error.headers };
      } else {
        options.log?.(`internal error: ${(error as Error).message}`);
        reply = { status: 500, body: errorBody(new HttpError('internal_error', 'internal error'), requestId) };
      }
    }
    if (fault === 'dropAfter') {
      log('dropped after applying');
      req.socket.destroy();
      return;
    }
    if (fault === 'errorAfter') {
      log('500 after applying');
      send(res, requestId, { status: 500, body: errorBody(new HttpError('internal_error', 'injected failure after applying'), requestId) });
      return;
    }
    log(reply.status);
    send(res, requestId, reply);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log?.(`unhandled: ${(error as Error).message}`);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal_error', message: 'internal error', details: {}, request_id: '' } }));
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token: writeToken,
    stats,
    setFaults(next) {
      faults = next;
      faultRandom = next ? mulberry32(next.seed) : null;
    },
    createInState(request, state, id) {
      return serial(() => store.transaction(async () => {
        const changesetId = id ?? `chg_${randomUUID()}`;
        const walked = walkTo(request, state, {
          id: changesetId, start: now(), stepMs: 0, eventId: () => `evt_${randomUUID()}`, approvalTimeoutMs,
        });
        await store.insert(walked.changeset, walked.events);
        return walked.changeset;
      }));
    },
    changeset: (id) => serial(() => store.get(id)),
    auditLog: () => serial(() => store.allEvents()),
    async stop() {
      if (stopping) return;
      stopping = true;
      for (const wake of [...sleepers]) wake();
      const listening = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await listening;
      await serial(async () => {
        store.close();
        closed = true;
      });
    },
  };
}

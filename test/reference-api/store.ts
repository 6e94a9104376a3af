/**
 * Persistence of the reference ChangeSet API in its own DuckDB database (a file, or `:memory:`):
 * ChangeSets (current version, without their trail), the append-only audit log (INSERT only:
 * nothing here updates or deletes an event) and stored idempotent responses.
 *
 * DuckDB is the durable copy; reads are served from an in-memory mirror loaded at open and
 * changed only when a write's transaction commits (a rolled-back write leaves it untouched), so
 * a request costs one transaction, not a dozen queries.
 *
 * One connection; callers serialise access (the server runs every request's database work
 * through one queue).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { AuditEvent, ChangeSet, ChangeSetStatus } from '../../contract/changesets/schemas.ts';

/** A stored response to an idempotent write. */
export interface StoredResponse {
  readonly fingerprint: string;
  readonly status: number;
  readonly body: unknown;
}

export interface ApiStore {
  get(id: string): Promise<ChangeSet | null>;
  /** ChangeSets after `afterSeq` (exclusive) in creation order, at most `limit` + 1 (to detect a next page). */
  page(query: { status?: ChangeSetStatus; afterSeq: number; limit: number }): Promise<{ seq: number; changeset: ChangeSet }[]>;
  /** Every PENDING_APPROVAL ChangeSet (for lazy expiry). */
  pending(): Promise<ChangeSet[]>;
  insert(changeset: ChangeSet, events: readonly AuditEvent[]): Promise<void>;
  /** Replaces the ChangeSet's current version and appends `event` to the audit log. */
  update(changeset: ChangeSet, event: AuditEvent): Promise<void>;
  audit(id: string): Promise<AuditEvent[]>;
  /** Every audit event of every ChangeSet, in order (for tests). */
  allEvents(): Promise<AuditEvent[]>;
  count(): Promise<number>;
  idempotent(key: string): Promise<StoredResponse | null>;
  remember(key: string, response: StoredResponse): Promise<void>;
  /**
   * Runs `work` in one transaction; the mirror sees its writes only after COMMIT, so reads inside
   * `work` do not see its own writes (no route needs to).
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS changesets (
    id VARCHAR PRIMARY KEY,
    seq BIGINT NOT NULL,
    status VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    body VARCHAR NOT NULL                -- the ChangeSet JSON without auditTrail
  );
  CREATE TABLE IF NOT EXISTS audit_events (
    id VARCHAR PRIMARY KEY,
    seq BIGINT NOT NULL,
    changeset_id VARCHAR NOT NULL,
    body VARCHAR NOT NULL
  );
  CREATE TABLE IF NOT EXISTS idempotency_keys (
    key VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    status INTEGER NOT NULL,
    body VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
  );
`;

interface Mirror {
  /** id → current version without trail, and its creation order. */
  changesets: Map<string, { seq: number; changeset: Omit<ChangeSet, 'auditTrail'> }>;
  events: Map<string, AuditEvent[]>;
  allEvents: AuditEvent[];
  keys: Map<string, StoredResponse>;
}

/** Opens (creating) the store at `path`. */
export async function openApiStore(path: string): Promise<ApiStore> {
  const instance = await DuckDBInstance.create(path);
  const connection: DuckDBConnection = await instance.connect();
  await connection.run(SCHEMA);

  const rows = async (sql: string): Promise<Record<string, unknown>[]> =>
    (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];

  const mirror: Mirror = { changesets: new Map(), events: new Map(), allEvents: [], keys: new Map() };
  for (const row of await rows('SELECT seq, body FROM changesets ORDER BY seq')) {
    const changeset = JSON.parse(String(row.body)) as Omit<ChangeSet, 'auditTrail'>;
    mirror.changesets.set(changeset.id, { seq: Number(row.seq), changeset });
  }
  for (const row of await rows('SELECT body FROM audit_events ORDER BY seq')) {
    const event = JSON.parse(String(row.body)) as AuditEvent;
    mirror.allEvents.push(event);
    mirror.events.set(event.changesetId, [...(mirror.events.get(event.changesetId) ?? []), event]);
  }
  for (const row of await rows('SELECT key, fingerprint, status, body FROM idempotency_keys')) {
    mirror.keys.set(String(row.key), { fingerprint: String(row.fingerprint), status: Number(row.status), body: JSON.parse(String(row.body)) });
  }
  let changesetSeq = Math.max(0, ...[...mirror.changesets.values()].map((c) => c.seq));
  let eventSeq = mirror.allEvents.length;

  // Mirror changes of the open transaction, applied at COMMIT.
  let staged: (() => void)[] | null = null;
  const stage = (change: () => void): void => {
    if (staged) staged.push(change);
    else change();
  };

  const strip = (changeset: ChangeSet): Omit<ChangeSet, 'auditTrail'> => {
    const { auditTrail: _trail, ...rest } = changeset;
    return rest;
  };
  const withTrail = (changeset: Omit<ChangeSet, 'auditTrail'>): ChangeSet => ({ ...changeset, auditTrail: [...(mirror.events.get(changeset.id) ?? [])] });

  const appendEvent = async (event: AuditEvent): Promise<void> => {
    const seq = ++eventSeq;
    await connection.run('INSERT INTO audit_events VALUES ($id, $seq, $c, $body)', { id: event.id, seq, c: event.changesetId, body: JSON.stringify(event) });
    stage(() => {
      mirror.allEvents.push(event);
      mirror.events.set(event.changesetId, [...(mirror.events.get(event.changesetId) ?? []), event]);
    });
  };

  const store: ApiStore = {
    async get(id) {
      const found = mirror.changesets.get(id);
      return found ? withTrail(found.changeset) : null;
    },
    async page({ status, afterSeq, limit }) {
      return [...mirror.changesets.values()]
        .filter((c) => c.seq > afterSeq && (!status || c.changeset.execution.status === status))
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit + 1)
        .map((c) => ({ seq: c.seq, changeset: withTrail(c.changeset) }));
    },
    async pending() {
      return [...mirror.changesets.values()].filter((c) => c.changeset.execution.status === 'PENDING_APPROVAL').map((c) => withTrail(c.changeset));
    },
    async insert(changeset, events) {
      const seq = ++changesetSeq;
      const body = strip(changeset);
      await connection.run('INSERT INTO changesets VALUES ($id, $seq, $status, $version, $body)',
        { id: changeset.id, seq, status: changeset.execution.status, version: changeset.version, body: JSON.stringify(body) });
      stage(() => mirror.changesets.set(changeset.id, { seq, changeset: body }));
      for (const event of events) await appendEvent(event);
    },
    async update(changeset, event) {
      const body = strip(changeset);
      await connection.run('UPDATE changesets SET status = $status, version = $version, body = $body WHERE id = $id',
        { id: changeset.id, status: changeset.execution.status, version: changeset.version, body: JSON.stringify(body) });
      const seq = mirror.changesets.get(changeset.id)!.seq;
      stage(() => mirror.changesets.set(changeset.id, { seq, changeset: body }));
      await appendEvent(event);
    },
    async audit(id) {
      return [...(mirror.events.get(id) ?? [])];
    },
    async allEvents() {
      return [...mirror.allEvents];
    },
    async count() {
      return mirror.changesets.size;
    },
    async idempotent(key) {
      return mirror.keys.get(key) ?? null;
    },
    async remember(key, response) {
      await connection.run('INSERT INTO idempotency_keys (key, fingerprint, status, body) VALUES ($key, $f, $s, $b)',
        { key, f: response.fingerprint, s: response.status, b: JSON.stringify(response.body) });
      stage(() => mirror.keys.set(key, response));
    },
    async transaction(work) {
      if (staged) return work();
      staged = [];
      const seqs = { changesetSeq, eventSeq };
      await connection.run('BEGIN TRANSACTION');
      try {
        const result = await work();
        await connection.run('COMMIT');
        for (const change of staged) change();
        return result;
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        ({ changesetSeq, eventSeq } = seqs);
        throw error;
      } finally {
        staged = null;
      }
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
  return store;
}

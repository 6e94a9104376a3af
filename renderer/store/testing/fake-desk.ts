/**
 * A fake `DeskApi` for store tests: every method answers from an overridable handler and records
 * its requests; `emit` pushes host events to the listeners.
 */
import type {
  DeskApi, DeskErrorCode, DeskEventName, DeskEvents, DeskMethod, DeskRequest, DeskResponse, DeskSettings, FileRef, Result,
} from '../../../contract/desk-api.ts';
import type { ImportSummary } from '../../../contract/import.ts';

type Handler<M extends DeskMethod> = (request: DeskRequest<M>) => Promise<Result<DeskResponse<M>>> | Result<DeskResponse<M>>;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (code: DeskErrorCode, message: string = code): Result<never> => ({ ok: false, error: { code, message } });

export const SETTINGS: DeskSettings = {
  alpha: 0.05, power: 0.8, mde: 0.05, minSamplePerVariant: 1000, minRuntimeDays: 7, cupedPrePeriodDays: 14, cuped: true,
  exposureEvents: ['exposure'], conversionEvents: ['conversion'], funnelSteps: ['page_view', 'checkout.completed'], metricWindowDays: {},
};

export function summary(overrides: Partial<ImportSummary> = {}): ImportSummary {
  return {
    fileId: 1, path: '/tmp/events.csv', sha256: 'abc', bytes: 1000, format: 'csv', shape: 'event_log',
    rowsRead: 90_189, rowsAccepted: 90_189, rowsRejected: 0, rejectsByReason: {}, zonelessTimestamps: 0,
    duplicateOf: null, mapping: null, seconds: 1.2, ...overrides,
  };
}

export interface FakeDesk extends DeskApi {
  /** Requests per method, in call order. */
  readonly calls: { [M in DeskMethod]?: DeskRequest<M>[] } & { toFileRef?: string[]; saveFile?: { name: string; bytes: Uint8Array; mediaType?: string }[] };
  handle<M extends DeskMethod>(method: M, handler: Handler<M>): void;
  emit<E extends DeskEventName>(event: E, payload: DeskEvents[E]): void;
  listenerCount(): number;
}

export function createFakeDesk(): FakeDesk {
  const calls: Record<string, unknown[]> = {};
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const handlers: { [M in DeskMethod]: Handler<M> } = {
    importFiles: () => ok({ summaries: [summary()] }),
    cancelImport: () => ok({ cancelled: true }),
    previewFile: () => ok({
      name: 'odd.csv', header: ['uid', 'arm', 'bought', 'pre_bought'], rows: [['1', 'a', '0', '1']], recognised: null,
      guess: { unit: 'uid', variant: 'arm', metrics: ['bought'] }, variantValues: ['a', 'b'],
    }),
    listRejects: (r) => ok({ fileId: r.fileId, total: 0, rows: [] }),
    loadSampleData: () => ok({ summaries: [summary({ path: 'sample.csv' })] }),
    listExperiments: () => ok([]),
    analyzeExperiment: () => err('not_found'),
    previewRows: () => ok(new Uint8Array()),
    listFiles: () => ok([]),
    getSettings: () => ok(SETTINGS),
    setSettings: (r) => ok({ ...SETTINGS, ...r }),
    listChangeSets: () => ok({ items: [], nextCursor: null, source: 'api', fetchedAt: '2026-03-24T10:00:00.000Z', offlineReason: null }),
    getChangeSet: (r) => err('not_found', `no ChangeSet ${r.id}`),
    proposeDecision: (r) => err('not_found', `no experiment ${r.experimentId}`),
    submitDecision: () => err('api_unavailable'),
    listOutbox: () => ok([]),
    retryOutbox: () => ok([]),
    discardOutboxItem: (r) => err('not_found', `no outbox item ${r.id}`),
    linkExperiment: (r) => ok({ experimentId: r.experimentId, changesetId: r.changesetId, source: r.changesetId ? 'manual' : null }),
    approveChangeSet: (r) => err('not_found', `no ChangeSet ${r.id}`),
    rejectChangeSet: (r) => err('not_found', `no ChangeSet ${r.id}`),
    getApiSettings: () => ok({ baseUrl: null, hasToken: false, canStoreToken: false }),
    setApiSettings: (r) => ok({ baseUrl: r.baseUrl ?? null, hasToken: typeof r.token === 'string', canStoreToken: true }),
    exportReport: (r) => ok({
      bytes: new TextEncoder().encode('<!doctype html>'), fileName: `${r.experimentId}-decision-report-2026-03-24.${r.format === 'audit-csv' ? 'audit.csv' : r.format}`,
      mediaType: 'text/html;charset=utf-8',
    }),
  };
  const record = (method: string, request: unknown) => {
    (calls[method] ??= []).push(request);
  };
  const methods = Object.fromEntries(
    (Object.keys(handlers) as DeskMethod[]).map((method) => [
      method,
      async (request: unknown) => {
        record(method, request);
        return (handlers[method] as (r: unknown) => unknown)(request);
      },
    ]),
  );
  const fake = {
    ...methods,
    host: 'web' as const,
    calls,
    on(event: DeskEventName, listener: (payload: never) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    async toFileRef(file: { name: string }): Promise<Result<FileRef>> {
      record('toFileRef', file.name);
      return ok({ kind: 'upload', uploadId: `up-${file.name}`, name: file.name });
    },
    async chooseFiles() {
      return ok(null);
    },
    async saveFile(name: string, bytes: Uint8Array, mediaType?: string) {
      record('saveFile', { name, bytes, mediaType });
      return ok({ saved: true, path: null });
    },
    handle<M extends DeskMethod>(method: M, handler: Handler<M>) {
      (handlers as Record<DeskMethod, unknown>)[method] = handler;
    },
    emit<E extends DeskEventName>(event: E, payload: DeskEvents[E]) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    listenerCount() {
      return [...listeners.values()].reduce((n, s) => n + s.size, 0);
    },
  };
  return fake as unknown as FakeDesk;
}

/** A deferred promise, to hold a host answer until the test releases it. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

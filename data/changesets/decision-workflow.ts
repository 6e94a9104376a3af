/**
 * The ChangeSet decision workflow (docs/changesets.md, "From a verdict to a proposal" and
 * "Offline: the local copy and the outbox"), once for every host: find the ChangeSet linked to an
 * experiment, propose the transition its verdict calls for with a proofResult, check it against
 * the lifecycle, write it to the outbox and send it. The desk service (`decision-service.ts`) and
 * the command line (`cli/changesets.ts`) differ only in how they show the outcome.
 *
 * One fallback rule ({@link canUseLocalCopy}): a read that the API cannot answer — unreachable,
 * or not allowed to (no token, token refused, an unsafe base URL or redirect) — is answered from
 * the local copy, with the reason; any other API error is the caller's to report.
 */
import { userInfo } from 'node:os';
import type { DeskErrorCode } from '../../contract/desk-api.ts';
import { checkTransition } from '../../contract/changesets/lifecycle.ts';
import type { ChangeSetSource, DecisionProposal, ExperimentLinkView, OutboxItem, OutboxRequest } from '../../contract/changesets/decisions.ts';
import type { Actor, ChangeSet, ChangeSetStatus, ProofResult } from '../../contract/changesets/schemas.ts';
import type { ExperimentReport } from '../../contract/report.ts';
import type { ChangeSetCache } from './cache.ts';
import { ChangeSetApiError, type ChangeSetClient } from './client.ts';
import type { ExperimentLinks } from './links.ts';
import { resolveLink } from './links.ts';
import type { Outbox } from './outbox.ts';
import { proposeDecision, type DecisionTarget } from './proof.ts';

/** API error codes after which a read uses the local copy, besides the transient ones. */
const LOCAL_COPY_CODES: ReadonlySet<string> = new Set([
  'not_configured', 'unauthorized', 'forbidden', 'insecure_base_url', 'cross_origin_redirect', 'redirect_refused',
]);

/**
 * The one fallback rule: whether a read may be answered from the local copy after `error`
 * (transient — network, timeout, 429, 5xx — or the API may not be used: no token, token refused
 * or not allowed, an unsafe base URL or redirect). A 404 or a refused request is not offline.
 */
export function canUseLocalCopy(error: ChangeSetApiError): boolean {
  return error.transient || LOCAL_COPY_CODES.has(error.code);
}

/** The user the OS runs this process as, the default author of decisions ("analyst" when unknown). */
export function defaultActor(): Actor {
  try {
    return { type: 'user', id: userInfo().username || 'analyst' };
  } catch {
    return { type: 'user', id: 'analyst' };
  }
}

/** ChangeSets as known now: from the API (and then cached), or the local copy and why. */
export interface KnownChangeSets {
  readonly items: ChangeSet[];
  readonly source: ChangeSetSource;
  /** Why the API was not used (see the workflow's `describeOffline`), or null when it was. */
  readonly offlineReason: string | null;
}

/** An experiment's link and, when known, the linked ChangeSet. */
export interface LinkedChangeSetView extends KnownChangeSets {
  readonly link: ExperimentLinkView;
  /** The linked ChangeSet (API or local copy), or null when unlinked or unknown offline. */
  readonly changeset: ChangeSet | null;
}

/** An error of the ChangeSet workflow with a stable desk error code (contract/desk-api.ts). */
export class ChangeSetServiceError extends Error {
  override readonly name = 'ChangeSetServiceError';
  constructor(readonly code: DeskErrorCode, message: string) {
    super(message);
  }
}

export interface DecisionWorkflowOptions {
  readonly cache: ChangeSetCache;
  readonly links: ExperimentLinks;
  readonly outbox: Outbox;
  /** The API client, or null when no base URL is set. */
  readonly client: () => Promise<ChangeSetClient | null> | ChangeSetClient | null;
  /** Sends what the outbox holds (the host's flush; it must not throw). */
  readonly send: () => Promise<unknown>;
  /** The reason shown when the API was not used after `error` (never contains the token). */
  readonly describeOffline: (error: ChangeSetApiError, baseUrl: string) => string;
  /** The reason shown when there is no API base URL. */
  readonly noApiReason: string;
}

export interface DecisionWorkflow {
  /**
   * Every ChangeSet: the API's (stored in the local copy), or the local copy when
   * {@link canUseLocalCopy} allows it.
   * @throws ChangeSetApiError any other API error.
   */
  known(): Promise<KnownChangeSets>;
  /**
   * The ChangeSet linked to `experimentId` for a decision: the link (manual, else by
   * featureFlagKey among {@link known}) and the ChangeSet, from the list, the local copy or —
   * online — fetched by id.
   * @throws ChangeSetApiError as {@link known}, or `not_found` when the API has no such ChangeSet.
   */
  linked(experimentId: string): Promise<LinkedChangeSetView>;
  /**
   * Only the link of `experimentId`, as cheaply as it can be had (reports): the manual link; else
   * the local copy's ChangeSets with that featureFlagKey; only when the copy has none, the API's
   * list. Never throws for the API: unknown → no link.
   */
  linkOnly(experimentId: string): Promise<ExperimentLinkView>;
  /**
   * The decision for `report`: the proposed transition (or `to`, the analyst's override), its
   * reason, the link, the ChangeSet and why it cannot be taken now (`blockedReason`).
   * @throws ChangeSetApiError as {@link linked}.
   */
  propose(report: ExperimentReport, proofResult: ProofResult, to?: DecisionTarget): Promise<DecisionProposal>;
  /**
   * Checks the decision against the local copy of the ChangeSet when that copy is the version it
   * is based on, writes it to the outbox, sends it and waits at most `waitMs` (default: until
   * sent) before returning the item as it is.
   * @throws ChangeSetServiceError `invalid_request` (e.g. PERMANENT without confirmation) or
   *   `conflict` (not a transition from the ChangeSet's state) when the lifecycle refuses it.
   */
  submit(input: { changesetId: string; experimentId?: string | null; request: OutboxRequest }, waitMs?: number): Promise<OutboxItem>;
}

/** The workflow over one database's local copy, links and outbox. */
export function createDecisionWorkflow(options: DecisionWorkflowOptions): DecisionWorkflow {
  const { cache, links, outbox } = options;
  const localCopy = async (): Promise<ChangeSet[]> => (await cache.list()).map((c) => c.changeset);

  const known = async (): Promise<KnownChangeSets> => {
    const api = await options.client();
    if (!api) return { items: await localCopy(), source: 'cache', offlineReason: options.noApiReason };
    try {
      const items = await api.listAll();
      await cache.put(items);
      return { items, source: 'api', offlineReason: null };
    } catch (error) {
      if (!(error instanceof ChangeSetApiError) || !canUseLocalCopy(error)) throw error;
      return { items: await localCopy(), source: 'cache', offlineReason: options.describeOffline(error, api.baseUrl) };
    }
  };

  const linked = async (experimentId: string): Promise<LinkedChangeSetView> => {
    const list = await known();
    const link = resolveLink(experimentId, await links.manual(experimentId), list.items);
    let changeset: ChangeSet | null = null;
    if (link.changesetId) {
      changeset = list.items.find((c) => c.id === link.changesetId) ?? (await cache.get(link.changesetId))?.changeset ?? null;
      const api = changeset || list.offlineReason ? null : await options.client();
      if (api) {
        changeset = await api.get(link.changesetId);
        await cache.put([changeset]);
      }
    }
    return { ...list, link, changeset };
  };

  return {
    known,
    linked,

    async linkOnly(experimentId) {
      const manual = await links.manual(experimentId);
      if (manual) return resolveLink(experimentId, manual, []);
      const local = resolveLink(experimentId, null, await localCopy());
      if (local.changesetId) return local;
      try {
        return resolveLink(experimentId, null, (await known()).items);
      } catch {
        return local;
      }
    },

    async propose(report, proofResult, to) {
      const decision = proposeDecision(report, proofResult);
      const target = to ?? decision.to;
      const view = await linked(report.experimentId);
      let blockedReason: string | null = null;
      if (!target) blockedReason = `the verdict is ${report.verdict.status}: no transition is proposed`;
      else if (!view.link.changesetId) blockedReason = `no ChangeSet is linked to ${report.experimentId}: link one by hand (no featureFlagKey equals the experiment id)`;
      else if (view.changeset) {
        const check = checkTransition(view.changeset, target, { hasProof: true, now: new Date() });
        if (!check.ok) blockedReason = check.error.message;
      }
      const reason = target === decision.to ? decision.reason
        : `${target} decided by the analyst against a ${report.verdict.status} verdict: ${report.verdict.reason}`;
      return {
        experimentId: report.experimentId,
        link: view.link,
        changeset: view.changeset,
        source: view.changeset ? view.source : null,
        offlineReason: view.offlineReason,
        to: target,
        reason,
        proofResult,
        expectedVersion: view.changeset?.version ?? null,
        blockedReason,
        candidates: view.link.changesetId ? [] : view.items
          .filter((c) => c.execution.status === 'MEASURING')
          .map((c) => ({ id: c.id, status: c.execution.status, featureFlagKey: c.actionPlan.implementation.featureFlagKey ?? null, problem: c.hypothesis.problem })),
      };
    },

    async submit(input, waitMs) {
      const cached = await cache.get(input.changesetId);
      if (cached && cached.changeset.version === input.request.expectedVersion) {
        const check = checkTransition(cached.changeset, input.request.to as ChangeSetStatus, {
          confirm: input.request.confirm ?? false, hasProof: input.request.proofResult !== undefined, now: new Date(),
        });
        if (!check.ok) throw new ChangeSetServiceError(check.error.code === 'validation_failed' ? 'invalid_request' : 'conflict', check.error.message);
      }
      const item = await outbox.enqueueDecision({ changesetId: input.changesetId, experimentId: input.experimentId ?? null, request: input.request });
      const sent = options.send();
      if (waitMs === undefined) await sent;
      else await Promise.race([sent, new Promise((resolve) => setTimeout(resolve, waitMs).unref?.())]);
      return (await outbox.get(item.id)) ?? item;
    },
  };
}

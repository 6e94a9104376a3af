/**
 * The app's side of ChangeSet decisions (docs/changesets.md): the outbox item the UI shows, the
 * decision proposal of the experiment screen, and the request schemas of the `changesets`
 * handlers of contract/desk-api.ts. Hosts validate requests with these schemas before anything
 * reaches data/.
 */
import { z } from 'zod';
import { apiBaseUrlProblem } from './api-url.ts';
import type { TransitionRule } from './lifecycle.ts';
import {
  actorSchema, changeSetStatusSchema, proofResultSchema, type AuditEvent, type ChangeSet, type ProofResult,
} from './schemas.ts';

// ── the outbox ───────────────────────────────────────────────────────────────────────────────

/**
 * An outbox item's state:
 * - `queued`: written, waiting to be sent (new, or after a transient failure: see `nextAttemptAt`);
 * - `sending`: a send started (an item found in this state after a crash is sent again with the
 *   same idempotency key, which is what makes delivery exactly-once);
 * - `synced`: the API accepted it (`result` is the ChangeSet it returned);
 * - `failed`: the API refused it for good (`lastError`; a 409 also fills `conflict`);
 * - `discarded`: the analyst dropped it (kept for the record).
 */
export const OUTBOX_STATES = ['queued', 'sending', 'synced', 'failed', 'discarded'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/**
 * The transition request an outbox item sends. `expectedVersion` null means "the version current
 * when sent": a decision taken offline on a ChangeSet never fetched; it is resolved (GET) and
 * written back before the first send, so every retry sends the same body.
 */
export const outboxRequestSchema = z.object({
  to: changeSetStatusSchema,
  expectedVersion: z.number().int().positive().nullable(),
  reason: z.string().min(1).max(2000),
  actor: actorSchema,
  proofResult: proofResultSchema.optional(),
  confirm: z.boolean().optional(),
});
export type OutboxRequest = z.infer<typeof outboxRequestSchema>;

/** The last error of an item (never contains the token). */
export interface OutboxError {
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  /** The API's code (`version_conflict`, `invalid_transition`, …) or the client's (`network_error`, `timeout`, …). */
  readonly code: string;
  readonly message: string;
  readonly requestId: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  /** UTC ISO-8601. */
  readonly at: string;
}

/** A 409: "this ChangeSet changed since your analysis", with both versions. */
export interface OutboxConflict {
  readonly expectedVersion: number;
  readonly currentVersion: number | null;
  readonly currentState: string | null;
}

export interface OutboxItem {
  readonly id: string;
  readonly changesetId: string;
  readonly experimentId: string | null;
  readonly idempotencyKey: string;
  readonly request: OutboxRequest;
  readonly state: OutboxState;
  /** Send attempts started (each flush counts one, whatever the client's own retries). */
  readonly attempts: number;
  /** Earliest next send after a transient failure (UTC ISO-8601), or null. */
  readonly nextAttemptAt: string | null;
  readonly lastError: OutboxError | null;
  readonly conflict: OutboxConflict | null;
  /** The ChangeSet the API returned (synced). */
  readonly result: ChangeSet | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

// ── views the handlers return ─────────────────────────────────────────────────────────────────

/** Where ChangeSet data came from: the API just now, or the local copy (offline). */
export type ChangeSetSource = 'api' | 'cache';

export interface ChangeSetListView {
  readonly items: readonly ChangeSet[];
  readonly nextCursor: string | null;
  readonly source: ChangeSetSource;
  /** When the data was fetched (UTC ISO-8601); null when nothing was ever fetched. */
  readonly fetchedAt: string | null;
  /** Why the API was not used (unreachable, not configured, refused the token), else null. */
  readonly offlineReason: string | null;
}

/** A legal next step, for the UI's buttons. */
export type AllowedTransitionView = Pick<TransitionRule, 'to' | 'action' | 'requiresConfirmation' | 'proof'>;

export interface ChangeSetDetailView {
  readonly changeset: ChangeSet;
  /** The audit trail, oldest first (the API's `/audit` when online, the cached trail otherwise). */
  readonly audit: readonly AuditEvent[];
  readonly allowedTransitions: readonly AllowedTransitionView[];
  /** docs/interface.md "AUTO-ROLLBACK: ARMED" banner. */
  readonly autoRollbackArmed: boolean;
  /** Experiments linked to it (by featureFlagKey or by hand). */
  readonly linkedExperiments: readonly string[];
  /** Outbox items for this ChangeSet, newest first. */
  readonly outbox: readonly OutboxItem[];
  readonly source: ChangeSetSource;
  readonly fetchedAt: string | null;
  readonly offlineReason: string | null;
}

export interface ExperimentLinkView {
  readonly experimentId: string;
  readonly changesetId: string | null;
  /** `manual`: chosen by hand; `feature_flag`: `featureFlagKey` equals the experiment id; null: none. */
  readonly source: 'manual' | 'feature_flag' | null;
}

/** What the experiment screen pre-fills for the analyst to confirm. */
export interface DecisionProposal {
  readonly experimentId: string;
  readonly link: ExperimentLinkView;
  /** The linked ChangeSet (API or cache), or null when unlinked or unknown offline. */
  readonly changeset: ChangeSet | null;
  readonly source: ChangeSetSource | null;
  readonly offlineReason: string | null;
  /** winner → PROVEN, loser → ROLLED_BACK; null for inconclusive / not ready. */
  readonly to: 'PROVEN' | 'ROLLED_BACK' | null;
  /** A pre-filled reason sentence. */
  readonly reason: string;
  readonly proofResult: ProofResult;
  /** The version the decision is based on (null when the ChangeSet is unknown). */
  readonly expectedVersion: number | null;
  /** Why the proposed transition cannot be taken now (illegal from the current state, no link), else null. */
  readonly blockedReason: string | null;
  /** ChangeSets the analyst can link by hand when there is no link (API or cache). */
  readonly candidates: readonly { readonly id: string; readonly status: string; readonly featureFlagKey: string | null; readonly problem: string }[];
}

/** API settings as the UI sees them: the token never comes back, only whether one is set. */
export interface ApiSettingsView {
  readonly baseUrl: string | null;
  readonly hasToken: boolean;
  /** Whether this host can store a token (Electron safeStorage); otherwise it comes from the environment. */
  readonly canStoreToken: boolean;
}

// ── request schemas ──────────────────────────────────────────────────────────────────────────

const id = z.string().min(1).max(200);

export const listChangeSetsRequestSchema = z.object({
  status: changeSetStatusSchema.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.number().int().min(1).max(200).optional(),
}).strict();
export type ListChangeSetsRequest = z.infer<typeof listChangeSetsRequestSchema>;

export const getChangeSetRequestSchema = z.object({ id }).strict();
export type GetChangeSetRequest = z.infer<typeof getChangeSetRequestSchema>;

/**
 * A decision to send through the outbox. `expectedVersion` is the version the analyst saw (null:
 * unknown, see `OutboxRequest`); `confirm` is the explicit confirmation ROLLED_BACK → PERMANENT
 * needs.
 */
export const submitDecisionRequestSchema = z.object({
  changesetId: id,
  to: changeSetStatusSchema,
  reason: z.string().min(1).max(2000),
  expectedVersion: z.number().int().positive().nullable(),
  proofResult: proofResultSchema.optional(),
  confirm: z.boolean().optional(),
  experimentId: z.string().min(1).optional(),
}).strict();
export type SubmitDecisionRequest = z.infer<typeof submitDecisionRequestSchema>;

/**
 * Flush the outbox now. With `id` of a failed item and `expectedVersion`, the item is queued again
 * against that version first (after a 409 and a re-analysis), optionally with a new proofResult.
 */
export const retryOutboxRequestSchema = z.object({
  id: id.optional(),
  expectedVersion: z.number().int().positive().optional(),
  proofResult: proofResultSchema.optional(),
}).strict();
export type RetryOutboxRequest = z.infer<typeof retryOutboxRequestSchema>;

export const discardOutboxItemRequestSchema = z.object({ id }).strict();
export type DiscardOutboxItemRequest = z.infer<typeof discardOutboxItemRequestSchema>;

/** Link an experiment to a ChangeSet by hand; `changesetId: null` removes the manual link. */
export const linkExperimentRequestSchema = z.object({ experimentId: z.string().min(1), changesetId: id.nullable() }).strict();
export type LinkExperimentRequest = z.infer<typeof linkExperimentRequestSchema>;

/** Approve (→ ACTIVE) or reject (→ DRAFT) a PENDING_APPROVAL ChangeSet. */
export const reviewChangeSetRequestSchema = z.object({
  id,
  expectedVersion: z.number().int().positive(),
  reason: z.string().min(1).max(2000),
}).strict();
export type ReviewChangeSetRequest = z.infer<typeof reviewChangeSetRequestSchema>;

/**
 * Change the API settings (docs/security.md, "The ChangeSet API client"). `token`: a string
 * stores it (hosts that can: Electron safeStorage), null removes it, absent leaves it.
 * `baseUrl`: an https URL (plain http only to 127.0.0.1, ::1 or localhost: `apiBaseUrlProblem`),
 * or null to unset.
 *
 * Two explicit confirmations, which the UI sets only after asking the user; without them the
 * host refuses with `confirmation_required` and changes nothing:
 * - `confirmHostChange`: the new base URL's host differs from the saved one's, so the stored
 *   token will be sent to another server;
 * - `confirmPlainTextTokenStorage`: the host can store the token only without an OS keyring
 *   (Linux `safeStorage` with its `basic_text` backend: obfuscated, not encrypted).
 */
export const setApiSettingsRequestSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).max(500).check((ctx) => {
    const problem = apiBaseUrlProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  }).nullable().optional(),
  token: z.string().min(1).max(4096).nullable().optional(),
  confirmHostChange: z.boolean().optional(),
  confirmPlainTextTokenStorage: z.boolean().optional(),
}).strict();
export type SetApiSettingsRequest = z.infer<typeof setApiSettingsRequestSchema>;

/**
 * The `code` of the error a host's token store throws when it could store the token only in
 * plain text (Linux `safeStorage` with `basic_text`) and `confirmPlainTextTokenStorage` was not
 * given; the settings handler answers it with `confirmation_required`.
 */
export const PLAIN_TEXT_TOKEN_STORAGE = 'plain_text_token_storage';

/** What a host's token store is told along with a token. */
export interface TokenStoreOptions {
  /** The user confirmed storing the token without an OS keyring. */
  readonly allowPlainText?: boolean;
}

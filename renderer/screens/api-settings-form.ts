/**
 * What the API settings form (ApiSettingsSection.tsx) asks before it sends (docs/security.md,
 * "The ChangeSet API client"): a base URL on another host than the saved one sends the stored
 * token there, so the user confirms it first; a token the host could keep only in plain text
 * (Linux without a keyring) is stored only after the user confirmed that too. Pure, so it is
 * tested without a DOM.
 */
import { apiBaseUrlProblem, apiHostOf, isApiHostChange } from '../../contract/changesets/api-url.ts';
import type { SetApiSettingsRequest } from '../../contract/changesets/decisions.ts';
import type { DeskError } from '../../contract/desk-api.ts';

/** The saved and the typed host when saving the typed URL would move the token to another host, else null. */
export function hostChangeOf(savedBaseUrl: string | null, typedBaseUrl: string): { readonly from: string; readonly to: string } | null {
  const typed = typedBaseUrl.trim();
  if (!isApiHostChange(savedBaseUrl, typed)) return null;
  return { from: apiHostOf(savedBaseUrl)!, to: apiHostOf(typed)! };
}

/** Why the typed base URL will be refused (shown beside the field), or null ('' is allowed: not configured). */
export function baseUrlProblem(typedBaseUrl: string): string | null {
  const typed = typedBaseUrl.trim();
  return typed === '' ? null : apiBaseUrlProblem(typed);
}

export interface ApiFormValues {
  readonly savedBaseUrl: string | null;
  readonly baseUrl: string;
  /** '' = leave the stored token as it is. */
  readonly token: string;
  readonly canStoreToken: boolean;
  /** The host the user confirmed sending the token to (null: none). */
  readonly confirmedHost: string | null;
  /** The user confirmed storing the token without a keyring. */
  readonly confirmedPlainText: boolean;
}

/** The request the form sends, with a confirmation flag only where the user gave it. */
export function apiSettingsRequest(values: ApiFormValues): SetApiSettingsRequest {
  const url = values.baseUrl.trim();
  const change = hostChangeOf(values.savedBaseUrl, url);
  const withToken = values.canStoreToken && values.token !== '';
  return {
    baseUrl: url === '' ? null : url,
    ...(withToken && { token: values.token }),
    ...(change !== null && change.to === values.confirmedHost && { confirmHostChange: true }),
    ...(withToken && values.confirmedPlainText && { confirmPlainTextTokenStorage: true }),
  };
}

/** Whether Save must wait: the host changes and the user has not confirmed the new one. */
export function awaitsHostConfirmation(values: ApiFormValues): boolean {
  const change = hostChangeOf(values.savedBaseUrl, values.baseUrl);
  return change !== null && change.to !== values.confirmedHost;
}

/**
 * The host's reason when it refused to store the token without a keyring (the form then asks
 * the user), else null: `confirmation_required` to a request that carried a token, confirmed
 * any host change, and did not yet confirm plain-text storage.
 */
export function plainTextStorageReason(error: DeskError | null, sent: SetApiSettingsRequest | null): string | null {
  if (error?.code !== 'confirmation_required' || !sent || typeof sent.token !== 'string') return null;
  if (sent.confirmPlainTextTokenStorage === true) return null;
  return error.message;
}

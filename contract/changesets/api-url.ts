/**
 * Where the ChangeSet API token may be sent (docs/security.md, "The ChangeSet API client"): the
 * rules for the API base URL, shared by the settings schema, the HTTP client and the settings
 * form. Pure: `URL` is a global in every host.
 *
 * - https, or plain http only to this computer (127.0.0.1, ::1, localhost);
 * - no user name or password in the URL (it would travel in every request and in messages);
 * - no query or fragment (paths are appended to the base URL).
 */

/** Hosts plain http is allowed to: the loopback addresses, as `URL.hostname` spells them. */
export const LOOPBACK_HOSTNAMES: readonly string[] = ['127.0.0.1', '[::1]', 'localhost'];

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Whether `url`'s host is a loopback address (127.0.0.1, ::1, localhost). */
export function isLoopbackUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed !== null && LOOPBACK_HOSTNAMES.includes(parsed.hostname.toLowerCase());
}

/** Why `url` cannot be the API base URL, or null when it can. */
export function apiBaseUrlProblem(url: string): string | null {
  const parsed = parse(url);
  if (!parsed) return 'the API base URL is not a URL';
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'the API base URL must start with https://';
  if (parsed.protocol === 'http:' && !isLoopbackUrl(url)) {
    return 'the API base URL must use https:// (plain http:// is allowed only to this computer: 127.0.0.1, ::1, localhost); the token would travel unencrypted';
  }
  if (parsed.username !== '' || parsed.password !== '') return 'the API base URL must not contain a user name or password';
  if (parsed.search !== '' || parsed.hash !== '') return 'the API base URL must not contain a query (?…) or fragment (#…)';
  return null;
}

/** `url`'s host (hostname and port, lower case), or null when it is not a URL. */
export function apiHostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  return parse(url)?.host.toLowerCase() ?? null;
}

/**
 * Whether saving `next` would send the token to another host than the saved `saved` URL: true
 * when both are URLs and their hosts (hostname and port) differ. No saved URL: false.
 */
export function isApiHostChange(saved: string | null | undefined, next: string | null | undefined): boolean {
  const from = apiHostOf(saved);
  const to = apiHostOf(next);
  return from !== null && to !== null && from !== to;
}

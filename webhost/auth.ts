/**
 * Loopback web host access control: a random per-launch token (like Jupyter's) given once in the
 * URL and traded for a session: a random session id, known only to this process, in an HttpOnly,
 * SameSite=Strict cookie named after the port (`desk_session_<port>`). Browsers do not keep
 * cookies apart by port, so the name keeps two hosts from logging each other out, and the value
 * is never the launch token. Requests must name this host (DNS-rebinding guard) and
 * state-changing requests must come from this origin (CSRF guard).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SESSION_COOKIE_PREFIX = 'desk_session_';
/** Sessions kept at most; past that the oldest is forgotten (each token login makes one). */
const MAX_SESSIONS = 256;

/** A fresh 192-bit token, URL-safe. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameToken(candidate: string | undefined | null, token: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The session cookie's name for the host on `port`. */
export function sessionCookieName(port: number): string {
  return `${SESSION_COOKIE_PREFIX}${port}`;
}

/**
 * The value of cookie `name`, as sent (not percent-decoded: our values are base64url), or
 * undefined. Never throws, whatever the header holds.
 */
export function cookieValue(request: IncomingMessage, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** This process's sessions: random ids handed out at token login, kept as SHA-256 digests. */
export class Sessions {
  readonly #digests = new Set<string>();

  static #digest(id: string): string {
    return createHash('sha256').update(id).digest('base64url');
  }

  /** A new session; resolves to its id (the cookie's value). */
  create(): string {
    const id = randomBytes(32).toString('base64url');
    this.#digests.add(Sessions.#digest(id));
    if (this.#digests.size > MAX_SESSIONS) this.#digests.delete(this.#digests.values().next().value!);
    return id;
  }

  has(id: string | undefined): boolean {
    return id !== undefined && id !== '' && this.#digests.has(Sessions.#digest(id));
  }
}

/** True when the request carries a session cookie of this host or `Authorization: Bearer <token>`. */
export function isAuthorised(request: IncomingMessage, token: string, port: number, sessions: Sessions): boolean {
  const authorization = request.headers.authorization;
  const bearer = typeof authorization === 'string' ? /^Bearer (\S+)$/.exec(authorization)?.[1] : undefined;
  return sessions.has(cookieValue(request, sessionCookieName(port))) || sameToken(bearer, token);
}

/** True when the token is the URL's `token` query parameter (the first visit). */
export function hasTokenInUrl(url: URL, token: string): boolean {
  return sameToken(url.searchParams.get('token'), token);
}

/** The Set-Cookie header value that carries session `id` for the host on `port`. */
export function sessionCookie(port: number, id: string): string {
  return `${sessionCookieName(port)}=${id}; HttpOnly; SameSite=Strict; Path=/`;
}

/** No `//`, backslash, scheme (`http:`, `javascript:`) or control character anywhere in `path`. */
function isPlainPath(path: string): boolean {
  const control = [...path].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127);
  return !control && !path.includes('//') && !path.includes('\\') && !/[A-Za-z][A-Za-z0-9+.-]*:/.test(path);
}

/**
 * Where to send the browser after the token login: the requested path and query (without the
 * token) when it is a plain same-origin path, else `/`. A path holding `//` (`//evil.example`
 * is another site), a backslash (`/\evil.example` too, for browsers), a scheme (`/http://…`) or
 * a control character, as sent or percent-decoded, is refused: no URL can turn the redirect into
 * one to another site.
 */
export function sameOriginTarget(url: URL): string {
  const query = new URLSearchParams(url.searchParams);
  query.delete('token');
  const rest = query.toString();
  const search = rest === '' ? '' : `?${rest}`;
  const path = url.pathname;
  if (!path.startsWith('/') || !isPlainPath(path)) return '/';
  // Checked decoded too: a page or proxy that decodes `%2F` must not find `//` either.
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return '/';
  }
  if (!isPlainPath(decoded)) return '/';
  const target = path + search;
  const base = new URL('http://127.0.0.1/');
  return new URL(target, base).origin === base.origin ? target : '/';
}

/** The request's Host names this server (127.0.0.1 or localhost with our port). */
export function isOwnHost(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host ?? '';
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

/** For POSTs: no Origin (same-origin tools) or our own origin. */
export function isOwnOrigin(request: IncomingMessage, port: number): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}` || origin === `http://[::1]:${port}`;
}

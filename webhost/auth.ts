/**
 * Loopback web host access control: a random per-launch token (like Jupyter's) given once in the
 * URL, then carried by an HttpOnly, SameSite=Strict cookie; requests must name this host
 * (DNS-rebinding guard) and state-changing requests must come from this origin (CSRF guard).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'desk_token';

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

function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** True when the request carries the token (cookie or `Authorization: Bearer`). */
export function isAuthorised(request: IncomingMessage, token: string): boolean {
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  return sameToken(cookieValue(request, TOKEN_COOKIE), token) || sameToken(bearer, token);
}

/** True when the token is the URL's `token` query parameter (the first visit). */
export function hasTokenInUrl(url: URL, token: string): boolean {
  return sameToken(url.searchParams.get('token'), token);
}

/** The Set-Cookie header value that carries the token for the rest of the session. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
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

/**
 * Serves the built renderer (`dist/renderer/`) on `app://desk/…` instead of `file://`.
 *
 * Why a custom scheme: under `file://` every local file shares one opaque origin, so the page
 * could `fetch('file:///home/…')`, the CSP `'self'` would mean "any file", and the sender and
 * navigation checks in `security.ts` would have nothing exact to compare with. A privileged
 * standard scheme gives the page a real origin (`app://desk`), lets us attach the CSP header to
 * every response, and confines what can be read to one folder.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security.ts';

/**
 * The scheme's privileges; must be registered before the app's `ready` event.
 * `standard` gives it origins and relative URL resolution, `secure` makes it a secure context,
 * `supportFetchAPI` lets the page `fetch` its own assets. It does not bypass CSP.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file a request URL names under `root`, or `null` when the request must be refused: another
 * scheme or host, an undecodable or NUL-containing path, or a path that resolves outside `root`
 * (`..` segments, percent-encoded `%2e%2e%2f`, backslashes on Windows, absolute paths).
 * `/` maps to `index.html`.
 */
export function resolveAppPath(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;

  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  // Backslashes are separators on Windows; refuse them everywhere rather than reason per OS.
  if (pathname.includes('\\')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');

  const absoluteRoot = path.resolve(root);
  const file = path.resolve(absoluteRoot, relative);
  const fromRoot = path.relative(absoluteRoot, file);
  if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return null;
  return file;
}

function textResponse(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  });
}

/**
 * The protocol handler: reads the file `resolveAppPath` allows and answers it with its content
 * type and the CSP header; 403 for refused paths, 404 for missing files.
 */
export function appProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed');
    const file = resolveAppPath(root, request.url);
    if (file === null) return textResponse(403, 'forbidden');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return textResponse(404, 'not found');
    }
    const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': contentType,
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };
}

/** Registers the scheme's privileges; call before `app.whenReady()`. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/** Serves `root` on `app://desk/`; call after `ready`. */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(APP_SCHEME, appProtocolHandler(root));
}

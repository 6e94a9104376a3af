/**
 * The loopback web host (`npm run serve`, SPEC §1): the built renderer and the contract over
 * HTTP on 127.0.0.1 only, guarded by a per-launch token. It calls the same desk service as the
 * Electron worker.
 *
 * Routes: `POST /api/call/<method>` (JSON request → JSON `Result`), `POST /api/upload` (raw file
 * body, `X-File-Name` header → `Result<{ uploadId }>`), `GET /api/events` (Server-Sent Events),
 * everything else: static files of the renderer.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { DeskEventName } from '../contract/desk-api.ts';
import { encodeWire, decodeWire } from '../contract/wire.ts';
import { invokeHandler, type DeskService } from '../data/service/desk-service.ts';
import { hasTokenInUrl, isAuthorised, isOwnHost, isOwnOrigin, tokenCookie } from './auth.ts';

export interface WebHostOptions {
  readonly service: DeskService;
  /** Folder of the built renderer (dist/renderer). */
  readonly staticDir: string;
  readonly token: string;
  /** 0 = any free port. */
  readonly port?: number;
}

export interface WebHost {
  readonly port: number;
  /** The URL to open, with the token. */
  readonly url: string;
  close(): Promise<void>;
}

/** The same policy as the renderer's meta tag: nothing but this origin. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const MAX_JSON_BYTES = 1 << 20;
const EVENTS: readonly DeskEventName[] = ['import-progress', 'files-opened', 'menu-command', 'outbox-changed'];
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
  '.ico': 'image/x-icon', '.map': 'application/json',
};

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

function securityHeaders(response: ServerResponse): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, { ok: false, error: { code, message } });
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
}

async function serveStatic(staticDir: string, pathname: string, response: ServerResponse): Promise<void> {
  const root = resolve(staticDir);
  const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  let file = resolve(root, relative === '' ? 'index.html' : relative);
  if (file !== root && !file.startsWith(root + sep)) return sendError(response, 403, 'forbidden', 'outside the app');
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) return sendError(response, 404, 'not_found', `no such file: ${pathname}`);
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
  });
  createReadStream(file).pipe(response);
}

function serveEvents(service: DeskService, request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
  response.write(': connected\n\n');
  const unsubscribe = EVENTS.map((event) =>
    service.onEvent(event, (payload) => response.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`)));
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
  request.on('close', () => {
    clearInterval(keepAlive);
    for (const stop of unsubscribe) stop();
  });
}

/**
 * Starts the web host on 127.0.0.1.
 * @throws Error when the port cannot be bound.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { service, staticDir, token } = options;
  let port = options.port ?? 0;

  const server: Server = createServer((request, response) => {
    securityHeaders(response);
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (!isOwnHost(request, port)) return sendError(response, 403, 'forbidden', 'unknown host');
    // First visit with the token in the URL: set the cookie and drop the token from the address bar.
    if (request.method === 'GET' && hasTokenInUrl(url, token)) {
      url.searchParams.delete('token');
      response.writeHead(302, { 'Set-Cookie': tokenCookie(token), Location: url.pathname + url.search });
      return response.end();
    }
    if (!isAuthorised(request, token)) {
      return sendError(response, 401, 'unauthorized', 'Not authorised: open the URL with the token that `npm run serve` printed.');
    }
    const handle = async (): Promise<void> => {
      if (url.pathname.startsWith('/api/')) {
        if (request.method === 'GET' && url.pathname === '/api/events') return serveEvents(service, request, response);
        if (request.method !== 'POST') return sendError(response, 405, 'method_not_allowed', 'use POST');
        if (!isOwnOrigin(request, port)) return sendError(response, 403, 'forbidden', 'cross-origin request refused');
        if (url.pathname === '/api/upload') {
          const name = decodeURIComponent(String(request.headers['x-file-name'] ?? ''));
          if (!name) return sendError(response, 400, 'invalid_request', 'X-File-Name header missing');
          const uploadId = await service.uploads.save(name, request);
          return sendJson(response, 200, { ok: true, value: { uploadId } });
        }
        const method = /^\/api\/call\/([A-Za-z]+)$/.exec(url.pathname)?.[1];
        if (!method) return sendError(response, 404, 'not_found', 'unknown API route');
        if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
          return sendError(response, 415, 'invalid_request', 'send application/json');
        }
        const body = decodeWire(await readJson(request), fromBase64);
        const result = await invokeHandler(service, method, body);
        return sendJson(response, 200, encodeWire(result, toBase64));
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(response, 405, 'method_not_allowed', 'GET only');
      return serveStatic(staticDir, url.pathname, response);
    };
    handle().catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 400, 'invalid_request', (error as Error).message.split('\n')[0] ?? 'bad request');
      else response.destroy();
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () => new Promise<void>((resolvePromise) => {
      server.closeAllConnections();
      server.close(() => resolvePromise());
    }),
  };
}

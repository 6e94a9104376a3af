/**
 * The loopback web host (`npm run serve`): the built renderer and the contract over HTTP on
 * 127.0.0.1 only, guarded by a per-launch token. It calls the same desk service as the Electron
 * worker.
 *
 * Routes: `POST /api/call/<method>` (JSON request → JSON `Result`), `POST /api/upload` (raw file
 * body, `X-File-Name` header → `Result<{ uploadId }>`), `GET /api/events` (Server-Sent Events),
 * everything else: static files of the renderer.
 *
 * No request can stop the process: every failure while handling one becomes a response — 4xx
 * for a malformed request, 500 (a generic message, never a stack) for anything unexpected, which
 * is logged on the host's console.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DeskErrorCode } from '../contract/desk-api.ts';
import { DESK_EVENTS } from '../contract/desk-names.ts';
import { encodeWire, decodeWire } from '../contract/wire.ts';
import { invokeHandler, type DeskService } from '../data/service/desk-service.ts';
import { DEFAULT_MAX_UPLOAD_BYTES, UploadTooLargeError, formatBytes } from '../data/service/uploads.ts';
import { firstLine } from '../data/user-error.ts';
import { Sessions, hasTokenInUrl, isAuthorised, isOwnHost, isOwnOrigin, sameOriginTarget, sessionCookie } from './auth.ts';

export interface WebHostOptions {
  readonly service: DeskService;
  /** Folder of the built renderer (dist/renderer). */
  readonly staticDir: string;
  readonly token: string;
  /** 0 = any free port. */
  readonly port?: number;
  /** Largest upload accepted, in bytes (default `DEFAULT_MAX_UPLOAD_BYTES`, 20 GiB); larger ones get 413. */
  readonly maxUploadBytes?: number;
  /** Where the host's own failures are logged (default: stderr). Never sent to the browser. */
  readonly log?: (line: string) => void;
}

export interface WebHost {
  readonly port: number;
  /** The URL to open, with the token. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The same policy as the renderer's meta tag and Electron's (electron/security.ts): nothing but
 * this origin; no inline `<style>`; `style` attributes only for echarts' tooltips (docs/security.md).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const MAX_JSON_BYTES = 1 << 20;
/** A connection with no traffic for this long is closed (the event stream sends a keep-alive every 15 s). */
const IDLE_TIMEOUT_MS = 120_000;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
  '.ico': 'image/x-icon', '.map': 'application/json',
};

/** A request the host refuses: its status, error code and a message for the user. */
class HttpError extends Error {
  constructor(readonly status: number, readonly code: DeskErrorCode, message: string) {
    super(message);
  }
}

const badRequest = (message: string): HttpError => new HttpError(400, 'invalid_request', message);

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

/** An error `Result` with an HTTP status; codes are the contract's, or HTTP-level ones (`unauthorized`, …). */
function sendError(response: ServerResponse, status: number, code: DeskErrorCode | 'unauthorized' | 'forbidden' | 'method_not_allowed', message: string): void {
  sendJson(response, status, { ok: false, error: { code, message } });
}

/**
 * The request target as a URL on this host. Only the origin form (`/path?query`) is accepted:
 * the absolute form (`http://…`), `*` and anything the URL parser refuses (`//[`) are a 400.
 */
function requestUrl(target: string | undefined, port: number): URL {
  if (!target?.startsWith('/')) throw badRequest('malformed request path');
  let url: URL;
  try {
    url = new URL(`http://127.0.0.1:${port}${target}`);
  } catch {
    throw badRequest('malformed request path');
  }
  if (url.host !== `127.0.0.1:${port}`) throw badRequest('malformed request path');
  return url;
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw badRequest(`malformed percent-encoding in ${what}`);
  }
}

/** A declared Content-Length over `limit` (the body is then not read at all). */
function declaredTooLarge(request: IncomingMessage, limit: number): boolean {
  const declared = request.headers['content-length'];
  return declared !== undefined && Number(declared) > limit;
}

/**
 * Reads the whole body, at most `limit` bytes. Over the limit it fails with 413 and discards the
 * rest as it comes (the connection stays usable and the client gets the answer).
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  if (declaredTooLarge(request, limit)) return Promise.reject(new HttpError(413, 'invalid_request', 'request body too large'));
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        reject(new HttpError(413, 'invalid_request', 'request body too large'));
      } else chunks.push(chunk);
    });
    request.on('end', () => resolvePromise(Buffer.concat(chunks)));
    request.on('close', () => {
      if (!request.complete) reject(badRequest('request body interrupted'));
    });
  });
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const text = (await readBody(request, MAX_JSON_BYTES)).toString('utf8');
  try {
    return decodeWire(text === '' ? {} : JSON.parse(text), fromBase64);
  } catch (error) {
    throw badRequest(error instanceof RangeError ? 'request body nested too deeply' : 'request body is not valid JSON');
  }
}

/**
 * Streams an upload to the service's upload store. The body goes through a pass-through so that
 * refusing it (too large) does not destroy the request: the rest is discarded and the client
 * gets the 413. The partial file is removed by the store.
 */
async function receiveUpload(service: DeskService, request: IncomingMessage, maxBytes: number): Promise<string> {
  const header = request.headers['x-file-name'];
  const name = typeof header === 'string' ? decode(header, 'X-File-Name') : '';
  if (!name) throw badRequest('X-File-Name header missing');
  const tooLarge = (): HttpError => new HttpError(413, 'bad_input', `The file is larger than the upload limit of ${formatBytes(maxBytes)}.`);
  if (declaredTooLarge(request, maxBytes)) throw tooLarge();
  const body = new PassThrough();
  const interrupted = (): void => {
    if (!request.complete) body.destroy(badRequest('upload interrupted'));
  };
  request.once('close', interrupted);
  request.pipe(body);
  try {
    return await service.uploads.save(name, body, { maxBytes });
  } catch (error) {
    request.unpipe(body);
    request.resume();
    throw error instanceof UploadTooLargeError ? tooLarge() : error;
  } finally {
    request.off('close', interrupted);
  }
}

async function serveStatic(staticDir: string, pathname: string, response: ServerResponse): Promise<void> {
  const root = resolve(staticDir);
  const relative = normalize(decode(pathname, 'the path')).replace(/^([/\\])+/, '');
  if (relative.includes('\0')) throw badRequest('malformed request path');
  let file = resolve(root, relative === '' ? 'index.html' : relative);
  if (file !== root && !file.startsWith(root + sep)) return sendError(response, 403, 'forbidden', 'outside the app');
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) return sendError(response, 404, 'not_found', 'no such file');
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
  });
  // A client that goes away mid-file, or a file that vanished: nothing more to send.
  await pipeline(createReadStream(file), response).catch(() => response.destroy());
}

function serveEvents(service: DeskService, request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
  response.write(': connected\n\n');
  // Every contract event, so a new one reaches the browser without a change here.
  const unsubscribe = DESK_EVENTS.map((event) =>
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
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const sessions = new Sessions();
  let port = options.port ?? 0;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    securityHeaders(response);
    if (!isOwnHost(request, port)) return sendError(response, 403, 'forbidden', 'unknown host');
    const url = requestUrl(request.url, port);
    // First visit with the token in the URL: start a session and drop the token from the address bar.
    if (request.method === 'GET' && hasTokenInUrl(url, token)) {
      response.writeHead(302, { 'Set-Cookie': sessionCookie(port, sessions.create()), Location: sameOriginTarget(url) });
      return void response.end();
    }
    if (!isAuthorised(request, token, port, sessions)) {
      return sendError(response, 401, 'unauthorized', 'Not authorised: open the URL with the token that `npm run serve` printed.');
    }
    if (url.pathname.startsWith('/api/')) {
      if (request.method === 'GET' && url.pathname === '/api/events') return serveEvents(service, request, response);
      if (request.method !== 'POST') return sendError(response, 405, 'method_not_allowed', 'use POST');
      if (!isOwnOrigin(request, port)) return sendError(response, 403, 'forbidden', 'cross-origin request refused');
      if (url.pathname === '/api/upload') {
        const uploadId = await receiveUpload(service, request, maxUploadBytes);
        return sendJson(response, 200, { ok: true, value: { uploadId } });
      }
      const method = /^\/api\/call\/([A-Za-z]+)$/.exec(url.pathname)?.[1];
      if (!method) return sendError(response, 404, 'not_found', 'unknown API route');
      const contentType = request.headers['content-type'];
      if (typeof contentType !== 'string' || !contentType.startsWith('application/json')) {
        return sendError(response, 415, 'invalid_request', 'send application/json');
      }
      const result = await invokeHandler(service, method, await readJson(request));
      return sendJson(response, 200, encodeWire(result, toBase64));
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(response, 405, 'method_not_allowed', 'GET only');
    return serveStatic(staticDir, url.pathname, response);
  };

  /** Answers a request whose handling failed; never throws. */
  const fail = (response: ServerResponse, error: unknown): void => {
    try {
      if (!(error instanceof HttpError)) {
        log(`experiment-desk serve: request failed: ${firstLine(error)}`);
        if (process.env.EXPERIMENT_DESK_DEBUG && error instanceof Error) log(String(error.stack));
      }
      if (response.headersSent) return void response.destroy();
      if (error instanceof HttpError) sendError(response, error.status, error.code, error.message);
      else sendError(response, 500, 'internal', 'The web host could not handle this request; its console says why.');
    } catch {
      response.destroy();
    }
  };

  // No overall request deadline (a large upload takes minutes); idle connections are closed.
  const server: Server = createServer({ requestTimeout: 0 }, (request, response) => {
    handle(request, response).catch((error: unknown) => fail(response, error));
  });
  server.setTimeout(IDLE_TIMEOUT_MS);

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

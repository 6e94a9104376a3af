/**
 * Where the ChangeSet API client sends the token and what it reads back (docs/security.md, "The
 * ChangeSet API client"): https only (loopback excepted), no redirect to another origin, bodies
 * capped (an endless body and a gzip bomb, from servers on 127.0.0.1), and the token in no
 * message, detail or log line.
 */
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ChangeSetApiError, DEFAULT_MAX_RESPONSE_BYTES, createChangeSetClient, type AttemptInfo, type ChangeSetClientOptions } from '../../data/changesets/client.ts';
import type { ChangeSet } from '../../contract/changesets/schemas.ts';
import { changeSetRequest, walkTo } from '../reference-api/seed.ts';
import { sendJson, startFakeServer, type FakeHandler, type FakeServer } from './fake-http.ts';

const TOKEN = 'tok_0123456789abcdef_SECRET';
const servers: FakeServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

async function fake(handler: FakeHandler): Promise<FakeServer> {
  const server = await startFakeServer(handler);
  servers.push(server);
  return server;
}

const measuring: ChangeSet = walkTo(changeSetRequest(), 'MEASURING', { id: 'chg_sec', start: new Date('2026-03-01T00:00:00Z') }).changeset;

function client(baseUrl: string, options: Partial<ChangeSetClientOptions> = {}) {
  return createChangeSetClient({ baseUrl, token: () => TOKEN, timeoutMs: 10_000, maxAttempts: 1, baseDelayMs: 1, random: () => 0, ...options });
}

async function failure(promise: Promise<unknown>): Promise<ChangeSetApiError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ChangeSetApiError);
  return error as ChangeSetApiError;
}

describe('base URL', () => {
  it('refuses plain http to another computer before reading the token or sending anything', async () => {
    let asked = 0;
    let fetched = 0;
    const insecure = createChangeSetClient({
      baseUrl: 'http://api.example.com',
      token: () => {
        asked++;
        return TOKEN;
      },
      fetch: async () => {
        fetched++;
        return new Response('{}');
      },
    });
    const error = await failure(insecure.get('chg_sec'));
    expect(error).toMatchObject({ code: 'insecure_base_url', status: 0 });
    expect(error.message).toMatch(/https/);
    expect(error.transient).toBe(false);
    expect([asked, fetched]).toEqual([0, 0]);
    expect((await failure(client('https://user:pw@api.example.com').get('x'))).code).toBe('insecure_base_url');
  });

  it('allows https anywhere and http on loopback (127.0.0.1, ::1, localhost)', async () => {
    for (const baseUrl of ['https://api.example.com', 'http://127.0.0.1:9', 'http://[::1]:9', 'http://localhost:9']) {
      const seen: string[] = [];
      const ok = client(baseUrl, { fetch: async (url) => {
        seen.push(String(url));
        return Response.json({ data: measuring, meta: {} });
      } });
      expect((await ok.get('chg_sec')).id).toBe('chg_sec');
      expect(seen).toEqual([`${baseUrl}/v1/changesets/chg_sec`]);
    }
  });
});

describe('redirects', () => {
  it('never follows a redirect to another origin: the token stays home, the error says why', async () => {
    const elsewhere = await fake((_request, response) => sendJson(response, 200, { data: measuring, meta: {} }));
    // Another origin on the same machine: "localhost" is a different host from "127.0.0.1".
    const target = `http://localhost:${elsewhere.port}`;
    const api = await fake((request, response) => {
      response.writeHead(request.method === 'POST' ? 308 : 301, { Location: `${target}${request.url}` });
      response.end();
    });
    const logs: AttemptInfo[] = [];
    const c = client(api.url, { onAttempt: (info) => logs.push(info) });
    const read = await failure(c.get('chg_sec'));
    expect(read).toMatchObject({ code: 'cross_origin_redirect', status: 301, details: { location: target } });
    expect(read.message).toContain(target);
    expect(read.transient).toBe(false);
    const write = await failure(c.transition('chg_sec', { to: 'PROVEN', expectedVersion: measuring.version, reason: 'r', actor: { type: 'user', id: 'a' } }));
    expect(write).toMatchObject({ code: 'cross_origin_redirect', status: 308 });
    expect(elsewhere.requests).toEqual([]);
    expect(api.requests.map((r) => r.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    expect(JSON.stringify(logs)).not.toContain(TOKEN);

    // https → http on the same host is another origin too.
    const downgrade = client('https://api.example.com', {
      fetch: async () => new Response(null, { status: 302, headers: { Location: 'http://api.example.com/v1/changesets/chg_sec' } }),
    });
    expect((await failure(downgrade.get('chg_sec'))).code).toBe('cross_origin_redirect');
  });

  it('follows same-origin redirects (a write only with 307/308), at most maxRedirects', async () => {
    const api = await fake((request, response) => {
      if (request.url?.startsWith('/old/')) {
        response.writeHead(request.method === 'POST' ? 307 : 301, { Location: request.url.slice('/old'.length) });
        response.end();
        return;
      }
      if (request.url?.startsWith('/loop/')) {
        response.writeHead(302, { Location: request.url });
        response.end();
        return;
      }
      sendJson(response, 200, { data: { ...measuring, ...(request.method === 'POST' && { version: measuring.version + 1, execution: { ...measuring.execution, status: 'PROVEN' } }) }, meta: {} });
    });
    const moved = client(`${api.url}/old`);
    expect((await moved.get('chg_sec')).id).toBe('chg_sec');
    const proven = await moved.transition('chg_sec', { to: 'PROVEN', expectedVersion: measuring.version, reason: 'r', actor: { type: 'user', id: 'a' } });
    expect(proven.execution.status).toBe('PROVEN');
    expect(api.requests.filter((r) => r.method === 'POST').map((r) => [r.url, r.authorization, r.body !== ''])).toEqual([
      ['/old/v1/changesets/chg_sec/transitions', `Bearer ${TOKEN}`, true],
      ['/v1/changesets/chg_sec/transitions', `Bearer ${TOKEN}`, true],
    ]);
    // A write redirected with 301/302/303 would lose its body: refused.
    const seeOther = await fake((_request, response) => {
      response.writeHead(303, { Location: '/v1/changesets/chg_sec' });
      response.end();
    });
    const refused = await failure(client(seeOther.url).transition('chg_sec', { to: 'PROVEN', expectedVersion: 1, reason: 'r', actor: { type: 'user', id: 'a' } }));
    expect(refused).toMatchObject({ code: 'redirect_refused', status: 303 });
    // A redirect loop ends after maxRedirects hops.
    const before = api.requests.length;
    expect(await failure(client(`${api.url}/loop`, { maxRedirects: 2 }).get('chg_sec'))).toMatchObject({ code: 'redirect_refused', status: 302 });
    expect(api.requests.length - before).toBe(3);
  });
});

/** Writes `chunk` until the client goes away, respecting back-pressure. */
function endless(response: ServerResponse, chunk: Buffer): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    let open = true;
    response.on('close', () => {
      open = false;
      resolve(sent);
    });
    const pump = (): void => {
      while (open) {
        sent += chunk.byteLength;
        if (!response.write(chunk)) {
          response.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

describe('response bodies are capped', () => {
  it('an endless body stops at the cap with response_too_large, and the connection is closed', async () => {
    let served: Promise<number> = Promise.resolve(0);
    const api = await fake((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      served = endless(response, Buffer.alloc(64 * 1024, 0x20));
    });
    const error = await failure(client(api.url).get('chg_sec'));
    expect(error).toMatchObject({ code: 'response_too_large', status: 200 });
    expect(error.message).toContain(String(DEFAULT_MAX_RESPONSE_BYTES));
    // A 2xx may answer a write that was applied: callers keep it to send again (same key).
    expect(error.transient).toBe(true);
    const sent = await served;
    expect(sent).toBeLessThan(DEFAULT_MAX_RESPONSE_BYTES * 4);
  });

  it('a declared Content-Length above the cap is refused without reading', async () => {
    const api = await fake((_request, response) => {
      response.writeHead(500, { 'Content-Length': String(DEFAULT_MAX_RESPONSE_BYTES + 1) });
      response.write('{');
    });
    const error = await failure(client(api.url).get('chg_sec'));
    expect(error).toMatchObject({ code: 'response_too_large', status: 500 });
  });

  it('a gzip bomb (Content-Encoding: gzip, 1 GiB inflated from ~1 MiB) stops at the cap after decoding', async () => {
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    expect(member.byteLength).toBeLessThan(128 * 1024);
    let served: Promise<number> = Promise.resolve(0);
    const api = await fake((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      served = new Promise((resolve) => {
        let sent = 0;
        let open = true;
        response.on('close', () => {
          open = false;
          resolve(sent);
        });
        const pump = (): void => {
          // 16 concatenated members: 1 GiB once inflated.
          while (open && sent < 16 * member.byteLength) {
            sent += member.byteLength;
            if (!response.write(member)) {
              response.once('drain', pump);
              return;
            }
          }
          if (open) response.end();
        };
        pump();
      });
    });
    const before = process.memoryUsage();
    const error = await failure(client(api.url).get('chg_sec'));
    const after = process.memoryUsage();
    expect(error).toMatchObject({ code: 'response_too_large', status: 200 });
    // Far from the gigabyte the old client read into memory.
    expect(after.arrayBuffers + after.heapUsed - before.arrayBuffers - before.heapUsed).toBeLessThan(256 * 1024 * 1024);
    await served;
  });
});

describe('the token is never in a message', () => {
  it('a server echoing the token in its error: scrubbed from message, code, details and logs', async () => {
    const api = await fake((request, response) => sendJson(response, 400, {
      error: { code: 'bad_token', message: `you sent ${request.headers.authorization}`, details: { header: request.headers.authorization, nested: [TOKEN] }, request_id: 'r1' },
    }));
    const logs: AttemptInfo[] = [];
    const error = await failure(client(api.url, { onAttempt: (info) => logs.push(info) }).get('chg_sec'));
    expect(error.code).toBe('bad_token');
    expect(error.message).toBe('you sent Bearer [redacted]');
    expect(JSON.stringify([error.message, error.code, error.details, error.requestId, logs, String(error), error.stack])).not.toContain(TOKEN);
  });

  it('a token an HTTP header cannot carry is refused without sending it (the network layer would quote it)', async () => {
    let fetched = 0;
    const broken = createChangeSetClient({
      baseUrl: 'https://api.example.com',
      token: () => `${TOKEN}\n`,
      fetch: async () => {
        fetched++;
        return new Response('{}');
      },
    });
    const error = await failure(broken.get('chg_sec'));
    expect(error.code).toBe('not_configured');
    expect(error.message).not.toContain(TOKEN);
    expect(fetched).toBe(0);
  });

  it('network errors and timeouts do not carry it either', async () => {
    const down = client('http://127.0.0.1:9', { fetch: async () => {
      throw new TypeError(`fetch failed for Bearer ${TOKEN}`);
    } });
    const error = await failure(down.get('chg_sec'));
    expect(error.code).toBe('network_error');
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('[redacted]');
  });
});

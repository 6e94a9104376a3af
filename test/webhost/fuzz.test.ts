/**
 * A bounded, seeded fuzz of the web host (`npm run serve` in a child process, 127.0.0.1):
 * malformed paths and percent-encodings, odd methods, huge, duplicated and invalid headers,
 * cookies, bodies (invalid, huge, truncated, deeply nested, wrong content type), sent as raw
 * bytes over `node:net` (most of them are what fetch refuses to send). After every request the
 * host must still be running and answer a valid authenticated call; no answer may be a 5xx or
 * carry a stack trace, and a token login never redirects off this origin.
 *
 * FUZZ_SEED and FUZZ_REQUESTS change the seed (default fixed) and the count (default 300);
 * FUZZ_VERBOSE=1 prints each request and its status.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-files.ts';
import { STACK_TRACE, answersAuthenticated, rawRequest, startChildHost, type ChildHost } from './helpers.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_601);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 300);
const MAX_UPLOAD = 64 * 1024;

const files = tempDir();
let host: ChildHost;

beforeAll(async () => {
  const staticDir = files.path('static');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>desk</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1);');
  host = await startChildHost(['--db', ':memory:', '--data-dir', files.path('data'), '--static-dir', staticDir, '--max-upload-size', `${MAX_UPLOAD}`]);
});

afterAll(async () => {
  await host?.stop();
});

/** mulberry32: a small, fast, seeded generator. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Gen {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = random(seed);
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  text(length: number, alphabet: string): string {
    const chars = [...alphabet];
    return Array.from({ length }, () => this.pick(chars)).join('');
  }
}

/** One fuzz request: its raw bytes, and whether it is left incomplete on purpose (no answer expected). */
interface Case {
  readonly label: string;
  readonly bytes: Buffer;
  readonly incomplete: boolean;
}

/** Printable ASCII the HTTP parser lets through in a path, so that the host itself sees it. */
const PATH_CHARS = 'abcz019/._-~%[]{}@:;=&?#!$\'()*+,\\|^`"<>';
/** What the HTTP parser refuses before the host sees the request. */
const WILD_PATH_CHARS = ' üé€😀\u0000\u007f';
const HEX = '0123456789abcdefABCDEFgz';
const MALFORMED_PATHS = [
  '//[', '//[::1', '//a:b@[', '//%', '/%', '/%zz', '/%E0%A4%A', '/%C0%AF', '//:99999', '//[x]/', '/\\\\[', '*', 'http://[', '//evil.example/',
  '/.//evil.example/', '/..%2f..%2fsettings.json', '/../../etc/passwd', '/%2e%2e/%2e%2e/', '/%00', '/index.html%00.js', '/?%', '/?a=%zz&b',
  'http://127.0.0.1:1/', '/#frag', '/;/', '/assets/../../', '/api/%63all/getSettings', '/API/call/getSettings', '/api/call/getSettings/',
];
/** Contract methods that are cheap whatever the body, and names that are not methods. */
const METHODS = [
  'listExperiments', 'getSettings', 'listFiles', 'listOutbox', 'getApiSettings', 'listChangeSets', 'analyzeExperiment', 'previewFile',
  'previewRows', 'listRejects', 'cancelImport', 'getChangeSet', 'setSettings', 'dropTables', 'constructor', 'toString', 'hasOwnProperty',
];
const HTTP_METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'PROPFIND'];
const WILD_HTTP_METHODS = ['TRACE', 'get', 'FOO', 'G(T', 'CONNECT', ''];

function percentJunk(gen: Gen): string {
  return gen.pick(['%', '%%', `%${gen.text(1, HEX)}`, `%${gen.text(2, HEX)}`, '%E0%A4', '%F0%9F%98', '%C3%28', '%FF%FE', '%2F', '%5C', '%00', '%0D%0A']);
}

function randomPath(gen: Gen): string {
  switch (gen.int(7)) {
    case 0: return gen.pick(MALFORMED_PATHS);
    case 1: return `/${Array.from({ length: 1 + gen.int(6) }, () => (gen.chance(0.4) ? percentJunk(gen) : gen.text(1 + gen.int(6), PATH_CHARS))).join('')}`;
    case 2: return `/api/call/${gen.pick(METHODS)}${gen.chance(0.2) ? percentJunk(gen) : ''}`;
    case 3: return gen.pick(['/api/upload', '/api/upload', '/api/upload', '/api/events', '/api/call', '/api/', '/api/call/', '/api/upload?x=%']);
    case 4: return `/${'a/'.repeat(gen.pick([100, 2000, 9000]))}`; // long, up to past the header limit
    case 5: return gen.pick(['/', '/index.html', '/assets/app.js', '/assets/', '/missing.png']);
    default: return `${gen.pick(MALFORMED_PATHS)}${gen.text(gen.int(5), PATH_CHARS)}`;
  }
}

function randomJson(gen: Gen, depth = 0): unknown {
  switch (gen.int(depth > 3 ? 4 : 7)) {
    case 0: return gen.int(1_000_000) - 500_000;
    case 1: return gen.text(gen.int(20), 'abc é"\\\u0000\u2028');
    case 2: return gen.pick([null, true, false, 1e308, -0]);
    case 3: return { $bytes: gen.pick(['', 'AAAA', '!!!', '%%%', 'QUJD']) };
    case 4: return Array.from({ length: gen.int(4) }, () => randomJson(gen, depth + 1));
    default: {
      const keys = ['experimentId', 'file', 'uploadId', 'importId', 'overrides', 'alpha', '__proto__', 'constructor', 'kind', 'id', 'limit', 'offset'];
      return Object.fromEntries(Array.from({ length: gen.int(4) }, () => [gen.pick(keys), randomJson(gen, depth + 1)]));
    }
  }
}

function randomBody(gen: Gen): Buffer {
  switch (gen.int(9)) {
    case 0: return Buffer.from('');
    case 1: return Buffer.from(JSON.stringify(randomJson(gen)));
    case 2: return Buffer.from(JSON.stringify(randomJson(gen)).slice(0, -1 - gen.int(3))); // cut short: invalid JSON
    case 3: return Buffer.from(gen.pick(['{', '}', '{"a":', 'nul', '[1,]', '{"a":1}{"b":2}', '\u0000', 'NaN', '{"experimentId": "x"', '"\\ud800"']));
    case 4: return Buffer.from(`${'['.repeat(20_000)}${']'.repeat(20_000)}`); // deeply nested
    case 5: return Buffer.from(`{"experimentId":"${'x'.repeat(gen.pick([1000, 70_000, 1_100_000]))}"}`); // up to past the JSON limit
    case 6: return Buffer.from(Array.from({ length: gen.int(2000) }, () => gen.int(256)));
    case 7: return Buffer.alloc(gen.pick([MAX_UPLOAD - 1, MAX_UPLOAD + 1, 3 * MAX_UPLOAD]), 'x'); // around the upload limit
    default: return Buffer.from('id,arm\n1,a\n2,b\n');
  }
}

function randomCookie(gen: Gen, port: number): string {
  const name = gen.pick([`desk_session_${port}`, 'desk_token', `desk_session_${port + 1}`, '', '%', 'a b', `desk_session_${port}\u0000`]);
  const value = gen.pick(['%', '%zz', '', '=', ';', 'A'.repeat(43), gen.text(gen.int(60), PATH_CHARS), percentJunk(gen), 'x'.repeat(gen.pick([10, 5000]))]);
  const crumb = `${name}=${value}`;
  return gen.chance(0.3) ? Array.from({ length: 1 + gen.int(40) }, () => crumb).join('; ') : crumb;
}

/**
 * A request; a "wild" one (about one in three) also breaks HTTP itself (bad header names, line
 * folding, conflicting lengths, broken chunks, odd versions), which the HTTP parser refuses
 * before the host sees it; the others reach the host's own code.
 */
function buildCase(gen: Gen, port: number, token: string): Case {
  const wild = gen.chance(0.3);
  let path = randomPath(gen);
  const api = path.startsWith('/api/');
  const method = wild && gen.chance(0.3) ? gen.pick(WILD_HTTP_METHODS) : api && gen.chance(0.7) ? 'POST' : gen.pick(HTTP_METHODS);
  if (wild && gen.chance(0.3)) path += gen.text(1 + gen.int(3), WILD_PATH_CHARS);
  const login = gen.chance(0.08);
  if (login) path += `${path.includes('?') ? '&' : '?'}token=${token}`;
  else if (gen.chance(0.05)) path += `?token=${gen.pick(['', '%', token.slice(1), `${token}x`, `${token}%00`])}`;
  const headers: [string, string][] = [];
  headers.push(['Host', gen.chance(0.9) ? `127.0.0.1:${port}` : gen.pick([`evil.example:${port}`, `localhost:${port}`, '', `127.0.0.1:${port}x`, '[::1', '%'])]);
  if (gen.chance(0.8)) headers.push(['Authorization', gen.chance(0.85) ? `Bearer ${token}` : gen.pick(['Bearer', 'Bearer ', `Bearer  ${token}`, `bearer ${token}`, 'Basic %%%', `Bearer ${'x'.repeat(9000)}`])]);
  if (gen.chance(0.3)) headers.push(['Cookie', randomCookie(gen, port)]);
  if (gen.chance(path.startsWith('/api/call') ? 0.85 : 0.3)) headers.push(['Content-Type', gen.pick(['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/jsonx', '', 'multipart/form-data; boundary=x', '\u00ff'])]);
  if (gen.chance(0.2)) headers.push(['Origin', gen.pick(['http://evil.example', 'null', `http://127.0.0.1:${port}`, '%', ''])]);
  if (gen.chance(path.startsWith('/api/upload') ? 0.85 : 0.1)) headers.push(['X-File-Name', gen.pick(['data.csv', '%', '%E0%A4%A', '../../etc/passwd', '%2e%2e%2f%2e%2e%2fx.csv', '', encodeURIComponent('ü'.repeat(300) + '.csv'), 'a%00b.csv', 'CON', '.', '..', encodeURIComponent('/\\:*?"<>|.csv')])]);
  if (gen.chance(0.1)) headers.push([gen.pick(['X-Big', 'Cookie', 'Referer']), 'y'.repeat(gen.pick([4000, 20_000]))]); // up to past the header limit
  if (gen.chance(0.1)) for (let i = 0; i < gen.pick([50, 300]); i++) headers.push([`X-Many-${i}`, String(i)]);
  if (gen.chance(0.05)) headers.push(['Authorization', `Bearer ${token}`]); // duplicated Authorization
  if (gen.chance(0.05)) headers.push(['X-File-Name', 'second.csv']); // duplicated X-File-Name
  if (wild) {
    if (gen.chance(0.2)) headers.push(['Host', `127.0.0.1:${port}`]); // duplicated Host
    if (gen.chance(0.3)) headers.push([gen.pick(['Bad Name', 'Bad:Name', 'Ba\u0000d', '', 'Ä']), 'x']); // invalid header names
    if (gen.chance(0.2)) headers.push(['X-Folded', 'a\r\n b']); // obsolete line folding
    if (gen.chance(0.2)) headers.push(['X-Nul', 'a\u0000b']);
  }

  const hasBody = method !== 'GET' && method !== 'HEAD' ? gen.chance(0.85) : gen.chance(0.1);
  let body = hasBody ? randomBody(gen) : Buffer.alloc(0);
  let incomplete = false;
  if (hasBody) {
    switch (wild ? gen.int(5) : gen.pick([1, 5, 5, 5, 5, 5, 0])) {
      case 0: { // chunked, maybe broken
        headers.push(['Transfer-Encoding', 'chunked']);
        const chunked = !wild
          ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')])
          : Buffer.concat([Buffer.from(gen.pick(['zz\r\n', `${(body.length + 10).toString(16)}\r\n`, '-1\r\n', '1;ext=\u0000\r\n'])), body]);
        incomplete = !chunked.subarray(-5).equals(Buffer.from('0\r\n\r\n'));
        body = chunked;
        break;
      }
      case 1: // declared longer than sent: the host waits for the rest
        headers.push(['Content-Length', String(body.length + 1 + gen.int(100))]);
        incomplete = true;
        break;
      case 2: // declared twice, differently
        headers.push(['Content-Length', String(body.length)], ['Content-Length', String(body.length + 1)]);
        break;
      case 3:
        headers.push(['Content-Length', gen.pick(['-1', 'abc', '1e3', '99999999999999999999', ' 5'])]);
        break;
      case 4: // both
        headers.push(['Content-Length', String(body.length)], ['Transfer-Encoding', 'chunked']);
        break;
      default:
        headers.push(['Content-Length', String(body.length)]);
    }
  }
  if (method === 'GET' && path.startsWith('/api/events')) incomplete = true; // an event stream stays open
  headers.push(['Connection', 'close']);
  const version = wild && gen.chance(0.2) ? gen.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x', 'HTTP/9']) : 'HTTP/1.1';
  const head = `${method} ${path} ${version}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  const label = `${method} ${path.length > 80 ? `${path.slice(0, 80)}…` : path} [${headers.map(([name]) => name).join(',')}] body ${body.length}`;
  return { label, bytes: Buffer.concat([Buffer.from(head, 'utf8'), body]), incomplete };
}

describe('web host fuzz', () => {
  it(`survives ${REQUESTS} malformed requests (seed ${SEED}) without a 5xx or a stack trace`, { timeout: 120_000 }, async () => {
    const gen = new Gen(SEED);
    const statuses = new Map<number, number>();
    const started = Date.now();
    for (let i = 0; i < REQUESTS; i++) {
      const request = buildCase(gen, host.port, host.token);
      const reply = await rawRequest(host.port, request.bytes, request.incomplete ? 300 : 10_000);
      const where = `request ${i} (seed ${SEED}): ${request.label}`;
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      if (process.env.FUZZ_VERBOSE) console.log(reply.status, where, reply.body.slice(0, 120));
      expect(reply.status < 500, `${where} → ${reply.raw.slice(0, 300)}`).toBe(true);
      expect(reply.raw, where).not.toMatch(STACK_TRACE);
      if (!request.incomplete) expect(reply.timedOut, `${where}: no answer`).toBe(false);
      if (reply.status >= 300 && reply.status < 400) {
        const location = reply.headers.location ?? '';
        expect(location, where).toMatch(/^\/(?![/\\])/);
        expect(new URL(location, `http://127.0.0.1:${host.port}`).host, where).toBe(`127.0.0.1:${host.port}`);
      }
      expect(host.alive(), `${where}: the host exited; stderr: ${host.stderr()}`).toBe(true);
      expect(await answersAuthenticated(host.port, host.token), `${where}: the host no longer answers`).toBe(true);
    }
    if (process.env.FUZZ_VERBOSE) console.log(Object.fromEntries(statuses));
    // Every refused request was refused by a status, never by a failure of the host.
    expect(host.stderr()).toBe('');
    expect(statuses.size).toBeGreaterThan(5); // the requests reached many different answers
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});

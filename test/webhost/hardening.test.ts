/**
 * The web host against hostile or malformed requests, over real HTTP on 127.0.0.1: malformed
 * request paths and cookies get a 4xx and the process lives on; the session cookie is named
 * after the port and holds a session id, not the token; the token login redirects on this
 * origin only; a locked database ends `npm run serve` with one line and exit code 2; uploads are
 * size-limited, private, and cleaned after a crash.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../data/database.ts';
import { createDeskService, type DeskService } from '../../data/service/desk-service.ts';
import { removeStaleUploads, safeFileName, uploadRunFolder } from '../../data/service/uploads.ts';
import { startWebHost, type WebHost } from '../../webhost/server.ts';
import { tempDir } from '../helpers/temp-files.ts';
import { STACK_TRACE, answersAuthenticated, httpBytes, rawRequest, runMain, startChildHost, type ChildHost } from './helpers.ts';

const files = tempDir();
const TOKEN = 'hardening-token-0123456789';
const staticDir = files.path('static');
const dataDir = files.path('data');
const uploadRoot = join(dataDir, 'web-uploads');
let child: ChildHost;
let service: DeskService;
let host: WebHost;
let second: WebHost;
const logged: string[] = [];

/** A pid that no process has (a child that already exited). */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', '']);
  return run.pid!;
}

/** A run folder a crashed earlier host left, with an upload in it, dated an hour ago. */
function leftover(name: string): string {
  const folder = join(uploadRoot, name);
  mkdirSync(join(folder, 'uploads', 'some-id'), { recursive: true });
  writeFileSync(join(folder, 'uploads', 'some-id', 'events.csv'), 'id,arm\n1,a\n');
  const anHourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(folder, anHourAgo, anHourAgo);
  return folder;
}

let crashedRun: string;
let notOurs: string;

beforeAll(async () => {
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>desk</title>');
  crashedRun = leftover(`experiment-desk-${deadPid()}-abc123`);
  notOurs = leftover('holiday-photos');
  [child, service] = await Promise.all([
    startChildHost(['--db', ':memory:', '--data-dir', dataDir, '--static-dir', staticDir, '--max-upload-size', '4KiB']),
    createDeskService({ databasePath: ':memory:', settingsPath: files.path('settings.json'), uploadDir: files.path('uploads') }),
  ]);
  host = await startWebHost({ service, staticDir, token: TOKEN, maxUploadBytes: 1000, log: (line) => logged.push(line) });
  second = await startWebHost({ service, staticDir, token: 'second-token-0123456789', log: (line) => logged.push(line) });
});

afterAll(async () => {
  await Promise.all([host?.close(), second?.close(), child?.stop()]);
  await service?.close();
});

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function send(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A GET over a raw socket, the target sent exactly as given (like `curl -g --path-as-is`). */
function rawGet(port: number, target: string, headers: readonly (readonly [string, string])[] = []) {
  return rawRequest(port, httpBytes('GET', target, [['Host', `127.0.0.1:${port}`], ...headers, ['Connection', 'close']]));
}

describe('malformed request paths (the process lives on)', () => {
  const MALFORMED = ['//[', '//[::1', '//a:b@[', '//%', '/%', '/%zz', '//:99999', '//[x]/', '/\\\\[', '*', 'http://[', 'http://127.0.0.1:1/', '/%00', '/%E0%A4%A'];

  it.each(MALFORMED)('%s gets a 4xx, before and after the token check, without a stack', async (target) => {
    for (const headers of [[], [['Authorization', `Bearer ${child.token}`]]] as const) {
      const reply = await rawGet(child.port, target, headers);
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
      expect(reply.body).not.toMatch(STACK_TRACE);
    }
    expect(child.alive()).toBe(true);
    expect(await answersAuthenticated(child.port, child.token)).toBe(true);
  });

  it('a no-cors request from another origin cannot stop it either', async () => {
    for (const target of ['//[', '/%', '//[::1']) {
      const reply = await rawGet(child.port, target, [['Origin', 'http://evil.example'], ['Sec-Fetch-Mode', 'no-cors'], ['Sec-Fetch-Site', 'cross-site']]);
      expect([400, 401]).toContain(reply.status);
    }
    expect(await answersAuthenticated(child.port, child.token)).toBe(true);
  });

  it('a malformed percent-encoding behind the token check is a 400 too', async () => {
    const reply = await send(host.port, '/%E0%A4%A', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(reply.status).toBe(400);
    const upload = await send(host.port, '/api/upload', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'X-File-Name': '%' }, body: 'x' });
    expect(upload.status).toBe(400);
    expect(logged).toEqual([]); // refused requests are not failures of the host
  });
});

describe('malformed cookies (the process lives on)', () => {
  it.each(['desk_token=%', 'desk_session_PORT=%', '%=%', '=; ;;', 'desk_session_PORT', `desk_session_PORT=${'%'.repeat(2000)}`, 'a=b; desk_session_PORT=%E0%A4%A'])(
    'Cookie: %s gets a 401', async (cookie) => {
      const reply = await rawGet(child.port, '/', [['Cookie', cookie.replaceAll('PORT', String(child.port))]]);
      expect(reply.status).toBe(401);
      expect(child.alive()).toBe(true);
      expect(await answersAuthenticated(child.port, child.token)).toBe(true);
    });
});

/** The token login: the session cookie's name=value and where it redirects. */
async function login(port: number, token: string, path = '/'): Promise<{ cookie: string; location: string; setCookie: string }> {
  const reply = await rawGet(port, `${path}${path.includes('?') ? '&' : '?'}token=${token}`);
  expect(reply.status).toBe(302);
  const setCookie = reply.headers['set-cookie'] ?? '';
  return { cookie: setCookie.split(';')[0]!, location: reply.headers.location ?? '', setCookie };
}

describe('the session cookie', () => {
  it('is named after the port and holds a random session id, not the launch token', async () => {
    const { cookie, setCookie } = await login(host.port, TOKEN);
    const [name, value] = cookie.split('=');
    expect(name).toBe(`desk_session_${host.port}`);
    expect(value).not.toContain(TOKEN);
    expect(value!.length).toBeGreaterThanOrEqual(40);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect((await send(host.port, '/', { headers: { Cookie: cookie } })).status).toBe(200);
    // Each login is a session of its own.
    expect((await login(host.port, TOKEN)).cookie).not.toBe(cookie);
  });

  it('is refused when made up, carrying the token, named for another port, or the old name', async () => {
    const { cookie } = await login(host.port, TOKEN);
    const value = cookie.split('=')[1]!;
    for (const forged of [
      `desk_session_${host.port}=${'A'.repeat(43)}`,
      `desk_session_${host.port}=${TOKEN}`,
      `desk_session_${second.port}=${value}`,
      `desk_token=${TOKEN}`,
      `desk_session_${host.port}=`,
    ]) {
      expect((await send(host.port, '/', { headers: { Cookie: forged } })).status).toBe(401);
    }
  });

  it('of a second host on another port does not log the first one out', async () => {
    const first = await login(host.port, TOKEN);
    const other = await login(second.port, 'second-token-0123456789');
    // A browser sends every 127.0.0.1 cookie to every port: both hosts see both cookies.
    const jar = `${first.cookie}; ${other.cookie}`;
    expect((await send(host.port, '/', { headers: { Cookie: jar } })).status).toBe(200);
    expect((await send(second.port, '/', { headers: { Cookie: jar } })).status).toBe(200);
    // Each host's session is its own.
    expect((await send(second.port, '/', { headers: { Cookie: first.cookie.replace(String(host.port), String(second.port)) } })).status).toBe(401);
  });
});

describe('the redirect after the token login', () => {
  it.each([
    '/.//evil.example/', '//evil.example/', '/\\evil.example/', '/./\\evil.example/', '/%2F%2Fevil.example/', '/http://evil.example/',
    '/javascript:alert(1)', '/./%5C%5Cevil.example', '/.%2F/evil.example', '///evil.example',
  ])('%s stays on this origin', async (path) => {
    const { location } = await login(host.port, TOKEN, path);
    expect(location.startsWith('/')).toBe(true);
    expect(location).not.toMatch(/^\/[/\\]/);
    expect(location).not.toMatch(/evil\.example|javascript:/);
    const base = `http://127.0.0.1:${host.port}`;
    expect(new URL(location, base).origin).toBe(base);
  });

  it('keeps a plain path and its query, without the token', async () => {
    expect((await login(host.port, TOKEN, '/experiments/a?tab=report')).location).toBe('/experiments/a?tab=report');
    expect((await login(host.port, TOKEN)).location).toBe('/');
  });
});

describe('a database another process holds', () => {
  it('ends `npm run serve` with one line and exit code 2, like the command line', async () => {
    const path = files.path('locked.duckdb');
    const db = await openDatabase(path);
    try {
      const run = await runMain(['--db', path, '--data-dir', files.path('locked-data'), '--static-dir', staticDir]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^experiment-desk serve: --db .*locked\.duckdb: cannot open database \(.*lock.*\)\n$/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      // Its upload folder went with it.
      expect(readdirSync(join(files.path('locked-data'), 'web-uploads'))).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('bad options and a port in use are one line and exit code 2 too', async () => {
    const [unknown, size, busy] = await Promise.all([
      runMain(['--bogus']),
      runMain(['--max-upload-size', 'lots', '--static-dir', staticDir]),
      runMain(['--port', String(child.port), '--db', ':memory:', '--data-dir', files.path('busy-data'), '--static-dir', staticDir]),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^experiment-desk serve: .*--bogus.*\n$/);
    expect(size.code).toBe(2);
    expect(size.stderr).toBe('experiment-desk serve: --max-upload-size lots: not a size (e.g. 500MiB, 20GiB)\n');
    expect(busy.code).toBe(2);
    expect(busy.stderr).toBe(`experiment-desk serve: --port ${child.port}: cannot listen on 127.0.0.1 (EADDRINUSE)\n`);
  });
});

describe('uploads', () => {
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const uploadFolders = (): string[] => (existsSync(files.path('uploads/uploads')) ? readdirSync(files.path('uploads/uploads')) : []);

  it('are private: the file 0600 in 0700 folders', async () => {
    const reply = await send(host.port, '/api/upload', { method: 'POST', headers: { ...auth, 'X-File-Name': 'small.csv' }, body: 'id,arm\n1,a\n' });
    expect(reply.status).toBe(200);
    const { uploadId } = (JSON.parse(reply.body) as { value: { uploadId: string } }).value;
    const upload = service.uploads.resolve(uploadId)!;
    expect(statSync(upload.path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(upload.path)).mode & 0o777).toBe(0o700);
    expect(statSync(dirname(dirname(upload.path))).mode & 0o777).toBe(0o700);
  });

  it('over the limit get 413 and leave no file, whether the length is declared or not', async () => {
    const before = uploadFolders();
    const body = Buffer.alloc(5000, 'x');
    const declared = await send(host.port, '/api/upload', { method: 'POST', headers: { ...auth, 'X-File-Name': 'big.csv', 'Content-Length': '5000' }, body });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ ok: false, error: { code: 'bad_input', message: expect.stringMatching(/upload limit of 1000 bytes/) } });
    const chunked = await send(host.port, '/api/upload', { method: 'POST', headers: { ...auth, 'X-File-Name': 'big.csv', 'Transfer-Encoding': 'chunked' }, body });
    expect(chunked.status).toBe(413);
    expect(uploadFolders()).toEqual(before);
    // The connection and the host are fine afterwards.
    expect((await send(host.port, '/api/upload', { method: 'POST', headers: { ...auth, 'X-File-Name': 'ok.csv' }, body: Buffer.alloc(1000, 'y') })).status).toBe(200);
    expect(logged).toEqual([]);
  });

  it('the limit is an option of `npm run serve`', async () => {
    const over = await rawRequest(child.port, httpBytes('POST', '/api/upload', [
      ['Host', `127.0.0.1:${child.port}`], ['Authorization', `Bearer ${child.token}`], ['X-File-Name', 'big.csv'],
      ['Content-Length', '5000'], ['Connection', 'close'],
    ], Buffer.alloc(5000, 'x')));
    expect(over.status).toBe(413);
    expect(over.body).toMatch(/4 KiB/);
  });

  it('a long file name is cut to 200 bytes, keeping its extension', () => {
    const name = safeFileName(`${'ü'.repeat(300)}.csv.gz`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    expect(name.endsWith('.gz')).toBe(true);
  });

  it('what a crashed run left is removed at start; nothing else is', () => {
    expect(existsSync(crashedRun)).toBe(false);
    expect(existsSync(join(notOurs, 'uploads', 'some-id', 'events.csv'))).toBe(true);
    const own = readdirSync(uploadRoot).filter((name) => name.startsWith(`experiment-desk-${child.child.pid}-`));
    expect(own).toHaveLength(1);
    expect(statSync(join(uploadRoot, own[0]!)).mode & 0o777).toBe(0o700);
    expect(statSync(uploadRoot).mode & 0o777).toBe(0o700);
  });

  it('a run folder of a live process, or newer than this process, is kept', async () => {
    const root = files.path('stale-root');
    const live = join(root, `experiment-desk-${process.pid}-aaaaaa`);
    mkdirSync(live, { recursive: true });
    const running = join(root, `experiment-desk-${process.ppid}-bbbbbb`);
    mkdirSync(running);
    const fresh = join(root, `experiment-desk-${deadPid()}-cccccc`);
    mkdirSync(fresh);
    const old = join(root, `experiment-desk-${deadPid()}-dddddd`);
    mkdirSync(old);
    const past = new Date(Date.now() - 3_600_000);
    for (const folder of [live, running, old]) utimesSync(folder, past, past);
    const startedAt = Date.now() - 60_000;
    expect(await removeStaleUploads(root, startedAt)).toEqual([old]);
    expect([live, running, fresh].every((folder) => existsSync(folder))).toBe(true);
    const mine = await uploadRunFolder(root);
    expect(dirname(mine)).toBe(root);
    expect(statSync(mine).mode & 0o777).toBe(0o700);
  });

  it('are removed when the host stops (this stops the shared host)', async () => {
    const own = readdirSync(uploadRoot).filter((name) => name.startsWith(`experiment-desk-${child.child.pid}-`));
    expect(own).toHaveLength(1);
    expect(child.stderr()).toBe(''); // no request made the host log a failure
    expect(await child.stop()).toBe(0);
    expect(existsSync(join(uploadRoot, own[0]!))).toBe(false);
    expect(existsSync(notOurs)).toBe(true);
  });
});

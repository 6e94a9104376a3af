/**
 * The loopback web host over real HTTP on 127.0.0.1: token, cookie, host and origin guards,
 * contract calls with validation, uploads, progress events, static files without traversal.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeskService, type DeskService } from '../../data/service/desk-service.ts';
import { startWebHost, type WebHost } from '../../webhost/server.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();
const TOKEN = 'test-token-0123456789';
let service: DeskService;
let host: WebHost;

beforeAll(async () => {
  const staticDir = files.path('static');
  mkdirSync(staticDir);
  writeFileSync(`${staticDir}/index.html`, '<!doctype html><title>desk</title>');
  service = await createDeskService({ databasePath: ':memory:', settingsPath: files.path('settings.json'), uploadDir: files.path('uploads') });
  host = await startWebHost({ service, staticDir, token: TOKEN });
});

afterAll(async () => {
  await host.close();
  await service.close();
});

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A raw HTTP request (fetch cannot set Host). */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = { Authorization: `Bearer ${TOKEN}` };

async function call(method: string, body: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const reply = await send(`/api/call/${method}`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(reply.status).toBe(200);
  return JSON.parse(reply.body) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

describe('web host access', () => {
  it('listens on 127.0.0.1 only and prints a URL with the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${TOKEN}`);
  });
  it('refuses requests without the token with 401', async () => {
    expect((await send('/')).status).toBe(401);
    expect((await send('/api/call/listExperiments', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await send('/', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
  });
  it('trades the URL token for an HttpOnly SameSite=Strict cookie', async () => {
    const first = await send(`/?token=${TOKEN}`);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await send('/', { headers: { Cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
  });
  it('refuses a foreign Host header (DNS rebinding) and a cross-origin POST', async () => {
    expect((await send('/', { headers: { ...auth, Host: `evil.example:${host.port}` } })).status).toBe(403);
    const crossOrigin = await send('/api/call/listExperiments', {
      method: 'POST', headers: { ...auth, 'Content-Type': 'application/json', Origin: 'http://evil.example' }, body: '{}',
    });
    expect(crossOrigin.status).toBe(403);
  });
  it('does not serve files outside the renderer folder', async () => {
    const reply = await send('/..%2f..%2fsettings.json', { headers: auth });
    expect([403, 404]).toContain(reply.status);
    expect(reply.body).not.toMatch(/alpha/);
  });
});

describe('contract over HTTP', () => {
  it('validates requests before they reach data/', async () => {
    const unknown = await call('dropTables', {});
    expect(unknown.error?.code).toBe('invalid_request');
    const invalid = await call('analyzeExperiment', { experimentId: 42 });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('uploads a file, imports it with progress events, and analyses it', async () => {
    const csv = ['id,arm,bought', ...Array.from({ length: 400 }, (_, i) => `${i},${i % 2 ? 'b' : 'a'},${i % 5 === 0 ? 1 : 0}`)].join('\n');
    const upload = await send('/api/upload', { method: 'POST', headers: { ...auth, 'X-File-Name': encodeURIComponent('shop test.csv') }, body: csv });
    const { value } = JSON.parse(upload.body) as { value: { uploadId: string } };

    const events: string[] = [];
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve) => {
      httpRequest({ host: '127.0.0.1', port: host.port, path: '/api/events', headers: auth }, resolve).end();
    });
    stream.on('data', (chunk: Buffer) => events.push(chunk.toString('utf8')));

    const file = { kind: 'upload', uploadId: value.uploadId, name: 'shop test.csv' };
    const unmapped = await call('importFiles', { importId: 'i1', files: [file] });
    expect(unmapped.error?.code).toBe('mapping_required');
    const preview = await call('previewFile', { file }) as { value: { header: string[]; guess: Record<string, unknown>; variantValues: string[] } };
    expect(preview.value.header).toEqual(['id', 'arm', 'bought']);
    expect(preview.value.guess).toMatchObject({ unit: 'id', variant: 'arm', control: 'a', metrics: ['bought'] });
    const imported = await call('importFiles', { importId: 'i2', files: [file], mapping: preview.value.guess }) as { value: { summaries: { rowsRead: number; path: string }[] } };
    expect(imported.value.summaries[0]).toMatchObject({ rowsRead: 400, path: 'shop test.csv' });
    stream.destroy();
    expect(events.join('')).toMatch(/event: import-progress\ndata: \{.*"importId":"i2"/);

    const list = await call('listExperiments', {}) as { value: { experimentId: string; units: number }[] };
    expect(list.value).toEqual([expect.objectContaining({ experimentId: 'shop test', units: 400 })]);
    const analysis = await call('analyzeExperiment', { experimentId: 'shop test', overrides: { alpha: 0.1 } }) as {
      value: { report: { settings?: unknown; metrics: { name: string }[] }; cumulative: { $bytes: string } };
    };
    expect(analysis.value.report.metrics[0]!.name).toBe('bought');
    expect(typeof analysis.value.cumulative.$bytes).toBe('string'); // Arrow bytes travel as $bytes
  });
});

describe('files from the renderer (docs/security.md, "Files from the renderer")', () => {
  const secret = 'id,arm,secret\n1,a,hunter2-do-not-leak\n';

  it('refuses previewFile and importFiles naming a local path, without reading it', async () => {
    const path = files.path('private.csv');
    writeFileSync(path, secret);
    const before = await call('listFiles', {}) as { value: unknown[] };
    const requests: [string, unknown][] = [
      ['previewFile', { file: { kind: 'path', path } }],
      ['importFiles', { importId: 'steal', files: [{ kind: 'path', path }] }],
      ['importFiles', { importId: 'steal', files: [{ kind: 'path', path }], mapping: { unit: 'id', variant: 'arm', control: 'a' }, force: true }],
      // A path beside an upload's fields is refused too (refs are strict), not silently dropped.
      ['previewFile', { file: { kind: 'upload', uploadId: 'x', name: 'x.csv', path } }],
    ];
    for (const [method, body] of requests) {
      const reply = await send(`/api/call/${method}`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
      expect(reply.body).not.toContain('hunter2');
    }
    const after = await call('listFiles', {}) as { value: unknown[] };
    expect(after.value).toEqual(before.value);
  });

  it('answers not_found for an unknown upload id or a handle the web host never issued', async () => {
    const unknownUpload = await call('previewFile', { file: { kind: 'upload', uploadId: 'no-such-upload', name: 'x.csv' } });
    expect(unknownUpload).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const handle = await call('importFiles', { importId: 'h', files: [{ kind: 'handle', handle: 'made-up', name: 'x.csv' }] });
    expect(handle).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('does not accept an upload of one host in another', async () => {
    const upload = await send('/api/upload', { method: 'POST', headers: { ...auth, 'X-File-Name': 'mine.csv' }, body: secret });
    const { value } = JSON.parse(upload.body) as { value: { uploadId: string } };
    const file = { kind: 'upload', uploadId: value.uploadId, name: 'mine.csv' };
    expect(await call('previewFile', { file })).toMatchObject({ ok: true, value: { header: ['id', 'arm', 'secret'] } });

    const staticDir = files.path('static');
    const otherService = await createDeskService({ databasePath: ':memory:', settingsPath: files.path('other-settings.json'), uploadDir: files.path('other-uploads') });
    const other = await startWebHost({ service: otherService, staticDir, token: 'other-token-0123456789' });
    try {
      const reply = await fetch(`http://127.0.0.1:${other.port}/api/call/previewFile`, {
        method: 'POST', headers: { Authorization: 'Bearer other-token-0123456789', 'Content-Type': 'application/json' }, body: JSON.stringify({ file }),
      });
      const body = await reply.text();
      expect(JSON.parse(body)).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(body).not.toContain('hunter2');
    } finally {
      await other.close();
      await otherService.close();
    }
  });
});
